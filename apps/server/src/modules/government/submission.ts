/**
 * An application's life after its draft: submission checks the answers against the form and
 * every required material, gives a tracking number and starts the service's workflow on the
 * platform engine; staff actions move it; a request for more material (补正) hands it back to
 * the applicant with the clock stopped; approval issues the service's e-certificate in the same
 * transaction; withdrawal ends it. Each change commits with its timeline entry, outbox event
 * and audit entry.
 */

import type { FastifyRequest } from 'fastify';
import { type Kysely, sql, type Transaction } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { ServiceSpec } from '#contracts';
import type { Platform } from '../../app.ts';
import { audit } from '../../platform/audit/index.ts';
import type { Database } from '../../platform/db/schema.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import { AppError, type FieldError } from '../../platform/http/errors.ts';
import { requestLocale } from '../../platform/http/problem.ts';
import type { StaffPrincipal } from '../../platform/identity/principal.ts';
import { findTenant } from '../../platform/tenancy/repository.ts';
import {
  actOnInstance,
  actOnTask,
  type MaterialRequest,
  startWorkflow,
  type WorkflowResult,
} from '../../platform/workflow/index.ts';
import {
  type Applicant,
  type ApplicationRow,
  appendLog,
  applicationTrackingPrefix,
  findOwnApplication,
  heldMaterials,
  materialsOf,
} from './applications.ts';
import { advanceBundle } from './bundle.ts';
import { findService } from './catalog.ts';
import { definitionFor } from './definitions.ts';
import { settleFeeOnWithdrawal } from './fees.ts';
import { checkAnswers, type FormProblem } from './forms.ts';
import { issueOnApproval } from './issue.ts';
import { governmentDb } from './schema.ts';

function fieldErrors(request: FastifyRequest, problems: FormProblem[]): FieldError[] {
  const zh = requestLocale(request) === 'zh-CN';
  return problems.map((p) => ({ field: p.field, message: zh ? p.zh : p.en }));
}

/**
 * The workflow actor of the applicant who made `row` (the module has checked they may act on it):
 * for an enterprise's application they act for that enterprise.
 */
function applicantActor(citizenId: string, row: ApplicationRow) {
  return {
    kind: 'citizen' as const,
    id: citizenId,
    actingFor: row.enterprise_id ? { enterpriseId: row.enterprise_id } : null,
  };
}

/** Who submits, as the workflow sees them: the signed-in citizen (acting for their enterprise, if so). */
export function submitterOf(
  request: FastifyRequest,
): { kind: 'citizen'; id: string; actingFor: { enterpriseId: string } | null } | { kind: 'system' } {
  const principal = request.principal;
  if (principal.kind !== 'citizen') return { kind: 'system' };
  return {
    kind: 'citizen',
    id: principal.id,
    actingFor: principal.actingFor ? { enterpriseId: principal.actingFor.enterpriseId } : null,
  };
}

/** What is missing before `row` can go to staff: invalid answers, required materials without anything attached. */
export async function completenessProblems(
  db: Kysely<Database>,
  row: ApplicationRow,
  spec: ServiceSpec,
): Promise<FormProblem[]> {
  const problems = checkAnswers(spec.form, row.answers);
  const attached = await materialsOf(db, row.id);
  for (const m of spec.materials) {
    if (m.kind === 'form' || m.optional || m.otherParty) continue;
    if (!attached.some((a) => a.material_code === m.code)) {
      problems.push({
        field: `materials.${m.code}`,
        zh: `缺少材料“${m.name.zh}”${m.heldBy ? '（政府尚未掌握您的该项证照，请上传）' : ''}`,
        en: `"${m.name.en}" is missing${m.heldBy ? ' (the city holds no such certificate of yours: upload it)' : ''}`,
      });
    }
  }
  return problems;
}

/** Attaches to `row` the held certificates its service needs and it lacks (an earlier bundle member may have issued one). */
export async function attachNewlyHeld(trx: Kysely<Database>, row: ApplicationRow, spec: ServiceSpec, now: Date) {
  const held = await heldMaterials(trx, spec, { citizenId: row.citizen_id, enterpriseId: row.enterprise_id }, now);
  const attached = new Set((await materialsOf(trx, row.id)).map((m) => m.material_code));
  const fresh = [...held].filter(([code]) => !attached.has(code));
  if (!fresh.length) return [];
  await governmentDb(trx)
    .insertInto('application_materials')
    .values(
      fresh.map(([materialCode, credential]) => ({
        id: uuidv7(),
        city_id: row.city_id,
        application_id: row.id,
        material_code: materialCode,
        source: 'held' as const,
        credential_id: credential.id,
        attached_at: now,
      })),
    )
    .execute();
  return fresh.map(([code]) => code);
}

/**
 * Sends an application (locked by the caller, status draft or waiting) to the departments:
 * tracking number, workflow started on the service version's steps, timeline, event.
 */
export async function startApplication(
  trx: Transaction<Database>,
  platform: Pick<Platform, 'clock'>,
  row: ApplicationRow,
  spec: ServiceSpec,
  actor: { kind: 'citizen'; id: string; actingFor: { enterpriseId: string } | null } | { kind: 'system' },
): Promise<ApplicationRow> {
  const now = platform.clock.now();
  const city = await findTenant(trx, row.city_id);
  if (!city) throw new AppError('CITY_NOT_FOUND');
  const definition = await definitionFor(trx, platform.clock, row.city_id, spec);
  const result = await startWorkflow(trx, platform, {
    cityId: row.city_id,
    definition: { code: definition.code, version: definition.version },
    subject: { type: 'application', id: row.id },
    applicant: row.enterprise_id
      ? { kind: 'enterprise', id: row.enterprise_id }
      : { kind: 'citizen', id: row.citizen_id },
    departments: { service: row.department_id },
    limits: { promisedDays: Math.ceil(spec.promisedDays), legalDays: spec.legalDays },
    actor,
  });
  const g = governmentDb(trx);
  const prefix = applicationTrackingPrefix(now, city.timeZone);
  const updated = await g
    .updateTable('applications')
    .set({
      status: 'in_progress',
      tracking_no: sql<string>`coalesce(tracking_no, ${prefix} || lpad(nextval('application_tracking_seq')::text, 6, '0'))`,
      workflow_instance_id: result.instance.id,
      submitted_at: now,
      updated_at: now,
    })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendLog(trx, row.id, {
    kind: 'submitted',
    visibility: 'applicant',
    actorKind: actor.kind,
    actorId: actor.kind === 'citizen' ? actor.id : null,
    body: {
      trackingNo: updated.tracking_no,
      promisedDueAt: result.instance.promisedDueAt?.toISOString() ?? null,
      legalDueAt: result.instance.legalDueAt?.toISOString() ?? null,
    },
    at: now,
  });
  await recordEvent(
    trx,
    {
      type: 'onecity.government.application.submitted',
      subject: row.id,
      cityId: row.city_id,
      data: { applicationId: row.id, trackingNo: updated.tracking_no, serviceCode: row.service_code },
    },
    platform.clock,
  );
  return updated;
}

/** Submits the applicant's draft (see {@link startApplication}); 400 GOV_APPLICATION_INCOMPLETE lists what is missing. */
export async function submitApplication(
  platform: Platform,
  request: FastifyRequest,
  applicant: Applicant,
  id: string,
): Promise<ApplicationRow> {
  return platform.db.transaction().execute(async (trx) => {
    const row = await findOwnApplication(trx, applicant, id, { forUpdate: true });
    if (row.status !== 'draft' || row.bundle_application_id) {
      throw new AppError('GOV_APPLICATION_NOT_EDITABLE', { status: row.status });
    }
    const service = await findService(trx, row.city_id, row.service_code, row.service_version);
    if (!service) throw new AppError('GOV_SERVICE_NOT_FOUND', { service: row.service_code });
    const problems = await completenessProblems(trx, row, service.spec);
    if (problems.length)
      throw new AppError('GOV_APPLICATION_INCOMPLETE', {}, { errors: fieldErrors(request, problems) });
    if (row.fee_fen > 0 && !row.paid_at) {
      throw new AppError('GOV_FEE_UNPAID', { amount: (row.fee_fen / 100).toFixed(2) });
    }
    const updated = await startApplication(trx, platform, row, service.spec, submitterOf(request));
    await audit(trx, request, {
      action: 'government.application.submitted',
      subjectKind: 'application',
      subjectId: row.id,
      cityId: row.city_id,
      details: { service: row.service_code, version: row.service_version },
    });
    return updated;
  });
}

/** Applies what a workflow command did to the application: status, timeline, certificate on approval. */
export async function followWorkflow(
  trx: Transaction<Database>,
  platform: Pick<Platform, 'clock' | 'config' | 'pii'>,
  row: ApplicationRow,
  result: WorkflowResult,
  actor: { kind: 'staff' | 'citizen' | 'system'; id: string | null; departmentId: string | null },
  request: FastifyRequest,
): Promise<ApplicationRow> {
  const now = platform.clock.now();
  const g = governmentDb(trx);
  let status = row.status;
  if (result.completed) status = result.completed;
  else if (result.paused || result.instance.status === 'paused') status = 'awaiting_applicant';
  else status = 'in_progress';
  for (const entry of result.appended) {
    if (entry.action === 'warn' || entry.action === 'escalate') continue;
    const applicantSees = ['approve', 'reject', 'request_material', 'supplement', 'withdraw', 'transfer'].includes(
      entry.action,
    );
    await appendLog(trx, row.id, {
      kind: entry.action,
      visibility: applicantSees ? 'applicant' : 'internal',
      actorKind: entry.actor.kind,
      actorId: entry.actor.kind === 'citizen' ? entry.actor.id : null,
      departmentId: entry.departmentId ?? actor.departmentId,
      body: {
        step: entry.stepCode,
        message: entry.message,
        reason: entry.reason,
        ...(entry.action === 'request_material'
          ? { materials: (entry.details as { materials?: unknown })?.materials ?? [] }
          : {}),
      },
      at: now,
    });
  }
  let credentialId = row.credential_id;
  if (result.completed === 'approved' && !credentialId) {
    credentialId = await issueOnApproval(trx, platform, row, now, request);
  }
  const updated = await g
    .updateTable('applications')
    .set({
      status,
      credential_id: credentialId,
      completed_at: result.completed ? now : null,
      updated_at: now,
    })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (result.completed && row.bundle_application_id) {
    await advanceBundle(trx, platform, row.bundle_application_id, updated);
  }
  if (status !== row.status) {
    await recordEvent(
      trx,
      {
        type: `onecity.government.application.${status}`,
        subject: row.id,
        cityId: row.city_id,
        data: {
          applicationId: row.id,
          trackingNo: row.tracking_no,
          serviceCode: row.service_code,
          bundleApplicationId: row.bundle_application_id,
          credentialId,
        },
      },
      platform.clock,
    );
  }
  return updated;
}

/** The applicant answers a request for more material: answers and uploads are in place; the clock runs again. */
export async function supplementApplication(
  platform: Platform,
  request: FastifyRequest,
  applicant: Applicant,
  id: string,
  message: string | null,
): Promise<ApplicationRow> {
  return platform.db.transaction().execute(async (trx) => {
    const row = await findOwnApplication(trx, applicant, id, { forUpdate: true });
    if (row.status !== 'awaiting_applicant' || !row.workflow_instance_id) {
      throw new AppError('GOV_APPLICATION_NOT_EDITABLE', { status: row.status });
    }
    const service = await findService(trx, row.city_id, row.service_code, row.service_version);
    if (!service) throw new AppError('GOV_SERVICE_NOT_FOUND', { service: row.service_code });
    const problems = checkAnswers(service.spec.form, row.answers);
    if (problems.length)
      throw new AppError('GOV_APPLICATION_INCOMPLETE', {}, { errors: fieldErrors(request, problems) });
    const principal = request.principal;
    if (principal.kind !== 'citizen') throw new AppError('FORBIDDEN');
    const result = await actOnInstance(trx, platform, {
      cityId: row.city_id,
      instanceId: row.workflow_instance_id,
      actor: applicantActor(principal.id, row),
      action: 'supplement',
      payload: { answers: row.answers },
      message,
    });
    const updated = await followWorkflow(
      trx,
      platform,
      row,
      result,
      { kind: 'citizen', id: principal.id, departmentId: null },
      request,
    );
    await audit(trx, request, {
      action: 'government.application.supplemented',
      subjectKind: 'application',
      subjectId: row.id,
      cityId: row.city_id,
    });
    return updated;
  });
}

/** Withdraws an application: a draft at once, one with staff through its workflow. */
export async function withdrawApplication(
  platform: Platform,
  request: FastifyRequest,
  applicant: Applicant,
  id: string,
  reason: string | null,
): Promise<ApplicationRow> {
  return platform.db.transaction().execute(async (trx) => {
    const row = await findOwnApplication(trx, applicant, id, { forUpdate: true });
    const principal = request.principal;
    if (principal.kind !== 'citizen') throw new AppError('FORBIDDEN');
    const now = platform.clock.now();
    let updated: ApplicationRow;
    if (row.status === 'draft' || row.status === 'waiting') {
      updated = await governmentDb(trx)
        .updateTable('applications')
        .set({ status: 'withdrawn', completed_at: now, updated_at: now })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendLog(trx, row.id, {
        kind: 'withdraw',
        visibility: 'applicant',
        actorKind: 'citizen',
        actorId: principal.id,
        body: { reason },
        at: now,
      });
    } else if (row.workflow_instance_id && (row.status === 'in_progress' || row.status === 'awaiting_applicant')) {
      const result = await actOnInstance(trx, platform, {
        cityId: row.city_id,
        instanceId: row.workflow_instance_id,
        actor: applicantActor(principal.id, row),
        action: 'withdraw',
        reason,
      });
      updated = await followWorkflow(
        trx,
        platform,
        row,
        result,
        { kind: 'citizen', id: principal.id, departmentId: null },
        request,
      );
    } else {
      throw new AppError('GOV_APPLICATION_NOT_EDITABLE', { status: row.status });
    }
    await settleFeeOnWithdrawal(trx, platform, request, row);
    await audit(trx, request, {
      action: 'government.application.withdrawn',
      subjectKind: 'application',
      subjectId: row.id,
      cityId: row.city_id,
    });
    return updated;
  });
}

/** A staff action on one of the application's workflow tasks. */
export type StaffAction =
  | { action: 'approve'; message?: string | null }
  | { action: 'reject'; reason: string; message?: string | null }
  | { action: 'request_material'; message: string; materials: MaterialRequest[] }
  | { action: 'transfer'; toDepartmentCode: string; reason: string };

/** Staff act on a task of an application's workflow; the application follows. */
export async function actOnApplicationTask(
  platform: Platform,
  request: FastifyRequest,
  staff: StaffPrincipal,
  input: { applicationId: string; taskId: string; expectedVersion?: number } & StaffAction,
): Promise<ApplicationRow> {
  return platform.db.transaction().execute(async (trx) => {
    const g = governmentDb(trx);
    const row = await g
      .selectFrom('applications')
      .selectAll()
      .where('id', '=', input.applicationId)
      .where('city_id', '=', staff.cityId)
      .forUpdate()
      .executeTakeFirst();
    if (!row?.workflow_instance_id) throw new AppError('GOV_APPLICATION_NOT_FOUND');
    const task = await trx
      .withTables<{ workflow_tasks: { id: string; instance_id: string } }>()
      .selectFrom('workflow_tasks')
      .select('id')
      .where('id', '=', input.taskId)
      .where('instance_id', '=', row.workflow_instance_id)
      .executeTakeFirst();
    if (!task) throw new AppError('WORKFLOW_TASK_NOT_FOUND');
    const base = {
      cityId: row.city_id,
      taskId: input.taskId,
      actor: staff,
      ...(input.expectedVersion !== undefined ? { expectedVersion: input.expectedVersion } : {}),
    };
    let result: WorkflowResult;
    if (input.action === 'transfer') {
      const department = await trx
        .selectFrom('departments')
        .select('id')
        .where('city_id', '=', row.city_id)
        .where('code', '=', input.toDepartmentCode)
        .executeTakeFirst();
      if (!department) throw new AppError('DEPARTMENT_NOT_FOUND', { department: input.toDepartmentCode });
      result = await actOnTask(trx, platform, {
        ...base,
        action: 'transfer',
        toDepartmentId: department.id,
        reason: input.reason,
      });
    } else if (input.action === 'approve') {
      result = await actOnTask(trx, platform, { ...base, action: 'approve', message: input.message ?? null });
    } else if (input.action === 'reject') {
      result = await actOnTask(trx, platform, {
        ...base,
        action: 'reject',
        reason: input.reason,
        message: input.message ?? null,
      });
    } else {
      result = await actOnTask(trx, platform, {
        ...base,
        action: 'request_material',
        message: input.message,
        materials: input.materials,
      });
    }
    const updated = await followWorkflow(
      trx,
      platform,
      row,
      result,
      { kind: 'staff', id: staff.id, departmentId: staff.departmentId },
      request,
    );
    await audit(trx, request, {
      action: `government.application.task.${input.action}`,
      subjectKind: 'application',
      subjectId: row.id,
      cityId: row.city_id,
      details: { taskId: input.taskId },
    });
    return updated;
  });
}
