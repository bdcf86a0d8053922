import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../testing/config.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { type DatabaseHandle, openDatabase } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { memoryLogger, silentLogger, waitFor } from '../events/testing.ts';
import { ManualClock } from '../time/clock.ts';
import {
  createJobSystem,
  InvalidJobError,
  type JobSystem,
  type JobSystemOptions,
  pruneJobs,
  scheduleJob,
} from './index.ts';

class Boom extends Error {}

/** Handlers write one row per run, in the job's transaction: the effects tests count. */
async function effects(db: Kysely<Database>): Promise<Array<{ job_id: string; worker: string }>> {
  const { rows } = await sql<{
    job_id: string;
    worker: string;
  }>`SELECT job_id, worker FROM test_job_effects ORDER BY n`.execute(db);
  return rows;
}

function writeEffect(worker: string) {
  return async (job: { id: string }, trx: Kysely<Database>) => {
    await sql`INSERT INTO test_job_effects (job_id, worker) VALUES (${job.id}, ${worker})`.execute(trx);
  };
}

describeEachDialect('jobs', (ctx) => {
  let clock: ManualClock;
  const systems: JobSystem[] = [];

  function jobSystem(workerId: string, options: Partial<JobSystemOptions> = {}): JobSystem {
    const system = createJobSystem({
      db: ctx.handle().db,
      clock,
      logger: silentLogger,
      intervalMs: 10,
      workerId,
      retry: { baseMs: 1_000, maxMs: 60_000 },
      ...options,
    });
    systems.push(system);
    return system;
  }

  beforeAll(async () => {
    await sql`CREATE TABLE test_job_effects (n serial PRIMARY KEY, job_id uuid NOT NULL, worker text NOT NULL)`.execute(
      ctx.handle().db,
    );
  });
  beforeEach(async () => {
    clock = new ManualClock();
    await sql`DELETE FROM test_job_effects`.execute(ctx.handle().db);
    await ctx.handle().db.deleteFrom('jobs').execute();
  });
  afterEach(async () => {
    for (const system of systems.splice(0)) await system.stop();
  });

  it('does not run a job before its time, then runs it once', async () => {
    const db = ctx.handle().db;
    const jobs = jobSystem('w1');
    jobs.register('demo.remind', writeEffect('w1'));
    const { id } = await jobs.schedule(db, {
      kind: 'demo.remind',
      runAt: new Date(clock.now().getTime() + 600_000),
      payload: { n: 1 },
    });

    expect(await jobs.runDue()).toEqual({ done: 0, retried: 0, failed: 0 });
    clock.advance(600_000 - 1);
    expect(await jobs.runDue()).toEqual({ done: 0, retried: 0, failed: 0 });
    clock.advance(1);
    expect(await jobs.runDue()).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(await jobs.runDue()).toEqual({ done: 0, retried: 0, failed: 0 });

    expect(await effects(db)).toEqual([{ job_id: id, worker: 'w1' }]);
    const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'done',
      attempts: 1,
      done_by: 'w1',
      finished_at: clock.now(),
      payload: { n: 1 },
    });
  });

  it('runs jobs scheduled before a restart after it, each exactly once, with two workers at once', async () => {
    const before = jobSystem('old');
    before.register('demo.escalate', writeEffect('old'));
    const runAt = new Date(clock.now().getTime() + 60_000);
    const ids = await ctx
      .handle()
      .db.transaction()
      .execute(async (trx) => {
        const out: string[] = [];
        for (let i = 0; i < 24; i++)
          out.push((await before.schedule(trx, { kind: 'demo.escalate', runAt, payload: { i } })).id);
        return out;
      });
    await before.start();
    await before.stop(); // the process goes away before anything is due

    // Two new processes: on PostgreSQL each with its own connection pool.
    const second: DatabaseHandle = ctx.kind === 'postgres' ? await ctx.openAnother() : ctx.handle();
    const workers = [jobSystem('w1'), jobSystem('w2', { db: second.db, batchSize: 2 })];
    for (const [i, worker] of workers.entries()) {
      const name = `w${i + 1}`;
      worker.register('demo.escalate', async (job, trx) => {
        await writeEffect(name)(job, trx);
        await sleep(3); // long enough for the other worker to come looking meanwhile
      });
    }
    clock.advance(60_000);
    await Promise.all(workers.map((w) => w.start()));
    const db = ctx.handle().db;
    await waitFor(
      async () =>
        (await db.selectFrom('jobs').select('id').where('status', '=', 'done').execute()).length === ids.length,
      'all jobs done',
    );
    await Promise.all(workers.map((w) => w.stop()));

    const done = await effects(db);
    expect(done.map((e) => e.job_id).sort()).toEqual([...ids].sort());
    const rows = await db.selectFrom('jobs').select(['id', 'done_by', 'attempts']).execute();
    for (const row of rows) {
      expect(row.attempts).toBe(1);
      expect(row.done_by).toBe(done.find((e) => e.job_id === row.id)?.worker);
    }
    expect(new Set(rows.map((r) => r.done_by)).has('old')).toBe(false);
  });

  it('retries a failing job with backoff, rolling back its effects, and fails it after max attempts', async () => {
    const db = ctx.handle().db;
    const jobs = jobSystem('w1');
    let calls = 0;
    jobs.register('demo.flaky', async (job, trx) => {
      calls++;
      expect(job.attempt).toBe(calls);
      await writeEffect('w1')(job, trx);
      throw new Boom(`attempt ${job.attempt} failed`);
    });
    const { id } = await jobs.schedule(db, { kind: 'demo.flaky', runAt: clock.now(), maxAttempts: 3 });
    const job = () => db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    expect(await jobs.runDue()).toEqual({ done: 0, retried: 1, failed: 0 });
    expect(await job()).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'Error: attempt 1 failed',
      run_at: new Date(clock.now().getTime() + 1_000),
    });
    expect(await jobs.runDue()).toEqual({ done: 0, retried: 0, failed: 0 });
    clock.advance(999);
    expect(await jobs.runDue()).toEqual({ done: 0, retried: 0, failed: 0 });
    clock.advance(1);
    expect(await jobs.runDue()).toEqual({ done: 0, retried: 1, failed: 0 });
    expect((await job()).run_at).toEqual(new Date(clock.now().getTime() + 2_000));
    clock.advance(2_000);
    expect(await jobs.runDue()).toEqual({ done: 0, retried: 0, failed: 1 });
    expect(await job()).toMatchObject({ status: 'failed', attempts: 3, finished_at: clock.now(), done_by: null });
    clock.advance(3_600_000);
    expect(await jobs.runDue()).toEqual({ done: 0, retried: 0, failed: 0 });
    expect(calls).toBe(3);
    expect(await effects(db)).toEqual([]);
  });

  it('keeps the other jobs of a batch when one of them fails', async () => {
    const db = ctx.handle().db;
    const jobs = jobSystem('w1', { batchSize: 3 });
    jobs.register('demo.maybe', async (job, trx) => {
      await writeEffect('w1')(job, trx);
      if (job.payload.fail) throw new Boom('no');
    });
    const at = (ms: number) => new Date(clock.now().getTime() + ms);
    const a = await jobs.schedule(db, { kind: 'demo.maybe', runAt: at(-3), payload: { fail: false } });
    const b = await jobs.schedule(db, { kind: 'demo.maybe', runAt: at(-2), payload: { fail: true } });
    const c = await jobs.schedule(db, { kind: 'demo.maybe', runAt: at(-1), payload: { fail: false } });
    expect(await jobs.runDue()).toEqual({ done: 2, retried: 1, failed: 0 });
    expect((await effects(db)).map((e) => e.job_id)).toEqual([a.id, c.id]);
    const statuses = await db.selectFrom('jobs').select(['id', 'status', 'attempts']).orderBy('id').execute();
    expect(statuses).toEqual([
      { id: a.id, status: 'done', attempts: 1 },
      { id: b.id, status: 'pending', attempts: 1 },
      { id: c.id, status: 'done', attempts: 1 },
    ]);
  });

  it('schedules idempotently with a dedupe key and only when the caller commits', async () => {
    const db = ctx.handle().db;
    const jobs = jobSystem('w1');
    const first = await jobs.schedule(db, { kind: 'demo.once', runAt: clock.now(), dedupeKey: 'wo-1:sla' });
    const again = await jobs.schedule(db, { kind: 'demo.once', runAt: clock.now(), dedupeKey: 'wo-1:sla' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });

    await expect(
      db.transaction().execute(async (trx) => {
        await scheduleJob(trx, { kind: 'demo.once', runAt: clock.now(), dedupeKey: 'wo-2:sla' });
        throw new Boom('the work order was not created');
      }),
    ).rejects.toThrow(Boom);
    expect((await db.selectFrom('jobs').select('dedupe_key').execute()).map((r) => r.dedupe_key)).toEqual(['wo-1:sla']);
    expect((await jobs.schedule(db, { kind: 'demo.once', runAt: clock.now(), dedupeKey: 'wo-2:sla' })).created).toBe(
      true,
    );

    await expect(jobs.schedule(db, { kind: 'Bad Kind', runAt: clock.now() })).rejects.toThrow(InvalidJobError);
    await expect(jobs.schedule(db, { kind: 'demo.once', runAt: clock.now(), maxAttempts: 0 })).rejects.toThrow(
      InvalidJobError,
    );
  });

  it('cancels a pending job, which then never runs', async () => {
    const db = ctx.handle().db;
    const jobs = jobSystem('w1');
    jobs.register('demo.cancel', writeEffect('w1'));
    const { id } = await jobs.schedule(db, { kind: 'demo.cancel', runAt: clock.now(), dedupeKey: 'c-1' });
    const other = await jobs.schedule(db, { kind: 'demo.cancel', runAt: clock.now() });
    expect(await jobs.cancel(db, { dedupeKey: 'c-1' })).toBe(true);
    expect(await jobs.cancel(db, { id })).toBe(false);
    expect(await jobs.runDue()).toEqual({ done: 1, retried: 0, failed: 0 });
    expect(await jobs.cancel(db, { id: other.id })).toBe(false); // already done
    expect(await effects(db)).toEqual([{ job_id: other.id, worker: 'w1' }]);
  });

  it('runs a recurring job by letting its handler schedule the next run', async () => {
    const db = ctx.handle().db;
    const jobs = jobSystem('w1');
    const hour = 3_600_000;
    jobs.register('demo.hourly', async (job, trx) => {
      await writeEffect('w1')(job, trx);
      const next = new Date(job.runAt.getTime() + hour);
      await jobs.schedule(trx, { kind: 'demo.hourly', runAt: next, dedupeKey: `demo.hourly:${next.toISOString()}` });
    });
    const start = clock.now();
    await jobs.schedule(db, { kind: 'demo.hourly', runAt: start, dedupeKey: `demo.hourly:${start.toISOString()}` });
    for (let i = 0; i < 3; i++) {
      expect((await jobs.runDue()).done).toBe(1);
      clock.advance(hour);
    }
    expect(await effects(db)).toHaveLength(3);
    const pending = await db.selectFrom('jobs').select('run_at').where('status', '=', 'pending').execute();
    expect(pending).toEqual([{ run_at: new Date(start.getTime() + 3 * hour) }]);
  });

  it('leaves jobs of kinds it has no handler for to other workers', async () => {
    const db = ctx.handle().db;
    const jobs = jobSystem('w1');
    jobs.register('demo.known', writeEffect('w1'));
    await jobs.schedule(db, { kind: 'demo.unknown', runAt: clock.now() });
    expect(await jobs.runDue()).toEqual({ done: 0, retried: 0, failed: 0 });
    const row = await db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('prunes finished jobs only', async () => {
    const db = ctx.handle().db;
    const jobs = jobSystem('w1');
    jobs.register('demo.prune', writeEffect('w1'));
    await jobs.schedule(db, { kind: 'demo.prune', runAt: clock.now() });
    await jobs.schedule(db, { kind: 'demo.prune', runAt: new Date(clock.now().getTime() + 10 * 86_400_000) });
    await jobs.runDue();
    clock.advance(86_400_000);
    expect(await pruneJobs(db, clock.now())).toBe(1);
    expect(await db.selectFrom('jobs').select('status').execute()).toEqual([{ status: 'pending' }]);
  });
});

describe('the job loop during a database outage', () => {
  it('logs, keeps retrying and stops promptly', async () => {
    const down = await openDatabase(testConfig({ ONECITY_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' }));
    const { logger, lines } = memoryLogger();
    try {
      const jobs = createJobSystem({ db: down.db, clock: new ManualClock(), logger, intervalMs: 10, workerId: 'w' });
      jobs.register('demo.any', async () => {});
      await jobs.start();
      await waitFor(
        () => lines.filter((l) => l.msg === 'job polling failed; will retry').length >= 2,
        'two logged failures',
      );
      await jobs.stop();
    } finally {
      await down.close();
    }
  });
});
