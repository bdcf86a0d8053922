import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../app.ts';
import { describeEachDialect } from '../../../testing/db.ts';
import { ManualClock } from '../../time/clock.ts';
import { type CitizenClient, freshPhone, sessionCookie, signInByCode } from './test-support.ts';
import { SoftwareAuthenticator } from './testing-authenticator.ts';

describeEachDialect(
  'citizen passkeys',
  (ctx) => {
    let app: FastifyInstance;
    const clock = new ManualClock('2026-03-02T00:00:00Z');
    let origin: string;

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      origin = app.platform.config.webauthn.origin;
    });
    afterAll(async () => {
      await app?.close();
    });

    const grantBiometric = (client: CitizenClient) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/me/consents',
        headers: client.write,
        payload: { kind: 'biometric', version: 1 },
      });

    async function register(client: CitizenClient, authenticator: SoftwareAuthenticator, name: string, at = origin) {
      const options = await app.inject({
        method: 'POST',
        url: '/api/v1/me/passkeys/register/options',
        headers: client.write,
      });
      expect(options.statusCode).toBe(200);
      return app.inject({
        method: 'POST',
        url: '/api/v1/me/passkeys/register/verify',
        headers: client.write,
        payload: { name, credential: authenticator.register(options.json(), at) },
      });
    }

    async function signIn(authenticator: SoftwareAuthenticator, at = origin) {
      const options = await app.inject({ method: 'POST', url: '/api/v1/auth/passkey/options' });
      expect(options.statusCode).toBe(200);
      const credential = authenticator.authenticate(options.json(), at);
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/passkey/verify', payload: { credential } });
      return { res, credential };
    }

    async function storedCounter(id: string) {
      const row = await ctx
        .handle()
        .db.selectFrom('passkeys')
        .select(['counter', 'last_used_at'])
        .where('credential_id', '=', id)
        .executeTakeFirstOrThrow();
      return row;
    }

    describe('registration and sign-in', () => {
      let citizen: CitizenClient;
      const device = new SoftwareAuthenticator();

      it('needs consent to the biometric notice before a passkey can be added', async () => {
        citizen = await signInByCode(app, freshPhone());
        const refused = await app.inject({
          method: 'POST',
          url: '/api/v1/me/passkeys/register/options',
          headers: { ...citizen.write, 'accept-language': 'en' },
        });
        expect(refused.statusCode).toBe(403);
        expect(refused.json().code).toBe('CONSENT_REQUIRED');
        expect((await grantBiometric(citizen)).statusCode).toBe(201);
      });

      it('registers a passkey with user verification, discoverable, under the configured relying party', async () => {
        const options = await app.inject({
          method: 'POST',
          url: '/api/v1/me/passkeys/register/options',
          headers: citizen.write,
        });
        const body = options.json();
        expect(body.rp).toEqual({ id: app.platform.config.webauthn.rpId, name: 'OneCity' });
        expect(body.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
        expect(body.user.name).toMatch(/^\d{3}\*{4}\d{4}$/);
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/me/passkeys/register/verify',
          headers: citizen.write,
          payload: { name: 'My phone', credential: device.register(body, origin) },
        });
        expect(res.statusCode).toBe(201);
        expect(res.json()).toMatchObject({ name: 'My phone', lastUsedAt: null, backedUp: false });
        const me = (await app.inject({ url: '/api/v1/me', headers: citizen.read })).json();
        expect(me.passkeys).toBe(1);
      });

      it('refuses a registration answer made on another origin', async () => {
        const res = await register(citizen, new SoftwareAuthenticator(), 'Evil', 'https://evil.example');
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('PASSKEY_VERIFICATION_FAILED');
      });

      it('signs in with the passkey and moves the signature counter forward', async () => {
        const { res } = await signIn(device);
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body.citizen.id).toBe(citizen.id);
        expect(body.newAccount).toBe(false);
        const cookie = sessionCookie(app, res);
        const session = await app.inject({ url: '/api/v1/session', headers: { cookie } });
        expect(session.json().principal).toMatchObject({ kind: 'citizen', id: citizen.id });
        const stored = await storedCounter(device.id);
        expect(stored.counter).toBe(1);
        expect(stored.last_used_at?.toISOString()).toBe(clock.now().toISOString());
        expect((await signIn(device)).res.statusCode).toBe(200);
        expect((await storedCounter(device.id)).counter).toBe(2);
      });

      it('refuses a replayed answer (its challenge was used up)', async () => {
        const { res, credential } = await signIn(device);
        expect(res.statusCode).toBe(200);
        const replay = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/passkey/verify',
          payload: { credential },
        });
        expect(replay.statusCode).toBe(400);
        expect(replay.json().code).toBe('PASSKEY_VERIFICATION_FAILED');
        expect(replay.headers['set-cookie']).toBeUndefined();
      });

      it('refuses an answer signed for another origin', async () => {
        const { res } = await signIn(device, 'https://evil.example');
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('PASSKEY_VERIFICATION_FAILED');
      });

      it('refuses a signature counter that went backwards (a cloned authenticator)', async () => {
        const before = (await storedCounter(device.id)).counter;
        device.counter = 0;
        const { res } = await signIn(device);
        expect(res.statusCode).toBe(400);
        expect((await storedCounter(device.id)).counter).toBe(before);
        device.counter = before;
      });

      it('refuses a challenge older than five minutes', async () => {
        const options = await app.inject({ method: 'POST', url: '/api/v1/auth/passkey/options' });
        clock.advance(5 * 60_000 + 1);
        const credential = device.authenticate(options.json(), origin);
        const res = await app.inject({ method: 'POST', url: '/api/v1/auth/passkey/verify', payload: { credential } });
        expect(res.statusCode).toBe(400);
      });

      it('refuses a passkey it does not know', async () => {
        const { res } = await signIn(new SoftwareAuthenticator());
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('PASSKEY_VERIFICATION_FAILED');
      });

      it('stops passkey sign-in and registration at once when biometric consent is withdrawn', async () => {
        const withdrawn = await app.inject({
          method: 'DELETE',
          url: '/api/v1/me/consents/biometric',
          headers: citizen.write,
        });
        expect(withdrawn.statusCode).toBe(204);
        const { res } = await signIn(device);
        expect(res.statusCode).toBe(403);
        expect(res.json().code).toBe('CONSENT_REQUIRED');
        expect(res.headers['set-cookie']).toBeUndefined();
        const options = await app.inject({
          method: 'POST',
          url: '/api/v1/me/passkeys/register/options',
          headers: citizen.write,
        });
        expect(options.statusCode).toBe(403);
        // Consenting again restores it.
        expect((await grantBiometric(citizen)).statusCode).toBe(201);
        expect((await signIn(device)).res.statusCode).toBe(200);
      });
    });

    describe('managing passkeys', () => {
      it('lists, renames and removes my passkeys, and only mine', async () => {
        const owner = await signInByCode(app, freshPhone());
        const other = await signInByCode(app, freshPhone());
        await grantBiometric(owner);
        const device = new SoftwareAuthenticator();
        expect((await register(owner, device, 'Tablet')).statusCode).toBe(201);
        const list = (await app.inject({ url: '/api/v1/me/passkeys', headers: owner.read })).json();
        expect(list.items).toHaveLength(1);
        const id = list.items[0].id;

        const notMine = await app.inject({
          method: 'PATCH',
          url: `/api/v1/me/passkeys/${id}`,
          headers: other.write,
          payload: { name: 'Mine now' },
        });
        expect(notMine.statusCode).toBe(404);
        expect(notMine.json().code).toBe('PASSKEY_NOT_FOUND');
        expect((await app.inject({ url: '/api/v1/me/passkeys', headers: other.read })).json().items).toEqual([]);

        const renamed = await app.inject({
          method: 'PATCH',
          url: `/api/v1/me/passkeys/${id}`,
          headers: owner.write,
          payload: { name: 'Family tablet' },
        });
        expect(renamed.statusCode).toBe(200);
        expect(renamed.json().name).toBe('Family tablet');

        expect(
          (await app.inject({ method: 'DELETE', url: `/api/v1/me/passkeys/${id}`, headers: other.write })).statusCode,
        ).toBe(404);
        const removed = await app.inject({ method: 'DELETE', url: `/api/v1/me/passkeys/${id}`, headers: owner.write });
        expect(removed.statusCode).toBe(204);
        expect((await app.inject({ url: '/api/v1/me/passkeys', headers: owner.read })).json().items).toEqual([]);
        // A removed passkey no longer signs anyone in.
        expect((await signIn(device)).res.statusCode).toBe(400);
      });

      it('keeps passkey management to signed-in citizens', async () => {
        const res = await app.inject({ url: '/api/v1/me/passkeys' });
        expect(res.statusCode).toBe(401);
      });
    });
  },
  'demo',
);
