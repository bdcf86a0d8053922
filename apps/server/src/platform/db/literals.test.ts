import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../../testing/db.ts';
import { literals } from './literals.ts';

describeEachDialect('constants written as literals', (ctx) => {
  it('filters like parameters would, with the values in the statement itself', async () => {
    const db = ctx.handle().db;
    const query = db
      .selectFrom(sql<{ s: string }>`(select unnest(array['open', 'closed', 'merged']) as s)`.as('t'))
      .select('t.s')
      .where('t.s', 'not in', literals(['merged', 'invalid']))
      .orderBy('t.s');
    expect(query.compile().sql).toContain("not in ('merged', 'invalid')");
    expect(query.compile().parameters).toEqual([]);
    expect((await query.execute()).map((r) => r.s)).toEqual(['closed', 'open']);
  });
});

it('refuses anything but a plain code', () => {
  for (const bad of ["x' or '1'='1", 'a b', '', 'ü', 'x'.repeat(65)]) {
    expect(() => literals([bad]), bad).toThrow(TypeError);
  }
});
