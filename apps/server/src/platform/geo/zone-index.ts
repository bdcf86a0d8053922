/**
 * A city's zones held in memory for the hot path (report intake resolves every report's point):
 * the same answer as {@link resolvePoint}, without a database round trip or parsing polygons
 * per request. Zones change only when a city's map is loaded; `insertZones` forgets the index,
 * and another process's change shows within {@link ZONE_INDEX_TTL_MS}.
 */
import type { Kysely } from 'kysely';
import type { ResolvedPoint, ZoneLevel, ZoneRef } from '#contracts';
import type { Database, ZoneGeometry } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { containsPoint, h3Cells, isValidLatLon } from './geometry.ts';

/** How long an index is trusted before the zones are read again. */
export const ZONE_INDEX_TTL_MS = 60_000;

interface IndexedZone {
  ref: ZoneRef;
  parentId: string | null;
  bbox: [number, number, number, number];
  geometry: ZoneGeometry;
}

/** The zones of one city, by level, with their outlines parsed once. */
export interface ZoneIndex {
  byId: ReadonlyMap<string, IndexedZone>;
  levels: Readonly<Record<ZoneLevel, readonly IndexedZone[]>>;
}

const indexes = new WeakMap<object, Map<string, { at: number; value: Promise<ZoneIndex> }>>();

async function load(db: Kysely<Database>, cityId: string): Promise<ZoneIndex> {
  const rows = await db
    .selectFrom('zones')
    .select([
      'id',
      'code',
      'level',
      'parent_id',
      'name_zh',
      'name_en',
      'geometry',
      'min_lon',
      'min_lat',
      'max_lon',
      'max_lat',
    ])
    .where('city_id', '=', cityId)
    .orderBy('code')
    .execute();
  const byId = new Map<string, IndexedZone>();
  const levels: Record<ZoneLevel, IndexedZone[]> = { district: [], street: [], grid: [] };
  for (const row of rows) {
    const zone: IndexedZone = {
      ref: { id: row.id, code: row.code, level: row.level, nameZh: row.name_zh, nameEn: row.name_en },
      parentId: row.parent_id,
      bbox: [row.min_lon, row.min_lat, row.max_lon, row.max_lat],
      geometry: row.geometry,
    };
    byId.set(row.id, zone);
    levels[row.level].push(zone);
  }
  return { byId, levels };
}

/** The zone index of `cityId`, from memory while it is fresh. */
export function zoneIndex(db: Kysely<Database>, cityId: string): Promise<ZoneIndex> {
  let cache = indexes.get(db);
  if (!cache) {
    cache = new Map();
    indexes.set(db, cache);
  }
  const now = performance.now();
  const entry = cache.get(cityId);
  if (entry && now - entry.at < ZONE_INDEX_TTL_MS) return entry.value;
  const value = load(db, cityId);
  cache.set(cityId, { at: now, value });
  value.catch(() => cache.delete(cityId));
  return value;
}

/** Forgets every city's index held for `db` (after zones were written through it). */
export function forgetZoneIndexes(db: Kysely<Database>): void {
  indexes.delete(db);
}

/** What a point falls in, from the index; the same rules as {@link resolvePoint}. */
export function resolveInIndex(index: ZoneIndex, lat: number, lon: number): ResolvedPoint {
  if (!isValidLatLon(lat, lon)) throw new AppError('INVALID_COORDINATES');
  const inside = (z: IndexedZone) =>
    z.bbox[0] <= lon && lon <= z.bbox[2] && z.bbox[1] <= lat && lat <= z.bbox[3] && containsPoint(z.geometry, lon, lat);
  const hit = (level: ZoneLevel, child: IndexedZone | null): IndexedZone | null => {
    // Trust the hierarchy first: the grid's street, the street's district.
    const parent = child?.parentId ? index.byId.get(child.parentId) : undefined;
    if (parent && parent.ref.level === level) return parent;
    return index.levels[level].find(inside) ?? null;
  };
  const grid = hit('grid', null);
  const street = hit('street', grid);
  const district = hit('district', street);
  return {
    lat,
    lon,
    district: district?.ref ?? null,
    street: street?.ref ?? null,
    grid: grid?.ref ?? null,
    h3: h3Cells(lat, lon),
  };
}

/** {@link resolvePoint} through the in-memory index. */
export async function resolvePointCached(db: Kysely<Database>, cityId: string, lat: number, lon: number) {
  if (!isValidLatLon(lat, lon)) throw new AppError('INVALID_COORDINATES');
  return resolveInIndex(await zoneIndex(db, cityId), lat, lon);
}
