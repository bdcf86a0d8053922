/**
 * Report intake: the one pipeline for citizens (signed in or anonymous), grid inspectors,
 * Open311 clients and sensors. In one transaction it places the report in the city's zones,
 * links it to an open work order of the same problem nearby (a duplicate) or creates a work
 * order for the department responsible there, starts its time limits, attaches its photos,
 * notifies the reporter, and writes the outbox event and the audit entry. The answer is a
 * tracking number a person can read out on the phone.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cellToParent, gridDisk } from 'h3-js';
import { sql, type Transaction } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Platform } from '../../app.ts';
import { appendAudit } from '../../platform/audit/index.ts';
import { literals } from '../../platform/db/literals.ts';
import type { Database } from '../../platform/db/schema.ts';
import { recordEvent } from '../../platform/events/index.ts';
import { claimUploads } from '../../platform/files/index.ts';
import { resolvePoint, resolvePointCached } from '../../platform/geo/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { Principal } from '../../platform/identity/principal.ts';
import { cityCatalog, dispatchFrom } from './catalog.ts';
import type { DispatchDecision } from './dispatch.ts';
import { notify } from './notifications.ts';
import { type Category, findCategory, resolveDepartment } from './repository.ts';
import { governanceDb, type ReportChannel } from './schema.ts';
import { scheduleTimers } from './timers.ts';
import { appendAction, lockKey, openStatuses, type WorkOrderRow } from './work-orders.ts';
import { applyAction } from './workflow.ts';

/** Photos a report may carry. */
export const MAX_PHOTOS = 9;

/** When a new report counts as the same problem as an open work order. */
export interface DuplicateRule {
  radiusMeters: number;
  windowHours: number;
}

/** What a report says. */
export interface ReportInput {
  cityId: string;
  categoryCode: string;
  description: string;
  lat: number;
  lon: number;
  address?: string | null;
  attributes?: Record<string, boolean | number | string>;
  photoIds?: string[];
  /** Claim tokens of anonymous uploads, in the order of `photoIds`. */
  claimTokens?: string[];
  channel: ReportChannel;
  /** Contact details an Open311 client passed along (kept encrypted, never public). */
  contact?: { name?: string; email?: string; phone?: string } | null;
  deviceId?: string | null;
}

/** What the reporter gets back. */
export interface SubmittedReport {
  reportId: string;
  trackingNo: string;
  workOrderId: string;
  status: string;
  /** The tracking number of the report this one was linked to as a duplicate, if any. */
  duplicateOf: string | null;
  /** For anonymous reporters: the secret that lets them follow the report (shown once). */
  followToken: string | null;
  departmentId: string | null;
}

/** Day formatters by time zone (building one costs more than using it). */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The tracking number for sequence value `n` at `now` in the city's time zone. */
export function trackingNumber(now: Date, timeZone: string, n: number): string {
  return `${trackingPrefix(now, timeZone)}${String(n).padStart(6, '0')}`;
}

/** The day part of tracking numbers issued at `now` in the city's time zone, e.g. `R261122-`. */
export function trackingPrefix(now: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: '2-digit', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `R${part('year')}${part('month')}${part('day')}-`;
}

/** Checks the category's extra questions: required ones answered, types right, nothing unknown. */
export function checkAttributes(
  category: Category,
  given: Record<string, unknown>,
): Record<string, boolean | number | string> {
  const out: Record<string, boolean | number | string> = {};
  const known = new Map(category.attributes.map((a) => [a.code, a]));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) throw new AppError('REPORT_ATTRIBUTE_INVALID', { attribute: key.slice(0, 64) });
  }
  for (const attribute of category.attributes) {
    const value = given[attribute.code];
    if (value === undefined || value === null || value === '') {
      if (attribute.required) throw new AppError('REPORT_ATTRIBUTE_INVALID', { attribute: attribute.code });
      continue;
    }
    const ok =
      (attribute.type === 'boolean' && typeof value === 'boolean') ||
      (attribute.type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
      (attribute.type === 'string' && typeof value === 'string' && value.length <= 500);
    if (!ok) throw new AppError('REPORT_ATTRIBUTE_INVALID', { attribute: attribute.code });
    out[attribute.code] = value as boolean | number | string;
  }
  return out;
}

/** Great-circle distance in metres. */
export function distanceMeters(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/** The hash under which an anonymous reporter's follow token is kept. */
export function followTokenHash(token: string): string {
  return hashToken(token);
}

/** The reporter columns for `principal`. */
function reporterColumns(principal: Principal) {
  return {
    reporter_citizen_id: principal.kind === 'citizen' ? principal.id : null,
    reporter_staff_id: principal.kind === 'staff' ? principal.id : null,
    reporter_api_key_id: principal.kind === 'api_key' ? principal.id : null,
  };
}

/** Opens a work order for a new problem: its first action (submit), its projection and its time limits. */
export async function createWorkOrder(
  platform: Platform,
  trx: Transaction<Database>,
  args: {
    cityId: string;
    category: Category;
    lat: number;
    lon: number;
    zones: { district: string | null; street: string | null; grid: string | null };
    h3: string;
    decision: DispatchDecision;
    principal: Principal;
  },
): Promise<WorkOrderRow> {
  const now = platform.clock.now();
  const id = uuidv7();
  const departmentId = args.decision.manual ? null : args.decision.departmentId;
  const state = applyAction(
    null,
    {
      action: 'submit',
      actorId: null,
      departmentId,
      assigneeId: null,
      rating: null,
      targetId: null,
      escalation: null,
      at: now,
    },
    1,
  );
  const workOrder: WorkOrderRow = {
    id,
    city_id: args.cityId,
    category_code: args.category.code,
    priority: args.category.priority,
    lat: args.lat,
    lon: args.lon,
    district_id: args.zones.district,
    street_id: args.zones.street,
    grid_id: args.zones.grid,
    h3_res9: args.h3,
    accept_within_minutes: args.category.acceptWithinMinutes,
    resolve_within_minutes: args.category.resolveWithinMinutes,
    status: state.status,
    department_id: departmentId,
    assignee_id: null,
    escalation_level: 0,
    accept_due_at: null,
    resolve_due_at: null,
    accepted_at: null,
    resolved_at: null,
    closed_at: null,
    rating: null,
    reopen_count: 0,
    transfer_count: 0,
    merged_into: null,
    report_count: 1,
    last_seq: 1,
    created_at: now,
    updated_at: now,
  };
  Object.assign(workOrder, await scheduleTimers(platform, trx, workOrder, null, state, 1));
  const gdb = governanceDb(trx);
  await gdb.insertInto('work_orders').values(workOrder).execute();
  const p = args.principal;
  await gdb
    .insertInto('work_order_actions')
    .values({
      id: uuidv7(),
      city_id: args.cityId,
      work_order_id: id,
      seq: 1,
      action: 'submit',
      actor_kind: p.kind === 'operator' ? 'system' : p.kind,
      actor_id: p.kind === 'anonymous' || p.kind === 'operator' ? null : p.id,
      department_id: departmentId,
      reason: args.decision.manual ? args.decision.reason : null,
      created_at: now,
    })
    .execute();
  return workOrder;
}

/** Opens a fresh work order for an existing report (when staff unmerge it), dispatched as if it were new. */
export async function reopenAsNewWorkOrder(
  platform: Platform,
  trx: Transaction<Database>,
  reportId: string,
  principal: Principal,
): Promise<WorkOrderRow> {
  const report = await governanceDb(trx)
    .selectFrom('reports')
    .select(['city_id', 'category_code', 'lat', 'lon'])
    .where('id', '=', reportId)
    .executeTakeFirstOrThrow();
  const category = await findCategory(trx, report.city_id, report.category_code);
  if (!category) throw new AppError('REPORT_CATEGORY_NOT_FOUND', { category: report.category_code });
  const point = await resolvePoint(trx, report.city_id, report.lat, report.lon);
  const zones = {
    district: point.district?.id ?? null,
    street: point.street?.id ?? null,
    grid: point.grid?.id ?? null,
  };
  const decision = await resolveDepartment(trx, report.city_id, category.code, zones);
  return createWorkOrder(platform, trx, {
    cityId: report.city_id,
    category,
    lat: report.lat,
    lon: report.lon,
    zones,
    h3: point.h3.res9,
    decision,
    principal,
  });
}

/** Control characters other than tab and line breaks: nothing a person types, and XML cannot carry them. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Text as it is kept: control characters removed, trimmed. */
export function cleanText(text: string): string {
  return text.replace(CONTROL, '').trim();
}

/** Takes a report in; see the module comment. `requestId` ties the audit entry to the request. */
export async function submitReport(
  platform: Platform,
  principal: Principal,
  input: ReportInput,
  options: { requestId?: string; duplicates: DuplicateRule },
): Promise<SubmittedReport> {
  const { db, clock, pii } = platform;
  const catalog = await cityCatalog(db, input.cityId);
  const category = catalog.categories.get(input.categoryCode);
  if (!category) throw new AppError('REPORT_CATEGORY_NOT_FOUND', { category: input.categoryCode.slice(0, 64) });
  const attributes = checkAttributes(category, input.attributes ?? {});
  const photoIds = [...new Set(input.photoIds ?? [])];
  const point = await resolvePointCached(db, input.cityId, input.lat, input.lon);
  const zones = {
    district: point.district?.id ?? null,
    street: point.street?.id ?? null,
    grid: point.grid?.id ?? null,
  };
  const decision = dispatchFrom(catalog, category.code, zones);
  const followToken = principal.kind === 'anonymous' ? randomBytes(24).toString('base64url') : null;
  const ring = gridDisk(point.h3.res9, 1).sort();

  return db.transaction().execute(async (trx) => {
    const gdb = governanceDb(trx);
    const now = clock.now();
    // Two reports of the same problem arriving together must not both open a work order: take
    // the lock of each coarse cell the neighbourhood touches, always in the same order.
    const coarse = [...new Set(ring.map((c) => cellToParent(c, 7)))].sort();
    for (const cell of coarse) await lockKey(trx, `governance:dup:${input.cityId}:${category.code}:${cell}`);
    const since = new Date(now.getTime() - options.duplicates.windowHours * 3_600_000);
    const candidates = await gdb
      .selectFrom('work_orders')
      .selectAll()
      .where('city_id', '=', input.cityId)
      .where('category_code', '=', category.code)
      .where('h3_res9', 'in', ring)
      .where('status', 'in', literals(openStatuses))
      .where('created_at', '>=', since)
      .orderBy('created_at')
      .execute();
    const original = (candidates as WorkOrderRow[])
      .map((wo) => ({ wo, d: distanceMeters(wo.lat, wo.lon, input.lat, input.lon) }))
      .filter((c) => c.d <= options.duplicates.radiusMeters)
      .sort((a, b) => a.d - b.d)[0]?.wo;

    const reportId = uuidv7();
    let workOrder: WorkOrderRow;
    let duplicateOf: string | null = null;

    if (original) {
      workOrder = original;
    } else {
      workOrder = await createWorkOrder(platform, trx, {
        cityId: input.cityId,
        category,
        lat: input.lat,
        lon: input.lon,
        zones,
        h3: point.h3.res9,
        decision,
        principal,
      });
    }

    // The number is drawn in the insert itself (one round trip fewer on the hot path).
    const prefix = trackingPrefix(now, catalog.timeZone);
    const { tracking_no: trackingNo } = await gdb
      .insertInto('reports')
      .values({
        id: reportId,
        city_id: input.cityId,
        tracking_no: sql<string>`${prefix} || lpad(nextval('report_tracking_seq')::text, 6, '0')`,
        work_order_id: workOrder.id,
        own_work_order_id: original ? null : workOrder.id,
        category_code: category.code,
        description: cleanText(input.description),
        lat: input.lat,
        lon: input.lon,
        address: input.address ? cleanText(input.address) : null,
        attributes: JSON.stringify(attributes),
        channel: input.channel,
        ...reporterColumns(principal),
        follow_token_hash: followToken ? hashToken(followToken) : null,
        contact_enc:
          input.contact && Object.values(input.contact).some(Boolean)
            ? pii.encrypt(JSON.stringify(input.contact))
            : null,
        device_id: input.deviceId ?? null,
        created_at: now,
      })
      .returning('tracking_no')
      .executeTakeFirstOrThrow();

    if (original) {
      const first = await gdb
        .selectFrom('reports')
        .select('tracking_no')
        .where('work_order_id', '=', original.id)
        .where('own_work_order_id', '=', original.id)
        .executeTakeFirst();
      duplicateOf = first?.tracking_no ?? null;
      const locked = (await gdb
        .selectFrom('work_orders')
        .selectAll()
        .where('id', '=', original.id)
        .forUpdate()
        .executeTakeFirstOrThrow()) as WorkOrderRow;
      workOrder = locked;
      await appendAction(platform, trx, workOrder, new Set(['system']), { system: true }, { action: 'link', reportId });
    }

    if (photoIds.length) {
      await claimUploads(trx, {
        cityId: input.cityId,
        ids: photoIds,
        uploader: principal,
        claimTokens: input.claimTokens ?? [],
        attachTo: { kind: 'report', id: reportId },
      });
      await gdb
        .insertInto('report_photos')
        .values(
          photoIds.map((fileId) => ({
            file_id: fileId,
            city_id: input.cityId,
            work_order_id: workOrder.id,
            report_id: reportId,
            action_id: null,
            kind: 'before' as const,
            created_at: now,
          })),
        )
        .execute();
    }

    if (principal.kind === 'citizen') {
      await notify(platform, trx, {
        cityId: input.cityId,
        citizenId: principal.id,
        kind: original ? 'link' : 'submit',
        reportId,
        trackingNo,
        status: workOrder.status as never,
        details: duplicateOf ? { duplicateOf } : {},
        message: false,
      });
    }

    await recordEvent(
      trx,
      {
        type: 'governance.report.submitted',
        subject: reportId,
        cityId: input.cityId,
        data: {
          reportId,
          trackingNo,
          workOrderId: workOrder.id,
          duplicate: Boolean(original),
          categoryCode: category.code,
          channel: input.channel,
          departmentId: workOrder.department_id,
          status: workOrder.status,
          h3: point.h3.res9,
          zones,
        },
      },
      clock,
    );
    // Last: the audit chain's head lock is then held only until commit.
    await appendAudit(
      trx,
      platform.config.secrets.auditKey,
      {
        action: 'governance.report.submitted',
        subjectKind: 'report',
        subjectId: reportId,
        cityId: input.cityId,
        details: {
          trackingNo,
          workOrderId: workOrder.id,
          categoryCode: category.code,
          channel: input.channel,
          duplicateOf,
          photos: photoIds.length,
          manual: decision.manual,
        },
      },
      { principal, ...(options.requestId ? { requestId: options.requestId } : {}), at: now },
    );
    return {
      reportId,
      trackingNo,
      workOrderId: workOrder.id,
      status: workOrder.status,
      duplicateOf,
      followToken,
      departmentId: workOrder.department_id,
    };
  });
}
