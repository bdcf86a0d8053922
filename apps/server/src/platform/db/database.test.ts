import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../../testing/db.ts';

describeEachDialect('database drivers', (ctx) => {
  it('return the same value types on both drivers', async () => {
    const { rows } = await sql<Record<string, unknown>>`
      SELECT 42::int8 AS big, count(*) AS n, '2026-10-01'::date AS day, 1.25::numeric AS amount,
             ARRAY[1, 2]::int8[] AS bigs, '{"a": 1}'::jsonb AS doc, '2026-10-01T08:00:00+08:00'::timestamptz AS at
      FROM (VALUES (1), (2)) AS v(x)`.execute(ctx.handle().db);
    expect(rows[0]).toEqual({
      big: 42,
      n: 2,
      day: '2026-10-01',
      amount: '1.25',
      bigs: [1, 2],
      doc: { a: 1 },
      at: new Date('2026-10-01T00:00:00Z'),
    });
  });

  it('refuses a bigint beyond the safe integer range instead of rounding it', async () => {
    await expect(sql`SELECT 9007199254740993::int8 AS big`.execute(ctx.handle().db)).rejects.toThrow(/safe integer/);
  });

  it('has applied every migration', async () => {
    const rows = await ctx.handle().db.selectFrom('schema_migrations').select(['owner', 'name']).execute();
    expect(rows).toContainEqual({ owner: 'platform', name: '0001_platform.sql' });
  });
});
