/**
 * What the engine's timers do when a stage is due: lock the instance, and — if the chain's epoch
 * is still the instance's (no pause or resumption since) and the target is still open — warn or
 * escalate through the same tables and commit as a person's action, then schedule the next stage.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { JobSystem } from '../jobs/index.ts';
import { registerTimerChain, type TimerChain } from './chain.ts';
import type { DeadlineStage } from './deadlines.ts';
import { applyTimerAction, isUuid, loadInstance, type StartedInstance, type WorkflowDeps } from './engine.ts';
import { workflowDb } from './schema.ts';
import {
  INSTANCE_TIMER_JOB,
  instanceStages,
  TASK_TIMER_JOB,
  taskStages,
  timerPayload,
  type WorkflowTimerPayload,
} from './timers.ts';
import type { TaskRow } from './views.ts';

interface TaskSubject {
  loaded: StartedInstance;
  task: TaskRow;
}

/** The chain of a task's step limit. */
export function taskTimerChain(deps: WorkflowDeps): TimerChain<WorkflowTimerPayload, TaskSubject, DeadlineStage> {
  return {
    kind: TASK_TIMER_JOB,
    ...timerPayload,
    async load(trx, position) {
      if (!position.cityId || !isUuid(position.subjectId)) return null;
      const found = await workflowDb(trx)
        .selectFrom('workflow_tasks')
        .select('instance_id')
        .where('id', '=', position.subjectId)
        .where('city_id', '=', position.cityId)
        .executeTakeFirst();
      if (!found) return null;
      const loaded = await loadInstance(trx, position.cityId, found.instance_id, true);
      const task = loaded?.tasks.get(position.subjectId);
      return loaded && task ? { loaded, task } : null;
    },
    generation: (s) => s.loaded.state.clockEpoch,
    stages: (s) => taskStages(s.loaded.calendar, s.task),
    async fire(trx, s, stage) {
      await fireStage(trx, deps, s.loaded, s.task.id, stage);
    },
  };
}

/** The chain of an instance's promised and legal limits. */
export function instanceTimerChain(
  deps: WorkflowDeps,
): TimerChain<WorkflowTimerPayload, StartedInstance, DeadlineStage> {
  return {
    kind: INSTANCE_TIMER_JOB,
    ...timerPayload,
    async load(trx, position) {
      if (!position.cityId) return null;
      return loadInstance(trx, position.cityId, position.subjectId, true);
    },
    generation: (loaded) => loaded.state.clockEpoch,
    stages: (loaded) => instanceStages(loaded.calendar, loaded.row),
    async fire(trx, loaded, stage) {
      await fireStage(trx, deps, loaded, null, stage);
    },
  };
}

async function fireStage(
  trx: Transaction<Database>,
  deps: WorkflowDeps,
  loaded: StartedInstance,
  taskId: string | null,
  stage: DeadlineStage,
): Promise<void> {
  const level = taskId
    ? (loaded.state.tasks.find((t) => t.id === taskId)?.escalationLevel ?? 0)
    : loaded.state.escalationLevel;
  // A warning after an escalation, or an escalation already reached, says nothing new.
  if (stage.kind === 'warn' && level > 0) return;
  await applyTimerAction(trx, deps, loaded, {
    taskId,
    action: stage.kind,
    level: stage.kind === 'escalate' ? stage.level : null,
  });
}

/** Registers the handlers of the engine's timers on this process's job worker (once per process). */
export function registerWorkflowJobs(jobs: JobSystem, deps: WorkflowDeps): void {
  registerTimerChain(jobs, taskTimerChain(deps));
  registerTimerChain(jobs, instanceTimerChain(deps));
}
