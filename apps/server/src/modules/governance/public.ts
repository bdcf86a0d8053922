/**
 * The public transparency feed: what anyone may know about the problems citizens report. One
 * item per work order (several reports of one problem are one item), with its first report's
 * tracking number, its category, status, department and times — and nothing that points at a
 * person: no reporter, no contact, no device, no description (people type phone numbers and
 * names into it). Sensitive categories (a noisy neighbour, an extension on a roof) lose their
 * address too and are placed only at the centre of their H3 resolution-7 cell (≈ 5 km²); every
 * other location is rounded to 4 decimals (≈ 10 m). Filters that could narrow a sensitive item
 * down further than that (a bounding box, a grid) are applied to what is published, not to the
 * true location.
 */
import { cellToLatLng, cellToParent } from 'h3-js';
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { ZoneLevel } from '#contracts';
import { recentValues } from '../../platform/cache/recent.ts';
import { literals } from '../../platform/db/literals.ts';
import type { Database } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/time/clock.ts';
import { type GovernanceDatabase, governanceDb, type ReportCategoriesTable, type WorkOrdersTable } from './schema.ts';
import { OPEN_STATUSES, type WorkOrderStatus } from './workflow.ts';

/** Statuses never shown publicly: returned as invalid (not a city problem) and merged (it lives on in the work order it was merged into). */
export const HIDDEN_STATUSES: readonly WorkOrderStatus[] = ['invalid', 'merged'];
/** Statuses the public filter `status=closed` means: the work is done. */
export const DONE_STATUSES: readonly WorkOrderStatus[] = ['resolved', 'closed'];
/**
 * How long the list's total may lag behind: counting what the public may see reads every work
 * order of the city (tens of milliseconds per hundred thousand), while the page itself is an
 * index range and is always read fresh. Anyone may ask, as often as they like: the count is
 * made at most once per city, filter and this interval in a process.
 */
export const PUBLIC_TOTAL_MAX_AGE_MS = 5_000;
const totals = recentValues<number>({ ttlMs: PUBLIC_TOTAL_MAX_AGE_MS, max: 5_000 });
/** The most features one map answer carries. */
export const MAP_FEATURE_CAP = 2000;
/** Resolution of the H3 cell whose centre stands for a sensitive item (edge ≈ 1.2 km). */
export const SENSITIVE_H3_RESOLUTION = 7;
/** Decimals of published coordinates of other items (4: about 10 m). */
export const PUBLIC_DECIMALS = 4;

/**
 * How far (degrees of latitude) a coarse location can lie from the true one: a resolution-7
 * cell's centre is within ~1.5 km of any point of its resolution-9 children; 3 km leaves room.
 */
const COARSE_MARGIN_DEG = 3 / 111;

/** A bounding box: west, south, east, north (WGS 84 degrees). */
export interface BBox {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

/** What the public may filter by. */
export interface PublicFilter {
  categoryCode?: string;
  /** open: still being worked on; closed: resolved or closed. */
  state?: 'open' | 'closed';
  /** A district, street or grid the problem lies in. */
  zone?: { id: string; level: ZoneLevel };
  /** Reported at or after. */
  since?: Date;
  bbox?: BBox;
}

/** A published location. */
export interface PublicLocation {
  lat: number;
  lon: number;
  /** `approximate`: rounded to about 10 m; `area`: only the area (a sensitive category). */
  precision: 'approximate' | 'area';
}

/** One problem as the public sees it. */
export interface PublicItem {
  trackingNo: string | null;
  categoryCode: string;
  status: WorkOrderStatus;
  departmentCode: string | null;
  district: string | null;
  street: string | null;
  address: string | null;
  location: PublicLocation;
  reportCount: number;
  photoIds: string[];
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
}

const round = (value: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

/** Where an item is shown: the resolution-7 cell centre when sensitive, else the point rounded to 4 decimals. */
export function publicLocation(lat: number, lon: number, h3Res9: string, sensitive: boolean): PublicLocation {
  if (!sensitive)
    return { lat: round(lat, PUBLIC_DECIMALS), lon: round(lon, PUBLIC_DECIMALS), precision: 'approximate' };
  try {
    const [cLat, cLon] = cellToLatLng(cellToParent(h3Res9, SENSITIVE_H3_RESOLUTION));
    return { lat: round(cLat, 6), lon: round(cLon, 6), precision: 'area' };
  } catch {
    // A stored cell h3-js cannot read (never expected): two decimals (≈ 1 km) are coarse enough.
    return { lat: round(lat, 2), lon: round(lon, 2), precision: 'area' };
  }
}

/** Whether `location` lies in `bbox`. */
export function inBBox(location: { lat: number; lon: number }, bbox: BBox): boolean {
  return (
    location.lon >= bbox.minLon &&
    location.lon <= bbox.maxLon &&
    location.lat >= bbox.minLat &&
    location.lat <= bbox.maxLat
  );
}

/**
 * Parses `minLon,minLat,maxLon,maxLat`; null when it is not four finite numbers within WGS 84
 * ranges with the minimum not above the maximum.
 */
export function parseBBox(text: string): BBox | null {
  const parts = text.split(',');
  if (parts.length !== 4) return null;
  const numbers = parts.map((p) => (/^\s*-?\d+(\.\d+)?\s*$/.test(p) ? Number(p) : Number.NaN));
  const [minLon, minLat, maxLon, maxLat] = numbers as [number, number, number, number];
  if (!numbers.every(Number.isFinite)) return null;
  if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90) return null;
  if (minLon > maxLon || minLat > maxLat) return null;
  return { minLon, minLat, maxLon, maxLat };
}

type Scope = GovernanceDatabase & { w: WorkOrdersTable; c: ReportCategoriesTable };

/** A missing category counts as sensitive: when in doubt, coarse. */
const isSensitive = (eb: ExpressionBuilder<Scope, 'w' | 'c'>) => eb.fn.coalesce('c.sensitive', eb.lit(true));

/** The work orders of `cityId` the public may see, with `filter` applied (bbox: a pre-selection; see {@link inBBox}). */
function visible(db: Kysely<Database>, cityId: string, filter: PublicFilter) {
  let q = governanceDb(db)
    .selectFrom('work_orders as w')
    .leftJoin('report_categories as c', (join) =>
      join.onRef('c.city_id', '=', 'w.city_id').onRef('c.code', '=', 'w.category_code'),
    )
    .where('w.city_id', '=', cityId)
    .where('w.status', 'not in', literals(HIDDEN_STATUSES));
  if (filter.categoryCode) q = q.where('w.category_code', '=', filter.categoryCode);
  if (filter.state === 'open') q = q.where('w.status', 'in', literals(OPEN_STATUSES));
  if (filter.state === 'closed') q = q.where('w.status', 'in', literals(DONE_STATUSES));
  if (filter.since) q = q.where('w.created_at', '>=', filter.since);
  const zone = filter.zone;
  if (zone) {
    if (zone.level === 'district') q = q.where('w.district_id', '=', zone.id);
    else if (zone.level === 'street') q = q.where('w.street_id', '=', zone.id);
    // A grid is a few blocks: finer than a sensitive item is ever placed, so those never match one.
    else q = q.where('w.grid_id', '=', zone.id).where('c.sensitive', '=', false);
  }
  const bbox = filter.bbox;
  if (bbox) {
    const latMargin = COARSE_MARGIN_DEG;
    const widest = Math.max(Math.abs(bbox.minLat), Math.abs(bbox.maxLat));
    const lonMargin = COARSE_MARGIN_DEG / Math.max(0.1, Math.cos((Math.min(widest + latMargin, 90) * Math.PI) / 180));
    const exact = 10 ** -PUBLIC_DECIMALS;
    q = q.where((eb) =>
      eb.or([
        eb.and([
          eb.not(isSensitive(eb)),
          eb('w.lon', '>=', bbox.minLon - exact),
          eb('w.lon', '<=', bbox.maxLon + exact),
          eb('w.lat', '>=', bbox.minLat - exact),
          eb('w.lat', '<=', bbox.maxLat + exact),
        ]),
        eb.and([
          isSensitive(eb),
          eb('w.lon', '>=', bbox.minLon - lonMargin),
          eb('w.lon', '<=', bbox.maxLon + lonMargin),
          eb('w.lat', '>=', bbox.minLat - latMargin),
          eb('w.lat', '<=', bbox.maxLat + latMargin),
        ]),
      ]),
    );
  }
  return q;
}

/** Where a page of items begins: after `offset` items, or after the item `after` (newest first). */
interface PageOf {
  limit: number;
  offset?: number;
  after?: { createdAt: Date; id: string } | null;
}

/**
 * A page of {@link visible}'s rows with what an item shows, newest first. The page is chosen
 * first, on the work orders alone (an index range, however many the city has), and only its
 * rows are joined to their report, department and zones.
 */
function itemRows(db: Kysely<Database>, cityId: string, filter: PublicFilter, page: PageOf) {
  let chosen = visible(db, cityId, filter).select((eb) => ['w.id', isSensitive(eb).as('sensitive')]);
  const after = page.after;
  if (after) {
    chosen = chosen.where((eb) =>
      eb.or([
        eb('w.created_at', '<', after.createdAt),
        eb.and([eb('w.created_at', '=', after.createdAt), eb('w.id', '<', after.id)]),
      ]),
    );
  }
  chosen = chosen.orderBy('w.created_at', 'desc').orderBy('w.id', 'desc').limit(page.limit);
  if (page.offset) chosen = chosen.offset(page.offset);
  return (
    governanceDb(db)
      .selectFrom(chosen.as('p'))
      .innerJoin('work_orders as w', 'w.id', 'p.id')
      // The report that opened the work order (reports_by_work_order finds it; there is exactly one).
      .leftJoin('reports as r', (join) =>
        join.onRef('r.work_order_id', '=', 'w.id').onRef('r.own_work_order_id', '=', 'w.id'),
      )
      .leftJoin('departments as d', 'd.id', 'w.department_id')
      .leftJoin('zones as zd', 'zd.id', 'w.district_id')
      .leftJoin('zones as zs', 'zs.id', 'w.street_id')
      .select([
        'w.id',
        'w.category_code',
        'w.status',
        'w.lat',
        'w.lon',
        'w.h3_res9',
        'w.report_count',
        'w.created_at',
        'w.updated_at',
        'w.resolved_at',
        'w.closed_at',
        'r.tracking_no',
        'r.address',
        'd.code as department_code',
        'zd.code as district_code',
        'zs.code as street_code',
        'p.sensitive',
      ])
      .orderBy('w.created_at', 'desc')
      .orderBy('w.id', 'desc')
  );
}

type ItemRow = Awaited<ReturnType<ReturnType<typeof itemRows>['execute']>>[number];

/** The approved photos of `workOrderIds`, by work order, in upload order. */
async function publicPhotos(db: Kysely<Database>, workOrderIds: string[]): Promise<Map<string, string[]>> {
  const byWorkOrder = new Map<string, string[]>();
  for (let i = 0; i < workOrderIds.length; i += 1000) {
    const chunk = workOrderIds.slice(i, i + 1000);
    const rows = await governanceDb(db)
      .selectFrom('report_photos')
      .select(['file_id', 'work_order_id'])
      .where('work_order_id', 'in', chunk)
      .where('public_approved_at', 'is not', null)
      .orderBy('created_at')
      .orderBy('file_id')
      .execute();
    for (const row of rows) {
      const list = byWorkOrder.get(row.work_order_id) ?? [];
      list.push(row.file_id);
      byWorkOrder.set(row.work_order_id, list);
    }
  }
  return byWorkOrder;
}

/** Shapes a row for the public: the one place that decides what of a work order leaves the building. */
function present(row: ItemRow, photos: Map<string, string[]>): PublicItem {
  const sensitive = Boolean(row.sensitive);
  return {
    trackingNo: row.tracking_no,
    categoryCode: row.category_code,
    status: row.status as WorkOrderStatus,
    departmentCode: row.department_code,
    district: row.district_code,
    street: row.street_code,
    address: sensitive ? null : row.address,
    location: publicLocation(row.lat, row.lon, row.h3_res9, sensitive),
    reportCount: row.report_count,
    photoIds: photos.get(row.id) ?? [],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    resolvedAt: row.resolved_at,
    closedAt: row.closed_at,
  };
}

/** One page of the public list, newest first, with the total. */
export async function listPublicItems(
  db: Kysely<Database>,
  cityId: string,
  filter: Omit<PublicFilter, 'bbox'>,
  page: { limit: number; offset: number },
  clock: Clock,
): Promise<{ items: PublicItem[]; total: number }> {
  const key = JSON.stringify([
    cityId,
    filter.categoryCode ?? null,
    filter.state ?? null,
    filter.zone?.id ?? null,
    filter.since?.getTime() ?? null,
  ]);
  const total = await totals(db, clock).get(key, async () => {
    const row = await visible(db, cityId, filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  });
  const rows = await itemRows(db, cityId, filter, page).execute();
  const photos = await publicPhotos(
    db,
    rows.map((r) => r.id),
  );
  return { total, items: rows.map((row) => present(row, photos)) };
}

/**
 * Up to `limit` items for the map, newest first; with a bbox, only those whose published
 * location lies in it (read in batches until enough are found). `truncated`: there were more.
 */
export async function mapPublicItems(
  db: Kysely<Database>,
  cityId: string,
  filter: PublicFilter,
  limit = MAP_FEATURE_CAP,
): Promise<{ items: PublicItem[]; truncated: boolean }> {
  const found: ItemRow[] = [];
  const batch = Math.min(limit, MAP_FEATURE_CAP) + 1;
  let after: { createdAt: Date; id: string } | null = null;
  let truncated = false;
  // A bbox can drop sensitive items the pre-selection let through; a few batches make up for them.
  for (let pass = 0; pass < 5; pass++) {
    const rows = await itemRows(db, cityId, filter, { limit: batch, after }).execute();
    for (const row of rows) {
      const sensitive = Boolean(row.sensitive);
      if (filter.bbox && !inBBox(publicLocation(row.lat, row.lon, row.h3_res9, sensitive), filter.bbox)) continue;
      if (found.length === limit) {
        truncated = true;
        break;
      }
      found.push(row);
    }
    const last = rows.at(-1);
    if (truncated || rows.length < batch || !last) break;
    after = { createdAt: last.created_at, id: last.id };
    if (pass === 4) truncated = true;
  }
  const photos = await publicPhotos(
    db,
    found.map((r) => r.id),
  );
  return { items: found.map((row) => present(row, photos)), truncated };
}

/**
 * The file id `fileId` of `cityId` if it is a photo approved for the public, of a work order
 * the public may see; null otherwise (unapproved, withdrawn, another city's, not a photo).
 */
export async function publicPhotoId(db: Kysely<Database>, cityId: string, fileId: string): Promise<string | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(fileId)) return null;
  const row = await governanceDb(db)
    .selectFrom('report_photos as p')
    .innerJoin('work_orders as w', 'w.id', 'p.work_order_id')
    .select('p.file_id')
    .where('p.city_id', '=', cityId)
    .where('p.file_id', '=', fileId)
    .where('p.public_approved_at', 'is not', null)
    .where('w.status', 'not in', literals(HIDDEN_STATUSES))
    .executeTakeFirst();
  return row?.file_id ?? null;
}
