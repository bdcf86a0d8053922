/**
 * Relying parties ("Sign in with OneCity" for water, power, hospitals, transit): registered by
 * a platform administrator or the CLI. The secret is shown once, at creation; the database
 * keeps it encrypted because client_secret_basic compares it in clear.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, OidcClientsTable } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import type { PiiVault } from '../pii.ts';

/** Scopes a client may be registered for; `openid` is always included. */
export const OidcScopes = ['openid', 'profile', 'phone', 'email'] as const;
/** One of {@link OidcScopes}. */
export type OidcScope = (typeof OidcScopes)[number];

/** What registering a client needs. */
export interface NewOidcClient {
  name: string;
  redirectUris: string[];
  scopes?: OidcScope[];
  createdBy?: string | null;
}

/** A registered client with its secret: the only time the secret is shown. */
export interface CreatedOidcClient {
  clientId: string;
  clientSecret: string;
  name: string;
  redirectUris: string[];
  scopes: OidcScope[];
  createdAt: Date;
}

/**
 * Whether `uri` may receive authorization codes: an absolute https URL without a fragment, or
 * http on a loopback host (development relying parties).
 */
export function isAcceptableRedirectUri(uri: string): boolean {
  const url = URL.parse(uri);
  if (!url || url.hash || url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** Registers a client; throws OIDC_REDIRECT_URI_INVALID for an unacceptable redirect URI. */
export async function createOidcClient(
  db: Kysely<Database>,
  vault: PiiVault,
  input: NewOidcClient,
): Promise<CreatedOidcClient> {
  const bad = input.redirectUris.find((uri) => !isAcceptableRedirectUri(uri));
  if (bad !== undefined) throw new AppError('OIDC_REDIRECT_URI_INVALID', { uri: bad.slice(0, 200) });
  const scopes = [...new Set<OidcScope>(['openid', ...(input.scopes ?? ['profile'])])];
  const clientId = `oc_${randomBytes(12).toString('base64url')}`;
  const clientSecret = randomBytes(32).toString('base64url');
  const row = await db
    .insertInto('oidc_clients')
    .values({
      id: clientId,
      name: input.name,
      redirect_uris: [...new Set(input.redirectUris)],
      scopes,
      secret_enc: vault.encrypt(clientSecret),
      created_by: input.createdBy ?? null,
    })
    .returning(['created_at', 'redirect_uris'])
    .executeTakeFirstOrThrow();
  return {
    clientId,
    clientSecret,
    name: input.name,
    redirectUris: row.redirect_uris,
    scopes,
    createdAt: row.created_at,
  };
}

/** The client's metadata in oidc-provider's terms (confidential, code flow, PKCE enforced by the provider). */
export function clientMetadata(row: Selectable<OidcClientsTable>, vault: PiiVault) {
  return {
    client_id: row.id,
    client_secret: vault.decrypt(row.secret_enc),
    client_name: row.name,
    redirect_uris: row.redirect_uris,
    scope: row.scopes.join(' '),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    subject_type: 'pairwise',
  };
}
