/**
 * Plain geometry on GeoJSON polygons: bounding boxes, a point guaranteed inside, point-in-
 * polygon, H3 cells, and the checks a boundary must pass before it is stored.
 */
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { cellToParent, latLngToCell } from 'h3-js';
import type { ZoneGeometry } from '../db/schema.ts';

/** `[minLon, minLat, maxLon, maxLat]`. */
export type BBox = [number, number, number, number];

/** The H3 resolutions OneCity keeps for points: 7 for city-wide heatmaps, 9 for street-level clusters. */
export const H3_RESOLUTIONS = { coarse: 7, fine: 9 } as const;

type Ring = number[][];

/** The polygons of a geometry, each as its rings. */
function polygonsOf(geometry: ZoneGeometry): Ring[][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** Whether a latitude and longitude are finite and on the globe. */
export function isValidLatLon(lat: number, lon: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
}

/** Why `geometry` cannot be a zone boundary, or null when it can. */
export function geometryProblem(geometry: unknown): string | null {
  const g = geometry as { type?: unknown; coordinates?: unknown };
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) return 'type must be Polygon or MultiPolygon';
  if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return 'coordinates must not be empty';
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as unknown[];
  for (const polygon of polygons) {
    if (!Array.isArray(polygon) || polygon.length === 0) return 'every polygon needs an outer ring';
    for (const ring of polygon as unknown[]) {
      if (!Array.isArray(ring) || ring.length < 4) return 'every ring needs at least four positions';
      for (const position of ring as unknown[]) {
        if (!Array.isArray(position) || position.length < 2) return 'every position is [lon, lat]';
        const [lon, lat] = position as number[];
        if (typeof lon !== 'number' || typeof lat !== 'number' || !isValidLatLon(lat, lon)) {
          return 'positions must be [lon, lat] within -180..180 and -90..90';
        }
      }
      const first = ring[0] as number[];
      const last = ring[ring.length - 1] as number[];
      if (first[0] !== last[0] || first[1] !== last[1]) return 'every ring must end where it starts';
    }
  }
  return null;
}

/** The bounding box of a geometry. */
export function bboxOf(geometry: ZoneGeometry): BBox {
  let minLon = Number.POSITIVE_INFINITY;
  let minLat = Number.POSITIVE_INFINITY;
  let maxLon = Number.NEGATIVE_INFINITY;
  let maxLat = Number.NEGATIVE_INFINITY;
  for (const polygon of polygonsOf(geometry)) {
    for (const [lon = 0, lat = 0] of polygon[0] ?? []) {
      if (lon < minLon) minLon = lon;
      if (lon > maxLon) maxLon = lon;
      if (lat < minLat) minLat = lat;
      if (lat > maxLat) maxLat = lat;
    }
  }
  return [minLon, minLat, maxLon, maxLat];
}

/** Twice the signed area of a ring in degrees² (positive when counter-clockwise), and its centroid. */
function ringMoments(ring: Ring): { area2: number; cx: number; cy: number } {
  let area2 = 0;
  let cx = 0;
  let cy = 0;
  // Relative to the first vertex, so that large coordinates lose no precision.
  const [x0 = 0, y0 = 0] = ring[0] ?? [];
  for (let i = 0; i + 1 < ring.length; i++) {
    const [ax = 0, ay = 0] = ring[i] as number[];
    const [bx = 0, by = 0] = ring[i + 1] as number[];
    const x1 = ax - x0;
    const y1 = ay - y0;
    const x2 = bx - x0;
    const y2 = by - y0;
    const f = x1 * y2 - x2 * y1;
    area2 += f;
    cx += (x1 + x2) * f;
    cy += (y1 + y2) * f;
  }
  if (area2 === 0) return { area2: 0, cx: x0, cy: y0 };
  return { area2, cx: x0 + cx / (3 * area2), cy: y0 + cy / (3 * area2) };
}

/** The area-weighted centroid of a geometry (holes subtract), as `[lon, lat]`. */
export function centroidOf(geometry: ZoneGeometry): [number, number] {
  let total = 0;
  let x = 0;
  let y = 0;
  for (const polygon of polygonsOf(geometry)) {
    polygon.forEach((ring, i) => {
      const m = ringMoments(ring);
      // Outer rings count positively and holes negatively, whatever way they wind.
      const a = Math.abs(m.area2) * (i === 0 ? 1 : -1);
      total += a;
      x += m.cx * a;
      y += m.cy * a;
    });
  }
  if (total === 0) {
    const [minLon, minLat, maxLon, maxLat] = bboxOf(geometry);
    return [(minLon + maxLon) / 2, (minLat + maxLat) / 2];
  }
  return [x / total, y / total];
}

/** Whether `[lon, lat]` lies in the geometry (a point on the boundary counts as inside). */
export function containsPoint(geometry: ZoneGeometry, lon: number, lat: number): boolean {
  return booleanPointInPolygon([lon, lat], geometry as Parameters<typeof booleanPointInPolygon>[1]);
}

/**
 * A point certainly inside the largest polygon of a geometry, found like PostGIS's
 * ST_PointOnSurface: cut the polygon horizontally at a height no vertex has, and take the
 * middle of the widest piece of the cut that lies inside.
 */
export function pointOnSurface(geometry: ZoneGeometry): [number, number] {
  let best: Ring[] | undefined;
  let bestArea = -1;
  for (const polygon of polygonsOf(geometry)) {
    const area = Math.abs(ringMoments(polygon[0] ?? []).area2);
    if (area > bestArea) {
      bestArea = area;
      best = polygon;
    }
  }
  const polygon = best ?? [];
  const outer = polygon[0] ?? [];
  let minLat = Number.POSITIVE_INFINITY;
  let maxLat = Number.NEGATIVE_INFINITY;
  for (const [, lat = 0] of outer) {
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  const middle = (minLat + maxLat) / 2;
  // The cut goes halfway between the vertex heights closest to the middle, so it touches no vertex.
  let below = minLat;
  let above = maxLat;
  for (const ring of polygon) {
    for (const [, lat = 0] of ring) {
      if (lat <= middle && lat > below) below = lat;
      if (lat > middle && lat < above) above = lat;
    }
  }
  const y = (below + above) / 2;
  const crossings: number[] = [];
  for (const ring of polygon) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [ax = 0, ay = 0] = ring[i] as number[];
      const [bx = 0, by = 0] = ring[i + 1] as number[];
      if (ay > y !== by > y) crossings.push(ax + ((y - ay) * (bx - ax)) / (by - ay));
    }
  }
  crossings.sort((a, b) => a - b);
  let x = crossings[0] ?? 0;
  let widest = -1;
  for (let i = 0; i + 1 < crossings.length; i += 2) {
    const width = (crossings[i + 1] as number) - (crossings[i] as number);
    if (width > widest) {
      widest = width;
      x = ((crossings[i] as number) + (crossings[i + 1] as number)) / 2;
    }
  }
  return [x, y];
}

/** The point that stands for a zone: its centroid when that lies inside, else a point on its surface. */
export function representativePoint(geometry: ZoneGeometry): [number, number] {
  const [lon, lat] = centroidOf(geometry);
  // Strictly inside: a centroid on the boundary would resolve to the neighbour as well.
  const inside = booleanPointInPolygon([lon, lat], geometry as Parameters<typeof booleanPointInPolygon>[1], {
    ignoreBoundary: true,
  });
  return inside ? [lon, lat] : pointOnSurface(geometry);
}

/** The H3 cell of a point at `resolution`. */
export function h3Cell(lat: number, lon: number, resolution: number): string {
  return latLngToCell(lat, lon, resolution);
}

/**
 * The coarse and fine H3 cells of a point. The coarse cell is the fine cell's parent rather than
 * the coarse cell the point lies in (H3 children stick out of their parent a little), so that
 * counts rolled up from resolution 9 to 7 land where a direct count at 7 would.
 */
export function h3Cells(lat: number, lon: number): { res7: string; res9: string } {
  const res9 = latLngToCell(lat, lon, H3_RESOLUTIONS.fine);
  return { res7: cellToParent(res9, H3_RESOLUTIONS.coarse), res9 };
}
