/**
 * Administration of accounts: staff accounts (platform admins anywhere, department admins in
 * their own department) and API keys for machine clients (platform admins). Secrets shown once.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import {
  ApiKeyList,
  CreateApiKeyRequest,
  CreatedApiKey,
  CreatedStaff,
  CreateStaffRequest,
  StaffRoleName,
} from '#contracts';
import { audit } from '../../audit/index.ts';
import type { ApiKeysTable } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { limitOffset, PageInfo, pageQuery } from '../../http/paging.ts';
import { access } from '../access.ts';
import { createApiKey, revokeApiKey } from '../api-keys.ts';
import { staffOf } from '../auth.ts';
import { staffMayCreateStaff } from '../policy.ts';
import type { StaffRole } from '../principal.ts';
import { revokeAllSessions } from '../sessions.ts';
import { insertStaff, resolveStaffTarget, staffCreatedEntry } from './service.ts';

const StaffListQuery = z.object({
  city: z.string().min(1).max(64).optional().describe('Platform admins: the city whose accounts to list'),
  department: z.string().min(1).max(64).optional().describe('Only this department (code)'),
  q: z.string().trim().max(100).optional().describe('Part of the user name or display name'),
  ...pageQuery(100, 20),
});

const StaffList = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      username: z.string(),
      displayName: z.string(),
      cityId: z.string(),
      departmentId: z.uuid(),
      departmentCode: z.string(),
      roles: z.array(StaffRoleName),
      jurisdiction: z.array(z.string()).describe('Zone codes'),
      status: z.enum(['active', 'disabled']),
      mustChangePassword: z.boolean().describe('Has not yet replaced the initial password'),
      secondFactor: z.boolean().describe('Has enrolled a TOTP second factor'),
      locked: z.boolean().describe('Locked after too many failed sign-ins'),
      createdAt: z.iso.datetime(),
    }),
  ),
  ...PageInfo,
});

function presentKey(row: Selectable<ApiKeysTable>) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    cityId: row.city_id,
    departmentId: row.department_id,
    scopes: row.scopes,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** Registers the account administration routes (mounted under /api/v1). */
export async function staffAdminRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = app.platform;

  r.post(
    '/admin/staff',
    {
      config: { access: access.staff('platform_admin', 'department_admin'), replay: false },
      schema: {
        tags: ['identity'],
        summary: 'Create a staff account; answers with a one-time initial password',
        description:
          'Platform admins create accounts in any city and department; department admins only in their own ' +
          'department, and never a platform admin (403 FORBIDDEN). Jurisdiction is given as zone codes of the city.',
        body: CreateStaffRequest,
        response: { 201: CreatedStaff },
      },
    },
    async (request, reply) => {
      const me = staffOf(request);
      const body = request.body;
      const target = await resolveStaffTarget(db, {
        cityId: body.city ?? me.cityId,
        departmentCode: body.departmentCode,
        jurisdictionCodes: body.jurisdiction,
      });
      if (!staffMayCreateStaff(me, { ...target, roles: body.roles })) {
        await db.transaction().execute((trx) =>
          audit(trx, request, {
            action: 'staff.create',
            cityId: target.cityId,
            outcome: 'denied',
            details: { departmentId: target.departmentId, roles: body.roles },
          }),
        );
        throw new AppError('FORBIDDEN');
      }
      const created = await db.transaction().execute(async (trx) => {
        const account = await insertStaff(trx, target, body);
        await audit(trx, request, staffCreatedEntry(account));
        return account;
      });
      reply.code(201);
      return {
        id: created.id,
        username: created.username,
        cityId: created.cityId,
        departmentId: created.departmentId,
        roles: created.roles,
        jurisdiction: created.jurisdiction,
        initialPassword: created.initialPassword,
      };
    },
  );

  r.get(
    '/admin/staff',
    {
      config: { access: access.staff('platform_admin', 'department_admin') },
      schema: {
        tags: ['identity'],
        summary: 'Staff accounts, by department then user name, without secrets',
        description:
          "Platform admins list any city's accounts (their own city unless `city` is given); department admins " +
          'only their own department. `q` matches the user name or the display name.',
        querystring: StaffListQuery,
        response: { 200: StaffList },
      },
    },
    async (request) => {
      const me = staffOf(request);
      const q = request.query;
      const platformAdmin = me.roles.includes('platform_admin');
      const cityId = platformAdmin ? (q.city ?? me.cityId) : me.cityId;
      let query = db
        .selectFrom('staff as s')
        .innerJoin('departments as d', 'd.id', 's.department_id')
        .where('s.city_id', '=', cityId);
      if (!platformAdmin) query = query.where('s.department_id', '=', me.departmentId);
      if (q.department) query = query.where('d.code', '=', q.department);
      if (q.q) {
        const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where((eb) => eb.or([eb('s.username', 'ilike', like), eb('s.display_name', 'ilike', like)]));
      }
      const { limit, offset } = limitOffset(q);
      const [total, rows] = await Promise.all([
        query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        query
          .select([
            's.id',
            's.username',
            's.display_name',
            's.city_id',
            's.department_id',
            'd.code as department_code',
            's.roles',
            's.jurisdiction',
            's.status',
            's.must_change_password',
            's.totp_enabled',
            's.locked_until',
            's.created_at',
          ])
          .orderBy('d.code')
          .orderBy('s.username')
          .limit(limit)
          .offset(offset)
          .execute(),
      ]);
      const zoneIds = [...new Set(rows.flatMap((r) => r.jurisdiction))];
      const zones = zoneIds.length
        ? await db.selectFrom('zones').select(['id', 'code']).where('id', 'in', zoneIds).execute()
        : [];
      const zoneCode = new Map(zones.map((z) => [z.id, z.code]));
      const now = clock.now();
      return {
        items: rows.map((r) => ({
          id: r.id,
          username: r.username,
          displayName: r.display_name,
          cityId: r.city_id,
          departmentId: r.department_id,
          departmentCode: r.department_code,
          roles: r.roles as StaffRole[],
          jurisdiction: r.jurisdiction.map((id) => zoneCode.get(id) ?? id),
          status: r.status,
          mustChangePassword: r.must_change_password,
          secondFactor: r.totp_enabled,
          locked: r.locked_until !== null && r.locked_until > now,
          createdAt: r.created_at.toISOString(),
        })),
        page: q.page,
        pageSize: q.pageSize,
        total: Number(total.n),
      };
    },
  );

  r.post(
    '/admin/staff/:id/second-factor/reset',
    {
      config: { access: access.staff('platform_admin', 'department_admin') },
      schema: {
        tags: ['identity'],
        summary: "Reset a staff member's second factor (lost phone): they enrol a new one at their next sign-in",
        description:
          'Removes the TOTP secret and ends every session of the account at once. The same administrators who may ' +
          'create the account may reset it (department admins: their own department, never a platform admin).',
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const me = staffOf(request);
      const target = await db
        .selectFrom('staff')
        .select(['id', 'city_id', 'department_id', 'roles'])
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!target) throw new AppError('NOT_FOUND');
      const subject = { subjectKind: 'staff', subjectId: target.id, cityId: target.city_id };
      const allowed = staffMayCreateStaff(me, {
        cityId: target.city_id,
        departmentId: target.department_id,
        roles: target.roles as StaffRole[],
      });
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        if (!allowed) {
          await audit(trx, request, { action: 'staff.second_factor.reset', ...subject, outcome: 'denied' });
          return;
        }
        await trx
          .updateTable('staff')
          .set({ totp_secret_enc: null, totp_enabled: false, totp_last_step: null, updated_at: now })
          .where('id', '=', target.id)
          .execute();
        const sessions = await revokeAllSessions(trx, now, 'staff', target.id);
        await audit(trx, request, { action: 'staff.second_factor.reset', ...subject, details: { sessions } });
      });
      if (!allowed) throw new AppError('FORBIDDEN');
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/admin/api-keys',
    {
      config: { access: access.staff('platform_admin'), replay: false },
      schema: {
        tags: ['identity'],
        summary: 'Create an API key for a machine client; the key is shown this once',
        body: CreateApiKeyRequest,
        response: { 201: CreatedApiKey },
      },
    },
    async (request, reply) => {
      const me = staffOf(request);
      const { name, scopes, departmentCode } = request.body;
      const cityId = request.body.city ?? me.cityId;
      const city = await db
        .selectFrom('tenants')
        .select('id')
        .where('id', '=', cityId)
        .where('kind', '=', 'city')
        .executeTakeFirst();
      if (!city) throw new AppError('CITY_NOT_FOUND', { city: cityId });
      let departmentId: string | null = null;
      if (departmentCode !== undefined) {
        const department = await db
          .selectFrom('departments')
          .select('id')
          .where('city_id', '=', cityId)
          .where('code', '=', departmentCode)
          .executeTakeFirst();
        if (!department) throw new AppError('DEPARTMENT_NOT_FOUND', { department: departmentCode });
        departmentId = department.id;
      }
      const { key, row } = await db.transaction().execute(async (trx) => {
        const made = await createApiKey(trx, {
          cityId,
          name,
          scopes: [...new Set(scopes)],
          departmentId,
          createdBy: me.id,
        });
        await audit(trx, request, {
          action: 'api_key.create',
          subjectKind: 'api_key',
          subjectId: made.id,
          cityId,
          details: { name, scopes, departmentId, prefix: made.prefix },
        });
        const stored = await trx.selectFrom('api_keys').selectAll().where('id', '=', made.id).executeTakeFirstOrThrow();
        return { key: made.key, row: stored };
      });
      reply.code(201);
      return { ...presentKey(row), key };
    },
  );

  r.get(
    '/admin/api-keys',
    {
      config: { access: access.staff('platform_admin') },
      schema: {
        tags: ['identity'],
        summary: 'Every API key, newest first, without secrets (revoked keys included, marked)',
        response: { 200: ApiKeyList },
      },
    },
    async () => {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return { items: rows.map(presentKey) };
    },
  );

  r.delete(
    '/admin/api-keys/:id',
    {
      config: { access: access.staff('platform_admin') },
      schema: {
        tags: ['identity'],
        summary: 'Revoke an API key; it stops working at once',
        params: z.object({ id: z.uuid() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await db.transaction().execute(async (trx) => {
        if (!(await revokeApiKey(trx, clock.now(), id))) throw new AppError('API_KEY_NOT_FOUND');
        await audit(trx, request, { action: 'api_key.revoke', subjectKind: 'api_key', subjectId: id });
      });
      return reply.code(204).send(null);
    },
  );
}
