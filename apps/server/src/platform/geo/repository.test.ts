import { cellToParent, getResolution } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../../demo/lattice.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { AppError } from '../http/errors.ts';
import { centroidOf, containsPoint } from './geometry.ts';
import { countZones, findZone, insertZones, listZones, listZonesWithGeometry, resolvePoint } from './repository.ts';

describeEachDialect(
  'geo repository',
  (ctx) => {
    const db = () => ctx.handle().db;

    it('counts at least 6 districts, 30 streets and 300 grids in Lingnan', async () => {
      const lingnan = await countZones(db(), 'lingnan');
      expect(lingnan.district).toBeGreaterThanOrEqual(6);
      expect(lingnan.street).toBeGreaterThanOrEqual(30);
      expect(lingnan.grid).toBeGreaterThanOrEqual(300);
      expect(await countZones(db(), 'nanwan')).toEqual({ district: 2, street: 4, grid: 16 });
      expect(await countZones(db(), 'atlantis')).toEqual({ district: 0, street: 0, grid: 0 });
    });

    it('resolves the centroid of every grid to that grid, its street and its district', async () => {
      const zones = await listZonesWithGeometry(db(), 'lingnan');
      const byCode = new Map(zones.map((z) => [z.code, z]));
      const grids = zones.filter((z) => z.level === 'grid');
      expect(grids.length).toBeGreaterThanOrEqual(300);
      const wrong: string[] = [];
      let centroidOutside = 0;
      for (const grid of grids) {
        // A grid bent like a crescent can have its centroid outside; its stored centre is then a point inside.
        const [lon, lat] = centroidOf(grid.geometry);
        const inside = containsPoint(grid.geometry, lon, lat);
        if (!inside) centroidOutside++;
        const point = inside ? { lat, lon } : grid.center;
        if (inside && (grid.center.lat !== lat || grid.center.lon !== lon)) wrong.push(`${grid.code} centre`);
        const street = byCode.get(grid.parentCode ?? '');
        const resolved = await resolvePoint(db(), 'lingnan', point.lat, point.lon);
        if (
          resolved.grid?.code !== grid.code ||
          resolved.street?.code !== grid.parentCode ||
          resolved.district?.code !== street?.parentCode
        ) {
          wrong.push(grid.code);
        }
        if (resolved.h3.res9 !== grid.h3Cell) wrong.push(`${grid.code} h3`);
      }
      expect(wrong).toEqual([]);
      expect(centroidOutside).toBeLessThan(grids.length / 10);
    });

    it('resolves random points in the city consistently: the grid lies in the street, the street in the district', async () => {
      const zones = await listZonesWithGeometry(db(), 'lingnan');
      const byCode = new Map(zones.map((z) => [z.code, z]));
      const [minLon, minLat, maxLon, maxLat] = zones
        .filter((z) => z.level === 'district')
        .reduce(
          (b, z) => [
            Math.min(b[0], z.bbox[0]),
            Math.min(b[1], z.bbox[1]),
            Math.max(b[2], z.bbox[2]),
            Math.max(b[3], z.bbox[3]),
          ],
          [180, 90, -180, -90],
        );
      const random = seededRandom('resolve');
      let inside = 0;
      for (let i = 0; i < 150; i++) {
        const lat = minLat + random() * (maxLat - minLat);
        const lon = minLon + random() * (maxLon - minLon);
        const r = await resolvePoint(db(), 'lingnan', lat, lon);
        const inSomeDistrict = zones.some((z) => z.level === 'district' && containsPoint(z.geometry, lon, lat));
        expect(r.district !== null).toBe(inSomeDistrict);
        if (!r.grid) {
          expect([r.street, r.district]).toEqual([null, null]);
          continue;
        }
        inside++;
        const grid = byCode.get(r.grid.code);
        expect(containsPoint(grid?.geometry ?? { type: 'Polygon', coordinates: [] }, lon, lat)).toBe(true);
        expect(grid?.parentCode).toBe(r.street?.code);
        expect(byCode.get(r.street?.code ?? '')?.parentCode).toBe(r.district?.code);
        expect(cellToParent(r.h3.res9, 7)).toBe(r.h3.res7);
      }
      expect(inside).toBeGreaterThan(50);
    });

    it('resolves a point outside the city to nothing, but still gives its H3 cells', async () => {
      const beijing = await resolvePoint(db(), 'lingnan', 39.9, 116.4);
      expect(beijing).toMatchObject({ district: null, street: null, grid: null });
      expect(getResolution(beijing.h3.res9)).toBe(9);
      expect(getResolution(beijing.h3.res7)).toBe(7);
    });

    it('never answers with another city’s zones', async () => {
      const nanwanGrid = (await listZones(db(), 'nanwan', { level: 'grid' }))[0];
      if (!nanwanGrid) throw new Error('no Nanwan grid');
      const there = await resolvePoint(db(), 'nanwan', nanwanGrid.center.lat, nanwanGrid.center.lon);
      expect(there.grid?.code).toBe(nanwanGrid.code);
      const here = await resolvePoint(db(), 'lingnan', nanwanGrid.center.lat, nanwanGrid.center.lon);
      expect(here).toMatchObject({ district: null, street: null, grid: null });
      expect(await findZone(db(), 'lingnan', nanwanGrid.code)).toBeNull();
      expect((await listZones(db(), 'lingnan')).some((z) => z.code.startsWith('NW-'))).toBe(false);
    });

    it('refuses coordinates that are not on the globe', async () => {
      for (const [lat, lon] of [
        [91, 0],
        [0, 181],
        [Number.NaN, 0],
        [0, Number.POSITIVE_INFINITY],
      ] as const) {
        await expect(resolvePoint(db(), 'lingnan', lat, lon)).rejects.toMatchObject({ code: 'INVALID_COORDINATES' });
      }
    });

    it('lists a zone’s direct children, and finds one zone with its boundary', async () => {
      const district = await findZone(db(), 'lingnan', 'LN-01');
      expect(district).toMatchObject({ level: 'district', parentCode: null, nameZh: '云秀区' });
      expect(district?.geometry.type).toBe('Polygon');
      const streets = await listZones(db(), 'lingnan', { parentId: district?.id });
      expect(streets.length).toBeGreaterThan(0);
      expect(streets.every((s) => s.level === 'street' && s.parentCode === 'LN-01')).toBe(true);
      expect(streets.map((s) => s.code)).toEqual([...streets.map((s) => s.code)].sort());
    });

    it('refuses to store a boundary that is not a polygon', async () => {
      const error = await insertZones(db(), [
        {
          id: '0196f5d2-0000-7000-8000-000000000001',
          cityId: 'lingnan',
          code: 'LN-99',
          level: 'district',
          parentId: null,
          nameZh: '测试区',
          nameEn: 'Test District',
          geometry: { type: 'Polygon', coordinates: [[[113, 23]]] },
        },
      ]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('INVALID_GEOMETRY');
      expect(await findZone(db(), 'lingnan', 'LN-99')).toBeNull();
    });
  },
  'demo',
);

describe('geo repository without a database', () => {
  it('validates coordinates before it queries', async () => {
    // The database is never touched: an invalid point is refused first.
    await expect(resolvePoint(undefined as never, 'lingnan', 100, 0)).rejects.toBeInstanceOf(AppError);
  });
});
