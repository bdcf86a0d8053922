/**
 * Zones of a city: district → street → grid polygons. Every query is scoped by city; a zone's
 * bounding box lets SQL pick the few candidates before the exact point-in-polygon test runs
 * here (the same code on PGlite and PostgreSQL, which has no PostGIS in PGlite).
 */

import { type Kysely, type Selectable, sql } from 'kysely';
import type { ResolvedPoint, ZoneLevel, ZoneRef, ZoneSummary } from '#contracts';
import type { Database, ZoneGeometry, ZonesTable } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import {
  bboxOf,
  containsPoint,
  geometryProblem,
  H3_RESOLUTIONS,
  h3Cell,
  h3Cells,
  isValidLatLon,
  representativePoint,
} from './geometry.ts';
import { forgetZoneIndexes } from './zone-index.ts';

/** A zone to store; bounding box, centre and H3 cell are derived from the geometry. */
export interface NewZone {
  id: string;
  cityId: string;
  code: string;
  level: ZoneLevel;
  parentId: string | null;
  nameZh: string;
  nameEn: string;
  geometry: ZoneGeometry;
}

/** A zone with its boundary, as the repository returns it. */
export interface ZoneRecord extends ZoneSummary {
  parentId: string | null;
  geometry: ZoneGeometry;
}

const INSERT_BATCH = 100;

/** Stores zones, parents before children; existing ones (same id or city and code) are left alone. Returns how many were new. */
export async function insertZones(db: Kysely<Database>, zones: NewZone[]): Promise<number> {
  forgetZoneIndexes(db);
  const rows = zones.map((zone) => {
    const problem = geometryProblem(zone.geometry);
    if (problem) throw new AppError('INVALID_GEOMETRY', {}, { cause: new Error(`zone ${zone.code}: ${problem}`) });
    const [minLon, minLat, maxLon, maxLat] = bboxOf(zone.geometry);
    const [lon, lat] = representativePoint(zone.geometry);
    return {
      id: zone.id,
      city_id: zone.cityId,
      code: zone.code,
      level: zone.level,
      parent_id: zone.parentId,
      name_zh: zone.nameZh,
      name_en: zone.nameEn,
      geometry: JSON.stringify(zone.geometry),
      min_lon: minLon,
      min_lat: minLat,
      max_lon: maxLon,
      max_lat: maxLat,
      center_lat: lat,
      center_lon: lon,
      h3_cell: h3Cell(lat, lon, H3_RESOLUTIONS.fine),
    };
  });
  let inserted = 0;
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    const result = await db
      .insertInto('zones')
      .values(rows.slice(i, i + INSERT_BATCH))
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    inserted += result.length;
  }
  return inserted;
}

type SummaryRow = Pick<
  Selectable<ZonesTable>,
  | 'id'
  | 'code'
  | 'level'
  | 'parent_id'
  | 'name_zh'
  | 'name_en'
  | 'min_lon'
  | 'min_lat'
  | 'max_lon'
  | 'max_lat'
  | 'center_lat'
  | 'center_lon'
  | 'h3_cell'
> & { parent_code: string | null };

function summaryQuery(db: Kysely<Database>, cityId: string) {
  return db
    .selectFrom('zones as z')
    .leftJoin('zones as p', 'p.id', 'z.parent_id')
    .where('z.city_id', '=', cityId)
    .select([
      'z.id',
      'z.code',
      'z.level',
      'z.parent_id',
      'z.name_zh',
      'z.name_en',
      'z.min_lon',
      'z.min_lat',
      'z.max_lon',
      'z.max_lat',
      'z.center_lat',
      'z.center_lon',
      'z.h3_cell',
      'p.code as parent_code',
    ]);
}

function toSummary(row: SummaryRow): ZoneSummary {
  return {
    id: row.id,
    code: row.code,
    level: row.level,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    parentCode: row.parent_code,
    center: { lat: row.center_lat, lon: row.center_lon },
    bbox: [row.min_lon, row.min_lat, row.max_lon, row.max_lat],
    h3Cell: row.h3_cell,
  };
}

/** Filters for {@link listZones}. */
export interface ZoneFilter {
  level?: ZoneLevel | undefined;
  /** Only the direct children of this zone. */
  parentId?: string | undefined;
}

/** The city's zones (without boundaries), ordered by code. */
export async function listZones(db: Kysely<Database>, cityId: string, filter: ZoneFilter = {}): Promise<ZoneSummary[]> {
  let query = summaryQuery(db, cityId);
  if (filter.level) query = query.where('z.level', '=', filter.level);
  if (filter.parentId) query = query.where('z.parent_id', '=', filter.parentId);
  const rows = await query.orderBy('z.code').execute();
  return rows.map(toSummary);
}

/** The city's zones with their boundaries, ordered by code (for maps). */
export async function listZonesWithGeometry(
  db: Kysely<Database>,
  cityId: string,
  filter: ZoneFilter = {},
): Promise<ZoneRecord[]> {
  let query = summaryQuery(db, cityId).select('z.geometry');
  if (filter.level) query = query.where('z.level', '=', filter.level);
  if (filter.parentId) query = query.where('z.parent_id', '=', filter.parentId);
  const rows = await query.orderBy('z.code').execute();
  return rows.map((row) => ({ ...toSummary(row), parentId: row.parent_id, geometry: row.geometry }));
}

/** One zone of the city by code, with its boundary; null when the city has no such zone. */
export async function findZone(db: Kysely<Database>, cityId: string, code: string): Promise<ZoneRecord | null> {
  const row = await summaryQuery(db, cityId).select('z.geometry').where('z.code', '=', code).executeTakeFirst();
  return row ? { ...toSummary(row), parentId: row.parent_id, geometry: row.geometry } : null;
}

/** How many zones of each level the city has. */
export async function countZones(db: Kysely<Database>, cityId: string): Promise<Record<ZoneLevel, number>> {
  const rows = await db
    .selectFrom('zones')
    .where('city_id', '=', cityId)
    .select(['level', db.fn.countAll<number>().as('n')])
    .groupBy('level')
    .execute();
  const counts: Record<ZoneLevel, number> = { district: 0, street: 0, grid: 0 };
  for (const row of rows) counts[row.level] = Number(row.n);
  return counts;
}

/**
 * Which district, street and grid of the city hold the point, and its H3 cells. A level is null
 * when no zone of it holds the point (outside the city: all three). On a shared border the zone
 * with the lowest code wins, and the street and district are the grid's own ancestors.
 */
export async function resolvePoint(
  db: Kysely<Database>,
  cityId: string,
  lat: number,
  lon: number,
): Promise<ResolvedPoint> {
  if (!isValidLatLon(lat, lon)) throw new AppError('INVALID_COORDINATES');
  // Only grid outlines are parsed on the common path: a grid's street and district follow
  // from the hierarchy, and district outlines are by far the largest documents.
  const candidates = await db
    .selectFrom('zones')
    .where('city_id', '=', cityId)
    .where('min_lon', '<=', lon)
    .where('max_lon', '>=', lon)
    .where('min_lat', '<=', lat)
    .where('max_lat', '>=', lat)
    .select(['id', 'code', 'level', 'parent_id', 'name_zh', 'name_en'])
    .select(sql<ZoneGeometry | null>`CASE WHEN level = 'grid' THEN geometry END`.as('geometry'))
    .orderBy('code')
    .execute();
  const byId = new Map(candidates.map((c) => [c.id, c]));
  type Candidate = (typeof candidates)[number];
  const outlines = async (level: ZoneLevel) => {
    const wanted = candidates.filter((c) => c.level === level && c.geometry === null);
    if (!wanted.length) return;
    const rows = await db
      .selectFrom('zones')
      .where('city_id', '=', cityId)
      .where(
        'id',
        'in',
        wanted.map((c) => c.id),
      )
      .select(['id', 'geometry'])
      .execute();
    for (const row of rows) {
      const c = byId.get(row.id);
      if (c) c.geometry = row.geometry;
    }
  };
  const hit = async (level: ZoneLevel, parentOf: Candidate | null): Promise<Candidate | null> => {
    // Trust the hierarchy first: the grid's street, the street's district.
    const parent = parentOf?.parent_id ? byId.get(parentOf.parent_id) : undefined;
    if (parent && parent.level === level) return parent;
    await outlines(level);
    return candidates.find((c) => c.level === level && c.geometry && containsPoint(c.geometry, lon, lat)) ?? null;
  };
  const grid = await hit('grid', null);
  const street = await hit('street', grid);
  const district = await hit('district', street);
  const ref = (c: Candidate | null): ZoneRef | null =>
    c ? { id: c.id, code: c.code, level: c.level, nameZh: c.name_zh, nameEn: c.name_en } : null;
  return {
    lat,
    lon,
    district: ref(district),
    street: ref(street),
    grid: ref(grid),
    h3: h3Cells(lat, lon),
  };
}
