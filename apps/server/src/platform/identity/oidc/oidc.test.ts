import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import * as rp from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../app.ts';
import type { Config } from '../../../config.ts';
import { describeEachDialect } from '../../../testing/db.ts';
import { signedInCitizen, signedInStaff, type TestSignIn } from '../../../testing/identity.ts';

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, 'localhost', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A browser's cookie jar, enough for one site (paths ignored). */
class Jar {
  readonly cookies = new Map<string, string>();
  constructor(initial?: string) {
    if (initial) for (const part of initial.split('; ')) this.store(part);
  }
  store(setCookie: string) {
    const [pair = ''] = setCookie.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!value || /expires=Thu, 01 Jan 1970/i.test(setCookie)) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

interface Step {
  url: string;
  status: number;
  body: string;
  headers: Headers;
}

/** Follows redirects like a browser until a page answers or the client's redirect URI is reached. */
async function browse(jar: Jar, start: string, stopAt: string, init: RequestInit = {}): Promise<Step> {
  let url = start;
  let request: RequestInit = init;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, {
      ...request,
      redirect: 'manual',
      headers: { ...(request.headers as Record<string, string>), cookie: jar.header(), 'accept-language': 'en' },
    });
    for (const c of res.headers.getSetCookie()) jar.store(c);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).href;
      request = {};
      if (url.startsWith(stopAt)) return { url, status: res.status, body: '', headers: res.headers };
      continue;
    }
    return { url, status: res.status, body: await res.text(), headers: res.headers };
  }
  throw new Error('too many redirects');
}

function formOf(html: string) {
  const action = html.match(/<form method="post" action="([^"]+)"/)?.[1];
  const csrf = html.match(/name="csrf" value="([^"]+)"/)?.[1];
  if (!action || !csrf) throw new Error('no consent form on the page');
  return { action, csrf };
}

describeEachDialect(
  'OpenID provider',
  (ctx) => {
    let app: FastifyInstance;
    let config: Config;
    let base: string;
    let admin: TestSignIn;
    let citizen: TestSignIn;
    let client: { clientId: string; clientSecret: string };
    const redirectUri = 'http://localhost:9/callback';

    beforeAll(async () => {
      const port = await freePort();
      base = `http://localhost:${port}`;
      config = ctx.config({ ONECITY_PUBLIC_URL: base, ONECITY_PORT: String(port) });
      app = await buildApp(config, { database: ctx.handle() });
      await app.listen({ port, host: 'localhost' });
      const { db, clock } = app.platform;
      admin = await signedInStaff(db, config, clock, { roles: ['platform_admin'] });
      citizen = await signedInCitizen(db, config, clock, {
        name: '张三',
        phone: '13800138000',
        email: 'zhang.san@example.test',
      });
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/oidc-clients',
        headers: admin.write,
        payload: { name: 'Lingnan Water', redirectUris: [redirectUri], scopes: ['profile', 'phone'] },
      });
      expect(res.statusCode).toBe(201);
      client = res.json();
    });
    afterAll(async () => {
      await app?.close();
    });

    const relyingParty = () =>
      rp.discovery(new URL(`${base}/oidc`), client.clientId, client.clientSecret, undefined, {
        execute: [rp.allowInsecureRequests],
      });

    describe('client registration', () => {
      it('returns the client id and secret once, audited; only platform admins may register', async () => {
        expect(client).toMatchObject({
          clientId: expect.stringMatching(/^oc_/),
          clientSecret: expect.any(String),
          name: 'Lingnan Water',
          redirectUris: [redirectUri],
          scopes: ['openid', 'profile', 'phone'],
          issuer: `${base}/oidc`,
        });
        const row = await app.platform.db
          .selectFrom('oidc_clients')
          .select('secret_enc')
          .where('id', '=', client.clientId)
          .executeTakeFirstOrThrow();
        expect(row.secret_enc).not.toContain(client.clientSecret);
        const audited = await app.platform.db
          .selectFrom('audit_log')
          .select(['actor_id'])
          .where('action', '=', 'oidc.client.created')
          .where('subject_id', '=', client.clientId)
          .execute();
        expect(audited).toEqual([{ actor_id: admin.id }]);

        const payload = { name: 'X', redirectUris: ['https://x.example/cb'] };
        const clerk = await signedInStaff(app.platform.db, config, app.platform.clock, { roles: ['clerk'] });
        const url = '/api/v1/admin/oidc-clients';
        expect((await app.inject({ method: 'POST', url, headers: clerk.write, payload })).statusCode).toBe(403);
        expect((await app.inject({ method: 'POST', url, headers: citizen.write, payload })).statusCode).toBe(403);
        expect((await app.inject({ method: 'POST', url, payload })).statusCode).toBe(401);
      });

      it('refuses redirect URIs that are not https (or http on localhost)', async () => {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/admin/oidc-clients',
          headers: { ...admin.write, 'accept-language': 'en' },
          payload: { name: 'Bad', redirectUris: ['http://evil.example/cb'] },
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('OIDC_REDIRECT_URI_INVALID');
      });
    });

    it('publishes discovery and a public JWKS', async () => {
      const discovery = await (await fetch(`${base}/oidc/.well-known/openid-configuration`)).json();
      expect(discovery).toMatchObject({
        issuer: `${base}/oidc`,
        authorization_endpoint: `${base}/oidc/auth`,
        token_endpoint: `${base}/oidc/token`,
        userinfo_endpoint: `${base}/oidc/me`,
        jwks_uri: `${base}/oidc/jwks`,
        code_challenge_methods_supported: ['S256'],
        subject_types_supported: ['pairwise'],
        response_types_supported: ['code'],
      });
      expect(discovery.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'phone', 'email']));
      const jwks = await (await fetch(discovery.jwks_uri)).json();
      expect(jwks.keys.map((k: { alg: string }) => k.alg).sort()).toEqual(['ES256', 'RS256']);
      for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
      const stored = await app.platform.db.selectFrom('oidc_secrets').select('secret_enc').execute();
      expect(stored).toHaveLength(1);
      expect(stored[0]?.secret_enc).toMatch(/^v1\./);
    });

    it('signs a OneCity citizen in to a relying party: code + PKCE, consent, ID token, userinfo', async () => {
      const config = await relyingParty();
      const verifier = rp.randomPKCECodeVerifier();
      const state = rp.randomState();
      const nonce = rp.randomNonce();
      const authorize = rp.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile phone',
        code_challenge: await rp.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const jar = new Jar(citizen.cookie);
      const consent = await browse(jar, authorize.href, redirectUri);
      expect(consent.status).toBe(200);
      expect(consent.headers.get('content-type')).toMatch(/^text\/html/);
      expect(consent.headers.get('content-security-policy')).toContain("form-action 'self' http://localhost:9");
      expect(consent.headers.get('content-security-policy')).not.toContain('script-src');
      expect(consent.body).toContain('<meta charset="utf-8">');
      expect(consent.body).toContain('Lingnan Water');
      expect(consent.body).toContain('Name: 张三');
      expect(consent.body).toContain('138****8000');
      expect(consent.body).not.toContain('13800138000');
      expect(consent.body).not.toContain('<script');

      const { action, csrf } = formOf(consent.body);
      // Without the CSRF token the OneCity session cannot answer.
      const forged = await fetch(new URL(action, base), {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ decision: 'allow', csrf: 'wrong' }),
      });
      expect(forged.status).toBe(403);

      const back = await browse(jar, new URL(action, base).href, redirectUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ decision: 'allow', csrf }),
      });
      expect(back.url.startsWith(redirectUri)).toBe(true);
      const tokens = await rp.authorizationCodeGrant(config, new URL(back.url), {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      expect(claims).toMatchObject({ iss: `${base}/oidc`, aud: client.clientId, nonce });
      // A pairwise subject: not the citizen's id.
      expect(claims?.sub).toBeTruthy();
      expect(claims?.sub).not.toBe(citizen.id);
      const userinfo = await rp.fetchUserInfo(config, tokens.access_token, claims?.sub ?? '');
      expect(userinfo).toEqual({
        sub: claims?.sub,
        name: '张三',
        phone_number: '+8613800138000',
        phone_number_verified: true,
      });

      const audited = await app.platform.db
        .selectFrom('audit_log')
        .select(['actor_kind', 'actor_id', 'person_id', 'outcome', 'details'])
        .where('action', '=', 'oidc.consent.granted')
        .where('subject_id', '=', client.clientId)
        .execute();
      expect(audited).toHaveLength(1);
      expect(audited[0]).toMatchObject({
        actor_kind: 'citizen',
        actor_id: citizen.id,
        person_id: citizen.id,
        outcome: 'success',
        details: { scopes: ['openid', 'profile', 'phone'] },
      });

      // A second sign-in in the same browser needs no new consent and gives the same subject.
      const again = rp.randomPKCECodeVerifier();
      const second = await browse(
        jar,
        rp.buildAuthorizationUrl(config, {
          redirect_uri: redirectUri,
          scope: 'openid profile phone',
          code_challenge: await rp.calculatePKCECodeChallenge(again),
          code_challenge_method: 'S256',
          state,
        }).href,
        redirectUri,
      );
      const tokens2 = await rp.authorizationCodeGrant(config, new URL(second.url), {
        pkceCodeVerifier: again,
        expectedState: state,
      });
      expect(tokens2.claims()?.sub).toBe(claims?.sub);
    });

    it('sends access_denied and no code when the citizen denies, and audits the denial', async () => {
      const config = await relyingParty();
      const other = await signedInCitizen(app.platform.db, app.platform.config, app.platform.clock, { name: '李四' });
      const verifier = rp.randomPKCECodeVerifier();
      const state = rp.randomState();
      const jar = new Jar(other.cookie);
      const consent = await browse(
        jar,
        rp.buildAuthorizationUrl(config, {
          redirect_uri: redirectUri,
          scope: 'openid profile',
          code_challenge: await rp.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
        }).href,
        redirectUri,
      );
      expect(consent.status).toBe(200);
      const { action, csrf } = formOf(consent.body);
      const back = await browse(jar, new URL(action, base).href, redirectUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ decision: 'deny', csrf }),
      });
      const answer = new URL(back.url);
      expect(answer.searchParams.get('error')).toBe('access_denied');
      expect(answer.searchParams.get('code')).toBeNull();
      await expect(
        rp.authorizationCodeGrant(config, answer, { pkceCodeVerifier: verifier, expectedState: state }),
      ).rejects.toMatchObject({ error: 'access_denied' });
      const audited = await app.platform.db
        .selectFrom('audit_log')
        .select(['actor_id', 'person_id'])
        .where('action', '=', 'oidc.consent.denied')
        .where('subject_id', '=', client.clientId)
        .execute();
      expect(audited).toEqual([{ actor_id: other.id, person_id: other.id }]);
      const grants = await app.platform.db
        .selectFrom('oidc_payloads')
        .select('id')
        .where('kind', '=', 'AuthorizationCode')
        .where(sql<string>`payload->>'accountId'`, '=', other.id)
        .execute();
      expect(grants).toEqual([]);
    });

    it('refuses an authorization request without PKCE', async () => {
      const config = await relyingParty();
      const url = rp.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid', state: 's1' });
      const res = await browse(new Jar(citizen.cookie), url.href, redirectUri);
      const answer = new URL(res.url);
      expect(answer.searchParams.get('error')).toBe('invalid_request');
      expect(answer.searchParams.get('error_description')).toMatch(/PKCE/);
      expect(answer.searchParams.get('code')).toBeNull();
    });

    it('refuses an unknown redirect URI with an error page instead of a redirect', async () => {
      const config = await relyingParty();
      const url = rp.buildAuthorizationUrl(config, {
        redirect_uri: 'http://localhost:9/elsewhere',
        scope: 'openid',
        code_challenge: await rp.calculatePKCECodeChallenge(rp.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      });
      const res = await fetch(url, { redirect: 'manual', headers: { 'accept-language': 'zh-CN' } });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      const html = await res.text();
      expect(html).toContain('<meta charset="utf-8">');
      expect(html).toContain('无法完成登录');
      expect(html).toContain('invalid_redirect_uri');
    });

    it('asks a citizen who is not signed in to OneCity to sign in first', async () => {
      const config = await relyingParty();
      const url = rp.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid',
        code_challenge: await rp.calculatePKCECodeChallenge(rp.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      });
      const page = await browse(new Jar(), url.href, redirectUri);
      expect(page.status).toBe(200);
      expect(page.body).toContain('Sign in to OneCity first');
      expect(page.body).toContain('Lingnan Water');
      expect(page.body).toContain(`href="/oidc/interaction/`);
      expect(page.body).not.toContain('<form');
    });

    it('shares one key set between processes', async () => {
      if (ctx.kind !== 'postgres') return;
      const second = await buildApp(config, { database: await ctx.openAnother() });
      try {
        const mine = (await app.inject({ url: '/oidc/jwks' })).json();
        const theirs = (await second.inject({ url: '/oidc/jwks' })).json();
        expect(theirs).toEqual(mine);
      } finally {
        await second.close();
      }
    });
  },
  'demo',
);
