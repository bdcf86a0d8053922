/**
 * The reads behind Open311: reports (every channel's — an Open311 request is a OneCity report)
 * with their work order, category and department, in a city. Only the columns the public
 * feed may show are selected: the reporter columns (citizen, staff, key, contact, device) are
 * never read here, so no later mistake can leak them.
 */
import type { Kysely } from 'kysely';
import { literals } from '../../../platform/db/literals.ts';
import type { Database } from '../../../platform/db/schema.ts';
import { governanceDb } from '../schema.ts';
import { OPEN_STATUSES, type WorkOrderStatus } from '../workflow.ts';

/** One report as the public feed sees it, before privacy rules are applied. */
export interface RequestRow {
  id: string;
  trackingNo: string;
  categoryCode: string;
  description: string;
  lat: number;
  lon: number;
  address: string | null;
  createdAt: Date;
  status: WorkOrderStatus;
  workOrderUpdatedAt: Date;
  resolveDueAt: Date | null;
  acceptWithinMinutes: number;
  resolveWithinMinutes: number;
  categoryNameZh: string | null;
  categoryNameEn: string | null;
  sensitive: boolean;
  departmentNameZh: string | null;
  departmentNameEn: string | null;
  /** The first public-approved photo of the report, if any. */
  photoId: string | null;
}

/** Filters of `GET requests`. */
export interface RequestFilter {
  /** Tracking numbers; when given, every other filter is ignored (as the spec says). */
  ids?: string[];
  serviceCodes?: string[];
  from?: Date;
  to?: Date;
  status?: 'open' | 'closed';
  limit: number;
  offset: number;
}

/** Reports of `cityId` matching `filter`, newest first. */
export async function findRequests(db: Kysely<Database>, cityId: string, filter: RequestFilter): Promise<RequestRow[]> {
  const gdb = governanceDb(db);
  let query = gdb
    .selectFrom('reports as r')
    .innerJoin('work_orders as w', 'w.id', 'r.work_order_id')
    .leftJoin('report_categories as c', (join) =>
      join.onRef('c.city_id', '=', 'r.city_id').onRef('c.code', '=', 'r.category_code'),
    )
    .leftJoin('departments as d', 'd.id', 'w.department_id')
    .where('r.city_id', '=', cityId)
    .select([
      'r.id',
      'r.tracking_no',
      'r.category_code',
      'r.description',
      'r.lat',
      'r.lon',
      'r.address',
      'r.created_at',
      'w.status',
      'w.updated_at as work_order_updated_at',
      'w.resolve_due_at',
      'w.accept_within_minutes',
      'w.resolve_within_minutes',
      'c.name_zh as category_name_zh',
      'c.name_en as category_name_en',
      'c.sensitive',
      'd.name_zh as department_name_zh',
      'd.name_en as department_name_en',
    ]);
  if (filter.ids) {
    query = query.where('r.tracking_no', 'in', filter.ids.length ? filter.ids : ['']);
  } else {
    if (filter.serviceCodes?.length) query = query.where('r.category_code', 'in', filter.serviceCodes);
    if (filter.from) query = query.where('r.created_at', '>=', filter.from);
    if (filter.to) query = query.where('r.created_at', '<=', filter.to);
    if (filter.status === 'open') query = query.where('w.status', 'in', literals(OPEN_STATUSES));
    if (filter.status === 'closed') query = query.where('w.status', 'not in', literals(OPEN_STATUSES));
  }
  const rows = await query
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  const photos = await publicPhotos(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => ({
    id: row.id,
    trackingNo: row.tracking_no,
    categoryCode: row.category_code,
    description: row.description,
    lat: row.lat,
    lon: row.lon,
    address: row.address,
    createdAt: row.created_at,
    status: row.status as WorkOrderStatus,
    workOrderUpdatedAt: row.work_order_updated_at,
    resolveDueAt: row.resolve_due_at,
    acceptWithinMinutes: row.accept_within_minutes,
    resolveWithinMinutes: row.resolve_within_minutes,
    categoryNameZh: row.category_name_zh,
    categoryNameEn: row.category_name_en,
    // A category that has disappeared is treated as sensitive: nothing is known to say otherwise.
    sensitive: row.sensitive ?? true,
    departmentNameZh: row.department_name_zh,
    departmentNameEn: row.department_name_en,
    photoId: photos.get(row.id) ?? null,
  }));
}

/** The first photo of each report that staff approved for the public, by report id. */
async function publicPhotos(db: Kysely<Database>, reportIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!reportIds.length) return out;
  const rows = await governanceDb(db)
    .selectFrom('report_photos')
    .select(['report_id', 'file_id'])
    .where('report_id', 'in', reportIds)
    .where('public_approved_at', 'is not', null)
    .orderBy('created_at')
    .orderBy('file_id')
    .execute();
  for (const row of rows) if (row.report_id && !out.has(row.report_id)) out.set(row.report_id, row.file_id);
  return out;
}

/** Whether `trackingNo` is a report of `cityId`. */
export async function reportExists(db: Kysely<Database>, cityId: string, trackingNo: string): Promise<boolean> {
  const row = await governanceDb(db)
    .selectFrom('reports')
    .select('id')
    .where('city_id', '=', cityId)
    .where('tracking_no', '=', trackingNo)
    .executeTakeFirst();
  return Boolean(row);
}

/** When any city's category list last changed (the discovery changeset), or null with none. */
export async function categoriesChangedAt(db: Kysely<Database>): Promise<Date | null> {
  const row = await governanceDb(db)
    .selectFrom('report_categories')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .executeTakeFirst();
  const at = row?.at as Date | string | null | undefined;
  return at ? new Date(at) : null;
}

/** A department's names, or null. */
export async function departmentNames(
  db: Kysely<Database>,
  id: string | null,
): Promise<{ nameZh: string; nameEn: string } | null> {
  if (!id) return null;
  const row = await db.selectFrom('departments').select(['name_zh', 'name_en']).where('id', '=', id).executeTakeFirst();
  return row ? { nameZh: row.name_zh, nameEn: row.name_en } : null;
}
