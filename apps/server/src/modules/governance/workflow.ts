/**
 * The work-order workflow as data: which actions each status allows and to whom, and the
 * status derived by folding the action log. Handlers never branch on status themselves: they
 * ask {@link allowedActions} and append an action; the projection on `work_orders` is what
 * {@link deriveState} says the log means. The table and the fold are the platform workflow
 * engine's generic machinery (platform/workflow), the same that runs applications.
 */
import {
  type ActionTable,
  allowedByTable,
  foldLog,
  tableAllows as tableAllowsGeneric,
} from '../../platform/workflow/index.ts';

/** Every status a work order can be in. */
export const WorkOrderStatuses = [
  'awaiting_dispatch',
  'dispatched',
  'accepted',
  'assigned',
  'in_progress',
  'resolved',
  'closed',
  'invalid',
  'merged',
] as const;
/** One of {@link WorkOrderStatuses}. */
export type WorkOrderStatus = (typeof WorkOrderStatuses)[number];

/** Statuses in which the work is still to be done (duplicates link to these; timers run in these). */
export const OPEN_STATUSES: readonly WorkOrderStatus[] = [
  'awaiting_dispatch',
  'dispatched',
  'accepted',
  'assigned',
  'in_progress',
];

/** Everything that can happen to a work order. */
export const WorkOrderActionNames = [
  'submit',
  'dispatch',
  'accept',
  'assign',
  'start',
  'resolve',
  'transfer',
  'return_invalid',
  'escalate',
  'warn',
  'confirm',
  'reopen',
  'close',
  'rate',
  'merge',
  'link',
  'unlink',
] as const;
/** One of {@link WorkOrderActionNames}. */
export type WorkOrderActionName = (typeof WorkOrderActionNames)[number];

/** Actions people (not the system) take through the API. */
export const PERSON_ACTIONS = [
  'dispatch',
  'accept',
  'assign',
  'start',
  'resolve',
  'transfer',
  'return_invalid',
  'escalate',
  'confirm',
  'reopen',
  'rate',
] as const satisfies readonly WorkOrderActionName[];
/** One of {@link PERSON_ACTIONS}. */
export type PersonAction = (typeof PERSON_ACTIONS)[number];

/**
 * The part a caller plays for one work order: `handler` is staff of the responsible department
 * whose jurisdiction covers the spot; `supervisor` a handler who supervises; `assignee` the field
 * crew member it is assigned to; `operations` the city's operations centre (12345); `reporter` a
 * citizen who reported it; `system` timers and intake.
 */
export type Party = 'handler' | 'supervisor' | 'assignee' | 'operations' | 'reporter' | 'system';

const OPEN_COMMON = {
  escalate: ['handler', 'operations', 'system'],
  warn: ['system'],
  link: ['system'],
  unlink: ['system'],
} as const;

/** Status → action → who may take it. Anything absent is forbidden (409 naming what is allowed). */
export const workflow: ActionTable<WorkOrderStatus, WorkOrderActionName, Party> = {
  awaiting_dispatch: {
    dispatch: ['operations'],
    return_invalid: ['operations'],
    merge: ['operations'],
    ...OPEN_COMMON,
  },
  dispatched: {
    accept: ['handler'],
    transfer: ['handler', 'operations'],
    return_invalid: ['handler'],
    merge: ['supervisor', 'operations'],
    ...OPEN_COMMON,
  },
  accepted: {
    assign: ['handler'],
    start: ['handler'],
    resolve: ['handler'],
    transfer: ['handler', 'operations'],
    return_invalid: ['handler'],
    merge: ['supervisor', 'operations'],
    ...OPEN_COMMON,
  },
  assigned: {
    assign: ['handler'],
    start: ['handler', 'assignee'],
    resolve: ['handler', 'assignee'],
    merge: ['supervisor', 'operations'],
    ...OPEN_COMMON,
  },
  in_progress: {
    assign: ['handler'],
    resolve: ['handler', 'assignee'],
    merge: ['supervisor', 'operations'],
    ...OPEN_COMMON,
  },
  resolved: { confirm: ['reporter'], reopen: ['reporter'], close: ['system'], link: ['system'], unlink: ['system'] },
  closed: { rate: ['reporter'], unlink: ['system'] },
  invalid: {},
  merged: {},
};

/** How long after resolution a reporter may say "not fixed". */
export const REOPEN_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** A resolution nobody confirms or disputes closes by itself after the reopen window. */
export const AUTO_CLOSE_AFTER_MS = REOPEN_WINDOW_MS;
/** The highest escalation: 1 is the department's supervisor, 2 the operations centre. */
export const MAX_ESCALATION = 2;

/** One entry of the log, as far as the status is concerned. */
export interface LoggedAction {
  action: WorkOrderActionName;
  actorId: string | null;
  departmentId: string | null;
  assigneeId: string | null;
  rating: number | null;
  targetId: string | null;
  escalation: number | null;
  at: Date;
}

/** What the log says about a work order. */
export interface WorkOrderState {
  status: WorkOrderStatus;
  departmentId: string | null;
  assigneeId: string | null;
  escalationLevel: number;
  acceptedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  reopenCount: number;
  transferCount: number;
  /** The first rating given (the work order's rating). */
  rating: number | null;
  /** Citizens who have rated (each reporter rates once). */
  ratedBy: string[];
  mergedInto: string | null;
  reportCount: number;
  /** Sequence number (1-based) of the action that last started the time limits: submit, dispatch, transfer or reopen. */
  clockEpoch: number;
  /** When that action happened. */
  clockStartedAt: Date;
}

/** The state after `action`, which is the `seq`-th entry of the log. */
export function applyAction(state: WorkOrderState | null, action: LoggedAction, seq: number): WorkOrderState {
  if (!state) {
    if (action.action !== 'submit') throw new Error(`a work order's log must start with submit, not ${action.action}`);
    return {
      status: action.departmentId ? 'dispatched' : 'awaiting_dispatch',
      departmentId: action.departmentId,
      assigneeId: null,
      escalationLevel: 0,
      acceptedAt: null,
      resolvedAt: null,
      closedAt: null,
      reopenCount: 0,
      transferCount: 0,
      rating: null,
      ratedBy: [],
      mergedInto: null,
      reportCount: 1,
      clockEpoch: seq,
      clockStartedAt: action.at,
    };
  }
  const restart = { clockEpoch: seq, clockStartedAt: action.at, escalationLevel: 0 };
  switch (action.action) {
    case 'submit':
      throw new Error('submit can only be the first action');
    case 'dispatch':
      return { ...state, status: 'dispatched', departmentId: action.departmentId, ...restart };
    case 'transfer':
      return {
        ...state,
        status: 'dispatched',
        departmentId: action.departmentId,
        assigneeId: null,
        acceptedAt: null,
        transferCount: state.transferCount + 1,
        ...restart,
      };
    case 'accept':
      return { ...state, status: 'accepted', acceptedAt: action.at };
    case 'assign':
      return {
        ...state,
        status: state.status === 'in_progress' ? 'in_progress' : 'assigned',
        assigneeId: action.assigneeId,
      };
    case 'start':
      return { ...state, status: 'in_progress' };
    case 'resolve':
      return { ...state, status: 'resolved', resolvedAt: action.at };
    case 'return_invalid':
      return { ...state, status: 'invalid', closedAt: action.at };
    case 'escalate':
      return { ...state, escalationLevel: action.escalation ?? Math.min(state.escalationLevel + 1, MAX_ESCALATION) };
    case 'warn':
      return state;
    case 'confirm':
    case 'close':
      return { ...state, status: 'closed', closedAt: action.at };
    case 'reopen':
      return {
        ...state,
        status: 'accepted',
        resolvedAt: null,
        reopenCount: state.reopenCount + 1,
        ...restart,
      };
    case 'rate':
      return {
        ...state,
        rating: state.rating ?? action.rating,
        ratedBy: action.actorId ? [...state.ratedBy, action.actorId] : state.ratedBy,
      };
    case 'merge':
      return { ...state, status: 'merged', mergedInto: action.targetId, closedAt: action.at };
    case 'link':
      return { ...state, reportCount: state.reportCount + 1 };
    case 'unlink':
      return { ...state, reportCount: Math.max(0, state.reportCount - 1) };
  }
}

/** The state a whole log leads to. */
export function deriveState(log: readonly LoggedAction[]): WorkOrderState {
  return foldLog(applyAction, log);
}

/** Why an action the table allows is still refused. */
export type GuardFailure =
  | 'REOPEN_WINDOW_PASSED'
  | 'ALREADY_RATED'
  | 'ESCALATION_AT_TOP'
  | 'TRANSFER_TO_SAME_DEPARTMENT';

/** The checks beyond the table: time windows, once-only actions, pointless moves. */
export function guard(
  state: WorkOrderState,
  action: WorkOrderActionName,
  context: { now: Date; actorId: string | null; departmentId?: string | null },
): GuardFailure | null {
  switch (action) {
    case 'reopen':
      return state.resolvedAt && context.now.getTime() - state.resolvedAt.getTime() > REOPEN_WINDOW_MS
        ? 'REOPEN_WINDOW_PASSED'
        : null;
    case 'rate':
      return context.actorId && state.ratedBy.includes(context.actorId) ? 'ALREADY_RATED' : null;
    case 'escalate':
      return state.escalationLevel >= MAX_ESCALATION ? 'ESCALATION_AT_TOP' : null;
    case 'transfer':
      return context.departmentId && context.departmentId === state.departmentId ? 'TRANSFER_TO_SAME_DEPARTMENT' : null;
    default:
      return null;
  }
}

/** The actions `parties` may take now, in the table's order (what a 409 lists and a client shows as buttons). */
export function allowedActions(
  state: WorkOrderState,
  parties: ReadonlySet<Party>,
  context: { now: Date; actorId: string | null },
): WorkOrderActionName[] {
  return allowedByTable(
    workflow,
    state.status,
    parties,
    (action) => guard(state, action, { ...context, departmentId: null }) !== null,
  );
}

/** Whether `parties` may take `action` in `state` according to the table (guards aside). */
export function tableAllows(state: WorkOrderState, action: WorkOrderActionName, parties: ReadonlySet<Party>): boolean {
  return tableAllowsGeneric(workflow, state.status, action, parties);
}
