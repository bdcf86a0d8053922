/**
 * The read side of reports and work orders: what a citizen sees of their own reports, what a
 * department's queue holds, and a work order with its timeline. Each view picks its columns:
 * a reporter never sees staff identities or internal reasons; staff never see a reporter's
 * contact details.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import type { StaffPrincipal } from '../../platform/identity/principal.ts';
import { governanceDb } from './schema.ts';
import { coversPlaceSql, operationsDepartmentId, type WorkOrderRow } from './work-orders.ts';
import type { WorkOrderActionName, WorkOrderStatus } from './workflow.ts';

/** Who reads a timeline: the reporter sees what happened, staff also who did it and why. */
export type Audience = 'reporter' | 'staff';

/** One entry of a timeline. */
export interface TimelineEntry {
  seq: number;
  action: WorkOrderActionName;
  at: Date;
  actorKind: string;
  actorId: string | null;
  departmentCode: string | null;
  reason: string | null;
  note: string | null;
  rating: number | null;
  tags: string[];
  escalation: number | null;
  photoIds: string[];
}

/** Actions a reporter's timeline leaves out (internal steps). */
const INTERNAL: ReadonlySet<string> = new Set(['warn', 'escalate', 'assign', 'link', 'unlink']);

/** The timeline of a work order for `audience`. */
export async function timeline(
  db: Kysely<Database>,
  workOrderId: string,
  audience: Audience,
): Promise<TimelineEntry[]> {
  const gdb = governanceDb(db);
  const rows = await gdb
    .selectFrom('work_order_actions as a')
    .leftJoin('departments as d', 'd.id', 'a.department_id')
    .select([
      'a.id',
      'a.seq',
      'a.action',
      'a.created_at',
      'a.actor_kind',
      'a.actor_id',
      'd.code as department_code',
      'a.reason',
      'a.note',
      'a.rating',
      'a.tags',
      'a.escalation',
    ])
    .where('a.work_order_id', '=', workOrderId)
    .orderBy('a.seq')
    .execute();
  const photos = await gdb
    .selectFrom('report_photos')
    .select(['file_id', 'action_id'])
    .where('work_order_id', '=', workOrderId)
    .where('kind', '=', 'after')
    .execute();
  const reporter = audience === 'reporter';
  return rows
    .filter((r) => !(reporter && INTERNAL.has(r.action)))
    .map((r) => ({
      seq: r.seq,
      action: r.action as WorkOrderActionName,
      at: r.created_at,
      actorKind: r.actor_kind,
      // Staff see which colleague acted, never which citizen reported.
      actorId: reporter || r.actor_kind === 'citizen' ? null : r.actor_id,
      departmentCode: r.department_code,
      // Reasons of transfers and escalations are internal; a returned report tells the reporter why.
      reason: reporter && !['return_invalid', 'reopen'].includes(r.action) ? null : r.reason,
      note: reporter && !['resolve', 'rate', 'reopen'].includes(r.action) ? null : r.note,
      rating: r.rating,
      tags: r.tags,
      escalation: reporter ? null : r.escalation,
      photoIds: photos.filter((p) => p.action_id === r.id).map((p) => p.file_id),
    }));
}

/** A report as its reporter sees it. */
export interface MyReport {
  trackingNo: string;
  cityId: string;
  categoryCode: string;
  description: string;
  lat: number;
  lon: number;
  address: string | null;
  createdAt: Date;
  status: WorkOrderStatus;
  departmentCode: string | null;
  duplicate: boolean;
  resolvedAt: Date | null;
  rating: number | null;
  workOrderId: string;
}

/** The citizen's reports, newest first. */
export async function listMyReports(
  db: Kysely<Database>,
  citizenId: string,
  page: { limit: number; offset: number },
): Promise<{ items: MyReport[]; total: number }> {
  const gdb = governanceDb(db);
  const base = gdb.selectFrom('reports as r').where('r.reporter_citizen_id', '=', citizenId);
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await base
    .innerJoin('work_orders as w', 'w.id', 'r.work_order_id')
    .leftJoin('departments as d', 'd.id', 'w.department_id')
    .select([
      'r.tracking_no',
      'r.city_id',
      'r.category_code',
      'r.description',
      'r.lat',
      'r.lon',
      'r.address',
      'r.created_at',
      'r.own_work_order_id',
      'w.id as work_order_id',
      'w.status',
      'w.resolved_at',
      'w.rating',
      'd.code as department_code',
    ])
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return {
    total: Number(total.n),
    items: rows.map((r) => ({
      trackingNo: r.tracking_no,
      cityId: r.city_id,
      categoryCode: r.category_code,
      description: r.description,
      lat: r.lat,
      lon: r.lon,
      address: r.address,
      createdAt: r.created_at,
      status: r.status as WorkOrderStatus,
      departmentCode: r.department_code,
      duplicate: r.own_work_order_id !== r.work_order_id,
      resolvedAt: r.resolved_at,
      rating: r.rating,
      workOrderId: r.work_order_id,
    })),
  };
}

/** One report of the citizen by tracking number, with its photos. */
export async function findMyReport(db: Kysely<Database>, citizenId: string, trackingNo: string) {
  const gdb = governanceDb(db);
  const row = await gdb
    .selectFrom('reports as r')
    .innerJoin('work_orders as w', 'w.id', 'r.work_order_id')
    .selectAll('w')
    .select([
      'r.id as report_id',
      'r.tracking_no',
      'r.description',
      'r.address',
      'r.attributes',
      'r.lat as report_lat',
      'r.lon as report_lon',
      'r.own_work_order_id',
      'r.created_at as reported_at',
    ])
    .where('r.reporter_citizen_id', '=', citizenId)
    .where('r.tracking_no', '=', trackingNo)
    .executeTakeFirst();
  if (!row) return null;
  const photos = await gdb
    .selectFrom('report_photos')
    .select(['file_id', 'kind'])
    .where((eb) =>
      eb.or([
        eb('report_id', '=', row.report_id),
        eb.and([eb('work_order_id', '=', row.id), eb('kind', '=', 'after')]),
      ]),
    )
    .orderBy('created_at')
    .execute();
  return { row, photos };
}

/** Filters of a department queue. */
export interface QueueFilter {
  statuses?: WorkOrderStatus[];
  categoryCode?: string;
  zoneId?: string;
  /** Only work orders whose next limit passes within this many minutes (or has passed). */
  breachingWithinMinutes?: number;
  /** Operations centre only: another department's queue. */
  departmentId?: string;
  limit: number;
  offset: number;
}

/** A queue row. */
export type QueueItem = WorkOrderRow & { department_code: string | null; first_tracking_no: string | null };

/**
 * The queue a staff member sees: their department's work orders within their jurisdiction,
 * or — for the operations centre — every department's (filterable by department).
 */
export async function queue(
  db: Kysely<Database>,
  staff: StaffPrincipal,
  filter: QueueFilter,
  now: Date,
): Promise<{ items: QueueItem[]; total: number }> {
  const gdb = governanceDb(db);
  const operations = staff.departmentId === (await operationsDepartmentId(db, staff.cityId));
  let q = gdb.selectFrom('work_orders as w').where('w.city_id', '=', staff.cityId);
  if (operations) {
    if (filter.departmentId) q = q.where('w.department_id', '=', filter.departmentId);
  } else {
    q = q.where('w.department_id', '=', staff.departmentId);
    q = q.where((eb) => coversPlaceSql(eb, staff.jurisdiction));
  }
  if (filter.statuses?.length) q = q.where('w.status', 'in', filter.statuses);
  if (filter.categoryCode) q = q.where('w.category_code', '=', filter.categoryCode);
  if (filter.zoneId) {
    const zone = filter.zoneId;
    q = q.where((eb) =>
      eb.or([eb('w.district_id', '=', zone), eb('w.street_id', '=', zone), eb('w.grid_id', '=', zone)]),
    );
  }
  if (filter.breachingWithinMinutes !== undefined) {
    const horizon = new Date(now.getTime() + filter.breachingWithinMinutes * 60_000);
    q = q.where((eb) =>
      eb.or([
        eb.and([eb('w.status', 'in', ['awaiting_dispatch', 'dispatched']), eb('w.accept_due_at', '<=', horizon)]),
        eb.and([eb('w.status', 'in', ['accepted', 'assigned', 'in_progress']), eb('w.resolve_due_at', '<=', horizon)]),
      ]),
    );
  }
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .leftJoin('departments as d', 'd.id', 'w.department_id')
    .selectAll('w')
    .select(['d.code as department_code'])
    .select((eb) =>
      eb
        .selectFrom('reports as r')
        .select('r.tracking_no')
        .whereRef('r.own_work_order_id', '=', 'w.id')
        .limit(1)
        .as('first_tracking_no'),
    )
    .orderBy('w.escalation_level', 'desc')
    .orderBy('w.created_at', 'desc')
    .orderBy('w.id', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return { total: Number(total.n), items: rows as QueueItem[] };
}

/** The reports of a work order as staff see them: what was reported, never who (contact details stay out). */
export async function reportsOf(db: Kysely<Database>, workOrderId: string) {
  const gdb = governanceDb(db);
  const reports = await gdb
    .selectFrom('reports')
    .select([
      'id',
      'tracking_no',
      'category_code',
      'description',
      'lat',
      'lon',
      'address',
      'attributes',
      'channel',
      'created_at',
      'own_work_order_id',
    ])
    .where('work_order_id', '=', workOrderId)
    .orderBy('created_at')
    .execute();
  const photos = await gdb
    .selectFrom('report_photos')
    .select(['file_id', 'report_id', 'kind', 'public_approved_at'])
    .where('work_order_id', '=', workOrderId)
    .orderBy('created_at')
    .execute();
  return { reports, photos };
}
