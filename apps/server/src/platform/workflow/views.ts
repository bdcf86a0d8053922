/**
 * What callers get back: instances, tasks and timeline entries shaped for queues, detail pages
 * and the caller's own reactions, with due times and what is left of each limit today.
 */
import type { Selectable } from 'kysely';
import type { WorkingCalendar } from '../time/working-days.ts';
import { civilPauses, remainingWorkingDays } from './deadlines.ts';
import type { Names, WorkflowRole } from './definition.ts';
import {
  FINAL_INSTANCE_STATUSES,
  FINAL_TASK_STATUSES,
  type InstanceStatus,
  type PauseSpan,
  type TaskStatus,
  type WorkflowActionName,
} from './model.ts';
import type { Applicant } from './policy.ts';
import type { StoredPause, WorkflowActionsTable, WorkflowInstancesTable, WorkflowTasksTable } from './schema.ts';

/** An instance row as read. */
export type InstanceRow = Selectable<WorkflowInstancesTable>;
/** A task row as read. */
export type TaskRow = Selectable<WorkflowTasksTable>;
/** An action row as read. */
export type ActionRow = Selectable<WorkflowActionsTable>;

/** A task for staff queues and detail pages. */
export interface TaskView {
  id: string;
  instanceId: string;
  cityId: string;
  subject: { type: string; id: string };
  definition: { code: string; version: number };
  step: {
    index: number;
    code: string;
    name: Names;
    role: WorkflowRole;
    parallelGroup: string | null;
    stage: number;
    limitDays: number | null;
  };
  departmentId: string;
  status: TaskStatus;
  openedAt: Date;
  /** The day the limit counts from (its first counted day is the next working day). */
  openedOn: string;
  /** Last working day of the step's limit; null without a limit or while the clock stands still. */
  dueOn: string | null;
  /** When that day ends in the city's time zone. */
  dueAt: Date | null;
  /** Working days left after today (0: due today; negative: overdue); null without a limit or once done. */
  remainingWorkingDays: number | null;
  overdue: boolean;
  /** The instance's clock stands still (补正): this task's deadline is suspended. */
  paused: boolean;
  escalationLevel: number;
  warned: boolean;
  transferCount: number;
  completedAt: Date | null;
  completedBy: string | null;
}

/** An instance without its tasks and timeline. */
export interface InstanceView {
  id: string;
  cityId: string;
  definition: { id: string; code: string; version: number };
  subject: { type: string; id: string };
  applicant: Applicant;
  status: InstanceStatus;
  /** Index of the stage being worked on, of `stageCount`. */
  stage: number;
  stageCount: number;
  /** Department key → department id, as resolved at the start. */
  departments: Record<string, string>;
  limits: { promisedDays: number | null; legalDays: number | null };
  /** The day of acceptance: limits count from the next working day. */
  startedOn: string;
  promisedDueOn: string | null;
  promisedDueAt: Date | null;
  legalDueOn: string | null;
  legalDueAt: Date | null;
  /** Working days left of the promised limit (the legal one when nothing was promised) after today. */
  remainingWorkingDays: number | null;
  overdue: boolean;
  paused: boolean;
  /** When the clock stood still (补正), as instants. */
  pauses: PauseSpan[];
  escalationLevel: number;
  warned: boolean;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** Entries in the log: pass back as `expectedVersion` to refuse acting on a stale view. */
  version: number;
}

/** One entry of an instance's timeline. */
export interface TimelineEntry {
  seq: number;
  action: WorkflowActionName;
  at: Date;
  actor: { kind: 'staff' | 'citizen' | 'system'; id: string | null };
  taskId: string | null;
  stepCode: string | null;
  departmentId: string | null;
  level: number | null;
  reason: string | null;
  message: string | null;
  /** request_material: `{ materials }`; supplement: `{ payload }`. */
  details: unknown;
}

/** Pauses of a row as instants. */
export function pausesOf(row: { pauses: StoredPause[] }): PauseSpan[] {
  return row.pauses.map((p) => ({ from: new Date(p.from), to: p.to ? new Date(p.to) : null }));
}

/** What a task view needs from its instance. */
export type TaskInstanceFields = Pick<
  InstanceRow,
  'subject_type' | 'subject_id' | 'definition_code' | 'definition_version' | 'status' | 'pauses'
>;

/** A task row as a view; `calendar` and `now` give what is left of its limit. */
export function toTaskView(row: TaskRow, instance: TaskInstanceFields, calendar: WorkingCalendar, now: Date): TaskView {
  const final = FINAL_TASK_STATUSES.includes(row.status);
  const remaining =
    final || row.limit_days === null
      ? null
      : remainingWorkingDays(calendar, row.opened_on, row.limit_days, civilPauses(calendar, pausesOf(instance)), now);
  return {
    id: row.id,
    instanceId: row.instance_id,
    cityId: row.city_id,
    subject: { type: instance.subject_type, id: instance.subject_id },
    definition: { code: instance.definition_code, version: instance.definition_version },
    step: {
      index: row.step_index,
      code: row.step_code,
      name: { zh: row.step_name_zh, en: row.step_name_en },
      role: row.role,
      parallelGroup: row.parallel_group,
      stage: row.stage,
      limitDays: row.limit_days,
    },
    departmentId: row.department_id,
    status: row.status,
    openedAt: row.opened_at,
    openedOn: row.opened_on,
    dueOn: row.due_on,
    dueAt: row.due_at,
    remainingWorkingDays: remaining,
    overdue: !final && isOverdue(row.due_at, remaining, now),
    paused: !final && instance.status === 'paused',
    escalationLevel: row.escalation_level,
    warned: row.warned,
    transferCount: row.transfer_count,
    completedAt: row.completed_at,
    completedBy: row.completed_by,
  };
}

function isOverdue(dueAt: Date | null, remaining: number | null, now: Date): boolean {
  if (dueAt) return now.getTime() >= dueAt.getTime();
  return remaining !== null && remaining < 0;
}

/** An instance row as a view. */
export function toInstanceView(row: InstanceRow, calendar: WorkingCalendar, now: Date): InstanceView {
  const final = FINAL_INSTANCE_STATUSES.includes(row.status);
  const pauses = pausesOf(row);
  const days = row.promised_days ?? row.legal_days;
  const remaining =
    final || days === null
      ? null
      : remainingWorkingDays(calendar, row.started_on, days, civilPauses(calendar, pauses), now);
  const dueAt = row.promised_days !== null ? row.promised_due_at : row.legal_due_at;
  return {
    id: row.id,
    cityId: row.city_id,
    definition: { id: row.definition_id, code: row.definition_code, version: row.definition_version },
    subject: { type: row.subject_type, id: row.subject_id },
    applicant: { kind: row.applicant_kind, id: row.applicant_id },
    status: row.status,
    stage: row.stage,
    stageCount: row.stage_count,
    departments: row.departments,
    limits: { promisedDays: row.promised_days, legalDays: row.legal_days },
    startedOn: row.started_on,
    promisedDueOn: row.promised_due_on,
    promisedDueAt: row.promised_due_at,
    legalDueOn: row.legal_due_on,
    legalDueAt: row.legal_due_at,
    remainingWorkingDays: remaining,
    overdue: !final && isOverdue(dueAt, remaining, now),
    paused: row.status === 'paused',
    pauses,
    escalationLevel: row.escalation_level,
    warned: row.warned,
    completedAt: row.completed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.last_seq,
  };
}

/** An action row as a timeline entry. */
export function toTimelineEntry(row: ActionRow, stepCodes: ReadonlyMap<string, string>): TimelineEntry {
  return {
    seq: row.seq,
    action: row.action as WorkflowActionName,
    at: row.created_at,
    actor: { kind: row.actor_kind, id: row.actor_id },
    taskId: row.task_id,
    stepCode: row.task_id ? (stepCodes.get(row.task_id) ?? null) : null,
    departmentId: row.department_id,
    level: row.level,
    reason: row.reason,
    message: row.message,
    details: row.details ?? null,
  };
}
