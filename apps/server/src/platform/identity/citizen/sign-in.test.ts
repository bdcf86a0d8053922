import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, createLogger } from '../../../app.ts';
import { describeEachDialect } from '../../../testing/db.ts';
import { ManualClock } from '../../time/clock.ts';
import {
  freshIp,
  freshPhone,
  latestCode,
  requestCode,
  sessionCookie,
  signInByCode,
  verifyCode,
} from './test-support.ts';

describeEachDialect(
  'citizen sign-in by one-time code',
  (ctx) => {
    let app: FastifyInstance;
    const clock = new ManualClock('2026-03-02T00:00:00Z');
    const phones: string[] = [];
    const phone = () => {
      const p = freshPhone();
      phones.push(p);
      return p;
    };

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('signs a new person up with an SMS code, then signs them in again to the same account', async () => {
      const p = phone();
      const requested = await requestCode(app, p);
      expect(requested.statusCode).toBe(202);
      expect(requested.json()).toEqual({ accepted: true, expiresInSeconds: 300 });
      const mailbox = (await app.inject({ url: `/api/v1/dev/mailbox?destination=${p}` })).json();
      expect(mailbox.items).toHaveLength(1);
      expect(mailbox.items[0].destination).toBe(`${p.slice(0, 3)}****${p.slice(-4)}`);

      const first = await verifyCode(app, p, await latestCode(app, p));
      expect(first.statusCode).toBe(200);
      const body = first.json();
      expect(body.newAccount).toBe(true);
      expect(body.citizen.phone).toBe(`${p.slice(0, 3)}****${p.slice(-4)}`);
      expect(body.csrfToken).toEqual(expect.any(String));
      const cookie = sessionCookie(app, first);
      const setCookie = String(first.headers['set-cookie']);
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i);

      const session = await app.inject({ url: '/api/v1/session', headers: { cookie } });
      expect(session.statusCode).toBe(200);
      expect(session.json()).toEqual({
        principal: { kind: 'citizen', id: body.citizen.id, actingFor: null },
        csrfToken: body.csrfToken,
      });

      // Signing in again while signed in rotates the session: the old cookie stops working.
      await requestCode(app, p);
      const again = await verifyCode(app, p, await latestCode(app, p), {
        headers: { cookie, 'x-csrf-token': body.csrfToken },
      });
      expect(again.statusCode).toBe(200);
      expect(again.json().newAccount).toBe(false);
      expect(again.json().citizen.id).toBe(body.citizen.id);
      expect((await app.inject({ url: '/api/v1/session', headers: { cookie } })).statusCode).toBe(401);
      const rotated = sessionCookie(app, again);
      expect((await app.inject({ url: '/api/v1/session', headers: { cookie: rotated } })).statusCode).toBe(200);
    });

    it('signs up by e-mail code too, and refuses a malformed destination with a field error', async () => {
      const email = `Ada.${Date.now()}@Example.org`;
      const client = await signInByCode(app, email, 'email');
      const me = (await app.inject({ url: '/api/v1/me', headers: client.read })).json();
      expect(me.email).toBe(`a***@example.org`);
      const bad = await requestCode(app, '12345', { headers: { 'accept-language': 'en' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors).toEqual([
        { field: 'body.destination', message: 'Enter a valid 11-digit mobile number' },
      ]);
    });

    it('refuses a wrong code, counts the try, and still accepts the right one', async () => {
      const p = phone();
      await requestCode(app, p);
      const code = await latestCode(app, p);
      const wrong = await verifyCode(app, p, code === '000000' ? '000001' : '000000');
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().code).toBe('OTP_INVALID');
      expect(wrong.headers['set-cookie']).toBeUndefined();
      const right = await verifyCode(app, p, code);
      expect(right.statusCode).toBe(200);
    });

    it('refuses an expired code', async () => {
      const p = phone();
      await requestCode(app, p);
      const code = await latestCode(app, p);
      clock.advance(5 * 60_000 + 1);
      const res = await verifyCode(app, p, code);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('OTP_EXPIRED');
    });

    it('refuses a code used once already', async () => {
      const p = phone();
      await requestCode(app, p);
      const code = await latestCode(app, p);
      expect((await verifyCode(app, p, code)).statusCode).toBe(200);
      const reused = await verifyCode(app, p, code);
      expect(reused.statusCode).toBe(400);
      expect(reused.json().code).toBe('OTP_INVALID');
    });

    it('only honours the newest code sent to a destination', async () => {
      const p = phone();
      await requestCode(app, p);
      const older = await latestCode(app, p);
      await requestCode(app, p);
      const newer = await latestCode(app, p);
      if (older !== newer) expect((await verifyCode(app, p, older)).json().code).toBe('OTP_INVALID');
      expect((await verifyCode(app, p, newer)).statusCode).toBe(200);
    });

    it('retires a code after five wrong tries, even for the right code', async () => {
      const p = phone();
      await requestCode(app, p);
      const code = await latestCode(app, p);
      const wrongCode = code === '111111' ? '222222' : '111111';
      for (let i = 0; i < 5; i++) expect((await verifyCode(app, p, wrongCode)).json().code).toBe('OTP_INVALID');
      const sixth = await verifyCode(app, p, code);
      expect(sixth.statusCode).toBe(429);
      expect(sixth.json().code).toBe('OTP_ATTEMPTS_EXHAUSTED');
    });

    it('limits codes per destination (5 per 15 minutes) whatever the address asking', async () => {
      const p = phone();
      for (let i = 0; i < 5; i++) expect((await requestCode(app, p)).statusCode).toBe(202);
      const limited = await requestCode(app, p);
      expect(limited.statusCode).toBe(429);
      expect(limited.json().code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
      expect((await app.inject({ url: `/api/v1/dev/mailbox?destination=${p}` })).json().items).toHaveLength(5);
      clock.advance(15 * 60_000);
      expect((await requestCode(app, p)).statusCode).toBe(202);
    });

    it('limits codes per IP address (20 per hour) across destinations', async () => {
      const ip = freshIp();
      for (let i = 0; i < 20; i++) expect((await requestCode(app, phone(), { ip })).statusCode).toBe(202);
      const limited = await requestCode(app, phone(), { ip });
      expect(limited.statusCode).toBe(429);
      expect(limited.json().code).toBe('RATE_LIMITED');
      expect(limited.headers['retry-after']).toBeDefined();
      expect((await requestCode(app, phone())).statusCode).toBe(202);
    });

    it('limits code guesses per IP address (30 per 15 minutes)', async () => {
      const ip = freshIp();
      for (let i = 0; i < 30; i++) expect((await verifyCode(app, phone(), '123456', { ip })).statusCode).toBe(400);
      const limited = await verifyCode(app, phone(), '123456', { ip });
      expect(limited.statusCode).toBe(429);
      expect(limited.json().code).toBe('RATE_LIMITED');
    });

    it('answers a code request identically for a known and an unknown destination', async () => {
      const known = phone();
      await signInByCode(app, known);
      const unknown = phone();
      const a = await requestCode(app, known, { headers: { 'accept-language': 'en' } });
      const b = await requestCode(app, unknown, { headers: { 'accept-language': 'en' } });
      expect(a.statusCode).toBe(b.statusCode);
      expect(a.body).toBe(b.body);
      const shape = (h: Record<string, unknown>) =>
        Object.keys(h)
          .filter((k) => !['x-request-id', 'date'].includes(k))
          .sort()
          .map((k) => `${k}=${k === 'content-length' || k === 'content-type' ? h[k] : ''}`);
      expect(shape(a.headers)).toEqual(shape(b.headers));
    });

    it('signs out of this session, and refuses writes without the CSRF token', async () => {
      const client = await signInByCode(app, phone());
      const noCsrf = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: client.read });
      expect(noCsrf.statusCode).toBe(403);
      expect(noCsrf.json().code).toBe('CSRF_TOKEN_INVALID');
      const out = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: client.write });
      expect(out.statusCode).toBe(204);
      expect((await app.inject({ url: '/api/v1/session', headers: client.read })).statusCode).toBe(401);
    });

    it('signs out everywhere: another session of the same person stops working', async () => {
      const p = phone();
      const laptop = await signInByCode(app, p);
      const mobile = await signInByCode(app, p);
      expect(mobile.id).toBe(laptop.id);
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-out-everywhere', headers: mobile.write });
      expect(res.statusCode).toBe(200);
      expect(res.json().revokedSessions).toBe(2);
      expect((await app.inject({ url: '/api/v1/session', headers: laptop.read })).statusCode).toBe(401);
      expect((await app.inject({ url: '/api/v1/session', headers: mobile.read })).statusCode).toBe(401);
    });

    it('keeps codes and phone numbers out of the logs', async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const config = ctx.config({ ONECITY_LOG_LEVEL: 'trace' });
      const logged = await buildApp(config, { database: ctx.handle(), clock, logger: createLogger(config, sink) });
      try {
        const p = phone();
        await requestCode(logged, p);
        const code = await latestCode(logged, p);
        await verifyCode(logged, p, code === '000000' ? '000001' : '000000');
        expect((await verifyCode(logged, p, code)).statusCode).toBe(200);
        const text = lines.join('');
        expect(text.length).toBeGreaterThan(0);
        expect(text).not.toContain(code);
        expect(text).not.toContain(p);
      } finally {
        await logged.close();
      }
    });

    it('in production without an SMS or e-mail provider, refuses to send codes and has no development mailbox', async () => {
      const key = () => randomBytes(32).toString('base64');
      const config = ctx.config({
        ONECITY_ENV: 'production',
        ONECITY_PII_KEYS: `k1:${key()}`,
        ONECITY_BLIND_INDEX_KEY: key(),
        ONECITY_AUDIT_KEY: key(),
      });
      const production = await buildApp(config, { database: ctx.handle(), clock });
      const challenges = () =>
        ctx
          .handle()
          .db.selectFrom('otp_challenges')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
      try {
        const before = await challenges();
        const res = await requestCode(production, phone(), { headers: { 'accept-language': 'en' } });
        expect(res.statusCode).toBe(503);
        expect(await challenges()).toEqual(before);
        expect(res.json().code).toBe('OTP_DELIVERY_UNAVAILABLE');
        const mailbox = await production.inject({ url: `/api/v1/dev/mailbox?destination=${phone()}` });
        expect(mailbox.statusCode).toBe(404);
      } finally {
        await production.close();
      }
    });

    it('leaves no phone number in clear in the tables it wrote', async () => {
      const db = ctx.handle().db;
      const dump = JSON.stringify([
        await db.selectFrom('citizens').selectAll().execute(),
        await db.selectFrom('otp_challenges').selectAll().execute(),
        await db.selectFrom('dev_mailbox').selectAll().execute(),
        await db.selectFrom('audit_log').selectAll().execute(),
        await db.selectFrom('rate_limit_counters').selectAll().execute(),
      ]);
      expect(phones.length).toBeGreaterThan(20);
      for (const p of phones) expect(dump).not.toContain(p);
    });
  },
  'demo',
);
