/**
 * One thing, one go (一件事一次办): a bundle is one shared form and one submission that fans
 * out to each member service's department and comes back as one result. Starting a bundle
 * makes a draft application per member (their answers filled from the shared form through
 * `x-maps-to`, the bundle's presets and the applicant's profile; held certificates attached).
 * On submission the members that have everything start at once; a member that needs a
 * certificate an earlier member issues (the restaurant's business licence) waits, and starts by
 * itself when that certificate is issued, with it attached and the new enterprise's details
 * filled in. The bundle is approved when every member is, rejected when one is.
 */

import type { FastifyRequest } from 'fastify';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { BundleSpec, ServiceSpec } from '#contracts';
import type { Platform } from '../../app.ts';
import { audit } from '../../platform/audit/index.ts';
import type { Database } from '../../platform/db/schema.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import { AppError } from '../../platform/http/errors.ts';
import { requestLocale } from '../../platform/http/problem.ts';
import type { PiiVault } from '../../platform/identity/pii.ts';
import { findTenant } from '../../platform/tenancy/repository.ts';
import {
  type Applicant,
  type ApplicationRow,
  appendLog,
  applicationTrackingPrefix,
  createDraftIn,
  heldMaterials,
  isApplicantOf,
} from './applications.ts';
import { findBundle, findService } from './catalog.ts';
import { checkAnswers, type FormProblem } from './forms.ts';
import { loadPrefillSource, prefillAnswers } from './prefill.ts';
import { type BundleApplicationsTable, governmentDb } from './schema.ts';
import { attachNewlyHeld, completenessProblems, startApplication, submitterOf } from './submission.ts';

type BundleRow = Selectable<BundleApplicationsTable>;

/** The member answers the shared answers and presets give, by service code. */
export function memberAnswers(
  bundle: BundleSpec,
  shared: Record<string, unknown>,
): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>(bundle.services.map((code) => [code, {}]));
  for (const [name, field] of Object.entries(bundle.sharedForm.properties)) {
    const value = shared[name];
    if (value === undefined) continue;
    const targets = (field['x-maps-to'] ?? {}) as Record<string, string>;
    for (const [service, target] of Object.entries(targets)) setIn(out, service, target, value);
  }
  for (const [service, values] of Object.entries(bundle.presets ?? {})) {
    for (const [field, value] of Object.entries(values)) setIn(out, service, field, value);
  }
  return out;
}

function setIn(out: Map<string, Record<string, unknown>>, service: string, field: string, value: unknown) {
  const answers = out.get(service);
  if (answers) answers[field] = value;
}

/** Certificate types a member needs that an earlier member issues: it waits for them. */
export function awaitedTypes(specs: readonly ServiceSpec[], index: number): string[] {
  const earlier = new Set(specs.slice(0, index).flatMap((s) => (s.issues ? [s.issues.certificateType] : [])));
  const spec = specs[index];
  if (!spec) return [];
  return spec.materials.filter((m) => m.heldBy && earlier.has(m.heldBy)).map((m) => m.heldBy as string);
}

async function findOwnBundle(db: Kysely<Database>, applicant: Applicant, id: string, forUpdate = false) {
  let q = governmentDb(db).selectFrom('bundle_applications').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row || !isApplicantOf(applicant, row)) throw new AppError('GOV_APPLICATION_NOT_FOUND');
  return row;
}

/** The member applications of a bundle application, in the bundle's order. */
export async function membersOf(db: Kysely<Database>, bundle: BundleRow): Promise<ApplicationRow[]> {
  const spec = await bundleSpecOf(db, bundle);
  const rows = await governmentDb(db)
    .selectFrom('applications')
    .selectAll()
    .where('bundle_application_id', '=', bundle.id)
    .execute();
  const order = spec.services;
  return rows.sort((a, b) => order.indexOf(a.service_code) - order.indexOf(b.service_code));
}

/** Starts a bundle application: the shared form pre-filled, a draft per member service. */
export async function createBundleDraft(
  db: Kysely<Database>,
  pii: PiiVault,
  input: { cityId: string; bundleCode: string; applicant: Applicant; now: Date },
): Promise<BundleRow> {
  const bundle = await findBundle(db, input.cityId, input.bundleCode);
  if (!bundle?.enabled) throw new AppError('GOV_BUNDLE_NOT_FOUND', { bundle: input.bundleCode });
  const source = await loadPrefillSource(db, pii, input.applicant.citizenId, input.applicant.enterpriseId);
  const { answers } = prefillAnswers(bundle.spec.sharedForm, source);
  const id = uuidv7();
  return db.transaction().execute(async (trx) => {
    await governmentDb(trx)
      .insertInto('bundle_applications')
      .values({
        id,
        city_id: input.cityId,
        bundle_id: bundle.id,
        bundle_version: bundle.version,
        citizen_id: input.applicant.citizenId,
        enterprise_id: input.applicant.enterpriseId,
        status: 'draft',
        answers: JSON.stringify(answers),
        created_at: input.now,
        updated_at: input.now,
      })
      .execute();
    const mapped = memberAnswers(bundle.spec, answers);
    for (const code of bundle.spec.services) {
      const draft = await createDraftIn(trx, pii, { ...input, serviceCode: code, bundleApplicationId: id });
      await governmentDb(trx)
        .updateTable('applications')
        .set({ answers: JSON.stringify({ ...draft.answers, ...mapped.get(code) }) })
        .where('id', '=', draft.id)
        .execute();
    }
    return findOwnBundle(trx, input.applicant, id);
  });
}

/** Saves the shared answers of a draft bundle and copies them into its members. */
export async function saveBundleAnswers(
  db: Kysely<Database>,
  applicant: Applicant,
  id: string,
  answers: Record<string, unknown>,
  now: Date,
): Promise<BundleRow> {
  return db.transaction().execute(async (trx) => {
    const row = await findOwnBundle(trx, applicant, id, true);
    if (row.status !== 'draft') throw new AppError('GOV_APPLICATION_NOT_EDITABLE', { status: row.status });
    const bundle = await bundleSpecOf(trx, row);
    const mapped = memberAnswers(bundle, answers);
    for (const member of await membersOf(trx, row)) {
      await governmentDb(trx)
        .updateTable('applications')
        .set({ answers: JSON.stringify({ ...member.answers, ...mapped.get(member.service_code) }), updated_at: now })
        .where('id', '=', member.id)
        .execute();
    }
    return governmentDb(trx)
      .updateTable('bundle_applications')
      .set({ answers: JSON.stringify(answers), updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

async function bundleSpecOf(db: Kysely<Database>, row: BundleRow): Promise<BundleSpec> {
  const v = await governmentDb(db)
    .selectFrom('service_bundle_versions')
    .select('spec')
    .where('bundle_id', '=', row.bundle_id)
    .where('version', '=', row.bundle_version)
    .executeTakeFirstOrThrow();
  return v.spec as unknown as BundleSpec;
}

async function memberSpecs(db: Kysely<Database>, members: readonly ApplicationRow[]): Promise<ServiceSpec[]> {
  const specs: ServiceSpec[] = [];
  for (const m of members) {
    const service = await findService(db, m.city_id, m.service_code, m.service_version);
    if (!service) throw new AppError('GOV_SERVICE_NOT_FOUND', { service: m.service_code });
    specs.push(service.spec);
  }
  return specs;
}

/**
 * Submits a bundle: the shared form must be valid and every member complete, except what an
 * earlier member will provide; members start now or wait for an earlier member's certificate.
 */
export async function submitBundle(
  platform: Platform,
  request: FastifyRequest,
  applicant: Applicant,
  id: string,
): Promise<BundleRow> {
  const zh = requestLocale(request) === 'zh-CN';
  return platform.db.transaction().execute(async (trx) => {
    const row = await findOwnBundle(trx, applicant, id, true);
    if (row.status !== 'draft') throw new AppError('GOV_APPLICATION_NOT_EDITABLE', { status: row.status });
    const bundle = await bundleSpecOf(trx, row);
    const members = await membersOf(trx, row);
    const specs = await memberSpecs(trx, members);
    const problems: FormProblem[] = checkAnswers(bundle.sharedForm, row.answers).map((p) => ({
      ...p,
      field: `shared.${p.field}`,
    }));
    const waiting = new Set<string>();
    members.forEach((m, i) => {
      if (awaitedTypes(specs, i).length) waiting.add(m.id);
    });
    for (const [i, member] of members.entries()) {
      const spec = specs[i] as ServiceSpec;
      const memberProblems = await completenessProblems(trx, member, spec);
      const awaited = new Set(awaitedTypes(specs, i));
      // A waiting member's enterprise details and awaited certificates come from the earlier member.
      const relevant = waiting.has(member.id)
        ? memberProblems.filter((p) => {
            const material = spec.materials.find((m) => `materials.${m.code}` === p.field);
            if (material?.heldBy && awaited.has(material.heldBy)) return false;
            const fieldName = p.field.split('.')[1] ?? '';
            const prefill = spec.form.properties[fieldName]?.['x-prefill'];
            return !(typeof prefill === 'string' && prefill.startsWith('enterprise.'));
          })
        : memberProblems;
      problems.push(...relevant.map((p) => ({ ...p, field: `${member.service_code}.${p.field}` })));
    }
    if (problems.length) {
      throw new AppError(
        'GOV_APPLICATION_INCOMPLETE',
        {},
        { errors: problems.map((p) => ({ field: p.field, message: zh ? p.zh : p.en })) },
      );
    }
    const now = platform.clock.now();
    const city = await findTenant(trx, row.city_id);
    if (!city) throw new AppError('CITY_NOT_FOUND');
    const actor = submitterOf(request);
    const prefix = applicationTrackingPrefix(now, city.timeZone, 'B');
    const seq = await trx
      .selectNoFrom((eb) => eb.fn<string>('nextval', [eb.val('application_tracking_seq')]).as('n'))
      .executeTakeFirstOrThrow();
    const updated = await governmentDb(trx)
      .updateTable('bundle_applications')
      .set({
        status: 'in_progress',
        tracking_no: `${prefix}${String(seq.n).padStart(6, '0')}`,
        submitted_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    for (const [i, member] of members.entries()) {
      if (waiting.has(member.id)) {
        await governmentDb(trx)
          .updateTable('applications')
          .set({ status: 'waiting', updated_at: now })
          .where('id', '=', member.id)
          .execute();
        await appendLog(trx, member.id, {
          kind: 'waiting',
          visibility: 'applicant',
          actorKind: 'system',
          actorId: null,
          body: { awaits: awaitedTypes(specs, i) },
          at: now,
        });
      } else {
        await startApplication(trx, platform, member, specs[i] as ServiceSpec, actor);
      }
    }
    await recordEvent(
      trx,
      {
        type: 'onecity.government.bundle.submitted',
        subject: id,
        cityId: row.city_id,
        data: { bundleApplicationId: id, trackingNo: updated.tracking_no, members: members.map((m) => m.service_code) },
      },
      platform.clock,
    );
    await audit(trx, request, {
      action: 'government.bundle.submitted',
      subjectKind: 'bundle_application',
      subjectId: id,
      cityId: row.city_id,
    });
    return updated;
  });
}

/**
 * After a member finished: carries a newly registered enterprise to the rest, starts waiting
 * members whose certificates are now held, and settles the bundle's own status.
 */
export async function advanceBundle(
  trx: Transaction<Database>,
  platform: Pick<Platform, 'clock' | 'config' | 'pii'>,
  bundleApplicationId: string,
  finished: ApplicationRow,
): Promise<void> {
  const g = governmentDb(trx);
  const now = platform.clock.now();
  const bundle = await g
    .selectFrom('bundle_applications')
    .selectAll()
    .where('id', '=', bundleApplicationId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (bundle.status !== 'in_progress') return;
  // A company registered by this member: the bundle and its other members now act for it.
  if (!bundle.enterprise_id && finished.credential_id) {
    const registered = await g
      .selectFrom('application_log')
      .select('body')
      .where('application_id', '=', finished.id)
      .where('kind', '=', 'enterprise_registered')
      .executeTakeFirst();
    const enterpriseId = (registered?.body as { enterpriseId?: string } | undefined)?.enterpriseId;
    if (enterpriseId) {
      await g
        .updateTable('bundle_applications')
        .set({ enterprise_id: enterpriseId })
        .where('id', '=', bundle.id)
        .execute();
      await g
        .updateTable('applications')
        .set({ enterprise_id: enterpriseId })
        .where('bundle_application_id', '=', bundle.id)
        .where('id', '!=', finished.id)
        .execute();
    }
  }
  const members = await membersOf(trx, { ...bundle });
  const specs = await memberSpecs(trx, members);
  for (const [i, member] of members.entries()) {
    if (member.status !== 'waiting') continue;
    const spec = specs[i] as ServiceSpec;
    const held = await heldMaterials(
      trx,
      spec,
      { citizenId: member.citizen_id, enterpriseId: member.enterprise_id },
      now,
    );
    const stillAwaited = awaitedTypes(specs, i).filter((type) => ![...held.values()].some((h) => h.typeCode === type));
    if (stillAwaited.length) continue;
    await attachNewlyHeld(trx, member, spec, now);
    // Fill what the new enterprise now tells (its name, code, legal representative), never overwriting an answer.
    const source = await loadPrefillSource(trx, platform.pii, member.citizen_id, member.enterprise_id);
    const { answers: prefilled, prefilled: from } = prefillAnswers(spec.form, source);
    const answers = { ...prefilled, ...member.answers };
    const refreshed = await g
      .updateTable('applications')
      .set({
        answers: JSON.stringify(answers),
        prefilled: JSON.stringify({ ...from, ...member.prefilled }),
        updated_at: now,
      })
      .where('id', '=', member.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const problems = await completenessProblems(trx, refreshed, spec);
    if (problems.length) {
      // Something only the applicant can give: back to a draft they complete and submit themself.
      await g.updateTable('applications').set({ status: 'draft' }).where('id', '=', member.id).execute();
      await appendLog(trx, member.id, {
        kind: 'needs_applicant',
        visibility: 'applicant',
        actorKind: 'system',
        actorId: null,
        body: { problems: problems.map((p) => ({ field: p.field, zh: p.zh, en: p.en })) },
        at: now,
      });
      continue;
    }
    await startApplication(trx, platform, refreshed, spec, { kind: 'system' });
  }
  const after = await membersOf(trx, bundle);
  const rejected = after.some((m) => m.status === 'rejected' || m.status === 'withdrawn');
  const allApproved = after.every((m) => m.status === 'approved');
  if (!rejected && !allApproved) return;
  const status = allApproved ? 'approved' : 'rejected';
  if (rejected) {
    for (const m of after.filter((a) => a.status === 'waiting' || a.status === 'draft')) {
      await g
        .updateTable('applications')
        .set({ status: 'withdrawn', completed_at: now, updated_at: now })
        .where('id', '=', m.id)
        .execute();
    }
  }
  await g
    .updateTable('bundle_applications')
    .set({ status, completed_at: now, updated_at: now })
    .where('id', '=', bundle.id)
    .execute();
  await recordEvent(
    trx,
    {
      type: `onecity.government.bundle.${status}`,
      subject: bundle.id,
      cityId: bundle.city_id,
      data: { bundleApplicationId: bundle.id, trackingNo: bundle.tracking_no },
    },
    platform.clock,
  );
}

/** A bundle application with its members, for its applicant. */
export async function findOwnBundleWithMembers(db: Kysely<Database>, applicant: Applicant, id: string) {
  const row = await findOwnBundle(db, applicant, id);
  return { row, members: await membersOf(db, row) };
}
