/**
 * Durable jobs and timers. A job is a row in `jobs`; a worker claims due rows with
 * `FOR UPDATE SKIP LOCKED` and runs the handler inside the claiming transaction, marking the
 * job done in that same transaction. So a job's effects and its "done" commit together, a
 * crash rolls both back, and two workers (or two processes) never run one job.
 */
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import { uuidv7 } from 'uuidv7';
import type { Database, JobsTable } from '../db/schema.ts';
import type { Clock } from '../time/clock.ts';
import { PollingLoop } from '../time/polling-loop.ts';
import { type BackoffOptions, backoffMs, errorText } from './backoff.ts';

export { type BackoffOptions, backoffMs, errorText } from './backoff.ts';

/** A job payload: plain JSON. */
export type JobPayload = Record<string, unknown>;

/** A job as its handler sees it. */
export interface Job<P extends JobPayload = JobPayload> {
  id: string;
  kind: string;
  payload: P;
  cityId: string | null;
  runAt: Date;
  /** This run's number: 1 on the first try. */
  attempt: number;
  maxAttempts: number;
  dedupeKey: string | null;
}

/**
 * Runs one job inside the claiming transaction. Use `trx` for every query: the effects then
 * commit with the job, and on PGlite (one connection) a query outside `trx` would wait forever.
 */
export type JobHandler<P extends JobPayload = JobPayload> = (job: Job<P>, trx: Transaction<Database>) => Promise<void>;

/** What {@link scheduleJob} needs. */
export interface NewJob<P extends JobPayload = JobPayload> {
  kind: string;
  runAt: Date | string;
  payload?: P;
  cityId?: string | null;
  /** Makes scheduling idempotent: a second job with the same key is not created, ever. */
  dedupeKey?: string;
  /** Tries before the job ends `failed` (default 5). */
  maxAttempts?: number;
}

/** The job a {@link scheduleJob} call refers to; `created` is false when the dedupe key already existed. */
export interface ScheduledJob {
  id: string;
  created: boolean;
}

/** Which job {@link cancelJob} cancels. */
export type JobRef = { id: string } | { dedupeKey: string };

/** What one {@link JobSystem.runDue} call did. */
export interface JobRun {
  /** Jobs whose handler succeeded. */
  done: number;
  /** Jobs that failed and were rescheduled. */
  retried: number;
  /** Jobs that failed for the last time. */
  failed: number;
}

/** The job scheduler and worker of one process. */
export interface JobSystem {
  /** Sets the handler for `kind`; this worker claims only kinds it has a handler for. */
  register<P extends JobPayload>(kind: string, handler: JobHandler<P>): void;
  /** Schedules a job, inside the caller's transaction when `db` is one. */
  schedule<P extends JobPayload>(db: Kysely<Database>, job: NewJob<P>): Promise<ScheduledJob>;
  /** Cancels a pending job; false when it is no longer pending (done, failed, cancelled or unknown). */
  cancel(db: Kysely<Database>, ref: JobRef): Promise<boolean>;
  /** Runs due jobs until none is due or `limit` ran (tests call it instead of `start`). */
  runDue(options?: { limit?: number }): Promise<JobRun>;
  /** Starts polling every `intervalMs`. */
  start(): Promise<void>;
  /** Stops polling and waits for the job in hand. */
  stop(): Promise<void>;
}

/** Options of {@link createJobSystem}. */
export interface JobSystemOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  /** Recorded in `done_by` of every job this worker completes. */
  workerId: string;
  /** Jobs claimed per transaction (default 1: each job commits on its own, and PGlite stays responsive). */
  batchSize?: number;
  /** Delay before a failed job runs again (default 10 s, doubling, at most 1 hour). */
  retry?: BackoffOptions;
  /** How long `stop` waits for the job in hand before giving up on it (default 15 s). */
  stopTimeoutMs?: number;
}

/** Raised for a job that cannot be scheduled as asked. */
export class InvalidJobError extends Error {
  override name = 'InvalidJobError';
}

const KIND = /^[a-z][a-z0-9_.-]{0,99}$/;
const DEFAULT_RETRY: BackoffOptions = { baseMs: 10_000, maxMs: 3_600_000 };
/** Jobs a polling round runs at most before looking again. */
const ROUND_LIMIT = 100;

/** Schedules a job (standalone form of {@link JobSystem.schedule}, for code that holds only a transaction). */
export async function scheduleJob<P extends JobPayload>(db: Kysely<Database>, job: NewJob<P>): Promise<ScheduledJob> {
  if (!KIND.test(job.kind)) throw new InvalidJobError(`job kind "${job.kind}" must match ${KIND}`);
  const maxAttempts = job.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new InvalidJobError('maxAttempts must be a positive integer');
  const runAt = new Date(job.runAt);
  if (Number.isNaN(runAt.getTime())) throw new InvalidJobError(`runAt "${String(job.runAt)}" is not a time`);
  const id = uuidv7();
  const inserted = await db
    .insertInto('jobs')
    .values({
      id,
      kind: job.kind,
      // Stringified: `pg` would turn a top-level array into a PostgreSQL array, not JSON.
      payload: JSON.stringify(job.payload ?? {}),
      run_at: runAt,
      city_id: job.cityId ?? null,
      dedupe_key: job.dedupeKey ?? null,
      max_attempts: maxAttempts,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id, created: true };
  const existing = await db
    .selectFrom('jobs')
    .select('id')
    .where('dedupe_key', '=', job.dedupeKey ?? '')
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

/** Cancels a pending job (standalone form of {@link JobSystem.cancel}). */
export async function cancelJob(db: Kysely<Database>, ref: JobRef, clock: Clock): Promise<boolean> {
  // A job being run holds its row lock: this waits for it, then finds it done and cancels nothing.
  const result = await db
    .updateTable('jobs')
    .set({ status: 'cancelled', finished_at: clock.now() })
    .where('status', '=', 'pending')
    .where((eb) => ('id' in ref ? eb('id', '=', ref.id) : eb('dedupe_key', '=', ref.dedupeKey)))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes jobs that finished before `before` (their dedupe keys become free again); returns how many. */
export async function pruneJobs(db: Kysely<Database>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('jobs')
    .where('status', '<>', 'pending')
    .where('finished_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

type JobRow = Selectable<JobsTable>;

/** Builds the job system of one process. */
export function createJobSystem(options: JobSystemOptions): JobSystem {
  return new PollingJobSystem(options);
}

class PollingJobSystem implements JobSystem {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #workerId: string;
  readonly #batchSize: number;
  readonly #retry: BackoffOptions;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #loop: PollingLoop;
  #stopping = false;

  constructor(options: JobSystemOptions) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#logger = options.logger.child({ component: 'jobs' });
    this.#workerId = options.workerId;
    this.#batchSize = options.batchSize ?? 1;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#loop = new PollingLoop({
      round: async () => {
        const run = await this.#runDue(ROUND_LIMIT, true);
        return run.done + run.retried + run.failed >= ROUND_LIMIT;
      },
      intervalMs: options.intervalMs,
      stopTimeoutMs: options.stopTimeoutMs ?? 15_000,
      logger: this.#logger,
      failure: 'job polling failed; will retry',
      abandoned: 'stopped while a job was still running; its transaction will roll back',
    });
  }

  register<P extends JobPayload>(kind: string, handler: JobHandler<P>): void {
    if (!KIND.test(kind)) throw new InvalidJobError(`job kind "${kind}" must match ${KIND}`);
    if (this.#handlers.has(kind)) throw new InvalidJobError(`job kind "${kind}" already has a handler`);
    this.#handlers.set(kind, handler as JobHandler);
  }

  schedule<P extends JobPayload>(db: Kysely<Database>, job: NewJob<P>): Promise<ScheduledJob> {
    return scheduleJob(db, job);
  }

  cancel(db: Kysely<Database>, ref: JobRef): Promise<boolean> {
    return cancelJob(db, ref, this.#clock);
  }

  runDue(options: { limit?: number } = {}): Promise<JobRun> {
    return this.#runDue(options.limit ?? 100, false);
  }

  async #runDue(limit: number, interruptible: boolean): Promise<JobRun> {
    const run: JobRun = { done: 0, retried: 0, failed: 0 };
    while (run.done + run.retried + run.failed < limit) {
      const size = Math.min(this.#batchSize, limit - (run.done + run.retried + run.failed));
      const claimed = await this.#runBatch(size, run);
      if (claimed < size) break;
      // Between batches, a stopping worker lets go rather than draining the whole queue.
      if (interruptible && this.#stopping) break;
    }
    return run;
  }

  async start(): Promise<void> {
    this.#stopping = false;
    this.#loop.start();
  }

  async stop(): Promise<void> {
    // Between batches, a stopping worker lets go rather than draining the whole queue.
    this.#stopping = true;
    await this.#loop.stop();
  }

  /** Claims up to `size` due jobs in one transaction and runs them; returns how many it claimed. */
  async #runBatch(size: number, run: JobRun): Promise<number> {
    const kinds = [...this.#handlers.keys()];
    if (kinds.length === 0) return 0;
    return this.#db.transaction().execute(async (trx) => {
      const now = this.#clock.now();
      const rows = await trx
        .selectFrom('jobs')
        .selectAll()
        .where('status', '=', 'pending')
        .where('run_at', '<=', now)
        .where('kind', 'in', kinds)
        .orderBy('run_at')
        .orderBy('id')
        .limit(size)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const row of rows) await this.#runOne(trx, row, run);
      return rows.length;
    });
  }

  async #runOne(trx: Transaction<Database>, row: JobRow, run: JobRun): Promise<void> {
    const handler = this.#handlers.get(row.kind);
    if (!handler) return;
    const attempt = row.attempts + 1;
    const job: Job = {
      id: row.id,
      kind: row.kind,
      payload: row.payload,
      cityId: row.city_id,
      runAt: row.run_at,
      attempt,
      maxAttempts: row.max_attempts,
      dedupeKey: row.dedupe_key,
    };
    // The savepoint lets a failing handler's writes vanish while the claim (row lock) stays,
    // so the failure is recorded before any other worker can pick the job up again.
    await sql`SAVEPOINT onecity_job`.execute(trx);
    try {
      await handler(job, trx);
    } catch (error) {
      await sql`ROLLBACK TO SAVEPOINT onecity_job`.execute(trx);
      const now = this.#clock.now();
      const last = attempt >= row.max_attempts;
      const message = errorText(error);
      await trx
        .updateTable('jobs')
        .set(
          last
            ? { status: 'failed', attempts: attempt, last_error: message, finished_at: now }
            : {
                attempts: attempt,
                last_error: message,
                run_at: new Date(now.getTime() + backoffMs(attempt, this.#retry)),
              },
        )
        .where('id', '=', row.id)
        .execute();
      if (last) run.failed += 1;
      else run.retried += 1;
      this.#logger.warn(
        { jobId: row.id, kind: row.kind, attempt, maxAttempts: row.max_attempts, err: message },
        last ? 'job failed for the last time' : 'job failed; will retry',
      );
      return;
    }
    await sql`RELEASE SAVEPOINT onecity_job`.execute(trx);
    await trx
      .updateTable('jobs')
      .set({
        status: 'done',
        attempts: attempt,
        done_by: this.#workerId,
        finished_at: this.#clock.now(),
        last_error: null,
      })
      .where('id', '=', row.id)
      .execute();
    run.done += 1;
  }
}
