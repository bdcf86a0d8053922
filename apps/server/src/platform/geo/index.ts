/** Geo: a city's zones (district → street → grid) and what a point falls in. */
export {
  bboxOf,
  centroidOf,
  containsPoint,
  H3_RESOLUTIONS,
  h3Cell,
  h3Cells,
  pointOnSurface,
  representativePoint,
} from './geometry.ts';
export {
  countZones,
  findZone,
  insertZones,
  listZones,
  listZonesWithGeometry,
  type NewZone,
  resolvePoint,
  type ZoneFilter,
  type ZoneRecord,
} from './repository.ts';
export { geoRoutes } from './routes.ts';
export { resolvePointCached, ZONE_INDEX_TTL_MS } from './zone-index.ts';
