/**
 * The workflow engine's commands. Each runs in the caller's transaction: it locks the instance,
 * folds its log, checks the tables and the actor's part, appends the action (and what follows
 * from it: the next stage's tasks), rewrites the projection (instance and tasks, with their
 * deadlines on the city's working calendar), starts the timers of new deadlines and records the
 * outbox events — all of it committing or rolling back with the caller's own writes. Each
 * returns what happened, so that the caller can react in the same transaction (issue a
 * certificate on approval, notify the applicant of a request for more material).
 */
import type { Kysely, Transaction } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../db/schema.ts';
import { recordEvent } from '../events/outbox.ts';
import { AppError } from '../http/errors.ts';
import { calendarFor } from '../time/calendar-repository.ts';
import type { Clock } from '../time/clock.ts';
import type { WorkingCalendar } from '../time/working-days.ts';
import { civilPauses, countingStart, type Due, dueOf } from './deadlines.ts';
import { OTHER_DEPARTMENT_PREFIX, stagesOf, type WorkflowStep } from './definition.ts';
import { instanceStatusLabels, taskStatusLabels, workflowActionList } from './labels.ts';
import { actionNotAllowed } from './machine.ts';
import {
  allowedInstanceActions,
  allowedTaskActions,
  applyEntry,
  deriveInstance,
  FINAL_INSTANCE_STATUSES,
  FINAL_TASK_STATUSES,
  type FoldShape,
  guardInstanceAction,
  guardTaskAction,
  type InstanceState,
  instanceAllows,
  type LoggedAction,
  type TaskState,
  taskAllows,
  type WorkflowActionName,
} from './model.ts';
import { type Applicant, instanceParties, taskParties, type WorkflowActor } from './policy.ts';
import { findDefinition } from './repository.ts';
import { type StoredPause, workflowDb } from './schema.ts';
import { INSTANCE_TIMER_JOB, instanceStages, startTimer, TASK_TIMER_JOB, taskStages } from './timers.ts';
import {
  type ActionRow,
  type InstanceRow,
  type InstanceView,
  type TaskRow,
  type TaskView,
  type TimelineEntry,
  toInstanceView,
  toTaskView,
  toTimelineEntry,
} from './views.ts';

/** What the engine needs from its host: the clock (a Platform fits). */
export interface WorkflowDeps {
  clock: Clock;
}

/** The `source` of the engine's events. */
export const WORKFLOW_EVENT_SOURCE = '/onecity/workflow';

/** Longest reason (理由) accepted. */
export const MAX_REASON = 1000;
/** Longest message (意见, 告知说明) accepted. */
export const MAX_MESSAGE = 4000;
/** Most materials one request for more material may list. */
export const MAX_MATERIALS = 50;
/** Largest supplement payload, as JSON text. */
export const MAX_PAYLOAD_CHARS = 100_000;
/** Longest time limit accepted, in working days (ten years). */
const MAX_LIMIT_DAYS = 2500;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` can be an id of the engine's rows or of a department (uuid columns refuse anything else). */
export function isUuid(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}

/** One thing the applicant must supply (补正材料). */
export interface MaterialRequest {
  /** The material's code in the caller's catalog, when it has one. */
  code?: string | null;
  name: string;
  note?: string | null;
}

/** What {@link startWorkflow} needs. */
export interface StartWorkflowInput {
  cityId: string;
  /** The definition by code (latest version unless `version` is given). */
  definition: { code: string; version?: number };
  /** What the workflow decides about, e.g. `{ type: 'application', id }`. */
  subject: { type: string; id: string };
  applicant: Applicant;
  /** Department key of the steps → department id (e.g. `{ service: '…' }`); `other:<code>` keys resolve by code when absent. */
  departments?: Record<string, string>;
  /** The overall limits in working days: promised (承诺) and legal (法定). */
  limits?: { promisedDays?: number | null; legalDays?: number | null };
  /** Who submitted (the applicant, staff at a counter); the system when absent. */
  actor?: WorkflowActor;
  /** A note for the timeline. */
  message?: string | null;
}

/** The optimistic check every action can carry. */
interface Expected {
  /** The instance's `version` the caller saw; a different current version is a 409 WORKFLOW_CHANGED. */
  expectedVersion?: number;
}

/** A staff action on a task. */
export type TaskActionInput = {
  cityId: string;
  taskId: string;
  actor: WorkflowActor;
} & Expected &
  (
    | { action: 'approve'; message?: string | null }
    | { action: 'reject'; reason: string; message?: string | null }
    | { action: 'request_material'; message: string; materials: MaterialRequest[] }
    | { action: 'transfer'; toDepartmentId: string; reason: string }
  );

/** An applicant's action on an instance. */
export type InstanceActionInput = {
  cityId: string;
  instanceId: string;
  actor: WorkflowActor;
} & Expected &
  (
    | { action: 'supplement'; payload?: Record<string, unknown> | null; message?: string | null }
    | { action: 'withdraw'; reason?: string | null }
  );

/** How an instance ended. */
export type Outcome = 'approved' | 'rejected' | 'withdrawn';

/** What a command did. */
export interface WorkflowResult {
  instance: InstanceView;
  /** Every task of the instance after the command. */
  tasks: TaskView[];
  /** The entries appended, the command's own first, then what followed from it (tasks opened). */
  appended: TimelineEntry[];
  /** Set when this command ended the instance. */
  completed: Outcome | null;
  openedTasks: TaskView[];
  /** Tasks that reached approved, rejected or cancelled in this command. */
  closedTasks: TaskView[];
  /** The clock stopped (a request for more material paused a running instance). */
  paused: boolean;
  /** The clock runs again (the applicant supplied the material). */
  resumed: boolean;
}

/** An entry to append, with what only the timeline needs. */
interface NewEntry extends LoggedAction {
  id: string;
  reason: string | null;
  message: string | null;
  details: unknown;
}

/** An instance locked and folded. */
export interface LoadedInstance {
  row: InstanceRow;
  steps: WorkflowStep[];
  shape: FoldShape;
  /** Null only while an instance is being started. */
  state: InstanceState | null;
  tasks: Map<string, TaskRow>;
  calendar: WorkingCalendar;
}

/** A loaded instance with its state (any instance past its start). */
export type StartedInstance = LoadedInstance & { state: InstanceState };

// ---------------------------------------------------------------------------------------------
// Loading

/** A log row as the fold reads it. */
export function toLogged(row: ActionRow): LoggedAction {
  return {
    action: row.action as WorkflowActionName,
    taskId: row.task_id,
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    departmentId: row.department_id,
    stepIndex: row.step_index,
    level: row.level,
    at: row.created_at,
  };
}

/** The working calendar of a city; an unknown city is a 404. */
export async function cityCalendar(db: Kysely<Database>, cityId: string): Promise<WorkingCalendar> {
  const calendar = await calendarFor(db, cityId);
  if (!calendar) throw new AppError('CITY_NOT_FOUND', { city: cityId });
  return calendar;
}

/**
 * Loads an instance of the city (locked FOR UPDATE when `lock`, so that commands on one instance
 * serialise) with its definition's steps, its tasks and its state folded from the log.
 */
export async function loadInstance(
  db: Kysely<Database>,
  cityId: string,
  instanceId: string,
  lock: boolean,
): Promise<StartedInstance | null> {
  if (!isUuid(instanceId)) return null;
  const wdb = workflowDb(db);
  let q = wdb.selectFrom('workflow_instances').selectAll().where('city_id', '=', cityId).where('id', '=', instanceId);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) return null;
  const [definition, log, tasks, calendar] = await Promise.all([
    wdb
      .selectFrom('workflow_definitions')
      .select('steps')
      .where('id', '=', row.definition_id)
      .executeTakeFirstOrThrow(),
    wdb.selectFrom('workflow_actions').selectAll().where('instance_id', '=', row.id).orderBy('seq').execute(),
    wdb.selectFrom('workflow_tasks').selectAll().where('instance_id', '=', row.id).execute(),
    cityCalendar(db, cityId),
  ]);
  // Under the row lock this never differs; without one it catches a writer in between.
  if (log.length !== row.last_seq) throw new AppError('WORKFLOW_CHANGED');
  const shape = { stages: stagesOf(definition.steps) };
  return {
    row,
    steps: definition.steps,
    shape,
    state: deriveInstance(shape, log.map(toLogged)),
    tasks: new Map(tasks.map((t) => [t.id, t])),
    calendar,
  };
}

// ---------------------------------------------------------------------------------------------
// Commands

/**
 * Starts an instance of the latest (or given) version of a definition in the caller's
 * transaction: resolves the steps' departments, records the start, opens the first stage's
 * tasks with their deadlines and timers, and records the events.
 */
export async function startWorkflow(
  trx: Transaction<Database>,
  deps: WorkflowDeps,
  input: StartWorkflowInput,
): Promise<WorkflowResult> {
  const now = deps.clock.now();
  const promisedDays = checkLimit(input.limits?.promisedDays);
  const legalDays = checkLimit(input.limits?.legalDays);
  if (promisedDays !== null && legalDays !== null && promisedDays > legalDays) {
    throw new AppError('WORKFLOW_LIMITS_INVALID');
  }
  checkSubject(input);
  const message = optionalText(input.message, 'message', MAX_MESSAGE);
  const definition = await findDefinition(trx, input.cityId, input.definition.code, input.definition.version);
  if (!definition) throw new AppError('WORKFLOW_DEFINITION_NOT_FOUND', { definition: input.definition.code });
  const calendar = await cityCalendar(trx, input.cityId);
  const departments = await resolveDepartments(trx, input.cityId, definition.steps, input.departments ?? {});
  const shape = { stages: stagesOf(definition.steps) };
  const id = uuidv7();
  const row = await workflowDb(trx)
    .insertInto('workflow_instances')
    .values({
      id,
      city_id: input.cityId,
      definition_id: definition.id,
      definition_code: definition.code,
      definition_version: definition.version,
      subject_type: input.subject.type,
      subject_id: input.subject.id,
      applicant_kind: input.applicant.kind,
      applicant_id: input.applicant.id,
      departments: JSON.stringify(departments),
      promised_days: promisedDays,
      legal_days: legalDays,
      started_on: countingStart(calendar, now),
      status: 'in_progress',
      stage: 0,
      stage_count: shape.stages.length,
      clock_epoch: 1,
      pauses: JSON.stringify([]),
      promised_due_on: null,
      promised_due_at: null,
      legal_due_on: null,
      legal_due_at: null,
      completed_at: null,
      last_seq: 0,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const loaded: LoadedInstance = { row, steps: definition.steps, shape, state: null, tasks: new Map(), calendar };
  const actor = input.actor ?? { kind: 'system' as const };
  return commit(trx, deps, loaded, [entry(now, 'start', actor, { message })]);
}

/**
 * A staff member's action on a task: approve, reject (ends the instance; other open tasks are
 * cancelled), request_material (补正: the instance's clock stops until the applicant answers),
 * transfer (the task moves to another department). Wrong department or role → 403; an action the
 * table forbids now → 409 WORKFLOW_ACTION_NOT_ALLOWED with `currentStatus` and `allowedActions`.
 */
export async function actOnTask(
  trx: Transaction<Database>,
  deps: WorkflowDeps,
  input: TaskActionInput,
): Promise<WorkflowResult> {
  const details = taskActionDetails(input);
  if (!isUuid(input.taskId)) throw new AppError('WORKFLOW_TASK_NOT_FOUND');
  const found = await workflowDb(trx)
    .selectFrom('workflow_tasks')
    .select('instance_id')
    .where('city_id', '=', input.cityId)
    .where('id', '=', input.taskId)
    .executeTakeFirst();
  if (!found) throw new AppError('WORKFLOW_TASK_NOT_FOUND');
  const loaded = await loadInstance(trx, input.cityId, found.instance_id, true);
  if (!loaded) throw new AppError('WORKFLOW_TASK_NOT_FOUND');
  checkVersion(loaded, input.expectedVersion);
  const task = taskOf(loaded, input.taskId);
  const parties = taskParties(input.actor, taskScope(loaded, task));
  if (parties.size === 0) throw new AppError('WORKFLOW_NOT_YOUR_TASK');
  if (!taskAllows(task, input.action, parties)) {
    throw actionNotAllowed({
      code: 'WORKFLOW_ACTION_NOT_ALLOWED',
      status: task.status,
      action: input.action,
      allowed: allowedTaskActions(loaded.state, task, parties),
      statusLabel: taskStatusLabels[task.status],
      actionList: workflowActionList,
      extensions: { taskId: task.id, instanceStatus: loaded.state.status },
    });
  }
  let departmentId: string | null = null;
  if (input.action === 'transfer') {
    departmentId = input.toDepartmentId;
    await checkDepartments(trx, input.cityId, [departmentId]);
    const failure = guardTaskAction(loaded.state, task, 'transfer', { departmentId });
    if (failure === 'WORKFLOW_TRANSFER_SAME_DEPARTMENT') throw new AppError(failure);
  }
  const now = deps.clock.now();
  return commit(trx, deps, loaded, [
    entry(now, input.action, input.actor, { taskId: task.id, departmentId, ...details }),
  ]);
}

/**
 * The applicant's action on an instance: supplement (answers a request for more material with a
 * payload; the clock runs again and every deadline moves out by the working days it stood
 * still) or withdraw (before completion; open tasks are cancelled). Anyone else → 403.
 */
export async function actOnInstance(
  trx: Transaction<Database>,
  deps: WorkflowDeps,
  input: InstanceActionInput,
): Promise<WorkflowResult> {
  const details = instanceActionDetails(input);
  const loaded = await loadInstance(trx, input.cityId, input.instanceId, true);
  if (!loaded) throw new AppError('WORKFLOW_INSTANCE_NOT_FOUND');
  checkVersion(loaded, input.expectedVersion);
  const parties = instanceParties(input.actor, applicantOf(loaded.row));
  if (parties.size === 0) throw new AppError('WORKFLOW_NOT_APPLICANT');
  if (!instanceAllows(loaded.state, input.action, parties)) {
    throw actionNotAllowed({
      code: 'WORKFLOW_ACTION_NOT_ALLOWED',
      status: loaded.state.status,
      action: input.action,
      allowed: allowedInstanceActions(loaded.state, parties),
      statusLabel: instanceStatusLabels[loaded.state.status],
      actionList: workflowActionList,
    });
  }
  const now = deps.clock.now();
  return commit(trx, deps, loaded, [entry(now, input.action, input.actor, details)]);
}

/**
 * A timer's warning or escalation on a task (`taskId`) or on the instance (null), if the table
 * and its guards allow it now; null when they do not (the stage no longer applies).
 */
export async function applyTimerAction(
  trx: Transaction<Database>,
  deps: WorkflowDeps,
  loaded: StartedInstance,
  target: { taskId: string | null; action: 'warn' | 'escalate'; level: number | null },
): Promise<WorkflowResult | null> {
  const system = { kind: 'system' as const };
  if (target.taskId) {
    const task = taskOf(loaded, target.taskId);
    const parties = taskParties(system, taskScope(loaded, task));
    if (!taskAllows(task, target.action, parties)) return null;
    if (guardTaskAction(loaded.state, task, target.action, { level: target.level }) !== null) return null;
  } else {
    const parties = instanceParties(system, applicantOf(loaded.row));
    if (!instanceAllows(loaded.state, target.action, parties)) return null;
    if (guardInstanceAction(loaded.state, target.action, { level: target.level }) !== null) return null;
  }
  const now = deps.clock.now();
  return commit(trx, deps, loaded, [
    entry(now, target.action, system, {
      taskId: target.taskId,
      level: target.action === 'escalate' ? target.level : null,
    }),
  ]);
}

// ---------------------------------------------------------------------------------------------
// The commit: append, project, time, publish

async function commit(
  trx: Transaction<Database>,
  deps: WorkflowDeps,
  loaded: LoadedInstance,
  entries: NewEntry[],
): Promise<WorkflowResult> {
  const now = deps.clock.now();
  const { shape, steps, calendar } = loaded;
  const wdb = workflowDb(trx);
  const before = loaded.state;
  const departments = loaded.row.departments;
  let state = before;
  const written: NewEntry[] = [];
  for (const e of entries) {
    const stageBefore = state?.stage ?? null;
    state = applyEntry(shape, state, e);
    written.push(e);
    // A new stage (or the first): its steps' tasks open now, in the same commit.
    if (!FINAL_INSTANCE_STATUSES.includes(state.status) && state.stage !== stageBefore) {
      for (const stepIndex of shape.stages[state.stage] ?? []) {
        const step = steps[stepIndex] as WorkflowStep;
        const open = entry(
          now,
          'open',
          { kind: 'system' },
          {
            taskId: uuidv7(),
            departmentId: departments[step.department] ?? null,
            stepIndex,
          },
        );
        state = applyEntry(shape, state, open);
        written.push(open);
      }
    }
  }
  const after = state as InstanceState;
  const row = loaded.row;
  const epochMoved = before === null || before.clockEpoch !== after.clockEpoch;
  const running = after.status === 'in_progress';
  const pauses = civilPauses(calendar, after.pauses);

  // The instance's deadlines move only with the clock epoch (start, pause, resumption).
  let promised: Due = { dueOn: row.promised_due_on, dueAt: row.promised_due_at };
  let legal: Due = { dueOn: row.legal_due_on, dueAt: row.legal_due_at };
  if (epochMoved && !FINAL_INSTANCE_STATUSES.includes(after.status)) {
    const limit = (days: number | null): Due =>
      days !== null && running ? dueOf(calendar, row.started_on, days, pauses) : { dueOn: null, dueAt: null };
    promised = limit(row.promised_days);
    legal = limit(row.legal_days);
  }
  const newRow: InstanceRow = {
    ...row,
    status: after.status,
    stage: after.stage,
    clock_epoch: after.clockEpoch,
    pauses: storedPauses(after),
    escalation_level: after.escalationLevel,
    warned: after.warned,
    transfer_count: after.transferCount,
    promised_due_on: promised.dueOn,
    promised_due_at: promised.dueAt,
    legal_due_on: legal.dueOn,
    legal_due_at: legal.dueAt,
    completed_at: after.completedAt,
    last_seq: row.last_seq + written.length,
    updated_at: now,
  };
  const updated = await wdb
    .updateTable('workflow_instances')
    .set({
      status: newRow.status,
      stage: newRow.stage,
      clock_epoch: newRow.clock_epoch,
      pauses: JSON.stringify(newRow.pauses),
      escalation_level: newRow.escalation_level,
      warned: newRow.warned,
      transfer_count: newRow.transfer_count,
      promised_due_on: newRow.promised_due_on,
      promised_due_at: newRow.promised_due_at,
      legal_due_on: newRow.legal_due_on,
      legal_due_at: newRow.legal_due_at,
      completed_at: newRow.completed_at,
      last_seq: newRow.last_seq,
      updated_at: now,
    })
    .where('id', '=', row.id)
    .where('last_seq', '=', row.last_seq)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('WORKFLOW_CHANGED');

  // Tasks: new ones inserted, changed ones rewritten; deadlines again only with the epoch.
  const taskRows: TaskRow[] = [];
  const opened: TaskRow[] = [];
  for (const t of after.tasks) {
    const old = loaded.tasks.get(t.id);
    const step = steps[t.stepIndex] as WorkflowStep;
    const openedOn = old?.opened_on ?? countingStart(calendar, t.openedAt);
    let due: Due = old ? { dueOn: old.due_on, dueAt: old.due_at } : { dueOn: null, dueAt: null };
    if (!FINAL_TASK_STATUSES.includes(t.status) && (!old || epochMoved)) {
      const days = step.limitDays ?? null;
      due = days !== null && running ? dueOf(calendar, openedOn, days, pauses) : { dueOn: null, dueAt: null };
    }
    const changed = old === undefined || taskChanged(old, t, due);
    const next = taskRow(row, step, t, openedOn, due, changed || !old ? now : old.updated_at);
    taskRows.push(next);
    if (!old) {
      opened.push(next);
      await wdb.insertInto('workflow_tasks').values(next).execute();
    } else if (changed) {
      await wdb
        .updateTable('workflow_tasks')
        .set({
          department_id: next.department_id,
          status: next.status,
          due_on: next.due_on,
          due_at: next.due_at,
          escalation_level: next.escalation_level,
          warned: next.warned,
          transfer_count: next.transfer_count,
          completed_at: next.completed_at,
          completed_by: next.completed_by,
          updated_at: now,
        })
        .where('id', '=', t.id)
        .execute();
    }
  }

  const actionRows: ActionRow[] = written.map((e, i) => ({
    id: e.id,
    city_id: row.city_id,
    instance_id: row.id,
    seq: row.last_seq + i + 1,
    task_id: e.taskId,
    action: e.action,
    actor_kind: e.actorKind,
    actor_id: e.actorId,
    department_id: e.departmentId,
    step_index: e.stepIndex,
    level: e.level,
    reason: e.reason,
    message: e.message,
    details: e.details ?? null,
    created_at: e.at,
  }));
  await wdb
    .insertInto('workflow_actions')
    .values(actionRows.map((a) => ({ ...a, details: a.details === null ? null : JSON.stringify(a.details) })))
    .execute();

  // Timers: a new epoch restarts every chain; otherwise only new tasks start theirs.
  if (running) {
    const position = (subjectId: string) => ({ subjectId, cityId: row.city_id, epoch: after.clockEpoch });
    if (epochMoved) await startTimer(trx, INSTANCE_TIMER_JOB, instanceStages(calendar, newRow), position(row.id));
    for (const t of taskRows) {
      if (t.status !== 'open' || !(epochMoved || opened.includes(t))) continue;
      await startTimer(trx, TASK_TIMER_JOB, taskStages(calendar, t), position(t.id));
    }
  }

  const view = (t: TaskRow) => toTaskView(t, newRow, calendar, now);
  const closed = taskRows.filter(
    (t) =>
      FINAL_TASK_STATUSES.includes(t.status) && !FINAL_TASK_STATUSES.includes(loaded.tasks.get(t.id)?.status ?? 'open'),
  );
  const stepCodes = new Map(taskRows.map((t) => [t.id, t.step_code]));
  const wasFinal = before !== null && FINAL_INSTANCE_STATUSES.includes(before.status);
  const result: WorkflowResult = {
    instance: toInstanceView(newRow, calendar, now),
    tasks: taskRows.map(view),
    appended: actionRows.map((a) => toTimelineEntry(a, stepCodes)),
    completed: !wasFinal && FINAL_INSTANCE_STATUSES.includes(after.status) ? (after.status as Outcome) : null,
    openedTasks: opened.map(view),
    closedTasks: closed.map(view),
    paused: before?.status !== 'paused' && after.status === 'paused',
    resumed: before?.status === 'paused' && after.status === 'in_progress',
  };
  await publish(trx, deps, newRow, written, result, taskRows);
  return result;
}

/** The outbox events of a commit, in the order things happened. */
async function publish(
  trx: Transaction<Database>,
  deps: WorkflowDeps,
  row: InstanceRow,
  written: NewEntry[],
  result: WorkflowResult,
  tasks: TaskRow[],
): Promise<void> {
  const base = {
    instanceId: row.id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    definitionCode: row.definition_code,
    definitionVersion: row.definition_version,
    applicantKind: row.applicant_kind,
    applicantId: row.applicant_id,
  };
  const emit = (type: string, data: Record<string, unknown>) =>
    recordEvent(
      trx,
      { type, source: WORKFLOW_EVENT_SOURCE, subject: row.id, cityId: row.city_id, data: { ...base, ...data } },
      deps.clock,
    );
  const taskById = new Map(tasks.map((t) => [t.id, t]));
  const taskData = (id: string | null) => {
    const t = id ? taskById.get(id) : undefined;
    return t
      ? {
          taskId: t.id,
          stepCode: t.step_code,
          role: t.role,
          departmentId: t.department_id,
          dueOn: t.due_on,
          dueAt: t.due_at,
        }
      : {};
  };
  for (const e of written) {
    switch (e.action) {
      case 'start':
        await emit('workflow.instance.started', {
          promisedDueOn: row.promised_due_on,
          legalDueOn: row.legal_due_on,
        });
        break;
      case 'open':
        await emit('workflow.task.opened', taskData(e.taskId));
        break;
      case 'transfer':
        await emit('workflow.task.transferred', { ...taskData(e.taskId), reason: e.reason });
        break;
      case 'request_material':
        await emit('workflow.task.material_requested', {
          ...taskData(e.taskId),
          message: e.message,
          details: e.details,
        });
        break;
      case 'warn':
        await emit(e.taskId ? 'workflow.task.warned' : 'workflow.instance.warned', taskData(e.taskId));
        break;
      case 'escalate': {
        // Level 1 goes to the supervisors of the department(s) concerned, level 2 to the operations centre.
        const departmentIds = e.taskId
          ? [taskById.get(e.taskId)?.department_id]
          : [...new Set(tasks.filter((t) => t.status === 'open').map((t) => t.department_id))];
        await emit(e.taskId ? 'workflow.task.escalated' : 'workflow.instance.escalated', {
          ...taskData(e.taskId),
          level: e.level,
          notify: e.level === 1 ? 'department_supervisors' : 'operations_centre',
          departmentIds,
        });
        break;
      }
      default:
        break;
    }
  }
  for (const t of result.closedTasks) {
    await emit('workflow.task.completed', { ...taskData(t.id), outcome: t.status });
  }
  if (result.paused) await emit('workflow.instance.paused', { since: row.updated_at });
  if (result.resumed) {
    await emit('workflow.instance.resumed', { promisedDueOn: row.promised_due_on, legalDueOn: row.legal_due_on });
  }
  if (result.completed) await emit('workflow.instance.completed', { outcome: result.completed });
}

// ---------------------------------------------------------------------------------------------
// Helpers

function entry(
  at: Date,
  action: WorkflowActionName,
  actor: WorkflowActor,
  fields: Partial<Pick<NewEntry, 'taskId' | 'departmentId' | 'stepIndex' | 'level' | 'reason' | 'message' | 'details'>>,
): NewEntry {
  return {
    id: uuidv7(),
    action,
    taskId: fields.taskId ?? null,
    actorKind: actor.kind,
    actorId: actor.kind === 'system' ? null : actor.id,
    departmentId: fields.departmentId ?? null,
    stepIndex: fields.stepIndex ?? null,
    level: fields.level ?? null,
    reason: fields.reason ?? null,
    message: fields.message ?? null,
    details: fields.details ?? null,
    at,
  };
}

function taskRow(
  instance: InstanceRow,
  step: WorkflowStep,
  t: TaskState,
  openedOn: string,
  due: Due,
  updatedAt: Date,
): TaskRow {
  return {
    id: t.id,
    city_id: instance.city_id,
    instance_id: instance.id,
    step_index: t.stepIndex,
    step_code: step.code,
    step_name_zh: step.name.zh,
    step_name_en: step.name.en,
    stage: t.stage,
    role: step.role,
    parallel_group: step.parallelGroup ?? null,
    limit_days: step.limitDays ?? null,
    department_id: t.departmentId,
    status: t.status,
    opened_at: t.openedAt,
    opened_on: openedOn,
    due_on: due.dueOn,
    due_at: due.dueAt,
    escalation_level: t.escalationLevel,
    warned: t.warned,
    transfer_count: t.transferCount,
    completed_at: t.completedAt,
    completed_by: t.completedBy,
    updated_at: updatedAt,
  };
}

/** Whether the fold (or a new deadline) changed anything stored on a task row. */
function taskChanged(old: TaskRow, t: TaskState, due: Due): boolean {
  return (
    old.department_id !== t.departmentId ||
    old.status !== t.status ||
    old.due_on !== due.dueOn ||
    old.escalation_level !== t.escalationLevel ||
    old.warned !== t.warned ||
    old.transfer_count !== t.transferCount ||
    old.completed_by !== t.completedBy ||
    (old.completed_at?.getTime() ?? null) !== (t.completedAt?.getTime() ?? null)
  );
}

function storedPauses(state: InstanceState): StoredPause[] {
  return state.pauses.map((p) => ({ from: p.from.toISOString(), to: p.to ? p.to.toISOString() : null }));
}

function taskOf(loaded: StartedInstance, taskId: string): TaskState {
  const task = loaded.state.tasks.find((t) => t.id === taskId);
  if (!task) throw new AppError('WORKFLOW_TASK_NOT_FOUND');
  return task;
}

function taskScope(loaded: LoadedInstance, task: TaskState) {
  const step = loaded.steps[task.stepIndex] as WorkflowStep;
  return { cityId: loaded.row.city_id, departmentId: task.departmentId, role: step.role };
}

function applicantOf(row: InstanceRow): Applicant {
  return { kind: row.applicant_kind, id: row.applicant_id };
}

function checkVersion(loaded: LoadedInstance, expected: number | undefined) {
  if (expected !== undefined && expected !== loaded.row.last_seq) throw new AppError('WORKFLOW_CHANGED');
}

function checkLimit(days: number | null | undefined): number | null {
  if (days === undefined || days === null) return null;
  if (!Number.isInteger(days) || days < 0 || days > MAX_LIMIT_DAYS) throw new AppError('WORKFLOW_LIMITS_INVALID');
  return days;
}

function checkSubject(input: StartWorkflowInput) {
  const fields: Array<[string, unknown]> = [
    ['subject.type', input.subject?.type],
    ['subject.id', input.subject?.id],
    ['applicant.id', input.applicant?.id],
  ];
  for (const [field, value] of fields) {
    if (typeof value !== 'string' || value.length === 0)
      throw new AppError('VALIDATION_FAILED', {}, { errors: [{ field, message: 'required' }] });
    if (value.length > 200) throw new AppError('WORKFLOW_TEXT_TOO_LONG', { field, max: 200 });
  }
  if (input.applicant.kind !== 'citizen' && input.applicant.kind !== 'enterprise') {
    throw new AppError(
      'VALIDATION_FAILED',
      {},
      { errors: [{ field: 'applicant.kind', message: 'citizen or enterprise' }] },
    );
  }
}

function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  const text = String(value).trim();
  if (text.length > max) throw new AppError('WORKFLOW_TEXT_TOO_LONG', { field, max });
  return text === '' ? null : text;
}

function requiredReason(value: string | null | undefined, action: WorkflowActionName): string {
  const text = optionalText(value, 'reason', MAX_REASON);
  if (text === null) throw new AppError('WORKFLOW_REASON_REQUIRED', { action: workflowActionList([action]) });
  return text;
}

/** The timeline fields of a staff action, validated (bad input is a 400 before anything is read). */
function taskActionDetails(input: TaskActionInput): Pick<NewEntry, 'reason' | 'message' | 'details'> {
  switch (input.action) {
    case 'approve':
      return { reason: null, message: optionalText(input.message, 'message', MAX_MESSAGE), details: null };
    case 'reject':
      return {
        reason: requiredReason(input.reason, 'reject'),
        message: optionalText(input.message, 'message', MAX_MESSAGE),
        details: null,
      };
    case 'transfer':
      if (typeof input.toDepartmentId !== 'string' || input.toDepartmentId === '') {
        throw new AppError('WORKFLOW_DEPARTMENT_NOT_FOUND', { department: String(input.toDepartmentId ?? '') });
      }
      return { reason: requiredReason(input.reason, 'transfer'), message: null, details: null };
    case 'request_material': {
      const message = optionalText(input.message, 'message', MAX_MESSAGE);
      const list = Array.isArray(input.materials) ? input.materials : [];
      if (message === null || list.length === 0 || list.length > MAX_MATERIALS) {
        throw new AppError('WORKFLOW_MATERIALS_REQUIRED', { max: MAX_MATERIALS });
      }
      const materials = list.map((m, i) => {
        const name = optionalText(m?.name, `materials.${i}.name`, 200);
        if (name === null) throw new AppError('WORKFLOW_MATERIALS_REQUIRED', { max: MAX_MATERIALS });
        return {
          code: optionalText(m.code, `materials.${i}.code`, 120),
          name,
          note: optionalText(m.note, `materials.${i}.note`, 1000),
        };
      });
      return { reason: null, message, details: { materials } };
    }
  }
}

/** The timeline fields of an applicant's action, validated. */
function instanceActionDetails(input: InstanceActionInput): Pick<NewEntry, 'reason' | 'message' | 'details'> {
  if (input.action === 'withdraw') {
    return { reason: optionalText(input.reason, 'reason', MAX_REASON), message: null, details: null };
  }
  const payload = input.payload ?? {};
  if (typeof payload !== 'object' || Array.isArray(payload)) {
    throw new AppError('VALIDATION_FAILED', {}, { errors: [{ field: 'payload', message: 'an object' }] });
  }
  if (JSON.stringify(payload).length > MAX_PAYLOAD_CHARS) {
    throw new AppError('WORKFLOW_TEXT_TOO_LONG', { field: 'payload', max: MAX_PAYLOAD_CHARS });
  }
  return { reason: null, message: optionalText(input.message, 'message', MAX_MESSAGE), details: { payload } };
}

/** Refuses department ids that are not the city's. */
async function checkDepartments(db: Kysely<Database>, cityId: string, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const malformed = unique.find((id) => !isUuid(id));
  if (malformed !== undefined) throw new AppError('WORKFLOW_DEPARTMENT_NOT_FOUND', { department: malformed });
  const rows = await db
    .selectFrom('departments')
    .select('id')
    .where('city_id', '=', cityId)
    .where('id', 'in', unique)
    .execute();
  const known = new Set(rows.map((r) => r.id));
  const missing = unique.find((id) => !known.has(id));
  if (missing !== undefined) throw new AppError('WORKFLOW_DEPARTMENT_NOT_FOUND', { department: missing });
}

/** Department key → id for every key the steps use: given by the caller, or `other:<code>` looked up by code. */
async function resolveDepartments(
  db: Kysely<Database>,
  cityId: string,
  steps: readonly WorkflowStep[],
  given: Record<string, string>,
): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {};
  const byCode = new Map<string, string>();
  const codes = steps
    .map((s) => s.department)
    .filter((k) => !Object.hasOwn(given, k) && k.startsWith(OTHER_DEPARTMENT_PREFIX))
    .map((k) => k.slice(OTHER_DEPARTMENT_PREFIX.length));
  if (codes.length > 0) {
    const rows = await db
      .selectFrom('departments')
      .select(['id', 'code'])
      .where('city_id', '=', cityId)
      .where('code', 'in', [...new Set(codes)])
      .execute();
    for (const r of rows) byCode.set(r.code, r.id);
  }
  for (const step of steps) {
    const key = step.department;
    const id = Object.hasOwn(given, key)
      ? given[key]
      : key.startsWith(OTHER_DEPARTMENT_PREFIX)
        ? byCode.get(key.slice(OTHER_DEPARTMENT_PREFIX.length))
        : undefined;
    if (typeof id !== 'string' || id === '') {
      throw new AppError('WORKFLOW_DEPARTMENT_UNRESOLVED', { step: step.code, department: key });
    }
    resolved[key] = id;
  }
  await checkDepartments(db, cityId, Object.values(resolved));
  return resolved;
}
