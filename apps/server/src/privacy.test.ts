/**
 * The red line, checked from the outside: after a citizen signs up by phone, gives their
 * national ID, is looked up by staff and exports their data, neither the national ID nor the
 * phone number is stored in clear in any table, written to any log line, or shown in any
 * response that is not the person's own.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, createLogger } from './app.ts';
import { freshPhone, nationalId, signInByCode } from './platform/identity/citizen/test-support.ts';
import { ManualClock } from './platform/time/clock.ts';
import { describeEachDialect } from './testing/db.ts';
import { signedInCitizen, signedInStaff } from './testing/identity.ts';

describeEachDialect(
  'personal data never leaks',
  (ctx) => {
    let app: FastifyInstance;
    const clock = new ManualClock('2026-07-01T02:00:00Z');
    const lines: string[] = [];

    beforeAll(async () => {
      const config = ctx.config({ ONECITY_LOG_LEVEL: 'trace' });
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      app = await buildApp(config, { database: ctx.handle(), clock, logger: createLogger(config, sink) });
    });
    afterAll(async () => {
      await app.close();
    });

    it('holds for the database, the logs and other people', async () => {
      const phone = freshPhone();
      const idNumber = nationalId('44010619900307123');
      const maskedId = `${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`;
      const secrets = [phone, idNumber, `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`];
      const responses: { who: string; body: string }[] = [];
      const seen = <T extends { body: string }>(who: string, res: T): T => {
        responses.push({ who, body: res.body });
        return res;
      };

      const me = await signInByCode(app, phone);
      const patched = await app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: me.write,
        payload: { name: '陈小明', nationalId: idNumber },
      });
      expect(patched.statusCode).toBe(200);
      seen('self', patched);
      const own = seen('self', await app.inject({ url: '/api/v1/me', headers: me.read }));
      expect(own.json()).toMatchObject({ nationalId: maskedId });
      const revealed = await app.inject({ url: '/api/v1/me?reveal=true', headers: me.read });
      expect(revealed.body).toContain(idNumber);
      const exported = await app.inject({ url: '/api/v1/me/export', headers: me.read });
      expect(exported.body).toContain(phone);

      const clerk = await signedInStaff(ctx.handle().db, app.platform.config, clock, { roles: ['clerk'] });
      const read = seen(
        'clerk',
        await app.inject({
          url: `/api/v1/citizens/${me.id}?purpose=${encodeURIComponent('checking a housing application')}`,
          headers: clerk.read,
        }),
      );
      expect(read.statusCode).toBe(200);
      expect(read.body).toContain(maskedId);

      const other = await signedInCitizen(ctx.handle().db, app.platform.config, clock);
      seen('other citizen', await app.inject({ url: '/api/v1/me', headers: other.read }));
      seen('other citizen', await app.inject({ url: '/api/v1/me/export', headers: other.read }));
      seen(
        'other citizen',
        await app.inject({ url: `/api/v1/citizens/${me.id}?purpose=curiosity`, headers: other.read }),
      );
      seen('anonymous', await app.inject({ url: `/api/v1/citizens/${me.id}?purpose=curiosity` }));
      const trail = seen('self', await app.inject({ url: '/api/v1/me/data-access', headers: me.read }));
      expect(trail.body).toContain('checking a housing application');

      for (const { who, body } of responses) {
        for (const secret of secrets) expect(body, `response to ${who}`).not.toContain(secret);
      }

      const log = lines.join('');
      expect(log.length).toBeGreaterThan(1000);
      for (const secret of secrets) expect(log, 'log output').not.toContain(secret);

      const { rows: tables } = await sql<{ name: string }>`
        SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(ctx.handle().db);
      expect(tables.length).toBeGreaterThan(20);
      for (const { name } of tables) {
        const { rows } = await sql.raw(`SELECT * FROM "${name}"`).execute(ctx.handle().db);
        const dump = JSON.stringify(rows, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
        for (const secret of [phone, idNumber]) expect(dump, `table ${name}`).not.toContain(secret);
      }
    });
  },
  'demo',
);
