/**
 * Work-order commands: every change is one action appended to the log, in one transaction
 * with the projection on `work_orders`, the time limits it starts or stops, the citizens'
 * notifications, the outbox event and (for people's actions) the audit entry.
 */
import type { ExpressionBuilder, Kysely, Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Platform } from '../../app.ts';
import { appendAudit } from '../../platform/audit/index.ts';
import type { Database } from '../../platform/db/schema.ts';
import { recordEvent } from '../../platform/events/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { Principal, StaffPrincipal } from '../../platform/identity/principal.ts';
import { actionList, statusLabels } from './labels.ts';
import { notifyReporters } from './notifications.ts';
import { type GovernanceDatabase, governanceDb, type WorkOrdersTable } from './schema.ts';
import { scheduleTimers } from './timers.ts';
import {
  allowedActions,
  applyAction,
  deriveState,
  guard,
  type LoggedAction,
  type Party,
  tableAllows,
  type WorkOrderActionName,
  type WorkOrderState,
  type WorkOrderStatus,
} from './workflow.ts';

/** The city department that runs the 12345 hotline and the operations centre: it dispatches by hand and takes the last escalation. */
export const OPERATIONS_DEPARTMENT_CODE = 'gov-services-data';

/** Roles that handle work orders of their department. */
const HANDLER_ROLES = ['clerk', 'supervisor', 'department_admin'] as const;
const SUPERVISOR_ROLES = ['supervisor', 'department_admin'] as const;

/** A work-order row as the commands see it. */
export type WorkOrderRow = Selectable<WorkOrdersTable>;

/** The operations department's id in `cityId` (cached: departments do not move). */
const operationsIds = new WeakMap<object, Map<string, string | null>>();
export async function operationsDepartmentId(db: Kysely<Database>, cityId: string): Promise<string | null> {
  let cache = operationsIds.get(db);
  if (!cache) {
    cache = new Map();
    operationsIds.set(db, cache);
  }
  if (cache.has(cityId)) return cache.get(cityId) ?? null;
  const row = await db
    .selectFrom('departments')
    .select('id')
    .where('city_id', '=', cityId)
    .where('code', '=', OPERATIONS_DEPARTMENT_CODE)
    .executeTakeFirst();
  cache.set(cityId, row?.id ?? null);
  return row?.id ?? null;
}

/** Whether a staff member's jurisdiction covers a work order's place (an empty jurisdiction is the whole city). */
export function coversPlace(staff: StaffPrincipal, wo: Pick<WorkOrderRow, 'district_id' | 'street_id' | 'grid_id'>) {
  if (staff.jurisdiction.length === 0) return true;
  return [wo.district_id, wo.street_id, wo.grid_id].some((id) => id !== null && staff.jurisdiction.includes(id));
}

/** {@link coversPlace} as a condition on `work_orders as w`. */
export function coversPlaceSql(
  eb: ExpressionBuilder<GovernanceDatabase & { w: WorkOrdersTable }, 'w'>,
  jurisdiction: string[],
) {
  if (jurisdiction.length === 0) return eb.val(true);
  return eb.or([
    eb('w.district_id', 'in', jurisdiction),
    eb('w.street_id', 'in', jurisdiction),
    eb('w.grid_id', 'in', jurisdiction),
  ]);
}

/** The parts `principal` plays for `wo` (empty: none, so they may neither act on nor read it). */
export async function partiesOf(db: Kysely<Database>, principal: Principal, wo: WorkOrderRow): Promise<Set<Party>> {
  const parties = new Set<Party>();
  if (principal.kind === 'staff' && principal.cityId === wo.city_id) {
    const roles = principal.roles;
    if (principal.departmentId === wo.department_id && coversPlace(principal, wo)) {
      if (HANDLER_ROLES.some((r) => roles.includes(r))) parties.add('handler');
      if (SUPERVISOR_ROLES.some((r) => roles.includes(r))) parties.add('supervisor');
    }
    if (wo.assignee_id === principal.id) parties.add('assignee');
    if (
      principal.departmentId === (await operationsDepartmentId(db, wo.city_id)) &&
      [...HANDLER_ROLES, 'platform_admin' as const].some((r) => roles.includes(r))
    ) {
      parties.add('operations');
    }
  }
  if (principal.kind === 'citizen') {
    const reporter = await governanceDb(db)
      .selectFrom('reports')
      .select('id')
      .where('work_order_id', '=', wo.id)
      .where('reporter_citizen_id', '=', principal.id)
      .executeTakeFirst();
    if (reporter) parties.add('reporter');
  }
  return parties;
}

/** Loads a work order (with a row lock when `forUpdate`), scoped to the city. */
export async function loadWorkOrder(
  db: Kysely<Database>,
  cityId: string,
  id: string,
  forUpdate = false,
): Promise<WorkOrderRow | null> {
  let q = governanceDb(db).selectFrom('work_orders').selectAll().where('city_id', '=', cityId).where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return ((await q.executeTakeFirst()) as WorkOrderRow | undefined) ?? null;
}

/** The log of a work order in order. */
export async function loadLog(db: Kysely<Database>, workOrderId: string) {
  return governanceDb(db)
    .selectFrom('work_order_actions')
    .selectAll()
    .where('work_order_id', '=', workOrderId)
    .orderBy('seq')
    .execute();
}

/** A log row as the fold reads it. */
export function toLogged(row: {
  action: string;
  actor_id: string | null;
  department_id: string | null;
  assignee_id: string | null;
  rating: number | null;
  target_id: string | null;
  escalation: number | null;
  created_at: Date;
}): LoggedAction {
  return {
    action: row.action as WorkOrderActionName,
    actorId: row.actor_id,
    departmentId: row.department_id,
    assigneeId: row.assignee_id,
    rating: row.rating,
    targetId: row.target_id,
    escalation: row.escalation,
    at: row.created_at,
  };
}

/** The derived state of a work order from its stored log. */
export async function stateOf(db: Kysely<Database>, workOrderId: string): Promise<WorkOrderState> {
  return deriveState((await loadLog(db, workOrderId)).map(toLogged));
}

/** What an action carries besides its name. */
export interface ActionInput {
  action: WorkOrderActionName;
  departmentId?: string | null;
  assigneeId?: string | null;
  reason?: string | null;
  note?: string | null;
  rating?: number | null;
  tags?: string[];
  reportId?: string | null;
  targetId?: string | null;
  escalation?: number | null;
}

/** Who acts: a principal, or the system (timers, intake). */
export type Actor = { principal: Principal; requestId?: string } | { system: true };

/** The projection columns for a state. */
function projection(state: WorkOrderState) {
  return {
    status: state.status,
    department_id: state.departmentId,
    assignee_id: state.assigneeId,
    escalation_level: state.escalationLevel,
    accepted_at: state.acceptedAt,
    resolved_at: state.resolvedAt,
    closed_at: state.closedAt,
    rating: state.rating,
    reopen_count: state.reopenCount,
    transfer_count: state.transferCount,
    merged_into: state.mergedInto,
    report_count: state.reportCount,
  };
}

/** The actor columns of a log row. */
function actorColumns(actor: Actor): {
  actor_kind: 'citizen' | 'staff' | 'api_key' | 'anonymous' | 'system';
  actor_id: string | null;
} {
  if ('system' in actor) return { actor_kind: 'system', actor_id: null };
  const p = actor.principal;
  switch (p.kind) {
    case 'citizen':
    case 'staff':
    case 'api_key':
      return { actor_kind: p.kind, actor_id: p.id };
    default:
      return { actor_kind: p.kind === 'anonymous' ? 'anonymous' : 'system', actor_id: null };
  }
}

/** The result of an appended action. */
export interface ActionResult {
  actionId: string;
  seq: number;
  before: WorkOrderState;
  after: WorkOrderState;
}

/**
 * Appends `input` to the log of the locked work order `wo` inside `trx`, after checking the
 * table (for `parties`) and its guards; updates the projection, time limits, notifications and
 * the outbox. Throws the 409s of the workflow.
 */
export async function appendAction(
  platform: Platform,
  trx: Transaction<Database>,
  wo: WorkOrderRow,
  parties: ReadonlySet<Party>,
  actor: Actor,
  input: ActionInput,
): Promise<ActionResult> {
  const now = platform.clock.now();
  const gdb = governanceDb(trx);
  const log = (await loadLog(trx, wo.id)).map(toLogged);
  const before = deriveState(log);
  if (log.length !== wo.last_seq) throw new AppError('WORK_ORDER_CHANGED');
  const actorId = actorColumns(actor).actor_id;
  if (!tableAllows(before, input.action, parties)) {
    const allowed = allowedActions(before, parties, { now, actorId });
    throw new AppError(
      'WORK_ORDER_ACTION_NOT_ALLOWED',
      {
        status: statusLabels[before.status],
        action: actionList([input.action]),
        allowed: actionList(allowed),
      },
      { extensions: { currentStatus: before.status, allowedActions: allowed } },
    );
  }
  const failure = guard(before, input.action, { now, actorId, departmentId: input.departmentId ?? null });
  if (failure) throw new AppError(failure);
  const seq = log.length + 1;
  const actionId = uuidv7();
  const logged: LoggedAction = {
    action: input.action,
    actorId,
    departmentId: input.departmentId ?? null,
    assigneeId: input.assigneeId ?? null,
    rating: input.rating ?? null,
    targetId: input.targetId ?? null,
    escalation: input.escalation ?? null,
    at: now,
  };
  const after = applyAction(before, logged, seq);
  await gdb
    .insertInto('work_order_actions')
    .values({
      id: actionId,
      city_id: wo.city_id,
      work_order_id: wo.id,
      seq,
      action: input.action,
      ...actorColumns(actor),
      department_id: logged.departmentId,
      assignee_id: logged.assigneeId,
      reason: input.reason ?? null,
      note: input.note ?? null,
      rating: logged.rating,
      tags: input.tags ?? [],
      report_id: input.reportId ?? null,
      target_id: logged.targetId,
      escalation: logged.escalation,
      created_at: now,
    })
    .execute();
  const due = await scheduleTimers(platform, trx, wo, before, after, seq);
  const updated = await gdb
    .updateTable('work_orders')
    .set({ ...projection(after), ...due, last_seq: seq, updated_at: now })
    .where('id', '=', wo.id)
    .where('last_seq', '=', wo.last_seq)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('WORK_ORDER_CHANGED');
  Object.assign(wo, projection(after), due, { last_seq: seq, updated_at: now });
  await notifyReporters(platform, trx, wo, before, after, input.action);
  await recordEvent(
    trx,
    {
      type: `governance.work_order.${input.action}`,
      subject: wo.id,
      cityId: wo.city_id,
      data: {
        workOrderId: wo.id,
        action: input.action,
        seq,
        status: after.status,
        previousStatus: before.status,
        departmentId: after.departmentId,
        escalationLevel: after.escalationLevel,
        categoryCode: wo.category_code,
        h3: wo.h3_res9,
      },
    },
    platform.clock,
  );
  return { actionId, seq, before, after };
}

/** Audits a person's action on a work order (system actions have the log alone). */
export async function auditAction(
  platform: Platform,
  trx: Kysely<Database>,
  actor: Actor,
  wo: WorkOrderRow,
  action: string,
  details: Record<string, unknown>,
) {
  if ('system' in actor) return;
  await appendAudit(
    trx,
    platform.config.secrets.auditKey,
    {
      action: `governance.work_order.${action}`,
      subjectKind: 'work_order',
      subjectId: wo.id,
      cityId: wo.city_id,
      details,
    },
    {
      principal: actor.principal,
      ...(actor.requestId ? { requestId: actor.requestId } : {}),
      at: platform.clock.now(),
    },
  );
}

/** Statuses counted as open in queues and duplicate checks. */
export const openStatuses: readonly WorkOrderStatus[] = [
  'awaiting_dispatch',
  'dispatched',
  'accepted',
  'assigned',
  'in_progress',
];

/** Takes a transaction-scoped advisory lock (PostgreSQL; harmless on PGlite, which runs one transaction at a time). */
export async function lockKey(trx: Kysely<GovernanceDatabase> | Kysely<Database>, key: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
}
