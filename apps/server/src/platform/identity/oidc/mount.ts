/**
 * The OpenID Provider inside Fastify, at /oidc: discovery, JWKS, authorize, token, userinfo
 * and revocation are the provider's own (a raw route that hands the request over before body
 * parsing); the interaction pages (login through the OneCity session, consent) are ours.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Interaction, Provider } from 'oidc-provider';
import { z } from 'zod';
import type { Locale } from '../../../config.ts';
import { audit } from '../../audit/index.ts';
import { requestLocale } from '../../http/problem.ts';
import { access } from '../access.ts';
import { maskEmail, maskPhone } from '../pii.ts';
import { consentPage, errorPage, pagePolicy, signInFirstPage } from './pages.ts';
import { createOidcProvider, OIDC_PATH, onecityCitizen } from './provider.ts';
import { loadOidcSecrets } from './secrets.ts';

const UidParams = z.object({ uid: z.string().min(1).max(64) });
const ConsentForm = z.object({
  csrf: z.string().max(200).optional(),
  decision: z.enum(['allow', 'deny']),
});

function citizenOf(request: FastifyRequest): string | null {
  return request.principal.kind === 'citizen' ? request.principal.id : null;
}

function sendPage(reply: FastifyReply, status: number, html: string, formTargets: string[] = []) {
  return reply
    .status(status)
    .header('content-security-policy', pagePolicy(formTargets))
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html);
}

/** Registers the provider and its interaction pages at /oidc (outside /api/v1: OpenID URLs are fixed by the spec). */
export async function oidcProvider(app: FastifyInstance) {
  let ready: Promise<{ provider: Provider; handle: ReturnType<Provider['callback']> }> | null = null;
  // Built on first use: the first process to need it creates the deployment's keys.
  const provider = () => {
    ready ??= loadOidcSecrets(app.platform.db, app.platform.pii)
      .then((secrets) => {
        const p = createOidcProvider(app.platform, secrets);
        // The provider answers its own errors; the log still hears about the unexpected ones.
        p.on('server_error', (_ctx, error) => app.log.error({ err: error }, 'OpenID provider error'));
        return { provider: p, handle: p.callback() };
      })
      .catch((error: unknown) => {
        ready = null;
        throw error;
      });
    return ready;
  };

  // HTML forms cannot send headers: the consent form's CSRF field goes where the auth layer checks it.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (request, body, done) => {
      const form = Object.fromEntries(new URLSearchParams(String(body)));
      if (typeof form.csrf === 'string') request.headers['x-csrf-token'] = form.csrf;
      done(null, form);
    },
  );

  // Everything else under /oidc is the provider's. It is handed the raw request in onRequest,
  // before Fastify parses the body (the provider reads it itself) and before the cookie-CSRF
  // check (the provider's endpoints are not cookie-authenticated; it has state, PKCE and nonces).
  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: `${OIDC_PATH}/*`,
    config: { access: access.public() },
    schema: { hide: true },
    onRequest: async (request, reply) => {
      const { handle } = await provider();
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      onecityCitizen.set(raw, citizenOf(request));
      reply.hijack();
      raw.originalUrl = raw.url;
      raw.url = (raw.url ?? '/').slice(OIDC_PATH.length) || '/';
      await handle(raw, reply.raw);
    },
    handler: async () => undefined,
  });

  const r = app.withTypeProvider<ZodTypeProvider>();

  const interactionOf = async (request: FastifyRequest, reply: FastifyReply, uid: string) => {
    const { provider: p } = await provider();
    try {
      const details = await p.interactionDetails(request.raw, reply.raw);
      return details.uid === uid ? { provider: p, details } : null;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 400) return null;
      throw error;
    }
  };

  r.get(
    `${OIDC_PATH}/interaction/:uid`,
    { config: { access: access.public() }, schema: { hide: true, params: UidParams } },
    async (request, reply) => {
      const locale = requestLocale(request);
      const found = await interactionOf(request, reply, request.params.uid);
      if (!found) return sendPage(reply, 400, errorPage(locale, 'invalid_request'));
      const { provider: p, details } = found;
      const citizen = citizenOf(request);
      const client = await p.Client.find(String(details.params.client_id ?? ''));
      const clientName = client?.clientName ?? client?.clientId ?? '';
      if (!citizen) {
        const page = signInFirstPage(locale, {
          clientName,
          signInUrl: '/',
          continueUrl: `${OIDC_PATH}/interaction/${details.uid}`,
        });
        return sendPage(reply, 200, page);
      }
      // The login step: the citizen signed in to OneCity is the one who signs in to the client.
      if (details.prompt.name === 'login' || details.session?.accountId !== citizen) {
        const returnTo = await p.interactionResult(
          request.raw,
          reply.raw,
          { login: { accountId: citizen, amr: ['onecity_session'] } },
          { mergeWithLastSubmission: false },
        );
        return reply.redirect(returnTo, 303);
      }
      if (details.prompt.name !== 'consent') return sendPage(reply, 400, errorPage(locale, 'interaction_required'));
      return sendPage(
        reply,
        200,
        await renderConsent(request, locale, details, clientName, citizen),
        redirectOrigin(details),
      );
    },
  );

  r.post(
    `${OIDC_PATH}/interaction/:uid`,
    { config: { access: access.public() }, schema: { hide: true, params: UidParams, body: ConsentForm } },
    async (request, reply) => {
      const locale = requestLocale(request);
      const citizen = citizenOf(request);
      const found = await interactionOf(request, reply, request.params.uid);
      // A signed-in citizen's form was CSRF-checked by the auth layer; without one, nobody may answer.
      if (!found || !citizen || !request.body.csrf) return sendPage(reply, 400, errorPage(locale, 'invalid_request'));
      const { provider: p, details } = found;
      if (details.prompt.name !== 'consent' || details.session?.accountId !== citizen) {
        return sendPage(reply, 400, errorPage(locale, 'invalid_request'));
      }
      const clientId = String(details.params.client_id ?? '');
      const scopes = String(details.params.scope ?? '')
        .split(' ')
        .filter(Boolean);
      let result: Record<string, unknown>;
      if (request.body.decision === 'allow') {
        const grant = details.grantId
          ? ((await p.Grant.find(details.grantId)) ?? new p.Grant({ accountId: citizen, clientId }))
          : new p.Grant({ accountId: citizen, clientId });
        const prompt = details.prompt.details as {
          missingOIDCScope?: string[];
          missingOIDCClaims?: string[];
          missingResourceScopes?: Record<string, string[]>;
        };
        if (prompt.missingOIDCScope) grant.addOIDCScope(prompt.missingOIDCScope.join(' '));
        if (prompt.missingOIDCClaims) grant.addOIDCClaims(prompt.missingOIDCClaims);
        for (const [indicator, list] of Object.entries(prompt.missingResourceScopes ?? {})) {
          grant.addResourceScope(indicator, list.join(' '));
        }
        const grantId = await grant.save();
        await app.platform.db.transaction().execute((trx) =>
          audit(trx, request, {
            action: 'oidc.consent.granted',
            subjectKind: 'oidc_client',
            subjectId: clientId,
            personId: citizen,
            details: { scopes, grantId },
          }),
        );
        result = { consent: { grantId } };
      } else {
        await app.platform.db.transaction().execute((trx) =>
          audit(trx, request, {
            action: 'oidc.consent.denied',
            subjectKind: 'oidc_client',
            subjectId: clientId,
            personId: citizen,
            details: { scopes },
          }),
        );
        result = { error: 'access_denied', error_description: 'the citizen denied the authorization request' };
      }
      const returnTo = await p.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: true });
      return reply.redirect(returnTo, 303);
    },
  );

  async function renderConsent(
    request: FastifyRequest,
    locale: Locale,
    details: Interaction,
    clientName: string,
    citizenId: string,
  ): Promise<string> {
    const { db, pii } = app.platform;
    const citizen = await db
      .selectFrom('citizens')
      .select(['name', 'phone_enc', 'email_enc'])
      .where('id', '=', citizenId)
      .executeTakeFirstOrThrow();
    const prompt = details.prompt.details as { missingOIDCScope?: string[] };
    const scopes = prompt.missingOIDCScope ?? String(details.params.scope ?? 'openid').split(' ');
    return consentPage(locale, {
      clientName,
      redirectHost: URL.parse(String(details.params.redirect_uri ?? ''))?.host ?? '',
      scopes,
      name: citizen.name,
      // The citizen sees which number and address go to the client, masked on the screen.
      maskedPhone: scopes.includes('phone') && citizen.phone_enc ? maskPhone(pii.decrypt(citizen.phone_enc)) : null,
      maskedEmail: scopes.includes('email') && citizen.email_enc ? maskEmail(pii.decrypt(citizen.email_enc)) : null,
      csrfToken: request.csrfToken ?? '',
      action: `${OIDC_PATH}/interaction/${details.uid}`,
    });
  }
}

/** The client's redirect origin: the consent form's redirects end there, so form-action must allow it. */
function redirectOrigin(details: Interaction): string[] {
  const origin = URL.parse(String(details.params.redirect_uri ?? ''))?.origin;
  return origin && origin !== 'null' ? [origin] : [];
}
