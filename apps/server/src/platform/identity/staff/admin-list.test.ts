import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../../app.ts';
import { describeEachDialect } from '../../../testing/db.ts';
import { signedInStaff, type TestSignIn } from '../../../testing/identity.ts';
import { ManualClock } from '../../time/clock.ts';

describeEachDialect(
  'staff administration: the list of accounts',
  (ctx) => {
    let app: FastifyInstance;
    let admin: TestSignIn;
    let waterAdmin: TestSignIn;
    let clerk: TestSignIn;
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    const list = (who: TestSignIn, query = '') =>
      app.inject({ url: `/api/v1/admin/staff${query}`, headers: { ...who.read, 'accept-language': 'en' } });

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      const db = ctx.handle().db;
      const config = app.platform.config;
      admin = await signedInStaff(db, config, clock, {
        departmentCode: 'gov-services-data',
        roles: ['platform_admin'],
      });
      waterAdmin = await signedInStaff(db, config, clock, { departmentCode: 'water', roles: ['department_admin'] });
      clerk = await signedInStaff(db, config, clock, { roles: ['clerk'] });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('lists accounts without secrets; department admins see only their own department', async () => {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/staff',
        headers: admin.write,
        payload: {
          departmentCode: 'water',
          username: 'li.na',
          displayName: '李娜',
          roles: ['clerk'],
          jurisdiction: ['LN-01'],
        },
      });
      expect(created.statusCode, created.body).toBe(201);

      const all = await list(admin, '?pageSize=100');
      expect(all.statusCode, all.body).toBe(200);
      const body = all.json();
      expect(body.total).toBeGreaterThanOrEqual(4);
      const lina = body.items.find((s: { username: string }) => s.username === 'li.na');
      expect(lina).toMatchObject({
        displayName: '李娜',
        cityId: 'lingnan',
        departmentCode: 'water',
        roles: ['clerk'],
        jurisdiction: ['LN-01'],
        status: 'active',
        mustChangePassword: true,
        secondFactor: false,
        locked: false,
      });
      expect(all.body).not.toMatch(/password_hash|totp_secret|initialPassword/);

      const found = await list(admin, '?q=LI.N&department=water');
      expect(found.json().items.map((s: { username: string }) => s.username)).toEqual(['li.na']);
      expect((await list(admin, '?q=%25')).json().total).toBe(0);

      const own = await list(waterAdmin, '?pageSize=100');
      expect(own.statusCode).toBe(200);
      const departments = new Set(own.json().items.map((s: { departmentCode: string }) => s.departmentCode));
      expect([...departments]).toEqual(['water']);
      // A department admin's city filter is ignored: their own department only.
      expect((await list(waterAdmin, '?city=other&department=health')).json().total).toBe(0);

      const paged = await list(admin, '?pageSize=1&page=2');
      expect(paged.json()).toMatchObject({ page: 2, pageSize: 1, total: body.total });
      expect(paged.json().items).toHaveLength(1);

      expect((await list(clerk)).statusCode).toBe(403);
      expect((await app.inject({ url: '/api/v1/admin/staff' })).statusCode).toBe(401);
    });
  },
  'demo',
);
