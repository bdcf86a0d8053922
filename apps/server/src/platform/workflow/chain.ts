/**
 * Durable deadline timers as chains of stages (a warning, then escalations), on platform/jobs.
 *
 * A subject (a task, an instance, a work order) has at most one pending job per chain kind and
 * generation: the next stage. When a stage fires, the handler locks the subject, checks that
 * the subject is still in the generation the job was scheduled for, lets the owner act if the
 * stage still applies, and schedules the following stage. Whatever moves the subject's
 * deadlines (a pause, a resumption, a transfer that restarts the clock) starts a new generation,
 * so the old chain stops at its next firing without having to be found and cancelled, and a
 * moved deadline never fires at its old time. The job system runs each job once across
 * processes and inside its claiming transaction, so a stage survives restarts and never fires
 * twice; the dedupe key makes scheduling a stage twice harmless.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { type Job, type JobPayload, type JobSystem, type ScheduledJob, scheduleJob } from '../jobs/index.ts';

/** Where a chain stands: which subject, which generation of its deadlines, which stage. */
export interface ChainPosition {
  subjectId: string;
  cityId: string | null;
  generation: number;
  index: number;
}

/** A stage with the time it fires. */
export type Timed<S> = S & { runAt: Date };

/**
 * One kind of chain. `load` must lock the subject (SELECT … FOR UPDATE) so that a stage and a
 * person's action on the same subject serialise; `stages` must give the same list for the same
 * generation (deadlines only move with a new generation).
 */
export interface TimerChain<P extends JobPayload, C, S> {
  /** The job kind (one per chain). */
  kind: string;
  /** The job payload of a position (lets existing payload shapes stay as they are). */
  toPayload(position: ChainPosition): P;
  /** The position a job's payload names. */
  fromPayload(payload: P): ChainPosition;
  /** Loads and locks the subject; null when it no longer exists. */
  load(trx: Transaction<Database>, position: ChainPosition): Promise<C | null>;
  /** The subject's current generation. */
  generation(subject: C): number;
  /** The subject's stages in firing order, for its current generation. */
  stages(subject: C): ReadonlyArray<Timed<S>>;
  /** Acts for a due stage if it still applies (the subject may have moved on: then it does nothing). */
  fire(trx: Transaction<Database>, subject: C, stage: Timed<S>, position: ChainPosition, job: Job<P>): Promise<void>;
}

/** The dedupe key of a stage: one job per subject, generation and stage, ever. */
export function chainDedupeKey(kind: string, position: Pick<ChainPosition, 'subjectId' | 'generation' | 'index'>) {
  return `${kind}:${position.subjectId}:${position.generation}:${position.index}`;
}

/** Schedules the stage at `position` to fire at `runAt` (inside the caller's transaction when `db` is one). */
export function scheduleChainStage<P extends JobPayload>(
  db: Kysely<Database>,
  chain: Pick<TimerChain<P, unknown, unknown>, 'kind' | 'toPayload'>,
  position: ChainPosition,
  runAt: Date,
): Promise<ScheduledJob> {
  return scheduleJob<P>(db, {
    kind: chain.kind,
    runAt,
    cityId: position.cityId,
    payload: chain.toPayload(position),
    dedupeKey: chainDedupeKey(chain.kind, position),
  });
}

/**
 * Starts a chain for a subject's generation: schedules its first stage (stage `from`, default
 * 0). Returns false when there is no such stage (no deadline, nothing to time).
 */
export async function startChain<P extends JobPayload, C, S>(
  db: Kysely<Database>,
  chain: TimerChain<P, C, S>,
  subject: C,
  position: Omit<ChainPosition, 'index' | 'generation'> & { index?: number },
): Promise<boolean> {
  const index = position.index ?? 0;
  const stage = chain.stages(subject)[index];
  if (!stage) return false;
  await scheduleChainStage(
    db,
    chain,
    { subjectId: position.subjectId, cityId: position.cityId, generation: chain.generation(subject), index },
    stage.runAt,
  );
  return true;
}

/**
 * What a chain's job does: lock the subject, stop if its generation moved on, fire the stage,
 * schedule the next one. Exposed apart from {@link registerTimerChain} so that an owner with a
 * handler of its own can run the same steps.
 */
export async function runChainStage<P extends JobPayload, C, S>(
  chain: TimerChain<P, C, S>,
  job: Job<P>,
  trx: Transaction<Database>,
): Promise<void> {
  const position = chain.fromPayload(job.payload);
  const subject = await chain.load(trx, position);
  if (subject === null) return;
  // Deadlines moved (pause, resumption, transfer …): a newer chain runs; this one ends here.
  if (chain.generation(subject) !== position.generation) return;
  const stages = chain.stages(subject);
  const stage = stages[position.index];
  if (!stage) return;
  await chain.fire(trx, subject, stage, position, job);
  const next = stages[position.index + 1];
  if (next) await scheduleChainStage(trx, chain, { ...position, index: position.index + 1 }, next.runAt);
}

/** Registers the job handler of a chain on this process's worker. */
export function registerTimerChain<P extends JobPayload, C, S>(jobs: JobSystem, chain: TimerChain<P, C, S>): void {
  jobs.register<P>(chain.kind, (job, trx) => runChainStage(chain, job, trx));
}
