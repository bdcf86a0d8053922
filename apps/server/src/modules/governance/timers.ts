/**
 * Time limits of work orders as durable timers. Each work order has one pending timer job at a
 * time: the next stage of its chain (accept warning at 80 % of the limit, breach at 100 % →
 * escalation to the department's supervisor, 150 % → escalation to the operations centre; the
 * same for "resolve within"). When a stage fires it acts if it still applies and schedules the
 * next one. A transfer, manual dispatch or reopen restarts the clock with a new epoch, and the
 * old chain stops at its next firing. The job system runs each job once across processes and
 * inside its claiming transaction, so a timer survives restarts and never fires twice.
 */
import type { Transaction } from 'kysely';
import type { Platform } from '../../app.ts';
import type { Database } from '../../platform/db/schema.ts';
import type { Job } from '../../platform/jobs/index.ts';
import { type ChainPosition, scheduleChainStage } from '../../platform/workflow/index.ts';
import { AUTO_CLOSE_AFTER_MS, MAX_ESCALATION, OPEN_STATUSES, type WorkOrderState } from './workflow.ts';

/** Job kind of the time-limit chain. */
export const SLA_JOB = 'governance.sla';
/** Job kind that closes a resolution nobody answered within the reopen window. */
export const AUTO_CLOSE_JOB = 'governance.auto_close';

/** A work order's limits and start, as far as timers are concerned. */
interface TimedOrder {
  id: string;
  city_id: string;
  accept_within_minutes: number;
  resolve_within_minutes: number;
}

/** One stage of the chain. */
export interface Stage {
  phase: 'accept' | 'resolve';
  kind: 'warn' | 'breach' | 'operations';
  /** Fraction of the limit at which it fires. */
  at: number;
}

/** The chain, in firing order for any pair of limits (sorted by time when built). */
const STAGE_SHAPES: ReadonlyArray<Omit<Stage, 'phase'>> = [
  { kind: 'warn', at: 0.8 },
  { kind: 'breach', at: 1 },
  { kind: 'operations', at: 1.5 },
];

/** The stages of `wo`'s chain with their firing times, ordered by time. */
export function stagesOf(wo: TimedOrder, startedAt: Date): Array<Stage & { runAt: Date }> {
  const out: Array<Stage & { runAt: Date }> = [];
  for (const phase of ['accept', 'resolve'] as const) {
    const minutes = phase === 'accept' ? wo.accept_within_minutes : wo.resolve_within_minutes;
    for (const shape of STAGE_SHAPES) {
      out.push({ ...shape, phase, runAt: new Date(startedAt.getTime() + shape.at * minutes * 60_000) });
    }
  }
  return out.sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || (a.phase === 'accept' ? -1 : 1));
}

/** Whether a stage still matters for a work order in `state`. */
export function stageApplies(stage: Stage, state: WorkOrderState): boolean {
  if (!OPEN_STATUSES.includes(state.status)) return false;
  if (stage.phase === 'accept' && !['awaiting_dispatch', 'dispatched'].includes(state.status)) return false;
  if (stage.kind === 'breach' && state.escalationLevel >= 1) return false;
  if (stage.kind === 'operations' && state.escalationLevel >= MAX_ESCALATION) return false;
  return true;
}

/** Payload of a timer job. */
export interface SlaPayload extends Record<string, unknown> {
  workOrderId: string;
  cityId: string;
  epoch: number;
  index: number;
}

/**
 * The chain as the platform's timer chains see it: the work order is the subject, the clock
 * epoch the generation. The payload keeps its own field names, and the dedupe key is the
 * chain's `governance.sla:<work order>:<epoch>:<index>`, so pending jobs stay valid.
 */
export const slaChain = {
  kind: SLA_JOB,
  toPayload: (p: ChainPosition): SlaPayload => ({
    workOrderId: p.subjectId,
    cityId: p.cityId ?? '',
    epoch: p.generation,
    index: p.index,
  }),
};

/**
 * Schedules stage `index` of the chain for `epoch`, if there is one. (`_platform` stays for the
 * callers' sake: the stage goes through the platform's timer chains in the caller's transaction.)
 */
export async function scheduleStage(
  _platform: Platform,
  trx: Transaction<Database>,
  wo: TimedOrder,
  epoch: number,
  startedAt: Date,
  index: number,
): Promise<void> {
  const stage = stagesOf(wo, startedAt)[index];
  if (!stage) return;
  await scheduleChainStage(
    trx,
    slaChain,
    { subjectId: wo.id, cityId: wo.city_id, generation: epoch, index },
    stage.runAt,
  );
}

/**
 * Starts or keeps the timers after an action that led from `before` to `after` (`before` null
 * at intake); returns the due times to store on the work order.
 */
export async function scheduleTimers(
  platform: Platform,
  trx: Transaction<Database>,
  wo: TimedOrder,
  before: WorkOrderState | null,
  after: WorkOrderState,
  seq: number,
): Promise<{ accept_due_at?: Date | null; resolve_due_at?: Date | null }> {
  if (after.status === 'resolved' && before?.status !== 'resolved') {
    await platform.jobs.schedule(trx, {
      kind: AUTO_CLOSE_JOB,
      runAt: new Date(platform.clock.now().getTime() + AUTO_CLOSE_AFTER_MS),
      cityId: wo.city_id,
      payload: { workOrderId: wo.id, cityId: wo.city_id, resolvedSeq: seq },
      dedupeKey: `${AUTO_CLOSE_JOB}:${wo.id}:${seq}`,
    });
  }
  if (before && before.clockEpoch === after.clockEpoch) return {};
  if (!OPEN_STATUSES.includes(after.status)) return {};
  const start = after.clockStartedAt.getTime();
  // A reopened work order is already accepted: only "resolve within" runs again.
  const acceptDue = ['awaiting_dispatch', 'dispatched'].includes(after.status)
    ? new Date(start + wo.accept_within_minutes * 60_000)
    : null;
  await scheduleStage(platform, trx, wo, after.clockEpoch, after.clockStartedAt, 0);
  return { accept_due_at: acceptDue, resolve_due_at: new Date(start + wo.resolve_within_minutes * 60_000) };
}

/** The handler signature the module registers for {@link SLA_JOB}. */
export type SlaJob = Job<SlaPayload>;
