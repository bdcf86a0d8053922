/**
 * Reading workflows: staff queues (ordered by due time, with what is left of each limit), one
 * instance with its tasks and timeline, and the instances of a subject. Every query is scoped
 * by the city.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../time/clock.ts';
import type { WorkflowRole, WorkflowStep } from './definition.ts';
import { cityCalendar, isUuid } from './engine.ts';
import type { TaskStatus } from './model.ts';
import { stepRolesOf, type WorkflowStaff } from './policy.ts';
import { workflowDb } from './schema.ts';
import {
  type InstanceView,
  type TaskRow,
  type TaskView,
  type TimelineEntry,
  toInstanceView,
  toTaskView,
  toTimelineEntry,
} from './views.ts';

/** Which tasks a queue shows. */
export interface TaskQuery {
  cityId: string;
  /** Departments whose tasks to show; all the city's when absent (the operations centre). */
  departmentIds?: readonly string[];
  /** Step roles to show; all when absent. */
  roles?: readonly WorkflowRole[];
  /** Default: open and waiting. */
  statuses?: readonly TaskStatus[];
  /** Only tasks due within this many working days after today (0: due today or overdue). */
  dueWithinWorkingDays?: number;
  /** Only tasks escalated to at least this level. */
  minEscalationLevel?: number;
  /** Only tasks of instances about this kind of subject. */
  subjectType?: string;
  /** From 1. */
  page?: number;
  /** At most 100; default 20. */
  pageSize?: number;
}

/** A page of a queue. */
export interface TaskPage {
  items: TaskView[];
  page: number;
  pageSize: number;
  total: number;
}

const DEFAULT_STATUSES: readonly TaskStatus[] = ['open', 'waiting'];

/** A queue of tasks, soonest due first (tasks without a running deadline last), then oldest first. */
export async function listTasks(db: Kysely<Database>, clock: Clock, query: TaskQuery): Promise<TaskPage> {
  const now = clock.now();
  const calendar = await cityCalendar(db, query.cityId);
  const page = Math.max(1, Math.floor(query.page ?? 1));
  const pageSize = Math.min(100, Math.max(1, Math.floor(query.pageSize ?? 20)));
  const statuses = query.statuses?.length ? query.statuses : DEFAULT_STATUSES;
  if (query.departmentIds?.length === 0 || query.roles?.length === 0) return { items: [], page, pageSize, total: 0 };
  let q = workflowDb(db)
    .selectFrom('workflow_tasks as t')
    .innerJoin('workflow_instances as i', 'i.id', 't.instance_id')
    .where('t.city_id', '=', query.cityId)
    .where('t.status', 'in', [...statuses]);
  if (query.departmentIds) {
    const ids = query.departmentIds.filter(isUuid);
    if (ids.length === 0) return { items: [], page, pageSize, total: 0 };
    q = q.where('t.department_id', 'in', ids);
  }
  if (query.roles) q = q.where('t.role', 'in', [...query.roles]);
  if (query.minEscalationLevel !== undefined) q = q.where('t.escalation_level', '>=', query.minEscalationLevel);
  if (query.subjectType !== undefined) q = q.where('i.subject_type', '=', query.subjectType);
  if (query.dueWithinWorkingDays !== undefined) {
    const last = calendar.addWorkingDays(calendar.dateOf(now), Math.max(0, Math.floor(query.dueWithinWorkingDays)));
    q = q.where('t.due_on', 'is not', null).where('t.due_on', '<=', last);
  }
  const [rows, count] = await Promise.all([
    q
      .selectAll('t')
      .select([
        'i.subject_type',
        'i.subject_id',
        'i.definition_code',
        'i.definition_version',
        'i.status as instance_status',
        'i.pauses',
      ])
      .orderBy('t.due_at', (o) => o.asc().nullsLast())
      .orderBy('t.opened_at')
      .orderBy('t.id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const items = rows.map((r) => {
    const { subject_type, subject_id, definition_code, definition_version, instance_status, pauses, ...task } = r;
    return toTaskView(
      task as TaskRow,
      { subject_type, subject_id, definition_code, definition_version, status: instance_status, pauses },
      calendar,
      now,
    );
  });
  return { items, page, pageSize, total: Number(count.n) };
}

/** The queue of one staff member: their department's tasks of the step roles they hold. */
export function listTasksForStaff(
  db: Kysely<Database>,
  clock: Clock,
  staff: WorkflowStaff,
  query: Omit<TaskQuery, 'cityId' | 'departmentIds' | 'roles'> = {},
): Promise<TaskPage> {
  return listTasks(db, clock, {
    ...query,
    cityId: staff.cityId,
    departmentIds: [staff.departmentId],
    roles: stepRolesOf(staff.roles),
  });
}

/** One instance with its definition's steps, its tasks (in the order they opened) and its whole timeline. */
export interface InstanceDetail extends InstanceView {
  steps: WorkflowStep[];
  tasks: TaskView[];
  timeline: TimelineEntry[];
}

/** An instance of the city with its tasks and timeline; null when there is none. */
export async function getInstance(
  db: Kysely<Database>,
  clock: Clock,
  cityId: string,
  instanceId: string,
): Promise<InstanceDetail | null> {
  if (!isUuid(instanceId)) return null;
  const wdb = workflowDb(db);
  const row = await wdb
    .selectFrom('workflow_instances')
    .selectAll()
    .where('city_id', '=', cityId)
    .where('id', '=', instanceId)
    .executeTakeFirst();
  if (!row) return null;
  const now = clock.now();
  const [definition, tasks, actions, calendar] = await Promise.all([
    wdb
      .selectFrom('workflow_definitions')
      .select('steps')
      .where('id', '=', row.definition_id)
      .executeTakeFirstOrThrow(),
    wdb.selectFrom('workflow_tasks').selectAll().where('instance_id', '=', row.id).execute(),
    wdb.selectFrom('workflow_actions').selectAll().where('instance_id', '=', row.id).orderBy('seq').execute(),
    cityCalendar(db, cityId),
  ]);
  const order = new Map(actions.filter((a) => a.action === 'open').map((a) => [a.task_id, a.seq]));
  tasks.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const stepCodes = new Map(tasks.map((t) => [t.id, t.step_code]));
  return {
    ...toInstanceView(row, calendar, now),
    steps: definition.steps,
    tasks: tasks.map((t) => toTaskView(t, row, calendar, now)),
    timeline: actions.map((a) => toTimelineEntry(a, stepCodes)),
  };
}

/** The instances about one subject (e.g. an application and its resubmissions), oldest first. */
export async function listInstancesOfSubject(
  db: Kysely<Database>,
  clock: Clock,
  cityId: string,
  subject: { type: string; id: string },
): Promise<InstanceView[]> {
  const rows = await workflowDb(db)
    .selectFrom('workflow_instances')
    .selectAll()
    .where('city_id', '=', cityId)
    .where('subject_type', '=', subject.type)
    .where('subject_id', '=', subject.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  if (rows.length === 0) return [];
  const calendar = await cityCalendar(db, cityId);
  const now = clock.now();
  return rows.map((r) => toInstanceView(r, calendar, now));
}
