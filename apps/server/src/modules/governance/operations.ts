/**
 * The operations centre's summary of a city's reports and work orders: what came in and was
 * done today (in the city's time zone), what is open now and how urgent, time-limit compliance
 * by department, where the open work is (street and grid counts for a heatmap) and the work
 * orders most past their limits. A handful of grouped queries on indexed columns, read at
 * most once every {@link SUMMARY_TTL_MS} per city however many screens ask.
 */
import { type Kysely, sql } from 'kysely';
import { recentValues } from '../../platform/cache/recent.ts';
import type { Database } from '../../platform/db/schema.ts';
import type { Priority } from './schema.ts';
import { governanceDb } from './schema.ts';
import { OPEN_STATUSES, type WorkOrderStatus } from './workflow.ts';

/** How long a city's summary is served from memory. */
export const SUMMARY_TTL_MS = 3_000;
/** Compliance is measured over work orders resolved in this many days up to now. */
export const SLA_WINDOW_DAYS = 30;
/** How many overdue work orders the summary lists. */
export const OVERDUE_LIMIT = 10;

const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];
/** Open statuses still waiting to be accepted (their limit is the acceptance limit). */
const AWAITING: readonly WorkOrderStatus[] = ['awaiting_dispatch', 'dispatched'];

/** Time-limit compliance of one department. */
export interface DepartmentCompliance {
  departmentCode: string;
  nameZh: string;
  nameEn: string;
  /** Work orders the department resolved in the window. */
  resolved: number;
  /** … of which within their time limit. */
  withinLimit: number;
  /** withinLimit / resolved, or null when nothing was resolved. */
  compliance: number | null;
  /** Work orders of the department open now. */
  open: number;
}

/** Open and today's work orders of one zone. */
export interface ZoneCount {
  code: string;
  level: 'street' | 'grid';
  open: number;
  openedToday: number;
}

/** A work order past its limit. */
export interface OverdueItem {
  id: string;
  trackingNo: string | null;
  categoryCode: string;
  categoryNameZh: string | null;
  categoryNameEn: string | null;
  priority: Priority;
  status: WorkOrderStatus;
  departmentCode: string | null;
  escalationLevel: number;
  dueAt: Date;
  createdAt: Date;
}

/** The operations summary of a city. */
export interface OperationsSummary {
  generatedAt: Date;
  /** The city's civil date the "today" figures belong to (YYYY-MM-DD). */
  day: string;
  timeZone: string;
  today: { reports: number; opened: number; resolved: number; closed: number };
  open: { total: number; overdue: number; escalated: number; byPriority: Record<Priority, number> };
  slaWindowDays: number;
  departments: DepartmentCompliance[];
  zones: ZoneCount[];
  overdue: OverdueItem[];
}

/** Minutes east of UTC of `timeZone` at `at`. */
function offsetMinutes(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((local - Math.floor(at / 1000) * 1000) / 60_000);
}

/** The civil date of `now` in `timeZone` and the instant that day began there. */
export function startOfDay(now: Date, timeZone: string): { day: string; start: Date } {
  const local = new Date(now.getTime() + offsetMinutes(now.getTime(), timeZone) * 60_000);
  const day = local.toISOString().slice(0, 10);
  const midnightUtc = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  // The offset at midnight may differ from the offset now (a daylight-saving change during the day).
  let start = midnightUtc - offsetMinutes(midnightUtc, timeZone) * 60_000;
  start = midnightUtc - offsetMinutes(start, timeZone) * 60_000;
  return { day, start: new Date(start) };
}

/** Reads the summary from the database (no cache). */
export async function readOperationsSummary(
  db: Kysely<Database>,
  cityId: string,
  timeZone: string,
  now: Date,
): Promise<OperationsSummary> {
  const gdb = governanceDb(db);
  const { day, start } = startOfDay(now, timeZone);
  const since = new Date(now.getTime() - SLA_WINDOW_DAYS * 86_400_000);
  const open = [...OPEN_STATUSES];
  const awaiting = [...AWAITING];
  const working = open.filter((s) => !awaiting.includes(s));
  const overdueSql = sql<boolean>`(status in (${sql.join(awaiting)}) and accept_due_at < ${now})
    or (status in (${sql.join(working)}) and resolve_due_at < ${now})`;

  const [byPlace, byDepartment, reportsToday, overdueRows] = await Promise.all([
    // Open now and opened today, by priority and place (open work orders and today's: two indexes).
    gdb
      .selectFrom('work_orders')
      .select(['priority', 'street_id', 'grid_id'])
      .select([
        sql<number>`count(*) filter (where status in (${sql.join(open)}))`.as('open'),
        sql<number>`count(*) filter (where created_at >= ${start})`.as('opened_today'),
        sql<number>`count(*) filter (where ${overdueSql})`.as('overdue'),
        sql<number>`count(*) filter (where status in (${sql.join(open)}) and escalation_level > 0)`.as('escalated'),
      ])
      .where('city_id', '=', cityId)
      .where((eb) => eb.or([eb('status', 'in', open), eb('created_at', '>=', start)]))
      .groupBy(['priority', 'street_id', 'grid_id'])
      .execute(),
    // Resolved in the window (within the limit or not), resolved and closed today, open now: by department.
    gdb
      .selectFrom('work_orders')
      .select('department_id')
      .select([
        sql<number>`count(*) filter (where resolved_at >= ${since})`.as('resolved'),
        sql<number>`count(*) filter (where resolved_at >= ${since} and resolved_at <= resolve_due_at)`.as('within'),
        sql<number>`count(*) filter (where resolved_at >= ${start})`.as('resolved_today'),
        sql<number>`count(*) filter (where closed_at >= ${start})`.as('closed_today'),
        sql<number>`count(*) filter (where status in (${sql.join(open)}))`.as('open'),
      ])
      .where('city_id', '=', cityId)
      .where((eb) => eb.or([eb('resolved_at', '>=', since), eb('closed_at', '>=', start), eb('status', 'in', open)]))
      .groupBy('department_id')
      .execute(),
    gdb
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('city_id', '=', cityId)
      .where('created_at', '>=', start)
      .executeTakeFirstOrThrow(),
    gdb
      .selectFrom('work_orders as w')
      .leftJoin('departments as d', 'd.id', 'w.department_id')
      .leftJoin('report_categories as c', (join) =>
        join.onRef('c.city_id', '=', 'w.city_id').onRef('c.code', '=', 'w.category_code'),
      )
      .select([
        'w.id',
        'w.category_code',
        'w.priority',
        'w.status',
        'w.escalation_level',
        'w.created_at',
        'd.code as department_code',
        'c.name_zh',
        'c.name_en',
      ])
      .select(
        sql<Date>`case when w.status in (${sql.join(awaiting)}) then w.accept_due_at else w.resolve_due_at end`.as(
          'due_at',
        ),
      )
      .select((eb) =>
        eb
          .selectFrom('reports as r')
          .select('r.tracking_no')
          .whereRef('r.own_work_order_id', '=', 'w.id')
          .limit(1)
          .as('tracking_no'),
      )
      .where('w.city_id', '=', cityId)
      .where('w.status', 'in', open)
      .where((eb) =>
        eb.or([
          eb.and([eb('w.status', 'in', awaiting), eb('w.accept_due_at', '<', now)]),
          eb.and([eb('w.status', 'in', working), eb('w.resolve_due_at', '<', now)]),
        ]),
      )
      .orderBy('w.escalation_level', 'desc')
      .orderBy('due_at', 'asc')
      .orderBy('w.id')
      .limit(OVERDUE_LIMIT)
      .execute(),
  ]);

  const zoneIds = new Set<string>();
  for (const row of byPlace) {
    if (row.street_id) zoneIds.add(row.street_id);
    if (row.grid_id) zoneIds.add(row.grid_id);
  }
  const departmentIds = byDepartment.map((r) => r.department_id).filter((id): id is string => id !== null);
  const [zones, departments] = await Promise.all([
    zoneIds.size
      ? db
          .selectFrom('zones')
          .select(['id', 'code'])
          .where('id', 'in', [...zoneIds])
          .execute()
      : Promise.resolve([]),
    departmentIds.length
      ? db
          .selectFrom('departments')
          .select(['id', 'code', 'name_zh', 'name_en'])
          .where('id', 'in', departmentIds)
          .execute()
      : Promise.resolve([]),
  ]);
  const zoneCode = new Map(zones.map((z) => [z.id, z.code]));

  const byPriority = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
  const zoneCounts = new Map<string, ZoneCount>();
  const add = (id: string | null, level: ZoneCount['level'], openCount: number, today: number) => {
    const code = id ? zoneCode.get(id) : undefined;
    if (!code) return;
    const entry = zoneCounts.get(code) ?? { code, level, open: 0, openedToday: 0 };
    entry.open += openCount;
    entry.openedToday += today;
    zoneCounts.set(code, entry);
  };
  let openTotal = 0;
  let overdue = 0;
  let escalated = 0;
  let openedToday = 0;
  for (const row of byPlace) {
    const n = Number(row.open);
    const today = Number(row.opened_today);
    byPriority[row.priority] += n;
    openTotal += n;
    openedToday += today;
    overdue += Number(row.overdue);
    escalated += Number(row.escalated);
    add(row.street_id, 'street', n, today);
    add(row.grid_id, 'grid', n, today);
  }

  const departmentOf = new Map(departments.map((d) => [d.id, d]));
  let resolvedToday = 0;
  let closedToday = 0;
  const compliance: DepartmentCompliance[] = [];
  for (const row of byDepartment) {
    resolvedToday += Number(row.resolved_today);
    closedToday += Number(row.closed_today);
    const department = row.department_id ? departmentOf.get(row.department_id) : undefined;
    if (!department) continue;
    const resolved = Number(row.resolved);
    const withinLimit = Number(row.within);
    compliance.push({
      departmentCode: department.code,
      nameZh: department.name_zh,
      nameEn: department.name_en,
      resolved,
      withinLimit,
      compliance: resolved === 0 ? null : withinLimit / resolved,
      open: Number(row.open),
    });
  }
  compliance.sort(
    (a, b) => b.resolved + b.open - (a.resolved + a.open) || a.departmentCode.localeCompare(b.departmentCode),
  );

  return {
    generatedAt: now,
    day,
    timeZone,
    today: { reports: Number(reportsToday.n), opened: openedToday, resolved: resolvedToday, closed: closedToday },
    open: { total: openTotal, overdue, escalated, byPriority },
    slaWindowDays: SLA_WINDOW_DAYS,
    departments: compliance,
    zones: [...zoneCounts.values()].sort((a, b) => b.open - a.open || a.code.localeCompare(b.code)),
    overdue: overdueRows.map((r) => ({
      id: r.id,
      trackingNo: r.tracking_no,
      categoryCode: r.category_code,
      categoryNameZh: r.name_zh,
      categoryNameEn: r.name_en,
      priority: r.priority,
      status: r.status as WorkOrderStatus,
      departmentCode: r.department_code,
      escalationLevel: r.escalation_level,
      dueAt: new Date(r.due_at),
      createdAt: r.created_at,
    })),
  };
}

const summaries = recentValues<OperationsSummary>({ ttlMs: SUMMARY_TTL_MS, max: 1_000 });

/** The summary of `cityId`, read again only when the one in memory is older than {@link SUMMARY_TTL_MS}. */
export function operationsSummary(
  db: Kysely<Database>,
  cityId: string,
  timeZone: string,
  now: Date,
): Promise<OperationsSummary> {
  return summaries(db).get(cityId, () => readOperationsSummary(db, cityId, timeZone, now));
}
