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
import { createApiKey } from './platform/identity/api-keys.ts';
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

    it('holds for reports: no reporter contact details through any report, work-order, Open311 or public endpoint', async () => {
      const db = ctx.handle().db;
      const config = app.platform.config;
      const phone = freshPhone();
      const email = `reporter-${phone}@example.test`;
      const reporter = await signedInCitizen(db, config, clock, { phone, email, name: '林秀英' });
      const grid = await db
        .selectFrom('zones')
        .select(['center_lat as lat', 'center_lon as lon'])
        .where('code', '=', 'LN-06-01-01')
        .executeTakeFirstOrThrow();
      const reported = await app.inject({
        method: 'POST',
        url: '/api/v1/cities/lingnan/reports',
        headers: reporter.write,
        payload: {
          categoryCode: 'manhole-cover-missing',
          description: '井盖没了',
          ...grid,
          attributes: { anyone_hurt: false },
        },
      });
      expect(reported.statusCode, reported.body).toBe(201);
      const { trackingNo } = reported.json();
      const { key } = await createApiKey(db, { cityId: 'lingnan', name: 'privacy', scopes: ['open311:write'] });
      const o311Phone = freshPhone();
      const o311Email = `o311-${o311Phone}@example.test`;
      const posted = await app.inject({
        method: 'POST',
        url: '/api/open311/v2/requests.json',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          api_key: key,
          jurisdiction_id: 'lingnan',
          service_code: 'garbage-piled',
          lat: String(grid.lat + 0.001),
          long: String(grid.lon),
          description: '垃圾没人清',
          first_name: '欧阳',
          last_name: '明远',
          email: o311Email,
          phone: o311Phone,
          device_id: 'device-7f3a9c',
        }).toString(),
      });
      expect(posted.statusCode, posted.body).toBeLessThan(300);
      const workOrder = await db
        .withTables<{ reports: { tracking_no: string; work_order_id: string } }>()
        .selectFrom('reports')
        .select('work_order_id')
        .where('tracking_no', '=', trackingNo)
        .executeTakeFirstOrThrow();
      const secrets = [phone, email, '林秀英', reporter.id, o311Phone, o311Email, '欧阳', 'device-7f3a9c'];

      const other = await signedInCitizen(db, config, clock);
      const handler = await signedInStaff(db, config, clock, { roles: ['clerk', 'supervisor'] });
      const operations = await signedInStaff(db, config, clock, {
        departmentCode: 'gov-services-data',
        roles: ['supervisor'],
      });
      const callers = {
        anonymous: {},
        'other citizen': other.read,
        handler: handler.read,
        operations: operations.read,
      };
      const params: Record<string, string> = {
        city: 'lingnan',
        trackingNo,
        id: workOrder.work_order_id,
        format: 'json',
        file: `${trackingNo}.json`,
        code: 'LN-06',
        fileId: '0192f000-0000-7000-8000-00000000beef',
      };
      let checked = 0;
      for (const route of app.routeCatalog) {
        // The live stream stays open; its events carry ids and statuses only (live-routes.test.ts).
        if (route.method !== 'GET' || route.url.endsWith('/live')) continue;
        const url = route.url.replace(/:(\w+)/g, (_m, name: string) => params[name] ?? name);
        for (const format of route.url.includes(':format') || route.url.includes(':file')
          ? ['json', 'xml']
          : ['json']) {
          const path = url.replace('.json', `.${format}`);
          for (const [who, headers] of Object.entries(callers)) {
            const res = await app.inject({ url: `${path}?jurisdiction_id=lingnan`, headers });
            checked += 1;
            for (const secret of secrets) expect(res.body, `GET ${path} as ${who}`).not.toContain(secret);
          }
        }
      }
      expect(checked).toBeGreaterThan(100);
      const log = lines.join('');
      for (const secret of [phone, email, o311Phone, o311Email]) expect(log, 'log output').not.toContain(secret);
    });
  },
  'demo',
);
