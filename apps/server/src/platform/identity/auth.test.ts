import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { testConfig } from '../../testing/config.ts';
import { describeEachDialect, freshPglite } from '../../testing/db.ts';
import { signedInCitizen, signedInStaff } from '../../testing/identity.ts';
import { ManualClock } from '../time/clock.ts';
import { access } from './access.ts';
import { createApiKey, revokeApiKey } from './api-keys.ts';
import { sessionCookieName } from './sessions.ts';

describe('route access declarations', () => {
  it('stop the app from booting when an API route declares none', async () => {
    const handle = await freshPglite('empty');
    const app = await buildApp(testConfig(), { database: handle });
    app.register(
      async (api) => {
        api.get('/forgotten', async () => ({ secret: true }));
      },
      { prefix: '/api/v1' },
    );
    await expect(app.ready()).rejects.toThrow(/GET \/api\/v1\/forgotten declares no config.access/);
    await app.close().catch(() => {});
    await handle.close();
  });
});

describeEachDialect(
  'authentication and access',
  (ctx) => {
    let app: FastifyInstance;
    const clock = new ManualClock('2026-04-01T02:00:00Z');
    const config = () => app.platform.config;

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      await app.register(
        async (api) => {
          const echo = async (request: { principal: unknown }) => ({ principal: request.principal });
          api.get('/t/citizen', { config: { access: access.citizen() } }, echo);
          api.post('/t/citizen', { config: { access: access.citizen() } }, echo);
          api.get('/t/supervisor', { config: { access: access.staff('supervisor') } }, echo);
          api.get('/t/signing-in', { config: { access: access.staffSigningIn() } }, echo);
          api.post('/t/device', { config: { access: access.apiKey('iot.write') } }, echo);
          api.get('/t/public', { config: { access: access.public() } }, echo);
        },
        { prefix: '/api/v1' },
      );
    });
    afterAll(async () => {
      await app.close();
    });

    it('answers 401 to anonymous callers of a signed-in route, and lets them use public ones', async () => {
      const res = await app.inject({ url: '/api/v1/t/citizen', headers: { 'accept-language': 'en' } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED', title: 'Please sign in first' });
      expect((await app.inject({ url: '/api/v1/t/public' })).json()).toEqual({ principal: { kind: 'anonymous' } });
    });

    it('knows a signed-in citizen and refuses them staff routes', async () => {
      const me = await signedInCitizen(ctx.handle().db, config(), clock);
      const res = await app.inject({ url: '/api/v1/t/citizen', headers: me.read });
      expect(res.statusCode).toBe(200);
      expect(res.json().principal).toMatchObject({ kind: 'citizen', id: me.id, actingFor: null });
      expect((await app.inject({ url: '/api/v1/t/supervisor', headers: me.read })).statusCode).toBe(403);
    });

    it('requires the CSRF token on cookie-authenticated writes', async () => {
      const me = await signedInCitizen(ctx.handle().db, config(), clock);
      const without = await app.inject({ method: 'POST', url: '/api/v1/t/citizen', headers: me.read, payload: {} });
      expect(without.statusCode).toBe(403);
      expect(without.json().code).toBe('CSRF_TOKEN_INVALID');
      const wrong = await app.inject({
        method: 'POST',
        url: '/api/v1/t/citizen',
        headers: { ...me.read, 'x-csrf-token': 'guess' },
        payload: {},
      });
      expect(wrong.statusCode).toBe(403);
      const right = await app.inject({ method: 'POST', url: '/api/v1/t/citizen', headers: me.write, payload: {} });
      expect(right.statusCode).toBe(200);
    });

    it('holds staff to their second factor, their password change and their roles', async () => {
      const db = ctx.handle().db;
      const pending = await signedInStaff(db, config(), clock, { roles: ['supervisor'], secondFactor: false });
      const refused = await app.inject({ url: '/api/v1/t/supervisor', headers: pending.read });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('SECOND_FACTOR_REQUIRED');
      expect((await app.inject({ url: '/api/v1/t/signing-in', headers: pending.read })).statusCode).toBe(200);

      const mustChange = await signedInStaff(db, config(), clock, { roles: ['supervisor'], mustChangePassword: true });
      const change = await app.inject({ url: '/api/v1/t/supervisor', headers: mustChange.read });
      expect(change.json().code).toBe('PASSWORD_CHANGE_REQUIRED');

      const clerk = await signedInStaff(db, config(), clock, { roles: ['clerk'] });
      expect((await app.inject({ url: '/api/v1/t/supervisor', headers: clerk.read })).statusCode).toBe(403);
      const supervisor = await signedInStaff(db, config(), clock, { roles: ['supervisor'] });
      const ok = await app.inject({ url: '/api/v1/t/supervisor', headers: supervisor.read });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().principal).toMatchObject({ kind: 'staff', cityId: 'lingnan', roles: ['supervisor'] });
    });

    it('ends a session after its idle time and after its absolute limit', async () => {
      const db = ctx.handle().db;
      const staff = await signedInStaff(db, config(), clock, { roles: ['supervisor'] });
      clock.advance(29 * 60_000);
      expect((await app.inject({ url: '/api/v1/t/supervisor', headers: staff.read })).statusCode).toBe(200);
      clock.advance(29 * 60_000);
      expect((await app.inject({ url: '/api/v1/t/supervisor', headers: staff.read })).statusCode).toBe(200);
      clock.advance(31 * 60_000);
      const idle = await app.inject({ url: '/api/v1/t/supervisor', headers: staff.read });
      expect(idle.statusCode).toBe(401);
      expect(idle.headers['set-cookie']).toContain(`${sessionCookieName(config())}=;`);

      const busy = await signedInStaff(db, config(), clock, { roles: ['supervisor'] });
      for (let minutes = 0; minutes < 12 * 60; minutes += 20) {
        clock.advance(20 * 60_000);
        const res = await app.inject({ url: '/api/v1/t/supervisor', headers: busy.read });
        expect(res.statusCode, `after ${minutes + 20} minutes`).toBe(minutes + 20 < 12 * 60 ? 200 : 401);
      }
    });

    it('accepts a scoped API key without CSRF, refuses other scopes, and stops at revocation', async () => {
      const db = ctx.handle().db;
      const device = await createApiKey(db, { cityId: 'lingnan', name: 'tilt sensors', scopes: ['iot.write'] });
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/t/device',
        headers: { authorization: `Bearer ${device.key}` },
        payload: {},
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().principal).toMatchObject({ kind: 'api_key', cityId: 'lingnan', scopes: ['iot.write'] });
      const reader = await createApiKey(db, { cityId: 'lingnan', name: 'reader', scopes: ['open311.read'] });
      const wrong = await app.inject({
        method: 'POST',
        url: '/api/v1/t/device',
        headers: { 'x-api-key': reader.key },
        payload: {},
      });
      expect(wrong.statusCode).toBe(403);
      await revokeApiKey(db, clock.now(), device.id);
      const revoked = await app.inject({
        method: 'POST',
        url: '/api/v1/t/device',
        headers: { authorization: `Bearer ${device.key}` },
        payload: {},
      });
      expect(revoked.statusCode).toBe(401);
      expect(revoked.json().code).toBe('API_KEY_INVALID');
      const forged = `${device.key.slice(0, -4)}AAAA`;
      expect((await app.inject({ url: '/api/v1/t/public', headers: { 'x-api-key': forged } })).statusCode).toBe(401);
      const stored = await db
        .selectFrom('api_keys')
        .select('secret_hash')
        .where('id', '=', reader.id)
        .executeTakeFirst();
      expect(JSON.stringify(stored)).not.toContain(reader.key.slice('ock_'.length + 13));
    });
  },
  'demo',
);
