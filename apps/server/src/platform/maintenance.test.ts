import { expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { describeEachDialect } from '../testing/db.ts';
import { MAINTENANCE_JOB } from './maintenance.ts';
import { ManualClock } from './time/clock.ts';

describeEachDialect('hourly housekeeping', (ctx) => {
  it('purges expired idempotency keys and schedules itself for the next hour, once', async () => {
    const clock = new ManualClock('2026-05-01T08:20:00Z');
    const app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
    const db = ctx.handle().db;
    await db
      .insertInto('idempotency_keys')
      .values([
        {
          scope: 's',
          key: 'old',
          method: 'POST',
          path: '/x',
          request_hash: 'h',
          state: 'done',
          expires_at: '2026-05-01T08:00:00Z',
        },
        {
          scope: 's',
          key: 'new',
          method: 'POST',
          path: '/x',
          request_hash: 'h',
          state: 'done',
          expires_at: '2026-05-02T08:00:00Z',
        },
      ])
      .execute();
    await app.platform.startBackground();
    await app.platform.jobs.stop();
    expect(await app.platform.jobs.runDue()).toMatchObject({ done: 1, failed: 0 });
    const keys = await db.selectFrom('idempotency_keys').select('key').execute();
    expect(keys.map((k) => k.key)).toEqual(['new']);
    const pending = await db
      .selectFrom('jobs')
      .select(['run_at', 'dedupe_key'])
      .where('kind', '=', MAINTENANCE_JOB)
      .where('status', '=', 'pending')
      .execute();
    expect(pending).toEqual([
      { run_at: new Date('2026-05-01T09:00:00Z'), dedupe_key: `${MAINTENANCE_JOB}:2026-05-01T09` },
    ]);
    clock.set('2026-05-01T09:00:00Z');
    expect(await app.platform.jobs.runDue()).toMatchObject({ done: 1 });
    await app.close();
  });
});
