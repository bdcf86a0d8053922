/**
 * OneCity as an OpenID Provider (oidc-provider 9): authorization code flow with PKCE (S256)
 * required for every client, confidential clients only, pairwise subjects, claims released
 * only for the scopes the citizen consented to. The citizen's OneCity session is the login:
 * the provider never asks for a password of its own.
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Kysely } from 'kysely';
import Provider, {
  type Account,
  type Client,
  type Configuration,
  interactionPolicy,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { Config } from '../../../config.ts';
import type { Database } from '../../db/schema.ts';
import { negotiateLocale } from '../../i18n/locale.ts';
import type { Clock } from '../../time/clock.ts';
import type { PiiVault } from '../pii.ts';
import { databaseAdapter } from './adapter.ts';
import { errorPage, pagePolicy } from './pages.ts';
import type { OidcSecrets } from './secrets.ts';

/** Where the provider is mounted; the issuer is the public URL plus this path. */
export const OIDC_PATH = '/oidc';

/** The claims each scope releases. The national ID number is in none of them. */
export const scopeClaims = {
  openid: ['sub'],
  profile: ['name'],
  phone: ['phone_number', 'phone_number_verified'],
  email: ['email', 'email_verified'],
} as const;

/**
 * The OneCity citizen signed in on a raw request that reached the provider (null: nobody).
 * Set by the mount before the provider runs; read by the login check below.
 */
export const onecityCitizen = new WeakMap<IncomingMessage, string | null>();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The issuer identifier for `publicUrl`. */
export function issuerFor(publicUrl: string): string {
  return `${publicUrl}${OIDC_PATH}`;
}

/** What the provider needs from the platform. */
export interface OidcDeps {
  config: Config;
  db: Kysely<Database>;
  clock: Clock;
  pii: PiiVault;
}

/** Builds the provider for this deployment. */
export function createOidcProvider(deps: OidcDeps, secrets: OidcSecrets): Provider {
  const { config, db, clock, pii } = deps;

  // Login is "the citizen signed in to OneCity in this browser": when that citizen is not the
  // one the provider's own session remembers (signed out, or someone else signed in), ask again.
  const policy = interactionPolicy.base();
  policy.get('login')?.checks.add(
    new interactionPolicy.Check('onecity_session', 'the OneCity session ended or belongs to another citizen', (ctx) => {
      const citizen = onecityCitizen.get(ctx.req);
      return !citizen || citizen !== ctx.oidc.session?.accountId;
    }),
  );

  const configuration: Configuration = {
    adapter: databaseAdapter(db, clock, pii),
    jwks: secrets.jwks,
    cookies: {
      keys: secrets.cookieKeys,
      names: { session: 'oc_oidc_session', interaction: 'oc_oidc_interaction', resume: 'oc_oidc_resume' },
    },
    claims: scopeClaims,
    scopes: Object.keys(scopeClaims),
    subjectTypes: ['pairwise'],
    // One subject per client: two relying parties cannot match their users by `sub`.
    pairwiseIdentifier: async (_ctx: KoaContextWithOIDC, accountId: string, client: Client) =>
      createHmac('sha256', secrets.pairwiseSalt).update(`${client.clientId}\u0000${accountId}`).digest('base64url'),
    responseTypes: ['code'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // Signing out is OneCity's own business: the provider's session follows the OneCity one.
      rpInitiatedLogout: { enabled: false },
    },
    clientBasedCORS: (_ctx: KoaContextWithOIDC, origin: string, client: Client) =>
      client.redirectUris.some((uri) => URL.parse(uri)?.origin === origin),
    interactions: {
      policy,
      url: async (_ctx: KoaContextWithOIDC, interaction: { uid: string }) =>
        `${OIDC_PATH}/interaction/${interaction.uid}`,
    },
    ttl: {
      AccessToken: 10 * 60,
      AuthorizationCode: 60,
      IdToken: 10 * 60,
      Interaction: 15 * 60,
      Session: 24 * 60 * 60,
      Grant: 24 * 60 * 60,
    },
    findAccount: async (_ctx: KoaContextWithOIDC, id: string): Promise<Account | undefined> => {
      if (!UUID.test(id)) return undefined;
      const citizen = await db
        .selectFrom('citizens')
        .select(['id', 'name', 'phone_enc', 'email_enc', 'status'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (citizen?.status !== 'active') return undefined;
      return {
        accountId: citizen.id,
        async claims(_use, scope) {
          const scopes = new Set(scope.split(' '));
          const claims: Record<string, unknown> = { sub: citizen.id };
          if (scopes.has('profile') && citizen.name) claims.name = citizen.name;
          // Personal data is decrypted only when the granted scope asks for it.
          if (scopes.has('phone') && citizen.phone_enc) {
            claims.phone_number = `+86${pii.decrypt(citizen.phone_enc)}`;
            claims.phone_number_verified = true;
          }
          if (scopes.has('email') && citizen.email_enc) {
            claims.email = pii.decrypt(citizen.email_enc);
            claims.email_verified = true;
          }
          return claims;
        },
      };
    },
    renderError: async (
      ctx: KoaContextWithOIDC & { type: string; body: string; set(name: string, value: string): void },
      out: { error?: string },
    ) => {
      const header = (ctx.req.headers['accept-language'] as string | undefined) ?? undefined;
      ctx.type = 'html';
      ctx.set('content-security-policy', pagePolicy());
      ctx.body = errorPage(negotiateLocale(header, config.defaultLocale), String(out.error ?? 'server_error'));
    },
  };

  const provider = new Provider(issuerFor(config.http.publicUrl), configuration);
  provider.proxy = config.http.trustProxy;
  return provider;
}
