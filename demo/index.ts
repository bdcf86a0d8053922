/**
 * The demo province, its cities, departments and zones, generated from the specs in this
 * folder. Generation is deterministic and takes a fraction of a second, so nothing generated
 * is committed: the seed builds it (once per process) whenever it runs.
 */
import { type CitySpec, demoCities, demoProvince, type Names } from './cities.ts';
import { demoDepartments, departmentNames } from './departments.ts';
import {
  buildLattice,
  cellsInOutline,
  type Lattice,
  outlineRings,
  type PlanePoint,
  partitionCells,
  seededRandom,
  smoothBoundaries,
} from './lattice.ts';

/** A province or city as the demo defines it. */
export interface DemoTenant {
  id: string;
  kind: 'province' | 'city';
  parentId: string | null;
  adminCode: string;
  nameZh: string;
  nameEn: string;
  timeZone: string;
  center: { lat: number; lon: number };
}

/** A department of one demo city. */
export interface DemoDepartment {
  cityId: string;
  code: string;
  nameZh: string;
  nameEn: string;
  shortZh: string;
  shortEn: string;
  hotline: string | null;
}

/** A GeoJSON Polygon: outer ring counter-clockwise, holes clockwise, rings closed. */
export interface DemoPolygon {
  type: 'Polygon';
  coordinates: [number, number][][];
}

/** A district, street or grid of one demo city; parents come before their children. */
export interface DemoZone {
  cityId: string;
  code: string;
  level: 'district' | 'street' | 'grid';
  parentCode: string | null;
  nameZh: string;
  nameEn: string;
  geometry: DemoPolygon;
}

/** The whole demo: what the seed writes. */
export interface DemoData {
  tenants: DemoTenant[];
  departments: DemoDepartment[];
  zones: DemoZone[];
}

const KM_PER_DEGREE_LAT = 110.574;
const KM_PER_DEGREE_LON_AT_EQUATOR = 111.32;

/** Converts lattice kilometres around `center` to [lon, lat], rounded to 6 decimals (≈ 0.1 m). */
function toLonLat(center: { lat: number; lon: number }): (p: PlanePoint) => [number, number] {
  const kmPerLon = KM_PER_DEGREE_LON_AT_EQUATOR * Math.cos((center.lat * Math.PI) / 180);
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return (p) => [round(center.lon + p.x / kmPerLon), round(center.lat + p.y / KM_PER_DEGREE_LAT)];
}

const two = (i: number) => String(i + 1).padStart(2, '0');

/** Angle clockwise from north, in [0, 2π). */
function bearing(from: PlanePoint, to: PlanePoint): number {
  const a = Math.atan2(to.x - from.x, to.y - from.y);
  return a < 0 ? a + 2 * Math.PI : a;
}

function centreOf(lattice: Lattice, cells: number[]): PlanePoint {
  let x = 0;
  let y = 0;
  for (const c of cells) {
    const p = lattice.centres[c] as PlanePoint;
    x += p.x;
    y += p.y;
  }
  return { x: x / cells.length, y: y / cells.length };
}

/** One zone while the map is being drawn: its cells, not yet its outline. */
interface Draft {
  code: string;
  level: DemoZone['level'];
  parentCode: string | null;
  names: Names;
  cells: number[];
}

/** Builds one city's zones: districts, then streets inside them, then grids inside those. */
export function buildCityZones(spec: CitySpec): DemoZone[] {
  const { radiusXKm, radiusYKm, wobble } = spec.outline;
  // The wobbling outline reaches at most 1 + 2.11 × wobble times the radius: leave room around it.
  const margin = 1 + wobble * 2 + 0.1;
  const lattice = buildLattice({
    cols: Math.ceil((2 * radiusXKm * margin) / spec.cellWidthKm) + 2,
    rows: Math.ceil((2 * radiusYKm * margin) / spec.rowHeightKm) + 2,
    cellWidthKm: spec.cellWidthKm,
    rowHeightKm: spec.rowHeightKm,
    jitter: 0.25,
    seed: spec.id,
  });
  const random = seededRandom(`${spec.id}:zones`);
  const city = cellsInOutline(lattice, { radiusXKm, radiusYKm, wobble, seed: spec.id });
  const cityCentre = centreOf(lattice, city);

  const districtParts = partitionCells(lattice, city, spec.districts.length, random, {
    centralFirst: spec.oldTownInMiddle,
    sizeVariation: 0.1,
  });
  const fixed = spec.oldTownInMiddle ? districtParts.slice(0, 1) : [];
  const around = (spec.oldTownInMiddle ? districtParts.slice(1) : districtParts)
    .map((cells) => ({ cells, angle: bearing(cityCentre, centreOf(lattice, cells)) }))
    .sort((a, b) => a.angle - b.angle)
    .map((p) => p.cells);

  const drafts: Draft[] = [];
  [...fixed, ...around].forEach((cells, di) => {
    const district = spec.districts[di];
    if (!district) throw new Error(`${spec.id}: no name for district ${di + 1}`);
    const code = `${spec.codePrefix}-${two(di)}`;
    drafts.push({
      code,
      level: 'district',
      parentCode: null,
      names: { zh: `${district.name.zh}区`, en: `${district.name.en} District` },
      cells,
    });
    // Streets are numbered clockwise from the north of their district.
    const centre = centreOf(lattice, cells);
    partitionCells(lattice, cells, district.streets.length, random)
      .map((part) => ({ cells: part, angle: bearing(centre, centreOf(lattice, part)) }))
      .sort((a, b) => a.angle - b.angle)
      .forEach((street, si) => {
        const name = district.streets[si] as Names;
        drafts.push({
          code: `${code}-${two(si)}`,
          level: 'street',
          parentCode: code,
          names: { zh: `${name.zh}街道`, en: `${name.en} Sub-district` },
          cells: street.cells,
        });
      });
  });

  for (const street of drafts.filter((z) => z.level === 'street')) {
    const count = Math.min(
      street.cells.length,
      Math.max(spec.minGridsPerStreet, Math.round(street.cells.length / spec.cellsPerGrid)),
    );
    // Grids are numbered in reading order: north to south in bands, west to east within a band.
    const band = spec.rowHeightKm * 3;
    partitionCells(lattice, street.cells, count, random)
      .map((cells) => ({ cells, centre: centreOf(lattice, cells) }))
      .sort((a, b) => Math.round(b.centre.y / band) - Math.round(a.centre.y / band) || a.centre.x - b.centre.x)
      .forEach((grid, gi) => {
        drafts.push({
          code: `${street.code}-${two(gi)}`,
          level: 'grid',
          parentCode: street.code,
          names: { zh: `${street.names.zh}第${two(gi)}网格`, en: `${street.names.en} Grid ${two(gi)}` },
          cells: grid.cells,
        });
      });
  }

  // Grids are the finest zones: smoothing their outlines smooths every level's.
  const owner = lattice.cells.map(() => -1);
  drafts.forEach((zone, i) => {
    if (zone.level === 'grid') for (const c of zone.cells) owner[c] = i;
  });
  const smooth = smoothBoundaries(lattice, owner);
  const project = toLonLat(spec.center);
  const order = { district: 0, street: 1, grid: 2 } as const;
  return drafts
    .map((zone) => ({
      cityId: spec.id,
      code: zone.code,
      level: zone.level,
      parentCode: zone.parentCode,
      nameZh: zone.names.zh,
      nameEn: zone.names.en,
      geometry: {
        type: 'Polygon' as const,
        coordinates: outlineRings(smooth, zone.cells).map((ring) => {
          const points = ring.map((v) => project(smooth.vertices[v] as PlanePoint));
          points.push(points[0] as [number, number]);
          return points;
        }),
      },
    }))
    .sort((a, b) => order[a.level] - order[b.level] || (a.code < b.code ? -1 : 1));
}

let cached: DemoData | undefined;

/** The demo province with its cities, departments and zones (built once per process). */
export function demoData(): DemoData {
  if (cached) return cached;
  const tenants: DemoTenant[] = [
    {
      id: demoProvince.id,
      kind: 'province',
      parentId: null,
      adminCode: demoProvince.adminCode,
      nameZh: demoProvince.name.zh,
      nameEn: demoProvince.name.en,
      timeZone: demoProvince.timeZone,
      center: { ...demoProvince.center },
    },
  ];
  const departments: DemoDepartment[] = [];
  const zones: DemoZone[] = [];
  for (const city of demoCities) {
    tenants.push({
      id: city.id,
      kind: 'city',
      parentId: demoProvince.id,
      adminCode: city.adminCode,
      nameZh: city.name.zh,
      nameEn: city.name.en,
      timeZone: demoProvince.timeZone,
      center: { ...city.center },
    });
    for (const spec of demoDepartments) {
      const names = departmentNames(spec, city.name);
      departments.push({
        cityId: city.id,
        code: spec.code,
        nameZh: names.zh,
        nameEn: names.en,
        shortZh: spec.short.zh,
        shortEn: spec.short.en,
        hotline: spec.hotline,
      });
    }
    zones.push(...buildCityZones(city));
  }
  cached = { tenants, departments, zones };
  return cached;
}

export { demoCities, demoProvince } from './cities.ts';
