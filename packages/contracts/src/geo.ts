/** Geo: a city's zones (district → street → grid) as GeoJSON, and what a point falls in. */
import { z } from 'zod';
import { LatLon } from './tenancy.ts';

/** The levels of the zone hierarchy: 区 (district) → 街道 (street) → 网格 (grid). */
export const ZoneLevel = z.enum(['district', 'street', 'grid']);
/** The levels of the zone hierarchy. */
export type ZoneLevel = z.infer<typeof ZoneLevel>;

/** `[minLon, minLat, maxLon, maxLat]`, as in GeoJSON. */
export const BBox = z.tuple([z.number(), z.number(), z.number(), z.number()]);
/** `[minLon, minLat, maxLon, maxLat]`. */
export type BBox = z.infer<typeof BBox>;

/** A GeoJSON position: `[lon, lat]` (an altitude may follow). */
export const Position = z.array(z.number()).min(2).max(3);

/** A GeoJSON Polygon: the first ring is the outline (counter-clockwise), the others holes. */
export const PolygonGeometry = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(z.array(Position)),
});

/** A GeoJSON MultiPolygon. */
export const MultiPolygonGeometry = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(z.array(Position))),
});

/** The boundary of a zone. */
export const ZoneGeometry = z.discriminatedUnion('type', [PolygonGeometry, MultiPolygonGeometry]);
/** The boundary of a zone. */
export type ZoneGeometry = z.infer<typeof ZoneGeometry>;

/** The least that names a zone. */
export const ZoneRef = z.object({
  id: z.uuid(),
  code: z.string().describe('Unique within the city, e.g. `LN-01-03-07`'),
  level: ZoneLevel,
  nameZh: z.string(),
  nameEn: z.string(),
});
/** The least that names a zone. */
export type ZoneRef = z.infer<typeof ZoneRef>;

/** A zone without its boundary (lists). */
export const ZoneSummary = ZoneRef.extend({
  parentCode: z.string().nullable(),
  center: LatLon.describe('A point inside the zone: its centroid when that lies inside'),
  bbox: BBox,
  h3Cell: z.string().describe('H3 cell (resolution 9) of the centre'),
});
/** A zone without its boundary. */
export type ZoneSummary = z.infer<typeof ZoneSummary>;

/** A zone with its boundary. */
export const Zone = ZoneSummary.extend({ geometry: ZoneGeometry });
/** A zone with its boundary. */
export type Zone = z.infer<typeof Zone>;

/** `GET /api/v1/cities/{city}/zones`. */
export const ZoneList = z.object({ items: z.array(ZoneSummary) });
/** `GET /api/v1/cities/{city}/zones`. */
export type ZoneList = z.infer<typeof ZoneList>;

/** One zone as a GeoJSON Feature (its `id` is the zone code). */
export const ZoneFeature = z.object({
  type: z.literal('Feature'),
  id: z.string(),
  geometry: ZoneGeometry,
  properties: ZoneSummary.omit({ bbox: true }),
  bbox: BBox,
});
/** One zone as a GeoJSON Feature. */
export type ZoneFeature = z.infer<typeof ZoneFeature>;

/** `GET /api/v1/cities/{city}/zones.geojson`: ready for a map layer. */
export const ZoneFeatureCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(ZoneFeature),
});
/** `GET /api/v1/cities/{city}/zones.geojson`. */
export type ZoneFeatureCollection = z.infer<typeof ZoneFeatureCollection>;

/** The H3 cells of a point, for clustering and heatmaps. */
export const H3Cells = z.object({
  res7: z.string().describe('Resolution 7 (≈ 5 km²): the parent of `res9` in the H3 hierarchy'),
  res9: z.string().describe('Resolution 9 (≈ 0.1 km²): the cell the point lies in'),
});
/** The H3 cells of a point. */
export type H3Cells = z.infer<typeof H3Cells>;

/** What a point falls in; every level is null when the point is outside the city's zones. */
export const ResolvedPoint = z.object({
  lat: z.number(),
  lon: z.number(),
  district: ZoneRef.nullable(),
  street: ZoneRef.nullable(),
  grid: ZoneRef.nullable(),
  h3: H3Cells,
});
/** What a point falls in. */
export type ResolvedPoint = z.infer<typeof ResolvedPoint>;
