import { expect, it } from 'vitest';
import { describeEachDialect } from '../../testing/db.ts';
import { reusableQuery } from './reusable.ts';

const departmentsOf = reusableQuery(2, (db, city, code) =>
  db
    .selectFrom('departments')
    .select(['code', 'city_id'])
    .where('city_id', '=', city ?? '')
    .where('code', '=', code ?? ''),
);

describeEachDialect(
  'reusable queries',
  (ctx) => {
    it('run with each call’s own values, inside and outside transactions', async () => {
      const db = ctx.handle().db;
      expect(await departmentsOf(db, 'lingnan', 'water')).toEqual([{ code: 'water', city_id: 'lingnan' }]);
      expect(await departmentsOf(db, 'nanwan', 'water')).toEqual([{ code: 'water', city_id: 'nanwan' }]);
      expect(await departmentsOf(db, 'lingnan', 'no-such')).toEqual([]);
      const inTrx = await db.transaction().execute((trx) => departmentsOf(trx, 'nanwan', 'health'));
      expect(inTrx).toEqual([{ code: 'health', city_id: 'nanwan' }]);
    });

    it('refuse a builder that does not use every marker as a value', async () => {
      const broken = reusableQuery(1, (db) => db.selectFrom('departments').select('code'));
      await expect(broken(ctx.handle().db, 'x')).rejects.toThrow(/every marker/);
    });
  },
  'demo',
);
