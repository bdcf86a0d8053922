/**
 * The departments' side: queues scoped by department and jurisdiction, a work order with its
 * reports, photos and timeline, the workflow actions (one at a time or in bulk for
 * supervisors), merge and unmerge of duplicates, publishing photos to the public feed, and the
 * follow-ups that low ratings open.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { readFile, sendImage } from '../../platform/files/index.ts';
import { findZone } from '../../platform/geo/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { limitOffset, PageInfo, pageQuery } from '../../platform/http/paging.ts';
import { access } from '../../platform/identity/access.ts';
import { staffOfCity } from '../../platform/identity/auth.ts';
import { CityParams, cityOf, cityScope } from '../../platform/tenancy/scope.ts';
import { type ActionRequest, actOnWorkOrder, mergeWorkOrders, unmergeReport } from './commands.ts';
import { reopenAsNewWorkOrder } from './intake.ts';
import { notify } from './notifications.ts';
import { iso } from './present.ts';
import { queue, reportsOf, timeline } from './queries.ts';
import { governanceDb } from './schema.ts';
import { loadWorkOrder, partiesOf, stateOf } from './work-orders.ts';
import { allowedActions, WorkOrderActionNames, WorkOrderStatuses } from './workflow.ts';

const uuid = z.uuid();
const text = (max: number) => z.string().trim().min(1).max(max);
const code = text(64);

/** The actions staff take through the API, with what each needs. */
const StaffAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('dispatch'), departmentCode: code, note: text(1000).optional() }),
  z.object({ action: z.literal('accept'), note: text(1000).optional() }),
  z.object({ action: z.literal('assign'), assigneeId: uuid, note: text(1000).optional() }),
  z.object({ action: z.literal('start'), note: text(1000).optional() }),
  z.object({
    action: z.literal('resolve'),
    note: text(1000).describe('What was done (the reporter reads it)'),
    photoIds: z.array(uuid).min(1).max(9).describe('Photos of the result, uploaded first'),
  }),
  z.object({ action: z.literal('transfer'), departmentCode: code, reason: text(500) }),
  z.object({ action: z.literal('return_invalid'), reason: text(500) }),
  z.object({ action: z.literal('escalate'), reason: text(500) }),
]);

const Outcome = z.object({ workOrderId: z.string(), status: z.enum(WorkOrderStatuses), seq: z.number().int() });

const QueueQuery = z.object({
  ...pageQuery(200, 50),
  status: z.string().max(200).optional().describe('Comma-separated statuses, e.g. `dispatched,accepted`'),
  category: code.optional(),
  zone: code.optional().describe('District, street or grid code'),
  breachingWithin: z
    .string()
    .regex(/^\d{1,5}$/)
    .transform(Number)
    .optional()
    .describe('Only those whose next time limit passes within this many minutes (or has passed)'),
  department: code.optional().describe('Operations centre only: one department’s work orders'),
});

const QueueItem = z.object({
  id: z.string(),
  trackingNo: z.string().nullable(),
  categoryCode: z.string(),
  priority: z.string(),
  status: z.enum(WorkOrderStatuses),
  departmentCode: z.string().nullable(),
  assigneeId: z.string().nullable(),
  escalationLevel: z.number().int(),
  lat: z.number(),
  lon: z.number(),
  acceptDueAt: z.iso.datetime().nullable(),
  resolveDueAt: z.iso.datetime().nullable(),
  reportCount: z.number().int(),
  zones: z
    .object({
      districtId: z.string().nullable(),
      streetId: z.string().nullable(),
      gridId: z.string().nullable(),
    })
    .describe('Zone ids of the place (district, street, grid); null outside the city’s zones'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const Detail = QueueItem.extend({
  acceptedAt: z.iso.datetime().nullable(),
  resolvedAt: z.iso.datetime().nullable(),
  closedAt: z.iso.datetime().nullable(),
  rating: z.number().int().nullable(),
  reopenCount: z.number().int(),
  transferCount: z.number().int(),
  mergedInto: z.string().nullable(),
  reports: z.array(
    z.object({
      trackingNo: z.string(),
      description: z.string(),
      lat: z.number(),
      lon: z.number(),
      address: z.string().nullable(),
      attributes: z.record(z.string(), z.union([z.boolean(), z.number(), z.string()])),
      channel: z.string(),
      createdAt: z.iso.datetime(),
      linked: z.boolean().describe('true: linked or merged here as the same problem'),
    }),
  ),
  photos: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['before', 'after']),
      trackingNo: z.string().nullable(),
      public: z.boolean(),
    }),
  ),
  timeline: z.array(
    z.object({
      seq: z.number().int(),
      action: z.enum(WorkOrderActionNames),
      at: z.iso.datetime(),
      actorKind: z.string(),
      actorId: z.string().nullable(),
      departmentCode: z.string().nullable(),
      reason: z.string().nullable(),
      note: z.string().nullable(),
      rating: z.number().int().nullable(),
      tags: z.array(z.string()),
      escalation: z.number().int().nullable(),
      photoIds: z.array(z.string()),
    }),
  ),
  allowedActions: z.array(z.enum(WorkOrderActionNames)).describe('What the caller can do now'),
});

const FollowUp = z.object({
  id: z.string(),
  workOrderId: z.string(),
  trackingNo: z.string().nullable(),
  rating: z.number().int(),
  tags: z.array(z.string()),
  dueAt: z.iso.datetime(),
  outcome: z.string().nullable(),
  closedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});

type Row = Awaited<ReturnType<typeof queue>>['items'][number];
const presentItem = (w: Row) => ({
  id: w.id,
  trackingNo: w.first_tracking_no,
  categoryCode: w.category_code,
  priority: w.priority,
  status: w.status as (typeof WorkOrderStatuses)[number],
  departmentCode: w.department_code,
  assigneeId: w.assignee_id,
  escalationLevel: w.escalation_level,
  lat: w.lat,
  lon: w.lon,
  acceptDueAt: iso(w.accept_due_at),
  resolveDueAt: iso(w.resolve_due_at),
  reportCount: w.report_count,
  zones: { districtId: w.district_id, streetId: w.street_id, gridId: w.grid_id },
  createdAt: w.created_at.toISOString(),
  updatedAt: w.updated_at.toISOString(),
});

/** Registers the staff routes of work orders. */
export async function workOrderRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const platform = () => app.platform;

  r.get(
    '/cities/:city/work-orders',
    {
      config: { access: access.staff() },
      schema: {
        tags: ['governance'],
        summary:
          'My queue: my department’s work orders within my jurisdiction (the operations centre sees every department’s), ' +
          'escalated first, with their time limits',
        params: CityParams,
        querystring: QueueQuery,
        response: { 200: z.object({ items: z.array(QueueItem), ...PageInfo }) },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const staff = staffOfCity(request, city.id);
      const q = request.query;
      const statuses = q.status
        ? q.status.split(',').map((s) => {
            const parsed = z.enum(WorkOrderStatuses).safeParse(s.trim());
            if (!parsed.success) throw new AppError('VALIDATION_FAILED');
            return parsed.data;
          })
        : undefined;
      const zone = q.zone ? await findZone(platform().db, city.id, q.zone) : null;
      if (q.zone && !zone) throw new AppError('ZONE_NOT_FOUND', { zone: q.zone });
      const department = q.department
        ? await platform()
            .db.selectFrom('departments')
            .select('id')
            .where('city_id', '=', city.id)
            .where('code', '=', q.department)
            .executeTakeFirst()
        : undefined;
      if (q.department && !department) throw new AppError('DEPARTMENT_NOT_FOUND', { department: q.department });
      const { items, total } = await queue(
        platform().db,
        staff,
        {
          ...(statuses ? { statuses } : {}),
          ...(q.category ? { categoryCode: q.category } : {}),
          ...(zone ? { zoneId: zone.id } : {}),
          ...(q.breachingWithin !== undefined ? { breachingWithinMinutes: q.breachingWithin } : {}),
          ...(department ? { departmentId: department.id } : {}),
          ...limitOffset(q),
        },
        platform().clock.now(),
      );
      return { items: items.map(presentItem), page: q.page, pageSize: q.pageSize, total };
    },
  );

  r.get(
    '/cities/:city/work-orders/:id',
    {
      config: { access: access.staff() },
      schema: {
        tags: ['governance'],
        summary:
          'A work order with its reports, photos, timeline and the actions I can take now (never reporters’ contact details)',
        params: CityParams.extend({ id: uuid }),
        response: { 200: Detail },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const staff = staffOfCity(request, city.id);
      const db = platform().db;
      const wo = await loadWorkOrder(db, city.id, request.params.id);
      if (!wo) throw new AppError('WORK_ORDER_NOT_FOUND');
      const parties = await partiesOf(db, staff, wo);
      if (parties.size === 0) throw new AppError('WORK_ORDER_NOT_FOUND');
      const state = await stateOf(db, wo.id);
      const { reports, photos } = await reportsOf(db, wo.id);
      const department = wo.department_id
        ? await db.selectFrom('departments').select('code').where('id', '=', wo.department_id).executeTakeFirst()
        : undefined;
      const first = reports.find((x) => x.own_work_order_id === wo.id) ?? reports[0];
      return {
        ...presentItem({
          ...wo,
          department_code: department?.code ?? null,
          first_tracking_no: first?.tracking_no ?? null,
        }),
        acceptedAt: iso(wo.accepted_at),
        resolvedAt: iso(wo.resolved_at),
        closedAt: iso(wo.closed_at),
        rating: wo.rating,
        reopenCount: wo.reopen_count,
        transferCount: wo.transfer_count,
        mergedInto: wo.merged_into,
        reports: reports.map((x) => ({
          trackingNo: x.tracking_no,
          description: x.description,
          lat: x.lat,
          lon: x.lon,
          address: x.address,
          attributes: x.attributes,
          channel: x.channel,
          createdAt: x.created_at.toISOString(),
          linked: x.own_work_order_id !== wo.id,
        })),
        photos: photos.map((p) => ({
          id: p.file_id,
          kind: p.kind,
          trackingNo: reports.find((x) => x.id === p.report_id)?.tracking_no ?? null,
          public: p.public_approved_at !== null,
        })),
        timeline: (await timeline(db, wo.id, 'staff')).map((t) => ({ ...t, at: t.at.toISOString() })),
        allowedActions: allowedActions(state, parties, { now: platform().clock.now(), actorId: staff.id }),
      };
    },
  );

  r.post(
    '/cities/:city/work-orders/:id/actions',
    {
      config: { access: access.staff() },
      schema: {
        tags: ['governance'],
        summary:
          'Takes a workflow action: dispatch, accept, assign, start, resolve (with after-photos), transfer (a mis-dispatch), ' +
          'return as invalid, escalate. 409 names the current status and the allowed actions.',
        params: CityParams.extend({ id: uuid }),
        body: StaffAction,
        response: { 200: Outcome },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const staff = staffOfCity(request, city.id);
      const outcome = await actOnWorkOrder(
        platform(),
        staff,
        String(request.id),
        city.id,
        request.params.id,
        request.body as ActionRequest,
      );
      return { workOrderId: outcome.workOrderId, status: outcome.status, seq: outcome.seq };
    },
  );

  r.post(
    '/cities/:city/work-orders/bulk',
    {
      config: { access: access.staff('supervisor', 'department_admin') },
      schema: {
        tags: ['governance'],
        summary: 'Supervisors: one action on up to 100 work orders; each succeeds or fails on its own, with the reason',
        params: CityParams,
        body: z.object({
          ids: z.array(uuid).min(1).max(100),
          action: z.discriminatedUnion('action', [
            z.object({ action: z.literal('accept') }),
            z.object({ action: z.literal('assign'), assigneeId: uuid }),
            z.object({ action: z.literal('transfer'), departmentCode: code, reason: text(500) }),
            z.object({ action: z.literal('return_invalid'), reason: text(500) }),
            z.object({ action: z.literal('escalate'), reason: text(500) }),
          ]),
        }),
        response: {
          200: z.object({
            results: z.array(
              z.object({
                id: z.string(),
                ok: z.boolean(),
                status: z.enum(WorkOrderStatuses).nullable(),
                code: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const staff = staffOfCity(request, city.id);
      const results = [];
      for (const id of [...new Set(request.body.ids)]) {
        try {
          const outcome = await actOnWorkOrder(
            platform(),
            staff,
            String(request.id),
            city.id,
            id,
            request.body.action as ActionRequest,
          );
          results.push({ id, ok: true, status: outcome.status, code: null });
        } catch (error) {
          if (!(error instanceof AppError) || error.status >= 500) throw error;
          results.push({ id, ok: false, status: null, code: error.code });
        }
      }
      return { results };
    },
  );

  r.post(
    '/cities/:city/work-orders/:id/merge',
    {
      config: { access: access.staff('supervisor', 'department_admin', 'clerk', 'platform_admin') },
      schema: {
        tags: ['governance'],
        summary:
          'Merges this work order into another one about the same problem: its reports and reporters follow the target',
        params: CityParams.extend({ id: uuid }),
        body: z.object({ targetId: uuid }),
        response: { 200: Outcome },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const staff = staffOfCity(request, city.id);
      const outcome = await mergeWorkOrders(
        platform(),
        staff,
        String(request.id),
        city.id,
        request.params.id,
        request.body.targetId,
      );
      return { workOrderId: outcome.workOrderId, status: outcome.status, seq: outcome.seq };
    },
  );

  r.post(
    '/cities/:city/reports/:trackingNo/unmerge',
    {
      config: { access: access.staff('supervisor', 'department_admin', 'clerk', 'platform_admin') },
      schema: {
        tags: ['governance'],
        summary:
          'Takes a report out of the work order it was linked or merged into and dispatches it as a problem of its own',
        params: CityParams.extend({
          trackingNo: z
            .string()
            .trim()
            .regex(/^R\d{6}-\d{6,}$/),
        }),
        response: { 200: z.object({ workOrderId: z.string(), status: z.enum(WorkOrderStatuses) }) },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const staff = staffOfCity(request, city.id);
      const result = await unmergeReport(
        platform(),
        staff,
        String(request.id),
        city.id,
        request.params.trackingNo,
        (trx, reportId) => reopenAsNewWorkOrder(platform(), trx, reportId, staff),
      );
      return { workOrderId: result.workOrderId, status: result.status as (typeof WorkOrderStatuses)[number] };
    },
  );

  r.get(
    '/cities/:city/work-orders/:id/photos/:fileId',
    {
      config: { access: access.staff() },
      schema: {
        tags: ['governance'],
        summary: 'A photo of a work order (metadata stripped)',
        params: CityParams.extend({ id: uuid, fileId: uuid }),
        querystring: z.object({ variant: z.enum(['full', 'thumbnail']).default('thumbnail') }),
      },
    },
    async (request, reply) => {
      const city = cityOf(request);
      const staff = staffOfCity(request, city.id);
      const db = platform().db;
      const wo = await loadWorkOrder(db, city.id, request.params.id);
      if (!wo || (await partiesOf(db, staff, wo)).size === 0) throw new AppError('WORK_ORDER_NOT_FOUND');
      const photo = await governanceDb(db)
        .selectFrom('report_photos')
        .select('file_id')
        .where('work_order_id', '=', wo.id)
        .where('file_id', '=', request.params.fileId)
        .executeTakeFirst();
      const file = photo ? await readFile(db, city.id, photo.file_id, request.query.variant) : null;
      if (!file) throw new AppError('FILE_NOT_FOUND');
      return sendImage(reply, file);
    },
  );

  r.post(
    '/cities/:city/work-orders/:id/photos/:fileId/publish',
    {
      config: { access: access.staff('supervisor', 'department_admin') },
      schema: {
        tags: ['governance'],
        summary:
          'Approves a photo for the public feed (after checking it shows no faces, plates or homes) — or withdraws it',
        params: CityParams.extend({ id: uuid, fileId: uuid }),
        body: z.object({ public: z.boolean() }),
        response: { 200: z.object({ id: z.string(), public: z.boolean() }) },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const staff = staffOfCity(request, city.id);
      const db = platform().db;
      const wo = await loadWorkOrder(db, city.id, request.params.id);
      const parties = wo ? await partiesOf(db, staff, wo) : new Set();
      if (!wo || !parties.has('supervisor')) throw new AppError('WORK_ORDER_NOT_FOUND');
      const now = platform().clock.now();
      const updated = await db.transaction().execute(async (trx) => {
        const result = await governanceDb(trx)
          .updateTable('report_photos')
          .set({
            public_approved_at: request.body.public ? now : null,
            approved_by: request.body.public ? staff.id : null,
          })
          .where('work_order_id', '=', wo.id)
          .where('file_id', '=', request.params.fileId)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) throw new AppError('FILE_NOT_FOUND');
        await audit(trx, request, {
          action: request.body.public ? 'governance.photo.published' : 'governance.photo.withdrawn',
          subjectKind: 'file',
          subjectId: request.params.fileId,
          cityId: city.id,
          details: { workOrderId: wo.id },
        });
        return true;
      });
      return { id: request.params.fileId, public: updated && request.body.public };
    },
  );

  r.get(
    '/cities/:city/follow-ups',
    {
      config: { access: access.staff('supervisor', 'department_admin') },
      schema: {
        tags: ['governance'],
        summary: 'Follow-ups that low ratings opened for my department, open ones first',
        params: CityParams,
        querystring: z.object({ ...pageQuery(), open: z.enum(['true', 'false']).optional() }),
        response: { 200: z.object({ items: z.array(FollowUp), ...PageInfo }) },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const staff = staffOfCity(request, city.id);
      let q = governanceDb(platform().db)
        .selectFrom('rating_follow_ups as f')
        .where('f.city_id', '=', city.id)
        .where('f.department_id', '=', staff.departmentId);
      if (request.query.open === 'true') q = q.where('f.closed_at', 'is', null);
      if (request.query.open === 'false') q = q.where('f.closed_at', 'is not', null);
      const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const rows = await q
        .selectAll('f')
        .select((eb) =>
          eb
            .selectFrom('reports as r')
            .select('r.tracking_no')
            .whereRef('r.own_work_order_id', '=', 'f.work_order_id')
            .limit(1)
            .as('tracking_no'),
        )
        .orderBy(sql`f.closed_at IS NULL`, 'desc')
        .orderBy('f.due_at')
        .limit(limitOffset(request.query).limit)
        .offset(limitOffset(request.query).offset)
        .execute();
      return {
        items: rows.map((f) => ({
          id: f.id,
          workOrderId: f.work_order_id,
          trackingNo: f.tracking_no,
          rating: f.rating,
          tags: f.tags,
          dueAt: f.due_at.toISOString(),
          outcome: f.outcome,
          closedAt: iso(f.closed_at),
          createdAt: f.created_at.toISOString(),
        })),
        page: request.query.page,
        pageSize: request.query.pageSize,
        total: Number(total.n),
      };
    },
  );

  r.post(
    '/cities/:city/follow-ups/:id/close',
    {
      config: { access: access.staff('supervisor', 'department_admin') },
      schema: {
        tags: ['governance'],
        summary: 'Closes a follow-up with what was put right; the citizen who rated is told the outcome',
        params: CityParams.extend({ id: uuid }),
        body: z.object({ outcome: text(2000) }),
        response: { 200: FollowUp },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const staff = staffOfCity(request, city.id);
      return platform()
        .db.transaction()
        .execute(async (trx) => {
          const gdb = governanceDb(trx);
          const now = platform().clock.now();
          const row = await gdb
            .updateTable('rating_follow_ups')
            .set({ outcome: request.body.outcome, closed_by: staff.id, closed_at: now })
            .where('id', '=', request.params.id)
            .where('city_id', '=', city.id)
            .where('department_id', '=', staff.departmentId)
            .where('closed_at', 'is', null)
            .returningAll()
            .executeTakeFirst();
          if (!row) throw new AppError('FOLLOW_UP_NOT_FOUND');
          const raters = await gdb
            .selectFrom('work_order_actions as a')
            .innerJoin('reports as r', (j) =>
              j
                .onRef('r.work_order_id', '=', 'a.work_order_id')
                .on(sql<boolean>`r.reporter_citizen_id::text = a.actor_id`),
            )
            .select(['r.id', 'r.tracking_no', 'r.reporter_citizen_id'])
            .where('a.work_order_id', '=', row.work_order_id)
            .where('a.action', '=', 'rate')
            .where('a.rating', '<=', 2)
            .execute();
          for (const rater of raters) {
            if (!rater.reporter_citizen_id) continue;
            await notify(platform(), trx, {
              cityId: city.id,
              citizenId: rater.reporter_citizen_id,
              kind: 'follow_up_closed',
              reportId: rater.id,
              trackingNo: rater.tracking_no,
              status: null,
              details: { outcome: request.body.outcome },
              message: true,
            });
          }
          await audit(trx, request, {
            action: 'governance.follow_up.closed',
            subjectKind: 'rating_follow_up',
            subjectId: row.id,
            cityId: city.id,
            details: { workOrderId: row.work_order_id },
          });
          const tracking = await gdb
            .selectFrom('reports')
            .select('tracking_no')
            .where('own_work_order_id', '=', row.work_order_id)
            .executeTakeFirst();
          return {
            id: row.id,
            workOrderId: row.work_order_id,
            trackingNo: tracking?.tracking_no ?? null,
            rating: row.rating,
            tags: row.tags,
            dueAt: row.due_at.toISOString(),
            outcome: row.outcome,
            closedAt: iso(row.closed_at),
            createdAt: row.created_at.toISOString(),
          };
        });
    },
  );
}
