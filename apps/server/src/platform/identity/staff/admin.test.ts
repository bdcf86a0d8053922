import type { FastifyInstance } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { StaffRoleName } from '#contracts';
import { buildApp } from '../../../app.ts';
import { describeEachDialect } from '../../../testing/db.ts';
import { ManualClock } from '../../time/clock.ts';
import { access } from '../access.ts';
import { StaffRoles } from '../principal.ts';
import { apiKeyCreateCommand, apiKeyRevokeCommand, staffCreateCommand, UsageError } from './cli.ts';
import { verifyPassword } from './passwords.ts';
import { createStaff } from './service.ts';
import { insertTestStaff, sessionHeaders, staffFullSignIn, staffSignIn, type TestSession } from './test-support.ts';

describeEachDialect(
  'staff and API key administration',
  (ctx) => {
    let app: FastifyInstance;
    let admin: TestSession;
    let departmentAdmin: TestSession;
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    const send = (method: 'POST' | 'GET' | 'DELETE', url: string, session: TestSession | null, payload?: unknown) =>
      app.inject({
        method,
        url,
        headers: { 'accept-language': 'en', ...(session ? sessionHeaders(app, session) : {}) },
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      // A route for machine clients holding the scope `test.read`, as a module would declare it.
      app.get(
        '/api/v1/test/machine',
        { config: { access: access.apiKey('test.read') } },
        async (request) => request.principal,
      );
      const platformAdmin = await insertTestStaff(app, { roles: ['platform_admin'], totp: true });
      admin = await staffFullSignIn(app, platformAdmin, clock);
      const deptAdmin = await insertTestStaff(app, {
        roles: ['department_admin'],
        totp: true,
        departmentCode: 'water',
      });
      departmentAdmin = await staffFullSignIn(app, deptAdmin, clock);
    });
    afterAll(async () => {
      await app?.close();
    });

    it("resets a staff member's second factor: sessions end and the next sign-in enrols a new one", async () => {
      const lost = await insertTestStaff(app, { totp: true, departmentCode: 'water' });
      const session = await staffFullSignIn(app, lost, clock);
      expect((await send('GET', '/api/v1/staff/me', session)).statusCode).toBe(200);
      const outsider = await insertTestStaff(app, {
        roles: ['department_admin'],
        totp: true,
        departmentCode: 'health',
      });
      const outsiderSession = await staffFullSignIn(app, outsider, clock);
      const refused = await send('POST', `/api/v1/admin/staff/${lost.id}/second-factor/reset`, outsiderSession, {});
      expect(refused.statusCode).toBe(403);
      expect((await send('GET', '/api/v1/staff/me', session)).statusCode).toBe(200);

      const reset = await send('POST', `/api/v1/admin/staff/${lost.id}/second-factor/reset`, departmentAdmin, {});
      expect(reset.statusCode).toBe(204);
      expect((await send('GET', '/api/v1/staff/me', session)).statusCode).toBe(401);
      const again = await send('POST', '/api/v1/staff/sign-in', null, {
        username: lost.username,
        password: lost.password,
      });
      expect(again.json().next).toBe('totp_enroll');
      const unknown = await send('POST', `/api/v1/admin/staff/${uuidv7()}/second-factor/reset`, admin, {});
      expect(unknown.statusCode).toBe(404);
      const audited = await app.platform.db
        .selectFrom('audit_log')
        .select(['outcome'])
        .where('action', '=', 'staff.second_factor.reset')
        .where('subject_id', '=', lost.id)
        .orderBy('seq')
        .execute();
      expect(audited.map((a) => a.outcome)).toEqual(['denied', 'success']);
    });

    it('keeps the contract role list equal to the server’s', () => {
      expect(StaffRoleName.options).toEqual([...StaffRoles]);
    });

    it('lets a platform admin create a staff account who then signs in with the one-time password', async () => {
      const res = await send('POST', '/api/v1/admin/staff', admin, {
        departmentCode: 'urban-management',
        username: 'Li.Ming',
        displayName: '李明',
        roles: ['clerk', 'supervisor'],
        jurisdiction: ['LN-01', 'LN-02-03'],
      });
      expect(res.statusCode).toBe(201);
      const created = res.json();
      expect(created).toMatchObject({ username: 'li.ming', cityId: 'lingnan', roles: ['clerk', 'supervisor'] });
      expect(created.initialPassword).toMatch(/^[A-Za-z0-9]{16}$/);
      const zones = await app.platform.db
        .selectFrom('zones')
        .select(['id', 'code'])
        .where('city_id', '=', 'lingnan')
        .where('code', 'in', ['LN-01', 'LN-02-03'])
        .orderBy('code')
        .execute();
      expect(created.jurisdiction).toEqual(zones.map((z) => z.id));
      const row = await app.platform.db
        .selectFrom('staff')
        .selectAll()
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      expect(row.must_change_password).toBe(true);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      const signIn = await app.inject({
        method: 'POST',
        url: '/api/v1/staff/sign-in',
        payload: { username: 'li.ming', password: created.initialPassword },
      });
      expect(signIn.json().next).toBe('password_change');
      const audited = await app.platform.db
        .selectFrom('audit_log')
        .select(['actor_kind', 'action'])
        .where('subject_id', '=', created.id)
        .where('action', '=', 'staff.create')
        .execute();
      expect(audited).toEqual([{ actor_kind: 'staff', action: 'staff.create' }]);

      const again = await send('POST', '/api/v1/admin/staff', admin, {
        departmentCode: 'water',
        username: 'li.ming',
        displayName: 'Someone else',
        roles: ['clerk'],
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('USERNAME_TAKEN');
    });

    it('resolves jurisdiction within the staff member’s city only', async () => {
      const foreign = await send('POST', '/api/v1/admin/staff', admin, {
        departmentCode: 'urban-management',
        username: 'wrong-zone',
        displayName: 'x',
        roles: ['clerk'],
        jurisdiction: ['NW-01'],
      });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json()).toMatchObject({ code: 'ZONE_NOT_FOUND' });
      const nanwan = await send('POST', '/api/v1/admin/staff', admin, {
        city: 'nanwan',
        departmentCode: 'urban-management',
        username: 'nw-clerk',
        displayName: 'x',
        roles: ['clerk'],
        jurisdiction: ['NW-01'],
      });
      expect(nanwan.statusCode).toBe(201);
      expect(nanwan.json().cityId).toBe('nanwan');
      const badRole = await send('POST', '/api/v1/admin/staff', admin, {
        departmentCode: 'water',
        username: 'bad-role',
        displayName: 'x',
        roles: ['mayor'],
      });
      expect(badRole.statusCode).toBe(400);
      expect(badRole.json().code).toBe('VALIDATION_FAILED');
    });

    it('lets a department admin create accounts in their own department only, never a platform admin', async () => {
      const own = await send('POST', '/api/v1/admin/staff', departmentAdmin, {
        departmentCode: 'water',
        username: 'water-clerk',
        displayName: 'x',
        roles: ['clerk'],
      });
      expect(own.statusCode).toBe(201);
      const other = await send('POST', '/api/v1/admin/staff', departmentAdmin, {
        departmentCode: 'transport',
        username: 'transport-clerk',
        displayName: 'x',
        roles: ['clerk'],
      });
      expect(other.statusCode).toBe(403);
      const raise = await send('POST', '/api/v1/admin/staff', departmentAdmin, {
        departmentCode: 'water',
        username: 'water-boss',
        displayName: 'x',
        roles: ['platform_admin'],
      });
      expect(raise.statusCode).toBe(403);
      const denied = await app.platform.db
        .selectFrom('audit_log')
        .select('outcome')
        .where('action', '=', 'staff.create')
        .where('outcome', '=', 'denied')
        .execute();
      expect(denied).toHaveLength(2);
      const clerk = await insertTestStaff(app, { roles: ['clerk'], totp: true });
      const byClerk = await send('POST', '/api/v1/admin/staff', await staffFullSignIn(app, clerk, clock), {
        departmentCode: 'water',
        username: 'by-clerk',
        displayName: 'x',
        roles: ['clerk'],
      });
      expect(byClerk.statusCode).toBe(403);
      // Half signed in (no second factor yet): refused before the role is even looked at.
      const half = await staffSignIn(app, clerk.username, clerk.password);
      const early = await send('POST', '/api/v1/admin/staff', half, {});
      expect(early.statusCode).toBe(403);
      expect(early.json().code).toBe('SECOND_FACTOR_REQUIRED');
    });

    it('creates accounts from the command line function with a one-time password', async () => {
      const created = await createStaff(app.platform.db, {
        cityId: 'lingnan',
        departmentCode: 'transport',
        username: 'cli-user',
        displayName: 'Command Line',
        roles: ['field_crew'],
        jurisdictionCodes: ['LN-03'],
      });
      expect(created.jurisdiction).toHaveLength(1);
      const row = await app.platform.db
        .selectFrom('staff')
        .selectAll()
        .where('username', '=', 'cli-user')
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ must_change_password: true, roles: ['field_crew'], city_id: 'lingnan' });
      expect(await verifyPassword(row.password_hash, created.initialPassword)).toBe(true);
      await expect(
        createStaff(app.platform.db, {
          cityId: 'lingnan',
          departmentCode: 'no-such-department',
          username: 'cli-user-2',
          displayName: 'x',
          roles: ['clerk'],
        }),
      ).rejects.toMatchObject({ code: 'DEPARTMENT_NOT_FOUND' });
    });

    it('runs `onecity staff create` and `onecity api-key create|revoke`, audited as the command line', async () => {
      const { db, config } = app.platform;
      const text = await staffCreateCommand(db, config, {
        city: 'lingnan',
        department: 'water',
        username: 'cli-admin',
        name: '管理员',
        roles: 'platform_admin,clerk',
        jurisdiction: 'LN-01,LN-02-03',
      });
      const password = /initial password {2}(\S+)/.exec(text)?.[1] ?? '';
      const row = await db
        .selectFrom('staff')
        .selectAll()
        .where('username', '=', 'cli-admin')
        .executeTakeFirstOrThrow();
      expect(row.roles).toEqual(['platform_admin', 'clerk']);
      expect(row.jurisdiction).toHaveLength(2);
      expect(await verifyPassword(row.password_hash, password)).toBe(true);
      await expect(staffCreateCommand(db, config, { city: 'lingnan', roles: 'clerk' })).rejects.toThrow(UsageError);
      await expect(
        staffCreateCommand(db, config, {
          city: 'lingnan',
          department: 'water',
          username: 'x-y',
          name: 'n',
          roles: 'mayor',
        }),
      ).rejects.toThrow(/unknown role "mayor"/);

      const keyText = await apiKeyCreateCommand(db, config, { city: 'lingnan', name: 'gateway', scopes: 'test.read' });
      const key = /key {5}(ock_\S+)/.exec(keyText)?.[1] ?? '';
      const id = /id {6}(\S+)/.exec(keyText)?.[1] ?? '';
      const machine = () => app.inject({ url: '/api/v1/test/machine', headers: { authorization: `Bearer ${key}` } });
      expect((await machine()).statusCode).toBe(200);
      await apiKeyRevokeCommand(db, config, id);
      expect((await machine()).statusCode).toBe(401);
      await expect(apiKeyRevokeCommand(db, config, id)).rejects.toMatchObject({ code: 'API_KEY_NOT_FOUND' });
      const audited = await db
        .selectFrom('audit_log')
        .select(['action', 'actor_kind', 'details'])
        .where('subject_id', 'in', [row.id, id])
        .orderBy('seq')
        .execute();
      expect(audited.map((a) => a.action)).toEqual(['staff.create', 'api_key.create', 'api_key.revoke']);
      expect(audited.every((a) => a.details.via === 'cli' && a.actor_kind === 'operator')).toBe(true);
    });

    it('creates an API key shown once, which works until it is revoked', async () => {
      const created = await send('POST', '/api/v1/admin/api-keys', admin, {
        name: 'Open311 gateway',
        scopes: ['test.read', 'open311.write'],
        departmentCode: 'urban-management',
      });
      expect(created.statusCode).toBe(201);
      const key = created.json();
      expect(key.key).toMatch(/^ock_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
      expect(key).toMatchObject({ name: 'Open311 gateway', cityId: 'lingnan', revokedAt: null });

      const used = await app.inject({ url: '/api/v1/test/machine', headers: { authorization: `Bearer ${key.key}` } });
      expect(used.statusCode).toBe(200);
      expect(used.json()).toMatchObject({ kind: 'api_key', id: key.id, cityId: 'lingnan', scopes: key.scopes });

      const listed = await send('GET', '/api/v1/admin/api-keys', admin);
      expect(listed.statusCode).toBe(200);
      expect(listed.body).not.toContain(key.key.slice('ock_'.length + 13));
      expect(listed.json().items.find((k: { id: string }) => k.id === key.id)).toMatchObject({
        prefix: key.prefix,
        lastUsedAt: clock.now().toISOString(),
      });
      expect(listed.json().items[0]).not.toHaveProperty('key');

      // Staff other than platform admins cannot manage keys; keys cannot reach staff routes.
      expect((await send('GET', '/api/v1/admin/api-keys', departmentAdmin)).statusCode).toBe(403);
      const keyOnAdmin = await app.inject({
        url: '/api/v1/admin/api-keys',
        headers: { authorization: `Bearer ${key.key}` },
      });
      expect(keyOnAdmin.statusCode).toBe(403);

      const revoked = await send('DELETE', `/api/v1/admin/api-keys/${key.id}`, admin);
      expect(revoked.statusCode).toBe(204);
      const after = await app.inject({ url: '/api/v1/test/machine', headers: { authorization: `Bearer ${key.key}` } });
      expect(after.statusCode).toBe(401);
      expect(after.json().code).toBe('API_KEY_INVALID');
      const twice = await send('DELETE', `/api/v1/admin/api-keys/${key.id}`, admin);
      expect(twice.statusCode).toBe(404);
      expect(twice.json().code).toBe('API_KEY_NOT_FOUND');
      const actions = await app.platform.db
        .selectFrom('audit_log')
        .select('action')
        .where('subject_id', '=', key.id)
        .orderBy('seq')
        .execute();
      expect(actions.map((a) => a.action)).toEqual(['api_key.create', 'api_key.revoke']);
    });

    it('refuses a key without the route’s scope, and never stores an answer with a secret for replay', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/admin/api-keys',
        headers: { ...sessionHeaders(app, admin), 'idempotency-key': 'key-create-1' },
        payload: { name: 'Other', scopes: ['other.scope'] },
      });
      expect(res.statusCode).toBe(201);
      const stored = await app.platform.db
        .selectFrom('idempotency_keys')
        .select('key')
        .where('key', '=', 'key-create-1')
        .execute();
      expect(stored).toHaveLength(0);
      const wrongScope = await app.inject({
        url: '/api/v1/test/machine',
        headers: { authorization: `Bearer ${res.json().key}` },
      });
      expect(wrongScope.statusCode).toBe(403);
    });
  },
  'demo',
);
