/** The in-memory zone index answers exactly what the database query answers, for any point. */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../../testing/db.ts';
import { resolvePoint } from './repository.ts';
import { resolvePointCached } from './zone-index.ts';

describeEachDialect(
  'zone index',
  (ctx) => {
    it('resolves every point like resolvePoint, inside and around the city', async () => {
      const db = ctx.handle().db;
      const bounds = await db
        .selectFrom('zones')
        .select((eb) => [
          eb.fn.min('min_lat').as('minLat'),
          eb.fn.max('max_lat').as('maxLat'),
          eb.fn.min('min_lon').as('minLon'),
          eb.fn.max('max_lon').as('maxLon'),
        ])
        .where('city_id', '=', 'lingnan')
        .executeTakeFirstOrThrow();
      const margin = 0.02;
      await fc.assert(
        fc.asyncProperty(
          fc.double({ min: Number(bounds.minLat) - margin, max: Number(bounds.maxLat) + margin, noNaN: true }),
          fc.double({ min: Number(bounds.minLon) - margin, max: Number(bounds.maxLon) + margin, noNaN: true }),
          async (lat, lon) => {
            expect(await resolvePointCached(db, 'lingnan', lat, lon)).toEqual(
              await resolvePoint(db, 'lingnan', lat, lon),
            );
          },
        ),
        { numRuns: 300, seed: 20261122 },
      );
      await expect(resolvePointCached(db, 'lingnan', 91, 0)).rejects.toMatchObject({ code: 'INVALID_COORDINATES' });
    });
  },
  'demo',
);
