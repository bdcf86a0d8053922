import { getResolution, isValidCell } from 'h3-js';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { demoCategoryGroups } from '../../../../demo/categories.ts';
import { demoData } from '../../../../demo/index.ts';
import { demoBundles, demoServices } from '../../../../demo/services.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { describeEachDialect } from '../testing/db.ts';
import { seedDemo } from './seed-demo.ts';

async function counts(handle: DatabaseHandle) {
  const { rows } = await sql<{ tenants: number; departments: number; zones: number }>`
    SELECT (SELECT count(*) FROM tenants) AS tenants,
           (SELECT count(*) FROM departments) AS departments,
           (SELECT count(*) FROM zones) AS zones`.execute(handle.db);
  return rows[0];
}

describeEachDialect('seeding the demo city into an empty database', (ctx) => {
  it('inserts the province, both cities, their departments and zones in one go', async () => {
    const data = demoData();
    const summary = await seedDemo(ctx.handle().db);
    const cities = data.tenants.filter((t) => t.kind === 'city').length;
    const perCity = demoCategoryGroups.reduce((n, g) => n + 1 + g.categories.length, 0);
    expect(summary).toMatchObject({
      tenants: data.tenants.length,
      departments: data.departments.length,
      zones: data.zones.length,
      categories: cities * perCity,
      services: cities * demoServices.length,
      bundles: cities * demoBundles.length,
    });
    expect(summary.dispatchRules).toBeGreaterThan(0);
    const { tenants, departments, zones } = summary;
    expect(await counts(ctx.handle())).toEqual({ tenants, departments, zones });
  });

  it('inserts nothing the second time', async () => {
    const before = await counts(ctx.handle());
    expect(await seedDemo(ctx.handle().db)).toEqual({
      tenants: 0,
      departments: 0,
      zones: 0,
      categories: 0,
      dispatchRules: 0,
      services: 0,
      bundles: 0,
    });
    expect(await counts(ctx.handle())).toEqual(before);
  });
});

describeEachDialect(
  'the demo-seeded database',
  (ctx) => {
    it('changes nothing when seeded again, keeping every id', async () => {
      const db = ctx.handle().db;
      const ids = async () =>
        (await db.selectFrom('zones').select('id').orderBy('id').execute()).map((r) => r.id).join();
      const before = { counts: await counts(ctx.handle()), ids: await ids() };
      expect(await seedDemo(db)).toEqual({
        tenants: 0,
        departments: 0,
        zones: 0,
        categories: 0,
        dispatchRules: 0,
        services: 0,
        bundles: 0,
      });
      expect({ counts: await counts(ctx.handle()), ids: await ids() }).toEqual(before);
    });

    it('keeps every zone in its parent’s city, one level up', async () => {
      const { rows } = await sql<{ code: string }>`
        SELECT z.code FROM zones z LEFT JOIN zones p ON p.id = z.parent_id
        WHERE (z.level = 'district' AND z.parent_id IS NOT NULL)
           OR (z.level = 'street' AND (p.level IS DISTINCT FROM 'district' OR p.city_id <> z.city_id))
           OR (z.level = 'grid' AND (p.level IS DISTINCT FROM 'street' OR p.city_id <> z.city_id))`.execute(
        ctx.handle().db,
      );
      expect(rows).toEqual([]);
    });

    it('stores each zone’s bounding box around its centre and the centre’s H3 cell at resolution 9', async () => {
      const zones = await ctx.handle().db.selectFrom('zones').selectAll().execute();
      const bad = zones.filter(
        (z) =>
          !(z.min_lon <= z.center_lon && z.center_lon <= z.max_lon) ||
          !(z.min_lat <= z.center_lat && z.center_lat <= z.max_lat) ||
          !isValidCell(z.h3_cell) ||
          getResolution(z.h3_cell) !== 9,
      );
      expect(bad.map((z) => z.code)).toEqual([]);
    });
  },
  'demo',
);
