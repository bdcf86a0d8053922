/**
 * The departments' side of applications (mounted under /api/v1): the queue of application
 * steps for my department and role with time-limit countdowns; an application with its
 * materials, answers and timeline (reading an applicant's data is audited, and staff see only
 * applications their department has a step in, and only their department's steps); the step
 * actions (approve, reject, ask for more material — 补正, transfer); internal notes versus
 * messages to the applicant.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { credentialState, openCredential } from '../../platform/credentials/index.ts';
import type { Database } from '../../platform/db/schema.ts';
import { readFile, sendImage } from '../../platform/files/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { access } from '../../platform/identity/access.ts';
import { staffOfCity } from '../../platform/identity/auth.ts';
import type { StaffPrincipal } from '../../platform/identity/principal.ts';
import { CityParams, cityOf, cityScope } from '../../platform/tenancy/scope.ts';
import { getInstance, listTasks, listTasksForStaff, type TaskPage } from '../../platform/workflow/index.ts';
import { viewOf } from './application-routes.ts';
import { type ApplicationRow, appendLog } from './applications.ts';
import { ApplicationView } from './present.ts';
import { governmentDb } from './schema.ts';
import { actOnApplicationTask } from './submission.ts';

const AppParams = CityParams.extend({ id: z.uuid().describe('Application id') });

const TaskItem = z.object({
  taskId: z.string(),
  step: z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), role: z.enum(['clerk', 'supervisor']) }),
  status: z.string(),
  openedAt: z.iso.datetime(),
  dueAt: z.iso.datetime().nullable(),
  remainingWorkingDays: z.number().int().nullable(),
  overdue: z.boolean(),
  paused: z.boolean(),
  escalationLevel: z.number().int(),
  application: z.object({
    id: z.string(),
    trackingNo: z.string().nullable(),
    serviceCode: z.string(),
    serviceNameZh: z.string(),
    serviceNameEn: z.string(),
    status: z.string(),
    submittedAt: z.iso.datetime().nullable(),
  }),
});

const StaffTask = z.object({
  id: z.string(),
  stepCode: z.string(),
  stepNameZh: z.string(),
  stepNameEn: z.string(),
  role: z.enum(['clerk', 'supervisor']),
  status: z.string(),
  dueAt: z.iso.datetime().nullable(),
  remainingWorkingDays: z.number().int().nullable(),
  overdue: z.boolean(),
  mine: z.boolean().describe('The task is my department’s, with a role I hold: I can act on it'),
});

const StaffApplication = ApplicationView.extend({
  workflow: z.object({
    instanceId: z.string(),
    version: z.number().int().describe('Pass back as expectedVersion to refuse acting on a stale view'),
    status: z.string(),
    promisedDueAt: z.iso.datetime().nullable(),
    legalDueAt: z.iso.datetime().nullable(),
    remainingWorkingDays: z.number().int().nullable(),
    paused: z.boolean(),
    tasks: z.array(StaffTask).describe('Only my department’s steps'),
  }),
});

const Action = z.discriminatedUnion('action', [
  z.object({ action: z.literal('approve'), message: z.string().trim().max(4000).optional() }),
  z.object({
    action: z.literal('reject'),
    reason: z.string().trim().min(2).max(1000),
    message: z.string().trim().max(4000).optional(),
  }),
  z.object({
    action: z.literal('request_material'),
    message: z.string().trim().min(2).max(4000).describe('What to supply and why (告知), shown to the applicant'),
    materials: z
      .array(
        z.object({
          code: z.string().max(80).optional(),
          name: z.string().trim().min(1).max(200),
          note: z.string().max(500).optional(),
        }),
      )
      .min(1)
      .max(50),
  }),
  z.object({
    action: z.literal('transfer'),
    toDepartmentCode: z.string().trim().min(1).max(64),
    reason: z.string().trim().min(2).max(1000),
  }),
]);

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * The application `id` of the staff member's city if their department has (or had) a step in it
 * — or they run the platform; 404 otherwise.
 */
async function applicationForStaff(db: Kysely<Database>, staff: StaffPrincipal, id: string): Promise<ApplicationRow> {
  const row = await governmentDb(db)
    .selectFrom('applications')
    .selectAll()
    .where('id', '=', id)
    .where('city_id', '=', staff.cityId)
    .executeTakeFirst();
  if (!row?.workflow_instance_id) throw new AppError('GOV_APPLICATION_NOT_FOUND');
  if (staff.roles.includes('platform_admin')) return row;
  const step = await db
    .withTables<{ workflow_tasks: { instance_id: string; department_id: string } }>()
    .selectFrom('workflow_tasks')
    .select('instance_id')
    .where('instance_id', '=', row.workflow_instance_id)
    .where('department_id', '=', staff.departmentId)
    .executeTakeFirst();
  if (!step) throw new AppError('GOV_APPLICATION_NOT_FOUND');
  return row;
}

async function staffView(app: FastifyInstance, request: FastifyRequest, staff: StaffPrincipal, row: ApplicationRow) {
  const db = app.platform.db;
  const [base, instance] = await Promise.all([
    viewOf(db, row, true),
    getInstance(db, app.platform.clock, row.city_id, row.workflow_instance_id as string),
  ]);
  if (!instance) throw new AppError('GOV_APPLICATION_NOT_FOUND');
  const roles = new Set(staff.roles.includes('supervisor') ? ['clerk', 'supervisor'] : staff.roles);
  const tasks = instance.tasks
    .filter((t) => staff.roles.includes('platform_admin') || t.departmentId === staff.departmentId)
    .map((t) => ({
      id: t.id,
      stepCode: t.step.code,
      stepNameZh: t.step.name.zh,
      stepNameEn: t.step.name.en,
      role: t.step.role,
      status: t.status,
      dueAt: iso(t.dueAt),
      remainingWorkingDays: t.remainingWorkingDays,
      overdue: t.overdue,
      mine: t.departmentId === staff.departmentId && roles.has(t.step.role),
    }));
  // Staff read the applicant's answers: recorded where the citizen can see it (who accessed my data).
  await db.transaction().execute((trx) =>
    audit(trx, request, {
      action: 'government.application.read',
      subjectKind: 'application',
      subjectId: row.id,
      personId: row.citizen_id,
      purpose: 'handling an application',
      cityId: row.city_id,
    }),
  );
  return {
    ...base,
    workflow: {
      instanceId: instance.id,
      version: instance.version,
      status: instance.status,
      promisedDueAt: iso(instance.promisedDueAt),
      legalDueAt: iso(instance.legalDueAt),
      remainingWorkingDays: instance.remainingWorkingDays,
      paused: instance.paused,
      tasks,
    },
  };
}

/** A page of workflow tasks about applications, with what staff need to know of each application. */
async function taskPage(db: Kysely<Database>, page: TaskPage) {
  const ids = page.items.map((t) => t.subject.id);
  const apps = ids.length
    ? await governmentDb(db)
        .selectFrom('applications as a')
        .innerJoin('services as s', 's.id', 'a.service_id')
        .select(['a.id', 'a.tracking_no', 'a.service_code', 'a.status', 'a.submitted_at', 's.name_zh', 's.name_en'])
        .where('a.id', 'in', ids)
        .execute()
    : [];
  const byId = new Map(apps.map((a) => [a.id, a]));
  return {
    items: page.items.flatMap((t) => {
      const a = byId.get(t.subject.id);
      if (!a) return [];
      return [
        {
          taskId: t.id,
          step: { code: t.step.code, nameZh: t.step.name.zh, nameEn: t.step.name.en, role: t.step.role },
          status: t.status,
          openedAt: t.openedAt.toISOString(),
          dueAt: iso(t.dueAt),
          remainingWorkingDays: t.remainingWorkingDays,
          overdue: t.overdue,
          paused: t.paused,
          escalationLevel: t.escalationLevel,
          application: {
            id: a.id,
            trackingNo: a.tracking_no,
            serviceCode: a.service_code,
            serviceNameZh: a.name_zh,
            serviceNameEn: a.name_en,
            status: a.status,
            submittedAt: iso(a.submitted_at),
          },
        },
      ];
    }),
    page: page.page,
    pageSize: page.pageSize,
    total: page.total,
  };
}

/** Registers the staff routes of applications. */
export async function staffApplicationRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = () => app.platform.db;

  r.get(
    '/cities/:city/application-tasks',
    {
      config: { access: access.staff('clerk', 'supervisor') },
      schema: {
        tags: ['government'],
        summary:
          'My department’s application steps for my roles, soonest due first, with the working days left (negative: overdue)',
        params: CityParams,
        querystring: z.object({
          status: z.enum(['open', 'waiting', 'approved', 'rejected', 'cancelled']).optional(),
          escalated: z
            .enum(['true', 'false'])
            .optional()
            .describe('`true`: only steps past their time limit and escalated'),
          dueWithinWorkingDays: z
            .string()
            .regex(/^\d{1,3}$/)
            .transform(Number)
            .optional()
            .meta({ type: 'integer', minimum: 0 }),
          page: z
            .string()
            .regex(/^\d{1,5}$/)
            .transform(Number)
            .optional()
            .meta({ type: 'integer', minimum: 1 }),
        }),
        response: {
          200: z.object({ items: z.array(TaskItem), page: z.number(), pageSize: z.number(), total: z.number() }),
        },
      },
    },
    async (request) => {
      const staff = staffOfCity(request, cityOf(request).id);
      const q = request.query;
      const page = await listTasksForStaff(db(), app.platform.clock, staff, {
        subjectType: 'application',
        ...(q.status ? { statuses: [q.status] } : {}),
        ...(q.dueWithinWorkingDays !== undefined ? { dueWithinWorkingDays: q.dueWithinWorkingDays } : {}),
        ...(q.escalated === 'true' ? { minEscalationLevel: 1 } : {}),
        ...(q.page ? { page: q.page } : {}),
      });
      return taskPage(db(), page);
    },
  );

  r.get(
    '/cities/:city/application-escalations',
    {
      config: { access: access.staff('operations_viewer', 'platform_admin') },
      schema: {
        tags: ['government'],
        summary:
          'The operations centre’s view: application steps of every department that are past their time limit and escalated, most escalated first',
        params: CityParams,
        querystring: z.object({
          level: z
            .enum(['1', '2'])
            .default('1')
            .describe('1: escalated to the department’s supervisors; 2: to the operations centre'),
          page: z
            .string()
            .regex(/^\d{1,5}$/)
            .transform(Number)
            .optional()
            .meta({ type: 'integer', minimum: 1 }),
        }),
        response: {
          200: z.object({ items: z.array(TaskItem), page: z.number(), pageSize: z.number(), total: z.number() }),
        },
      },
    },
    async (request) => {
      const city = cityOf(request);
      staffOfCity(request, city.id);
      const page = await listTasks(db(), app.platform.clock, {
        cityId: city.id,
        subjectType: 'application',
        minEscalationLevel: Number(request.query.level),
        ...(request.query.page ? { page: request.query.page } : {}),
      });
      return taskPage(db(), page);
    },
  );

  r.get(
    '/cities/:city/applications/:id',
    {
      config: { access: access.staff('clerk', 'supervisor', 'department_admin', 'platform_admin') },
      schema: {
        tags: ['government'],
        summary:
          'An application my department has a step in: answers, materials, internal and applicant timeline, my department’s steps. ' +
          'The read is recorded for the applicant to see.',
        params: AppParams,
        response: { 200: StaffApplication },
      },
    },
    async (request) => {
      const staff = staffOfCity(request, cityOf(request).id);
      const row = await applicationForStaff(db(), staff, request.params.id);
      return staffView(app, request, staff, row);
    },
  );

  r.post(
    '/cities/:city/applications/:id/tasks/:taskId/actions',
    {
      config: { access: access.staff('clerk', 'supervisor') },
      schema: {
        tags: ['government'],
        summary:
          'Acts on one of the application’s steps: approve, reject (with reason), request_material (补正: stops the clock until the applicant answers), ' +
          'transfer (to another department). 403 WORKFLOW_NOT_YOUR_TASK; 409 WORKFLOW_ACTION_NOT_ALLOWED names the status and the allowed actions.',
        params: AppParams.extend({ taskId: z.uuid() }),
        body: z.intersection(Action, z.object({ expectedVersion: z.number().int().min(0).optional() })),
        response: { 200: StaffApplication },
      },
    },
    async (request) => {
      const staff = staffOfCity(request, cityOf(request).id);
      await applicationForStaff(db(), staff, request.params.id);
      const body = request.body;
      const materials =
        body.action === 'request_material'
          ? body.materials.map((m) => ({ name: m.name, code: m.code ?? null, note: m.note ?? null }))
          : [];
      const row = await actOnApplicationTask(app.platform, request, staff, {
        applicationId: request.params.id,
        taskId: request.params.taskId,
        ...(body.expectedVersion !== undefined ? { expectedVersion: body.expectedVersion } : {}),
        ...(body.action === 'request_material'
          ? { action: 'request_material', message: body.message, materials }
          : body),
      } as Parameters<typeof actOnApplicationTask>[3]);
      return staffView(app, request, staff, row);
    },
  );

  r.post(
    '/cities/:city/applications/:id/notes',
    {
      config: { access: access.staff('clerk', 'supervisor', 'department_admin') },
      schema: {
        tags: ['government'],
        summary: 'Adds an internal note (staff only) or a message to the applicant to the application’s timeline',
        params: AppParams,
        body: z.object({ text: z.string().trim().min(1).max(4000), visibility: z.enum(['internal', 'applicant']) }),
        response: { 201: z.object({ ok: z.literal(true) }) },
      },
    },
    async (request, reply) => {
      const staff = staffOfCity(request, cityOf(request).id);
      const row = await applicationForStaff(db(), staff, request.params.id);
      await db()
        .transaction()
        .execute(async (trx) => {
          await appendLog(trx, row.id, {
            kind: request.body.visibility === 'internal' ? 'note' : 'message',
            visibility: request.body.visibility,
            actorKind: 'staff',
            actorId: staff.id,
            departmentId: staff.departmentId,
            body: { text: request.body.text },
            at: app.platform.clock.now(),
          });
          await audit(trx, request, {
            action: 'government.application.note',
            subjectKind: 'application',
            subjectId: row.id,
            cityId: row.city_id,
            details: { visibility: request.body.visibility },
          });
        });
      reply.code(201);
      return { ok: true as const };
    },
  );

  r.get(
    '/cities/:city/applications/:id/credentials/:credentialId',
    {
      config: { access: access.staff('clerk', 'supervisor', 'department_admin', 'platform_admin') },
      schema: {
        tags: ['government'],
        summary:
          'A certificate the application refers to (免提交), with its fields and whether it is valid now — instead of a copy from the applicant. The read is recorded for the holder to see.',
        params: AppParams.extend({ credentialId: z.uuid() }),
        response: {
          200: z.object({
            id: z.string(),
            typeCode: z.string(),
            typeNameZh: z.string(),
            typeNameEn: z.string(),
            holderName: z.string(),
            state: z.string().describe('valid, revoked, expired, not_yet_valid or key_withdrawn'),
            validFrom: z.iso.datetime(),
            validUntil: z.iso.datetime().nullable(),
            fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
            labels: z.record(z.string(), z.object({ zh: z.string(), en: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      const staff = staffOfCity(request, cityOf(request).id);
      const row = await applicationForStaff(db(), staff, request.params.id);
      const attached = await governmentDb(db())
        .selectFrom('application_materials')
        .select('credential_id')
        .where('application_id', '=', row.id)
        .where('credential_id', '=', request.params.credentialId)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      const credential = attached ? await openCredential(db(), app.platform.pii, request.params.credentialId) : null;
      if (!credential) throw new AppError('CREDENTIAL_NOT_FOUND', { id: request.params.credentialId });
      await db()
        .transaction()
        .execute((trx) =>
          audit(trx, request, {
            action: 'government.application.credential_read',
            subjectKind: 'credential',
            subjectId: credential.id,
            ...(credential.holder.kind === 'citizen' ? { personId: credential.holder.id } : {}),
            purpose: 'handling an application',
            cityId: row.city_id,
            details: { applicationId: row.id },
          }),
        );
      return {
        id: credential.id,
        typeCode: credential.typeCode,
        typeNameZh: credential.typeName.zh,
        typeNameEn: credential.typeName.en,
        holderName: credential.holderName,
        state: credentialState(credential, app.platform.clock.now()),
        validFrom: credential.validFrom.toISOString(),
        validUntil: iso(credential.validUntil),
        fields: credential.claims,
        labels: credential.claimLabels,
      };
    },
  );

  r.get(
    '/cities/:city/applications/:id/files/:fileId',
    {
      config: { access: access.staff('clerk', 'supervisor', 'department_admin', 'platform_admin') },
      schema: {
        tags: ['government'],
        summary: 'An uploaded material of an application my department has a step in (stored without metadata)',
        params: AppParams.extend({ fileId: z.uuid() }),
        querystring: z.object({ variant: z.enum(['full', 'thumbnail']).default('full') }),
      },
    },
    async (request, reply) => {
      const staff = staffOfCity(request, cityOf(request).id);
      const row = await applicationForStaff(db(), staff, request.params.id);
      const material = await governmentDb(db())
        .selectFrom('application_materials')
        .select('file_id')
        .where('application_id', '=', row.id)
        .where('file_id', '=', request.params.fileId)
        .executeTakeFirst();
      const file = material?.file_id
        ? await readFile(db(), row.city_id, material.file_id, request.query.variant)
        : null;
      if (!file) throw new AppError('FILE_NOT_FOUND');
      return sendImage(reply, file);
    },
  );
}
