/**
 * The application workflow as data: the statuses of an instance and of its tasks, which
 * actions each status allows and to whom, and the state derived by folding the instance's
 * action log (one log per instance; a task's entries carry its id). The engine asks these
 * tables, appends actions and stores what the fold says: it never sets a status by hand.
 */
import { type ActionTable, type ApplyEntry, allowedByTable, foldLog, tableAllows } from './machine.ts';

/** Statuses of an instance. `paused`: a task asked the applicant for more material (补正) and the clock stopped. */
export const InstanceStatuses = ['in_progress', 'paused', 'approved', 'rejected', 'withdrawn'] as const;
/** One of {@link InstanceStatuses}. */
export type InstanceStatus = (typeof InstanceStatuses)[number];

/** Statuses of a task. `waiting`: it asked for more material and waits for the applicant's answer. */
export const TaskStatuses = ['open', 'waiting', 'approved', 'rejected', 'cancelled'] as const;
/** One of {@link TaskStatuses}. */
export type TaskStatus = (typeof TaskStatuses)[number];

/** Instance statuses from which nothing moves any more. */
export const FINAL_INSTANCE_STATUSES: readonly InstanceStatus[] = ['approved', 'rejected', 'withdrawn'];
/** Task statuses from which nothing moves any more. */
export const FINAL_TASK_STATUSES: readonly TaskStatus[] = ['approved', 'rejected', 'cancelled'];

/** Actions on a task. */
export const TaskActionNames = ['approve', 'reject', 'request_material', 'transfer', 'warn', 'escalate'] as const;
/** One of {@link TaskActionNames}. */
export type TaskActionName = (typeof TaskActionNames)[number];

/** Actions on the instance as a whole. */
export const InstanceActionNames = ['supplement', 'withdraw', 'warn', 'escalate'] as const;
/** One of {@link InstanceActionNames}. */
export type InstanceActionName = (typeof InstanceActionNames)[number];

/** What staff do on a task through the API. */
export const STAFF_ACTIONS = [
  'approve',
  'reject',
  'request_material',
  'transfer',
] as const satisfies readonly TaskActionName[];
/** One of {@link STAFF_ACTIONS}. */
export type StaffAction = (typeof STAFF_ACTIONS)[number];

/** What the applicant does on the instance through the API. */
export const APPLICANT_ACTIONS = ['supplement', 'withdraw'] as const satisfies readonly InstanceActionName[];
/** One of {@link APPLICANT_ACTIONS}. */
export type ApplicantAction = (typeof APPLICANT_ACTIONS)[number];

/** Every entry the log can hold: the tables' actions plus the engine's own `start` and `open` (a task opened). */
export const WorkflowActionNames = [
  'start',
  'open',
  'approve',
  'reject',
  'request_material',
  'transfer',
  'supplement',
  'withdraw',
  'warn',
  'escalate',
] as const;
/** One of {@link WorkflowActionNames}. */
export type WorkflowActionName = (typeof WorkflowActionNames)[number];

/**
 * The part a caller plays: `handler` is staff of the task's department holding the step's role
 * (see policy.ts); `applicant` the citizen or enterprise the instance is for; `system` timers.
 */
export type WorkflowParty = 'handler' | 'applicant' | 'system';

/** Task status → action → who may take it. */
export const taskTable: ActionTable<TaskStatus, TaskActionName, WorkflowParty> = {
  open: {
    approve: ['handler'],
    reject: ['handler'],
    request_material: ['handler'],
    transfer: ['handler'],
    warn: ['system'],
    escalate: ['system'],
  },
  // The task waits for the applicant: it moves again when the instance is supplemented.
  waiting: {},
  approved: {},
  rejected: {},
  cancelled: {},
};

/** Instance status → action → who may take it. */
export const instanceTable: ActionTable<InstanceStatus, InstanceActionName, WorkflowParty> = {
  in_progress: { withdraw: ['applicant'], warn: ['system'], escalate: ['system'] },
  paused: { supplement: ['applicant'], withdraw: ['applicant'] },
  approved: {},
  rejected: {},
  withdrawn: {},
};

/** The highest escalation: 1 is the department's supervisors, 2 the operations centre. */
export const MAX_ESCALATION = 2;

/** One log entry, as far as state is concerned. */
export interface LoggedAction {
  action: WorkflowActionName;
  /** The task it concerns (null: the instance). */
  taskId: string | null;
  actorKind: 'staff' | 'citizen' | 'system';
  actorId: string | null;
  /** `open`: the task's department; `transfer`: where it goes. */
  departmentId: string | null;
  /** `open`: the step the task is for. */
  stepIndex: number | null;
  /** `escalate`: the level reached. */
  level: number | null;
  at: Date;
}

/** A task as the log says. */
export interface TaskState {
  id: string;
  stepIndex: number;
  stage: number;
  departmentId: string;
  status: TaskStatus;
  openedAt: Date;
  escalationLevel: number;
  warned: boolean;
  transferCount: number;
  completedAt: Date | null;
  completedBy: string | null;
}

/** A stretch in which the clock stood still; `to` null while it still does. */
export interface PauseSpan {
  from: Date;
  to: Date | null;
}

/** An instance as the log says. */
export interface InstanceState {
  status: InstanceStatus;
  /** Index of the stage being worked on (the last one once approved). */
  stage: number;
  tasks: TaskState[];
  pauses: PauseSpan[];
  /** Starts at 1; moves whenever the deadlines move (a pause starts or ends): timers of an older epoch are stale. */
  clockEpoch: number;
  escalationLevel: number;
  warned: boolean;
  transferCount: number;
  completedAt: Date | null;
}

/** The structure the fold needs from the definition: its stages (step indices). */
export interface FoldShape {
  stages: readonly (readonly number[])[];
}

/** Raised when a log breaks the rules of the fold: a stored log that does this is corrupt. */
export class WorkflowLogError extends Error {
  override name = 'WorkflowLogError';
}

function stageOfStep(shape: FoldShape, stepIndex: number): number {
  const stage = shape.stages.findIndex((s) => s.includes(stepIndex));
  if (stage < 0) throw new WorkflowLogError(`no step ${stepIndex} in the definition`);
  return stage;
}

function closePause(pauses: PauseSpan[], at: Date): PauseSpan[] {
  return pauses.map((p) => (p.to === null ? { from: p.from, to: at } : p));
}

function cancelOpen(tasks: TaskState[], at: Date): TaskState[] {
  return tasks.map((t) =>
    FINAL_TASK_STATUSES.includes(t.status) ? t : { ...t, status: 'cancelled' as const, completedAt: at },
  );
}

/** The state after one entry (`seq` 1-based); the definition's shape says when a stage and the instance end. */
export function applyEntry(shape: FoldShape, state: InstanceState | null, entry: LoggedAction): InstanceState {
  if (!state) {
    if (entry.action !== 'start') throw new WorkflowLogError(`a log starts with start, not ${entry.action}`);
    return {
      status: 'in_progress',
      stage: 0,
      tasks: [],
      pauses: [],
      clockEpoch: 1,
      escalationLevel: 0,
      warned: false,
      transferCount: 0,
      completedAt: null,
    };
  }
  if (entry.action === 'start') throw new WorkflowLogError('start can only be the first entry');
  if (entry.action === 'open') {
    if (!entry.taskId || !entry.departmentId || entry.stepIndex === null) {
      throw new WorkflowLogError('open needs a task, a department and a step');
    }
    const stage = stageOfStep(shape, entry.stepIndex);
    if (stage !== state.stage || FINAL_INSTANCE_STATUSES.includes(state.status)) {
      throw new WorkflowLogError(`step ${entry.stepIndex} cannot open in stage ${state.stage} (${state.status})`);
    }
    if (state.tasks.some((t) => t.stepIndex === entry.stepIndex && t.status !== 'cancelled')) {
      throw new WorkflowLogError(`step ${entry.stepIndex} already has a task`);
    }
    const task: TaskState = {
      id: entry.taskId,
      stepIndex: entry.stepIndex,
      stage,
      departmentId: entry.departmentId,
      status: 'open',
      openedAt: entry.at,
      escalationLevel: 0,
      warned: false,
      transferCount: 0,
      completedAt: null,
      completedBy: null,
    };
    return { ...state, tasks: [...state.tasks, task] };
  }
  if (entry.taskId !== null) return applyTaskEntry(shape, state, entry, entry.taskId);
  switch (entry.action) {
    case 'supplement':
      return {
        ...state,
        status: 'in_progress',
        tasks: state.tasks.map((t) => (t.status === 'waiting' ? { ...t, status: 'open' as const } : t)),
        pauses: closePause(state.pauses, entry.at),
        clockEpoch: state.clockEpoch + 1,
      };
    case 'withdraw':
      return {
        ...state,
        status: 'withdrawn',
        tasks: cancelOpen(state.tasks, entry.at),
        pauses: closePause(state.pauses, entry.at),
        completedAt: entry.at,
      };
    case 'warn':
      return { ...state, warned: true };
    case 'escalate':
      return { ...state, escalationLevel: Math.max(state.escalationLevel, entry.level ?? state.escalationLevel + 1) };
    default:
      throw new WorkflowLogError(`${entry.action} needs a task`);
  }
}

function applyTaskEntry(shape: FoldShape, state: InstanceState, entry: LoggedAction, taskId: string): InstanceState {
  const task = state.tasks.find((t) => t.id === taskId);
  if (!task) throw new WorkflowLogError(`no task ${taskId}`);
  const replace = (changes: Partial<TaskState>) => state.tasks.map((t) => (t.id === taskId ? { ...t, ...changes } : t));
  switch (entry.action) {
    case 'approve': {
      const tasks = replace({ status: 'approved', completedAt: entry.at, completedBy: entry.actorId });
      const steps = shape.stages[state.stage] ?? [];
      const stageDone = steps.every((i) => tasks.some((t) => t.stepIndex === i && t.status === 'approved'));
      if (!stageDone) return { ...state, tasks };
      if (state.stage + 1 >= shape.stages.length) {
        return { ...state, tasks, status: 'approved', completedAt: entry.at };
      }
      return { ...state, tasks, stage: state.stage + 1 };
    }
    case 'reject': {
      const tasks = cancelOpen(
        replace({ status: 'rejected', completedAt: entry.at, completedBy: entry.actorId }),
        entry.at,
      );
      return { ...state, tasks, status: 'rejected', pauses: closePause(state.pauses, entry.at), completedAt: entry.at };
    }
    case 'request_material': {
      const tasks = replace({ status: 'waiting' });
      if (state.status === 'paused') return { ...state, tasks };
      return {
        ...state,
        tasks,
        status: 'paused',
        pauses: [...state.pauses, { from: entry.at, to: null }],
        clockEpoch: state.clockEpoch + 1,
      };
    }
    case 'transfer':
      if (!entry.departmentId) throw new WorkflowLogError('transfer needs a department');
      return {
        ...state,
        tasks: replace({ departmentId: entry.departmentId, transferCount: task.transferCount + 1 }),
        transferCount: state.transferCount + 1,
      };
    case 'warn':
      return { ...state, tasks: replace({ warned: true }) };
    case 'escalate':
      return {
        ...state,
        tasks: replace({ escalationLevel: Math.max(task.escalationLevel, entry.level ?? task.escalationLevel + 1) }),
      };
    default:
      throw new WorkflowLogError(`${entry.action} is not a task action`);
  }
}

/** The state a whole log leads to. */
export function deriveInstance(shape: FoldShape, log: readonly LoggedAction[]): InstanceState {
  const apply: ApplyEntry<InstanceState, LoggedAction> = (state, entry) => applyEntry(shape, state, entry);
  return foldLog(apply, log);
}

/** Why an action the table allows is still refused. */
export type WorkflowGuardFailure = 'WORKFLOW_TRANSFER_SAME_DEPARTMENT' | 'CLOCK_PAUSED' | 'ESCALATION_NOT_HIGHER';

/** Checks beyond the tables: pointless moves, and timers while the clock stands still. */
export function guardTaskAction(
  state: InstanceState,
  task: TaskState,
  action: TaskActionName,
  context: { departmentId?: string | null; level?: number | null } = {},
): WorkflowGuardFailure | null {
  switch (action) {
    case 'transfer':
      return context.departmentId && context.departmentId === task.departmentId
        ? 'WORKFLOW_TRANSFER_SAME_DEPARTMENT'
        : null;
    case 'warn':
      return state.status === 'paused' ? 'CLOCK_PAUSED' : null;
    case 'escalate':
      if (state.status === 'paused') return 'CLOCK_PAUSED';
      return (context.level ?? task.escalationLevel + 1) <= task.escalationLevel ||
        task.escalationLevel >= MAX_ESCALATION
        ? 'ESCALATION_NOT_HIGHER'
        : null;
    default:
      return null;
  }
}

/** Checks beyond the table for the instance's own actions. */
export function guardInstanceAction(
  state: InstanceState,
  action: InstanceActionName,
  context: { level?: number | null } = {},
): WorkflowGuardFailure | null {
  if (action === 'escalate') {
    return (context.level ?? state.escalationLevel + 1) <= state.escalationLevel ||
      state.escalationLevel >= MAX_ESCALATION
      ? 'ESCALATION_NOT_HIGHER'
      : null;
  }
  return null;
}

/** Whether `parties` may take `action` on `task` by the table. */
export function taskAllows(task: TaskState, action: TaskActionName, parties: ReadonlySet<WorkflowParty>): boolean {
  return tableAllows(taskTable, task.status, action, parties);
}

/** Whether `parties` may take `action` on the instance by the table. */
export function instanceAllows(
  state: InstanceState,
  action: InstanceActionName,
  parties: ReadonlySet<WorkflowParty>,
): boolean {
  return tableAllows(instanceTable, state.status, action, parties);
}

/** The actions `parties` may take on `task` now (the buttons; what a 409 lists). */
export function allowedTaskActions(
  state: InstanceState,
  task: TaskState,
  parties: ReadonlySet<WorkflowParty>,
): TaskActionName[] {
  return allowedByTable(taskTable, task.status, parties, (a) => guardTaskAction(state, task, a) !== null);
}

/** The actions `parties` may take on the instance now. */
export function allowedInstanceActions(
  state: InstanceState,
  parties: ReadonlySet<WorkflowParty>,
): InstanceActionName[] {
  return allowedByTable(instanceTable, state.status, parties, (a) => guardInstanceAction(state, a) !== null);
}
