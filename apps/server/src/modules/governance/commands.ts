/**
 * What people do to work orders, as named commands: each runs in one transaction, checks who
 * the caller is for this work order, validates what the action needs (a department to transfer
 * to, a crew member, an after-photo), appends the action and does what follows from it (a low
 * rating opens a follow-up; a merge moves the reports).
 */

import type { Transaction } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Platform } from '../../app.ts';
import type { Database } from '../../platform/db/schema.ts';
import { claimUploads } from '../../platform/files/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { Principal } from '../../platform/identity/principal.ts';
import { notify } from './notifications.ts';
import { governanceDb } from './schema.ts';
import {
  type ActionInput,
  type Actor,
  appendAction,
  auditAction,
  loadWorkOrder,
  partiesOf,
  type WorkOrderRow,
} from './work-orders.ts';
import type { Party, WorkOrderState } from './workflow.ts';

/** Rating tags (好差评): what went well and what did not. */
export const RATING_TAGS = [
  'fast',
  'thorough',
  'polite',
  'kept_informed',
  'too_slow',
  'not_fixed_properly',
  'poor_attitude',
  'exceeded_time_limit',
  'asked_irrelevant_questions',
] as const;
/** One of {@link RATING_TAGS}. */
export type RatingTag = (typeof RATING_TAGS)[number];

/** A rating at or below this opens a follow-up for the department's supervisor. */
export const LOW_RATING = 2;
/** Days a supervisor has to follow up a low rating. */
export const FOLLOW_UP_DAYS = 3;

/** What a person asks for. */
export type ActionRequest =
  | { action: 'dispatch'; departmentCode: string; note?: string | undefined }
  | { action: 'accept'; note?: string | undefined }
  | { action: 'assign'; assigneeId: string; note?: string | undefined }
  | { action: 'start'; note?: string | undefined }
  | { action: 'resolve'; note: string; photoIds: string[] }
  | { action: 'transfer'; departmentCode: string; reason: string }
  | { action: 'return_invalid'; reason: string }
  | { action: 'escalate'; reason: string }
  | { action: 'confirm' }
  | { action: 'reopen'; reason: string }
  | { action: 'rate'; rating: number; tags: RatingTag[]; comment?: string | undefined };

/** What the caller sees after acting. */
export interface ActionOutcome {
  workOrderId: string;
  status: WorkOrderState['status'];
  seq: number;
  followUpId: string | null;
}

async function departmentId(trx: Transaction<Database>, cityId: string, code: string): Promise<string> {
  const row = await trx
    .selectFrom('departments')
    .select('id')
    .where('city_id', '=', cityId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw new AppError('DEPARTMENT_NOT_FOUND', { department: code.slice(0, 64) });
  return row.id;
}

/** Turns a request into the log entry it makes, checking what it refers to. */
async function toInput(trx: Transaction<Database>, wo: WorkOrderRow, request: ActionRequest): Promise<ActionInput> {
  switch (request.action) {
    case 'dispatch':
      return {
        action: 'dispatch',
        departmentId: await departmentId(trx, wo.city_id, request.departmentCode),
        note: request.note ?? null,
      };
    case 'transfer':
      return {
        action: 'transfer',
        departmentId: await departmentId(trx, wo.city_id, request.departmentCode),
        reason: request.reason,
      };
    case 'assign': {
      const crew = await trx
        .selectFrom('staff')
        .select(['id'])
        .where('id', '=', request.assigneeId)
        .where('city_id', '=', wo.city_id)
        .where('department_id', '=', wo.department_id ?? '')
        .where('status', '=', 'active')
        .executeTakeFirst();
      if (!crew) throw new AppError('ASSIGNEE_NOT_FOUND');
      return { action: 'assign', assigneeId: crew.id, note: request.note ?? null };
    }
    case 'resolve':
      if (request.photoIds.length === 0) throw new AppError('PHOTO_REQUIRED');
      return { action: 'resolve', note: request.note };
    case 'return_invalid':
    case 'escalate':
    case 'reopen':
      return request.action === 'escalate'
        ? { action: 'escalate', reason: request.reason, escalation: Math.min(wo.escalation_level + 1, 2) }
        : { action: request.action, reason: request.reason };
    case 'rate':
      return { action: 'rate', rating: request.rating, tags: request.tags, note: request.comment ?? null };
    case 'accept':
    case 'start':
      return { action: request.action, note: request.note ?? null };
    case 'confirm':
      return { action: 'confirm' };
  }
}

/**
 * Runs `request` on work order `workOrderId` of `cityId` for `principal`. A work order the
 * caller plays no part in is "not found" (404), so that its existence leaks nothing.
 */
export async function actOnWorkOrder(
  platform: Platform,
  principal: Principal,
  requestId: string | undefined,
  cityId: string,
  workOrderId: string,
  request: ActionRequest,
): Promise<ActionOutcome> {
  return platform.db.transaction().execute(async (trx) => {
    const wo = await loadWorkOrder(trx, cityId, workOrderId, true);
    if (!wo) throw new AppError('WORK_ORDER_NOT_FOUND');
    const parties = await partiesOf(trx, principal, wo);
    if (parties.size === 0) throw new AppError('WORK_ORDER_NOT_FOUND');
    return act(platform, trx, wo, parties, { principal, ...(requestId ? { requestId } : {}) }, request);
  });
}

/** The common part of person actions, inside the caller's transaction. */
export async function act(
  platform: Platform,
  trx: Transaction<Database>,
  wo: WorkOrderRow,
  parties: ReadonlySet<Party>,
  actor: Actor,
  request: ActionRequest,
): Promise<ActionOutcome> {
  const input = await toInput(trx, wo, request);
  const previousDepartment = wo.department_id;
  const result = await appendAction(platform, trx, wo, parties, actor, input);
  const now = platform.clock.now();
  const gdb = governanceDb(trx);
  if (request.action === 'resolve' && 'principal' in actor) {
    await claimUploads(trx, {
      cityId: wo.city_id,
      ids: request.photoIds,
      uploader: actor.principal,
      claimTokens: [],
      attachTo: { kind: 'work_order_action', id: result.actionId },
    });
    await gdb
      .insertInto('report_photos')
      .values(
        [...new Set(request.photoIds)].map((fileId) => ({
          file_id: fileId,
          city_id: wo.city_id,
          work_order_id: wo.id,
          report_id: null,
          action_id: result.actionId,
          kind: 'after' as const,
          created_at: now,
        })),
      )
      .execute();
  }
  let followUpId: string | null = null;
  if (request.action === 'rate' && request.rating <= LOW_RATING && wo.department_id) {
    // Only the first low rating of a work order opens a follow-up; later ones join it.
    const existing = await gdb
      .selectFrom('rating_follow_ups')
      .select('id')
      .where('work_order_id', '=', wo.id)
      .executeTakeFirst();
    if (existing) {
      followUpId = existing.id;
    } else {
      followUpId = uuidv7();
      await gdb
        .insertInto('rating_follow_ups')
        .values({
          id: followUpId,
          city_id: wo.city_id,
          work_order_id: wo.id,
          department_id: wo.department_id,
          rating: request.rating,
          tags: request.tags,
          due_at: new Date(now.getTime() + FOLLOW_UP_DAYS * 86_400_000),
          created_at: now,
        })
        .execute();
    }
  }
  await auditAction(platform, trx, actor, wo, request.action, {
    seq: result.seq,
    from: result.before.status,
    to: result.after.status,
    ...(input.departmentId ? { departmentId: input.departmentId, previousDepartmentId: previousDepartment } : {}),
    ...(input.assigneeId ? { assigneeId: input.assigneeId } : {}),
    ...(input.rating ? { rating: input.rating } : {}),
    ...(followUpId ? { followUpId } : {}),
  });
  return { workOrderId: wo.id, status: result.after.status, seq: result.seq, followUpId };
}

/** Citizens act through their report's tracking number: confirm, reopen ("not fixed"), rate. */
export async function actOnMyReport(
  platform: Platform,
  principal: Principal & { kind: 'citizen' },
  requestId: string | undefined,
  trackingNo: string,
  request: Extract<ActionRequest, { action: 'confirm' | 'reopen' | 'rate' }>,
): Promise<ActionOutcome> {
  return platform.db.transaction().execute(async (trx) => {
    const report = await governanceDb(trx)
      .selectFrom('reports')
      .select(['city_id', 'work_order_id'])
      .where('tracking_no', '=', trackingNo)
      .where('reporter_citizen_id', '=', principal.id)
      .executeTakeFirst();
    if (!report) throw new AppError('REPORT_NOT_FOUND', { report: trackingNo.slice(0, 32) });
    const wo = await loadWorkOrder(trx, report.city_id, report.work_order_id, true);
    if (!wo) throw new AppError('REPORT_NOT_FOUND', { report: trackingNo.slice(0, 32) });
    return act(
      platform,
      trx,
      wo,
      new Set<Party>(['reporter']),
      { principal, ...(requestId ? { requestId } : {}) },
      request,
    );
  });
}

/**
 * Merges work order `sourceId` into `targetId` (the same problem reported twice and dispatched
 * twice): the source ends as merged and its reports follow the target, whose reporters are
 * then told about its progress.
 */
export async function mergeWorkOrders(
  platform: Platform,
  principal: Principal,
  requestId: string | undefined,
  cityId: string,
  sourceId: string,
  targetId: string,
): Promise<ActionOutcome> {
  if (sourceId === targetId) throw new AppError('CONFLICT');
  return platform.db.transaction().execute(async (trx) => {
    // Lock both in id order, so that two opposite merges cannot deadlock.
    const [firstId, secondId] = [sourceId, targetId].sort();
    const locked = new Map<string, WorkOrderRow>();
    for (const id of [firstId, secondId]) {
      const wo = id ? await loadWorkOrder(trx, cityId, id, true) : null;
      if (wo) locked.set(wo.id, wo);
    }
    const source = locked.get(sourceId);
    const target = locked.get(targetId);
    if (!source || !target) throw new AppError('WORK_ORDER_NOT_FOUND');
    const sourceParties = await partiesOf(trx, principal, source);
    const targetParties = await partiesOf(trx, principal, target);
    if (sourceParties.size === 0 || targetParties.size === 0) throw new AppError('WORK_ORDER_NOT_FOUND');
    const actor: Actor = { principal, ...(requestId ? { requestId } : {}) };
    const result = await appendAction(platform, trx, source, sourceParties, actor, {
      action: 'merge',
      targetId: target.id,
    });
    const gdb = governanceDb(trx);
    const moved = await gdb
      .updateTable('reports')
      .set({ work_order_id: target.id })
      .where('work_order_id', '=', source.id)
      .returning(['id'])
      .execute();
    await gdb
      .updateTable('report_photos')
      .set({ work_order_id: target.id })
      .where('work_order_id', '=', source.id)
      .execute();
    for (const report of moved) {
      await appendAction(
        platform,
        trx,
        target,
        new Set<Party>(['system']),
        { system: true },
        { action: 'link', reportId: report.id },
      );
    }
    await auditAction(platform, trx, actor, source, 'merge', { into: target.id, reports: moved.length });
    return { workOrderId: source.id, status: result.after.status, seq: result.seq, followUpId: null };
  });
}

/**
 * Takes report `trackingNo` out of the work order it was linked or merged into and gives it a
 * work order of its own, dispatched afresh (it was not the same problem after all).
 */
export async function unmergeReport(
  platform: Platform,
  principal: Principal,
  requestId: string | undefined,
  cityId: string,
  trackingNo: string,
  dispatch: (trx: Transaction<Database>, reportId: string) => Promise<WorkOrderRow>,
): Promise<{ workOrderId: string; status: string }> {
  return platform.db.transaction().execute(async (trx) => {
    const gdb = governanceDb(trx);
    const report = await gdb
      .selectFrom('reports')
      .select(['id', 'work_order_id', 'own_work_order_id'])
      .where('city_id', '=', cityId)
      .where('tracking_no', '=', trackingNo)
      .executeTakeFirst();
    if (!report) throw new AppError('REPORT_NOT_FOUND', { report: trackingNo.slice(0, 32) });
    const current = await loadWorkOrder(trx, cityId, report.work_order_id, true);
    if (!current) throw new AppError('REPORT_NOT_FOUND', { report: trackingNo.slice(0, 32) });
    const parties = await partiesOf(trx, principal, current);
    if (!parties.has('supervisor') && !parties.has('operations')) throw new AppError('WORK_ORDER_NOT_FOUND');
    if (report.own_work_order_id === current.id) throw new AppError('NOT_A_DUPLICATE');
    const actor: Actor = { principal, ...(requestId ? { requestId } : {}) };
    await appendAction(
      platform,
      trx,
      current,
      new Set<Party>(['system']),
      { system: true },
      {
        action: 'unlink',
        reportId: report.id,
      },
    );
    const fresh = await dispatch(trx, report.id);
    await gdb
      .updateTable('reports')
      .set({ work_order_id: fresh.id, own_work_order_id: fresh.id })
      .where('id', '=', report.id)
      .execute();
    await gdb
      .updateTable('report_photos')
      .set({ work_order_id: fresh.id })
      .where('report_id', '=', report.id)
      .execute();
    await auditAction(platform, trx, actor, current, 'unmerge', { report: report.id, newWorkOrderId: fresh.id });
    const reporter = await gdb
      .selectFrom('reports')
      .select(['reporter_citizen_id', 'tracking_no'])
      .where('id', '=', report.id)
      .executeTakeFirstOrThrow();
    if (reporter.reporter_citizen_id) {
      await notify(platform, trx, {
        cityId,
        citizenId: reporter.reporter_citizen_id,
        kind: 'unlink',
        reportId: report.id,
        trackingNo: reporter.tracking_no,
        status: fresh.status as never,
        message: false,
      });
    }
    return { workOrderId: fresh.id, status: fresh.status };
  });
}
