import { describe, expect, it } from 'vitest';
import { lingnan, nanwan } from './cities.ts';
import { buildCityZones, type DemoZone, demoData } from './index.ts';
import { isSimpleCounterClockwise } from './lattice.ts';

const data = demoData();
const zonesOf = (city: string, level?: DemoZone['level']) =>
  data.zones.filter((z) => z.cityId === city && (!level || z.level === level));

/** Directed edges of a zone's rings, as exact coordinate strings. */
function edges(zone: DemoZone): string[] {
  return zone.geometry.coordinates.flatMap((ring) =>
    ring.slice(0, -1).map((p, i) => `${p.join(',')}>${(ring[i + 1] as number[]).join(',')}`),
  );
}

/** What is left of the children's edges once every edge two of them share (walked both ways) cancels. */
function outerEdges(children: DemoZone[]): Set<string> {
  const left = new Set<string>();
  for (const child of children) {
    for (const edge of edges(child)) {
      const [a, b] = edge.split('>');
      const reverse = `${b}>${a}`;
      if (left.has(reverse)) left.delete(reverse);
      else left.add(edge);
    }
  }
  return left;
}

describe('demo data', () => {
  it('has a province with two cities at real coordinates', () => {
    expect(data.tenants.map((t) => [t.id, t.kind, t.parentId])).toEqual([
      ['yuehai', 'province', null],
      ['lingnan', 'city', 'yuehai'],
      ['nanwan', 'city', 'yuehai'],
    ]);
    const city = data.tenants.find((t) => t.id === 'lingnan');
    expect(city).toMatchObject({ nameZh: '岭南市', nameEn: 'Lingnan City', center: { lat: 23.13, lon: 113.3 } });
  });

  it('gives Lingnan at least 6 districts, 30 streets and 300 grids, and Nanwan 2, 4 and 16', () => {
    expect(zonesOf('lingnan', 'district').length).toBeGreaterThanOrEqual(6);
    expect(zonesOf('lingnan', 'street').length).toBeGreaterThanOrEqual(30);
    expect(zonesOf('lingnan', 'grid').length).toBeGreaterThanOrEqual(300);
    expect(
      [zonesOf('nanwan', 'district'), zonesOf('nanwan', 'street'), zonesOf('nanwan', 'grid')].map((l) => l.length),
    ).toEqual([2, 4, 16]);
  });

  it('gives every city at least 15 departments with unique codes and both languages', () => {
    for (const city of ['lingnan', 'nanwan']) {
      const departments = data.departments.filter((d) => d.cityId === city);
      expect(departments.length).toBeGreaterThanOrEqual(15);
      expect(new Set(departments.map((d) => d.code)).size).toBe(departments.length);
      for (const d of departments) {
        expect(d.nameZh).toMatch(/[\u4e00-\u9fff]/);
        expect(d.nameEn).toMatch(/^[A-Z]/);
        expect(d.shortZh && d.shortEn).toBeTruthy();
      }
    }
    expect(data.departments).toContainEqual(
      expect.objectContaining({ cityId: 'lingnan', code: 'urban-management', nameZh: '岭南市城市管理和综合执法局' }),
    );
    expect(data.departments).toContainEqual(
      expect.objectContaining({ cityId: 'nanwan', code: 'taxation', nameZh: '国家税务总局南湾市税务局' }),
    );
  });

  it('names and codes zones the way Chinese cities do', () => {
    const grid = data.zones.find((z) => z.code === 'LN-01-01-01');
    expect(grid).toMatchObject({
      level: 'grid',
      parentCode: 'LN-01-01',
      nameZh: '东湖街道第01网格',
      nameEn: 'Donghu Sub-district Grid 01',
    });
    for (const city of ['lingnan', 'nanwan']) {
      const codes = zonesOf(city).map((z) => z.code);
      expect(new Set(codes).size).toBe(codes.length);
    }
    for (const z of data.zones) {
      const pattern = {
        district: /^[A-Z]{2}-\d{2}$/,
        street: /^[A-Z]{2}-\d{2}-\d{2}$/,
        grid: /^[A-Z]{2}-\d{2}-\d{2}-\d{2}$/,
      };
      expect(z.code).toMatch(pattern[z.level]);
      if (z.parentCode) expect(z.code.startsWith(`${z.parentCode}-`)).toBe(true);
      expect(z.nameZh).toMatch({ district: /区$/, street: /街道$/, grid: /街道第\d{2}网格$/ }[z.level]);
    }
  });

  it('is generated identically every time', () => {
    expect(buildCityZones(nanwan)).toEqual(zonesOf('nanwan'));
    expect(JSON.stringify(buildCityZones(lingnan))).toBe(JSON.stringify(zonesOf('lingnan')));
  });

  it('draws every zone as one simple, closed, counter-clockwise polygon near its city', () => {
    const bad: string[] = [];
    for (const z of data.zones) {
      const ring = z.geometry.coordinates[0] as [number, number][];
      const center = z.cityId === 'lingnan' ? lingnan.center : nanwan.center;
      const ok =
        z.geometry.type === 'Polygon' &&
        z.geometry.coordinates.length === 1 &&
        ring[0]?.join() === ring[ring.length - 1]?.join() &&
        isSimpleCounterClockwise(ring.slice(0, -1).map(([x, y]) => ({ x, y }))) &&
        ring.every(([lon, lat]) => Math.abs(lat - center.lat) < 0.2 && Math.abs(lon - center.lon) < 0.25);
      if (!ok) bad.push(z.code);
    }
    expect(bad).toEqual([]);
  });

  it('tiles every parent exactly with its children, neighbours sharing their edges vertex for vertex', () => {
    for (const city of ['lingnan', 'nanwan']) {
      const all = zonesOf(city);
      for (const parent of all.filter((z) => z.level !== 'grid')) {
        const children = all.filter((z) => z.parentCode === parent.code);
        expect(children.length).toBeGreaterThan(0);
        // Shared edges cancel only when both neighbours use the same two vertices; what remains
        // must be exactly the parent's outline: the children cover it and nothing sticks out.
        expect(outerEdges(children)).toEqual(new Set(edges(parent)));
      }
      // The districts together make one city with a single outline.
      const districts = all.filter((z) => z.level === 'district');
      const outline = outerEdges(districts);
      expect(outline.size).toBeGreaterThan(50);
    }
  });
});
