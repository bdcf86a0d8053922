/**
 * Applications for a government service, from the applicant's side: a draft pre-filled from
 * the profile and with the materials the city already holds attached by reference (免提交);
 * answers saved as the applicant goes; uploads attached to the materials that need them.
 * Submission, the workflow and approval live in submission.ts.
 */

import { type Kysely, type Selectable, sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { ServiceMaterial, ServiceSpec } from '#contracts';
import type { Database } from '../../platform/db/schema.ts';
import { claimUploads } from '../../platform/files/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { PiiVault } from '../../platform/identity/pii.ts';
import type { CitizenPrincipal } from '../../platform/identity/principal.ts';
import { civilDateOf } from '../../platform/time/civil-date.ts';
import { findService } from './catalog.ts';
import { findHeld, type HeldCredential } from './held.ts';
import { loadPrefillSource, prefillAnswers } from './prefill.ts';
import { type ApplicationStatus, type ApplicationsTable, governmentDb } from './schema.ts';

/** An application row. */
export type ApplicationRow = Selectable<ApplicationsTable>;

/** Statuses in which the applicant may still change answers and materials. */
const EDITABLE: readonly ApplicationStatus[] = ['draft', 'awaiting_applicant'];

/** Who applies: the signed-in citizen, and the enterprise they act for (if any). */
export interface Applicant {
  citizenId: string;
  enterpriseId: string | null;
}

/** The applicant of a citizen principal. */
export function applicantOf(principal: CitizenPrincipal): Applicant {
  return { citizenId: principal.id, enterpriseId: principal.actingFor?.enterpriseId ?? null };
}

/** Whether `applicant` may see and act on `row`: they made it, or they act for the enterprise it is for. */
export function isApplicantOf(
  applicant: Applicant,
  row: Pick<ApplicationRow, 'citizen_id' | 'enterprise_id'>,
): boolean {
  if (applicant.citizenId === row.citizen_id) return true;
  return row.enterprise_id !== null && applicant.enterpriseId === row.enterprise_id;
}

/**
 * Appends an entry to an application's timeline in `trx`. The entry's number is the next after
 * the last, so writers take the application's row lock first. Without it, a writer that does not
 * hold the lock (a staff note) and one that does (a step approved at the same moment) take the
 * same number: each then waits for the other — one on the primary key, the other on the row its
 * foreign key must share — and PostgreSQL ends the deadlock by failing one of them. Callers that
 * already hold the lock (every workflow action) lose nothing by it.
 */
export async function appendLog(
  trx: Kysely<Database>,
  applicationId: string,
  entry: {
    kind: string;
    visibility: 'applicant' | 'internal';
    actorKind: 'citizen' | 'staff' | 'system';
    actorId: string | null;
    departmentId?: string | null;
    body?: Record<string, unknown>;
    at: Date;
  },
): Promise<void> {
  await governmentDb(trx).selectFrom('applications').select('id').where('id', '=', applicationId).forUpdate().execute();
  await governmentDb(trx)
    .insertInto('application_log')
    .values({
      application_id: applicationId,
      city_id: sql<string>`(SELECT city_id FROM applications WHERE id = ${applicationId})`,
      seq: sql<number>`(SELECT coalesce(max(seq), 0) + 1 FROM application_log WHERE application_id = ${applicationId})`,
      kind: entry.kind,
      visibility: entry.visibility,
      actor_kind: entry.actorKind,
      actor_id: entry.actorId,
      department_id: entry.departmentId ?? null,
      body: JSON.stringify(entry.body ?? {}),
      at: entry.at,
    })
    .execute();
}

/** Materials of `spec` the city holds for the applicant, by material code (first valid certificate of the type). */
export async function heldMaterials(
  db: Kysely<Database>,
  spec: ServiceSpec,
  applicant: Applicant,
  now: Date,
): Promise<Map<string, HeldCredential>> {
  const wanted = spec.materials.filter((m) => m.heldBy && !m.otherParty);
  const held = await findHeld(
    db,
    applicant,
    wanted.map((m) => m.heldBy as string),
    now,
  );
  const byMaterial = new Map<string, HeldCredential>();
  for (const m of wanted) {
    const credential = held.find((h) => h.typeCode === m.heldBy);
    if (credential) byMaterial.set(m.code, credential);
  }
  return byMaterial;
}

/** Starts a draft application for service `code`: pre-filled answers, held materials attached. */
export async function createDraft(
  db: Kysely<Database>,
  pii: PiiVault,
  input: { cityId: string; serviceCode: string; applicant: Applicant; now: Date; bundleApplicationId?: string },
): Promise<ApplicationRow> {
  return db.transaction().execute((trx) => createDraftIn(trx, pii, input));
}

/** {@link createDraft} inside the caller's transaction (a bundle makes its members this way). */
export async function createDraftIn(
  trx: Kysely<Database>,
  pii: PiiVault,
  input: { cityId: string; serviceCode: string; applicant: Applicant; now: Date; bundleApplicationId?: string },
): Promise<ApplicationRow> {
  const service = await findService(trx, input.cityId, input.serviceCode);
  if (!service?.row.enabled) throw new AppError('GOV_SERVICE_NOT_FOUND', { service: input.serviceCode });
  if (!service.spec.online) throw new AppError('GOV_SERVICE_OFFLINE_ONLY');
  const source = await loadPrefillSource(trx, pii, input.applicant.citizenId, input.applicant.enterpriseId);
  const { answers, prefilled } = prefillAnswers(service.spec.form, source);
  const held = await heldMaterials(trx, service.spec, input.applicant, input.now);
  const id = uuidv7();
  {
    const g = governmentDb(trx);
    const row = await g
      .insertInto('applications')
      .values({
        id,
        city_id: input.cityId,
        service_id: service.row.id,
        service_code: service.spec.code,
        service_version: service.version,
        department_id: service.department.id,
        bundle_application_id: input.bundleApplicationId ?? null,
        citizen_id: input.applicant.citizenId,
        enterprise_id: input.applicant.enterpriseId,
        status: 'draft',
        answers: JSON.stringify(answers),
        prefilled: JSON.stringify(prefilled),
        fee_fen: service.spec.fee.amountFen,
        created_at: input.now,
        updated_at: input.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (held.size) {
      await g
        .insertInto('application_materials')
        .values(
          [...held].map(([materialCode, credential]) => ({
            id: uuidv7(),
            city_id: input.cityId,
            application_id: id,
            material_code: materialCode,
            source: 'held' as const,
            credential_id: credential.id,
            attached_at: input.now,
          })),
        )
        .execute();
    }
    await appendLog(trx, id, {
      kind: 'created',
      visibility: 'applicant',
      actorKind: 'citizen',
      actorId: input.applicant.citizenId,
      body: { prefilled: Object.keys(prefilled).length, held: [...held.keys()] },
      at: input.now,
    });
    return row;
  }
}

/** The application `id` if `applicant` may see it (404 otherwise: never tell whether it exists). */
export async function findOwnApplication(
  db: Kysely<Database>,
  applicant: Applicant,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ApplicationRow> {
  let q = governmentDb(db).selectFrom('applications').selectAll().where('id', '=', id);
  if (options.forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row || !isApplicantOf(applicant, row)) throw new AppError('GOV_APPLICATION_NOT_FOUND');
  return row;
}

/** Throws unless the applicant may still change `row`. */
export function assertEditable(row: ApplicationRow): void {
  if (!EDITABLE.includes(row.status)) throw new AppError('GOV_APPLICATION_NOT_EDITABLE', { status: row.status });
}

/** Replaces the answers of an editable application (partial answers are fine until submission). */
export async function saveAnswers(
  db: Kysely<Database>,
  applicant: Applicant,
  id: string,
  answers: Record<string, unknown>,
  now: Date,
): Promise<ApplicationRow> {
  return db.transaction().execute(async (trx) => {
    const row = await findOwnApplication(trx, applicant, id, { forUpdate: true });
    assertEditable(row);
    return governmentDb(trx)
      .updateTable('applications')
      .set({ answers: JSON.stringify(answers), updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** The material `code` of the application's service version, or a 400. */
export function materialOf(spec: ServiceSpec, code: string): ServiceMaterial {
  const material = spec.materials.find((m) => m.code === code);
  if (!material || material.kind === 'form') throw new AppError('GOV_MATERIAL_UNKNOWN', { material: code });
  return material;
}

/** Attaches the applicant's uploads to material `materialCode` of an editable application. */
export async function attachUploads(
  db: Kysely<Database>,
  input: {
    applicant: Applicant;
    principal: CitizenPrincipal;
    id: string;
    materialCode: string;
    uploadIds: string[];
    now: Date;
  },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await findOwnApplication(trx, input.applicant, input.id, { forUpdate: true });
    assertEditable(row);
    const service = await findService(trx, row.city_id, row.service_code, row.service_version);
    if (!service) throw new AppError('GOV_SERVICE_NOT_FOUND', { service: row.service_code });
    const material = materialOf(service.spec, input.materialCode);
    const g = governmentDb(trx);
    const alreadyHeld = await g
      .selectFrom('application_materials')
      .select('id')
      .where('application_id', '=', row.id)
      .where('material_code', '=', material.code)
      .where('source', '=', 'held')
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    if (alreadyHeld) throw new AppError('GOV_MATERIAL_HELD', { material: material.name.zh });
    const files = await claimUploads(trx, {
      cityId: row.city_id,
      ids: input.uploadIds,
      uploader: input.principal,
      attachTo: { kind: 'application', id: row.id },
      now: input.now,
    });
    await g
      .insertInto('application_materials')
      .values(
        files.map((f) => ({
          id: uuidv7(),
          city_id: row.city_id,
          application_id: row.id,
          material_code: material.code,
          source: 'upload' as const,
          file_id: f.id,
          attached_at: input.now,
        })),
      )
      .execute();
    await g.updateTable('applications').set({ updated_at: input.now }).where('id', '=', row.id).execute();
  });
}

/** The application's materials in force (not removed). */
export async function materialsOf(db: Kysely<Database>, applicationId: string) {
  return governmentDb(db)
    .selectFrom('application_materials')
    .select(['id', 'material_code', 'source', 'credential_id', 'file_id', 'attached_at'])
    .where('application_id', '=', applicationId)
    .where('removed_at', 'is', null)
    .orderBy('attached_at')
    .execute();
}

/** The application's timeline: the applicant's entries, and staff's internal notes when `internal`. */
export async function timelineOf(db: Kysely<Database>, applicationId: string, internal: boolean) {
  let q = governmentDb(db)
    .selectFrom('application_log')
    .selectAll()
    .where('application_id', '=', applicationId)
    .orderBy('seq');
  if (!internal) q = q.where('visibility', '=', 'applicant');
  return q.execute();
}

/** The applicant's applications, newest first. */
export async function listOwnApplications(
  db: Kysely<Database>,
  applicant: Applicant,
  page: { limit: number; offset: number },
) {
  const enterpriseId = applicant.enterpriseId;
  const q = governmentDb(db)
    .selectFrom('applications')
    .where((eb) =>
      enterpriseId
        ? eb.or([eb('citizen_id', '=', applicant.citizenId), eb('enterprise_id', '=', enterpriseId)])
        : eb('citizen_id', '=', applicant.citizenId),
    );
  const [rows, total] = await Promise.all([
    q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** The day part of application tracking numbers at `now` in the city's time zone, e.g. `A261122-`. */
export function applicationTrackingPrefix(now: Date, timeZone: string, letter: 'A' | 'B' = 'A'): string {
  return `${letter}${civilDateOf(now, timeZone).slice(2).replaceAll('-', '')}-`;
}
