/**
 * The engine's two timer chains, as data: which stages a task's or an instance's deadline has,
 * what their jobs carry, and how a chain starts. Each chain's generation is the instance's clock
 * epoch, which moves when a pause starts or ends, so a deadline moved by a pause never fires at
 * its old time. The handlers that act when a stage fires are in jobs.ts.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { WorkingCalendar } from '../time/working-days.ts';
import { type ChainPosition, scheduleChainStage, type Timed } from './chain.ts';
import { type DeadlineStage, deadlineStages } from './deadlines.ts';

/** Job kind of the chain of a task's step limit. */
export const TASK_TIMER_JOB = 'workflow.task_deadline';
/** Job kind of the chain of an instance's promised and legal limits. */
export const INSTANCE_TIMER_JOB = 'workflow.instance_deadline';

/** Payload of a timer job. */
export interface WorkflowTimerPayload extends Record<string, unknown> {
  /** The task (task chain) or the instance (instance chain). */
  subjectId: string;
  cityId: string | null;
  /** The instance's clock epoch the chain belongs to. */
  epoch: number;
  index: number;
}

/** Payload ↔ position of both chains. */
export const timerPayload = {
  toPayload: (p: ChainPosition): WorkflowTimerPayload => ({
    subjectId: p.subjectId,
    cityId: p.cityId,
    epoch: p.generation,
    index: p.index,
  }),
  fromPayload: (p: WorkflowTimerPayload): ChainPosition => ({
    subjectId: p.subjectId,
    cityId: p.cityId,
    generation: p.epoch,
    index: p.index,
  }),
};

/** The stages of a task's limit (none without a limit or while the clock stands still). */
export function taskStages(calendar: WorkingCalendar, task: { due_on: string | null }): Array<Timed<DeadlineStage>> {
  return task.due_on ? deadlineStages(calendar, task.due_on) : [];
}

/**
 * The stages of an instance's limits: warning and first escalation on the promised limit (or the
 * legal one when nothing was promised), escalation to the operations centre when the legal limit
 * runs out (or one working day after the promised one when the two coincide).
 */
export function instanceStages(
  calendar: WorkingCalendar,
  instance: { promised_due_on: string | null; legal_due_on: string | null },
): Array<Timed<DeadlineStage>> {
  const primary = instance.promised_due_on ?? instance.legal_due_on;
  return primary ? deadlineStages(calendar, primary, instance.legal_due_on) : [];
}

/** Schedules the first stage of a chain for the epoch, if the limit has one. */
export async function startTimer(
  db: Kysely<Database>,
  kind: typeof TASK_TIMER_JOB | typeof INSTANCE_TIMER_JOB,
  stages: ReadonlyArray<Timed<DeadlineStage>>,
  position: { subjectId: string; cityId: string; epoch: number },
): Promise<void> {
  const first = stages[0];
  if (!first) return;
  await scheduleChainStage(
    db,
    { kind, toPayload: timerPayload.toPayload },
    { subjectId: position.subjectId, cityId: position.cityId, generation: position.epoch, index: 0 },
    first.runAt,
  );
}
