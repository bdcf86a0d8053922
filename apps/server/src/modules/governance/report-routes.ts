/**
 * The reporter's side: submit a report (signed in, anonymous, or as a grid inspector), follow
 * it with its timeline, confirm, say "not fixed", rate; notifications; areas to follow.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { uuidv7 } from 'uuidv7';
import { z } from 'zod';
import { readFile, sendImage } from '../../platform/files/index.ts';
import { findZone } from '../../platform/geo/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { limitOffset, PageInfo, pageQuery } from '../../platform/http/paging.ts';
import { access } from '../../platform/identity/access.ts';
import { citizenOf } from '../../platform/identity/auth.ts';
import { hitAll, ipKey, type RateLimit } from '../../platform/identity/citizen/rate-limit.ts';
import { CityParams, cityOf, cityScope } from '../../platform/tenancy/scope.ts';
import { actOnMyReport, RATING_TAGS } from './commands.ts';
import { followTokenHash, MAX_PHOTOS, submitReport } from './intake.ts';
import { iso } from './present.ts';
import { findMyReport, listMyReports, timeline } from './queries.ts';
import { listCategoryTree } from './repository.ts';
import { governanceDb } from './schema.ts';
import { categoriesOf, SuggesterCache } from './suggest.ts';
import { stateOf } from './work-orders.ts';
import { allowedActions, REOPEN_WINDOW_MS, WorkOrderActionNames, WorkOrderStatuses } from './workflow.ts';

const HOUR = 3_600_000;
/** How many reports one may file: anonymous callers per address, signed-in people per account. */
export const reportLimits = {
  anonymousPerIp: { name: 'report:anon-ip', max: 10, windowMs: HOUR },
  perCitizen: { name: 'report:citizen', max: 60, windowMs: HOUR },
  perIp: { name: 'report:ip', max: 600, windowMs: HOUR },
} as const satisfies Record<string, RateLimit>;

const uuid = z.uuid();
const trackingNo = z
  .string()
  .trim()
  .regex(/^R\d{6}-\d{6,}$/, { error: 'must be a tracking number such as R261122-000123' });

const Coordinate = (min: number, max: number) => z.number().min(min).max(max);

const NewReport = z.object({
  categoryCode: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'Report category code, e.g. `manhole-cover-missing`; without it, taken from the description when the suggestion is confident',
    ),
  description: z.string().trim().min(1).max(2000).describe('What is wrong, in the reporter’s words'),
  lat: Coordinate(-90, 90).describe('Latitude (WGS 84)'),
  lon: Coordinate(-180, 180).describe('Longitude (WGS 84)'),
  address: z.string().trim().max(200).optional().describe('Address as the reporter describes it'),
  attributes: z
    .record(z.string().max(64), z.union([z.boolean(), z.number(), z.string().max(500)]))
    .optional()
    .describe('Answers to the category’s extra questions, by attribute code'),
  photoIds: z.array(uuid).max(MAX_PHOTOS).optional().describe(`Uploaded photos (at most ${MAX_PHOTOS})`),
  claimTokens: z.array(z.string().max(200)).max(MAX_PHOTOS).optional().describe('Claim tokens of anonymous uploads'),
});

const Submitted = z.object({
  trackingNo: z.string(),
  categoryCode: z.string(),
  categorySuggested: z.boolean().describe('true: the category was taken from the description'),
  status: z.enum(WorkOrderStatuses),
  duplicateOf: z.string().nullable().describe('The report this one was linked to as the same problem'),
  followToken: z
    .string()
    .nullable()
    .describe('Anonymous reporters only: present it as X-Follow-Token to follow the report (shown once)'),
});

const TimelineItem = z.object({
  seq: z.number().int(),
  action: z.enum(WorkOrderActionNames),
  at: z.iso.datetime(),
  departmentCode: z.string().nullable(),
  reason: z.string().nullable(),
  note: z.string().nullable(),
  rating: z.number().int().nullable(),
  tags: z.array(z.string()),
  photoIds: z.array(z.string()),
});

const Photo = z.object({ id: z.string(), kind: z.enum(['before', 'after']) });

const MyReportSummary = z.object({
  trackingNo: z.string(),
  cityId: z.string(),
  categoryCode: z.string(),
  description: z.string(),
  lat: z.number(),
  lon: z.number(),
  address: z.string().nullable(),
  createdAt: z.iso.datetime(),
  status: z.enum(WorkOrderStatuses),
  departmentCode: z.string().nullable(),
  duplicate: z.boolean(),
  resolvedAt: z.iso.datetime().nullable(),
  rating: z.number().int().nullable(),
});

const MyReportDetail = MyReportSummary.extend({
  attributes: z.record(z.string(), z.union([z.boolean(), z.number(), z.string()])),
  photos: z.array(Photo),
  timeline: z.array(TimelineItem),
  allowedActions: z.array(z.enum(WorkOrderActionNames)).describe('What the reporter can do now'),
  reopenUntil: z.iso.datetime().nullable().describe('Until when "not fixed" can be said'),
});

const CitizenAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('confirm') }),
  z.object({ action: z.literal('reopen'), reason: z.string().trim().min(1).max(1000) }),
  z.object({
    action: z.literal('rate'),
    rating: z.number().int().min(1).max(5),
    tags: z.array(z.enum(RATING_TAGS)).max(RATING_TAGS.length).default([]),
    comment: z.string().trim().max(1000).optional(),
  }),
]);

const ActionAnswer = z.object({
  status: z.enum(WorkOrderStatuses),
  seq: z.number().int(),
  followUpOpened: z.boolean().describe('true when a low rating opened a follow-up for the department'),
});

const Notification = z.object({
  id: z.string(),
  kind: z.string(),
  trackingNo: z.string().nullable(),
  status: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
  read: z.boolean(),
});

const Follow = z.object({
  id: z.string(),
  cityId: z.string(),
  zoneCode: z.string(),
  zoneNameZh: z.string(),
  zoneNameEn: z.string(),
  createdAt: z.iso.datetime(),
});

const TrackingParams = z.object({ trackingNo });
const PhotoParams = z.object({ trackingNo, fileId: uuid });
const Variant = z.object({ variant: z.enum(['full', 'thumbnail']).default('thumbnail') });

/** Limits a report submission by who sends it. */
async function limitSubmission(request: FastifyRequest) {
  const { db, clock } = request.server.platform;
  const now = clock.now();
  const principal = request.principal;
  const ip = ipKey(request);
  await hitAll(db, now, [
    [reportLimits.perIp, ip],
    ...(principal.kind === 'anonymous' ? [[reportLimits.anonymousPerIp, ip] as const] : []),
    ...(principal.kind === 'citizen' ? [[reportLimits.perCitizen, principal.id] as const] : []),
  ]);
}

/** Registers the reporter-side routes. */
export async function reportRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const platform = () => app.platform;
  const suggesters = new SuggesterCache(app.platform.clock);

  r.post(
    '/cities/:city/reports',
    {
      config: { access: access.public() },
      schema: {
        tags: ['governance'],
        summary:
          'Reports a problem at a place: signed-in citizens, anonymous callers (stricter limits) and grid inspectors alike. ' +
          'Answers the tracking number; a report of the same category near an open one is linked to it (duplicateOf).',
        params: CityParams,
        body: NewReport,
        response: { 201: Submitted },
      },
    },
    async (request, reply) => {
      const city = cityOf(request);
      const principal = request.principal;
      if (principal.kind === 'api_key') throw new AppError('FORBIDDEN');
      if (principal.kind === 'staff' && principal.cityId !== city.id) throw new AppError('FORBIDDEN');
      await limitSubmission(request);
      const body = request.body;
      let categoryCode = body.categoryCode;
      if (!categoryCode) {
        const suggester = await suggesters.get(city.id, async () =>
          categoriesOf(await listCategoryTree(platform().db, city.id)),
        );
        const suggestion = suggester.suggest(body.description);
        const best = suggestion.suggestions[0];
        // Only a confident suggestion is taken; otherwise the reporter chooses, helped by the list.
        if (!suggestion.confident || !best) {
          throw new AppError(
            'REPORT_CATEGORY_REQUIRED',
            {},
            {
              extensions: { suggestions: suggestion.suggestions.map((x) => x.code) },
            },
          );
        }
        categoryCode = best.code;
      }
      const result = await submitReport(
        platform(),
        principal,
        {
          cityId: city.id,
          categoryCode,
          description: body.description,
          lat: body.lat,
          lon: body.lon,
          address: body.address ?? null,
          attributes: body.attributes ?? {},
          photoIds: body.photoIds ?? [],
          claimTokens: body.claimTokens ?? [],
          channel: principal.kind === 'staff' ? 'inspector' : 'app',
        },
        { requestId: String(request.id), duplicates: platform().config.duplicates },
      );
      reply.code(201);
      return {
        trackingNo: result.trackingNo,
        categoryCode,
        categorySuggested: !body.categoryCode,
        status: result.status as (typeof WorkOrderStatuses)[number],
        duplicateOf: result.duplicateOf,
        followToken: result.followToken,
      };
    },
  );

  r.get(
    '/cities/:city/reports/:trackingNo',
    {
      config: { access: access.public() },
      schema: {
        tags: ['governance'],
        summary:
          'Follows a report without an account: present the follow token given at submission as X-Follow-Token. ' +
          'Anyone else gets 404.',
        params: CityParams.extend({ trackingNo }),
        headers: z.object({ 'x-follow-token': z.string().max(200).optional() }),
        response: {
          200: z.object({
            trackingNo: z.string(),
            categoryCode: z.string(),
            status: z.enum(WorkOrderStatuses),
            createdAt: z.iso.datetime(),
            timeline: z.array(TimelineItem),
          }),
        },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const token = request.headers['x-follow-token'];
      const notFound = new AppError('REPORT_NOT_FOUND', { report: request.params.trackingNo });
      if (!token) throw notFound;
      const row = await governanceDb(platform().db)
        .selectFrom('reports as r')
        .innerJoin('work_orders as w', 'w.id', 'r.work_order_id')
        .select(['r.tracking_no', 'r.category_code', 'r.created_at', 'r.follow_token_hash', 'w.id', 'w.status'])
        .where('r.city_id', '=', city.id)
        .where('r.tracking_no', '=', request.params.trackingNo)
        .executeTakeFirst();
      if (!row?.follow_token_hash || row.follow_token_hash !== followTokenHash(token)) throw notFound;
      return {
        trackingNo: row.tracking_no,
        categoryCode: row.category_code,
        status: row.status as (typeof WorkOrderStatuses)[number],
        createdAt: row.created_at.toISOString(),
        timeline: (await timeline(platform().db, row.id, 'reporter')).map((t) => ({
          ...t,
          at: t.at.toISOString(),
          photoIds: [],
        })),
      };
    },
  );

  r.post(
    '/cities/:city/area-follows',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['governance'],
        summary: 'Follows a district, street or grid of the city (at most 20 areas per person)',
        params: CityParams,
        body: z.object({ zoneCode: z.string().trim().min(1).max(64) }),
        response: { 201: Follow },
      },
    },
    async (request, reply) => {
      const citizen = citizenOf(request);
      const city = cityOf(request);
      const zone = await findZone(platform().db, city.id, request.body.zoneCode);
      if (!zone) throw new AppError('ZONE_NOT_FOUND', { zone: request.body.zoneCode });
      const gdb = governanceDb(platform().db);
      const count = await gdb
        .selectFrom('area_follows')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('citizen_id', '=', citizen.id)
        .executeTakeFirstOrThrow();
      if (Number(count.n) >= 20) throw new AppError('CONFLICT');
      const now = platform().clock.now();
      const id = uuidv7();
      const row = await gdb
        .insertInto('area_follows')
        .values({ id, city_id: city.id, citizen_id: citizen.id, zone_id: zone.id, created_at: now })
        .onConflict((oc) => oc.columns(['citizen_id', 'zone_id']).doUpdateSet({ zone_id: zone.id }))
        .returning(['id', 'created_at'])
        .executeTakeFirstOrThrow();
      reply.code(201);
      return {
        id: row.id,
        cityId: city.id,
        zoneCode: zone.code,
        zoneNameZh: zone.nameZh,
        zoneNameEn: zone.nameEn,
        createdAt: row.created_at.toISOString(),
      };
    },
  );
}

/** Registers the citizen's own routes (/me/…: across cities, so outside the city scope). */
export async function myReportRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const platform = () => app.platform;

  r.get(
    '/me/reports',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['governance'],
        summary: 'My reports, newest first, with where each stands',
        querystring: z.object(pageQuery()),
        response: { 200: z.object({ items: z.array(MyReportSummary), ...PageInfo }) },
      },
    },
    async (request) => {
      const citizen = citizenOf(request);
      const { items, total } = await listMyReports(platform().db, citizen.id, limitOffset(request.query));
      return {
        items: items.map((i) => ({
          ...i,
          createdAt: i.createdAt.toISOString(),
          resolvedAt: iso(i.resolvedAt),
        })),
        page: request.query.page,
        pageSize: request.query.pageSize,
        total,
      };
    },
  );

  r.get(
    '/me/reports/:trackingNo',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['governance'],
        summary: 'One of my reports with its photos, its timeline and what I can do now (confirm, not fixed, rate)',
        params: TrackingParams,
        response: { 200: MyReportDetail },
      },
    },
    async (request) => {
      const citizen = citizenOf(request);
      const found = await findMyReport(platform().db, citizen.id, request.params.trackingNo);
      if (!found) throw new AppError('REPORT_NOT_FOUND', { report: request.params.trackingNo });
      const { row, photos } = found;
      const now = platform().clock.now();
      const state = await stateOf(platform().db, row.id);
      const department = row.department_id
        ? await platform()
            .db.selectFrom('departments')
            .select('code')
            .where('id', '=', row.department_id)
            .executeTakeFirst()
        : undefined;
      return {
        trackingNo: row.tracking_no,
        cityId: row.city_id,
        categoryCode: row.category_code,
        description: row.description,
        lat: row.report_lat,
        lon: row.report_lon,
        address: row.address,
        createdAt: row.reported_at.toISOString(),
        status: state.status,
        departmentCode: department?.code ?? null,
        duplicate: row.own_work_order_id !== row.id,
        resolvedAt: iso(row.resolved_at),
        rating: row.rating,
        attributes: row.attributes,
        photos: photos.map((p) => ({ id: p.file_id, kind: p.kind })),
        timeline: (await timeline(platform().db, row.id, 'reporter')).map((t) => ({ ...t, at: t.at.toISOString() })),
        allowedActions: allowedActions(state, new Set(['reporter']), { now, actorId: citizen.id }),
        reopenUntil:
          state.status === 'resolved' && state.resolvedAt
            ? new Date(state.resolvedAt.getTime() + REOPEN_WINDOW_MS).toISOString()
            : null,
      };
    },
  );

  r.post(
    '/me/reports/:trackingNo/actions',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['governance'],
        summary:
          'Confirms the fix, says "not fixed" (within 7 days of resolution) or rates it 1–5 with tags. ' +
          '409 names the current status and what is allowed.',
        params: TrackingParams,
        body: CitizenAction,
        response: { 200: ActionAnswer },
      },
    },
    async (request) => {
      const citizen = citizenOf(request);
      const outcome = await actOnMyReport(
        platform(),
        { kind: 'citizen', id: citizen.id, sessionId: citizen.sessionId, actingFor: citizen.actingFor },
        String(request.id),
        request.params.trackingNo,
        request.body,
      );
      return { status: outcome.status, seq: outcome.seq, followUpOpened: outcome.followUpId !== null };
    },
  );

  r.get(
    '/me/reports/:trackingNo/photos/:fileId',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['governance'],
        summary: 'A photo of my report, or of its resolution (metadata stripped)',
        params: PhotoParams,
        querystring: Variant,
      },
    },
    async (request, reply) => {
      const citizen = citizenOf(request);
      const found = await findMyReport(platform().db, citizen.id, request.params.trackingNo);
      const photo = found?.photos.find((p) => p.file_id === request.params.fileId);
      if (!found || !photo) throw new AppError('FILE_NOT_FOUND');
      const file = await readFile(platform().db, found.row.city_id, photo.file_id, request.query.variant);
      if (!file) throw new AppError('FILE_NOT_FOUND');
      return sendImage(reply, file);
    },
  );

  r.get(
    '/me/notifications',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['governance'],
        summary: 'What I have been told about my reports and the areas I follow, newest first',
        querystring: z.object({ ...pageQuery(), unread: z.enum(['true', 'false']).optional() }),
        response: { 200: z.object({ items: z.array(Notification), unread: z.number().int(), ...PageInfo }) },
      },
    },
    async (request) => {
      const citizen = citizenOf(request);
      const gdb = governanceDb(platform().db);
      let q = gdb.selectFrom('notifications').where('citizen_id', '=', citizen.id);
      if (request.query.unread === 'true') q = q.where('read_at', 'is', null);
      const { limit, offset } = limitOffset(request.query);
      const rows = await q
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const unread = await gdb
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('citizen_id', '=', citizen.id)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      return {
        items: rows.map((n) => ({
          id: n.id,
          kind: n.kind,
          trackingNo: n.tracking_no,
          status: n.status,
          details: n.details,
          createdAt: n.created_at.toISOString(),
          read: n.read_at !== null,
        })),
        unread: Number(unread.n),
        page: request.query.page,
        pageSize: request.query.pageSize,
        total: Number(total.n),
      };
    },
  );

  r.post(
    '/me/notifications/read',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['governance'],
        summary: 'Marks notifications read: the given ones, or all when no ids are given',
        body: z.object({ ids: z.array(uuid).max(200).optional() }),
        response: { 200: z.object({ marked: z.number().int() }) },
      },
    },
    async (request) => {
      const citizen = citizenOf(request);
      let q = governanceDb(platform().db)
        .updateTable('notifications')
        .set({ read_at: platform().clock.now() })
        .where('citizen_id', '=', citizen.id)
        .where('read_at', 'is', null);
      if (request.body.ids) {
        if (request.body.ids.length === 0) return { marked: 0 };
        q = q.where('id', 'in', request.body.ids);
      }
      const result = await q.executeTakeFirst();
      return { marked: Number(result.numUpdatedRows) };
    },
  );

  r.get(
    '/me/area-follows',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['governance'],
        summary: 'Areas I follow: a daily digest tells me what was reported there',
        response: { 200: z.object({ items: z.array(Follow) }) },
      },
    },
    async (request) => {
      const citizen = citizenOf(request);
      const rows = await governanceDb(platform().db)
        .selectFrom('area_follows as f')
        .innerJoin('zones as z', 'z.id', 'f.zone_id')
        .select(['f.id', 'f.city_id', 'f.created_at', 'z.code', 'z.name_zh', 'z.name_en'])
        .where('f.citizen_id', '=', citizen.id)
        .orderBy('f.created_at')
        .execute();
      return {
        items: rows.map((f) => ({
          id: f.id,
          cityId: f.city_id,
          zoneCode: f.code,
          zoneNameZh: f.name_zh,
          zoneNameEn: f.name_en,
          createdAt: f.created_at.toISOString(),
        })),
      };
    },
  );

  r.delete(
    '/me/area-follows/:id',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['governance'],
        summary: 'Stops following an area',
        params: z.object({ id: uuid }),
      },
    },
    async (request, reply) => {
      const citizen = citizenOf(request);
      const result = await governanceDb(platform().db)
        .deleteFrom('area_follows')
        .where('id', '=', request.params.id)
        .where('citizen_id', '=', citizen.id)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new AppError('NOT_FOUND');
      return reply.code(204).send();
    },
  );
}
