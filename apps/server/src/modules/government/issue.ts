/**
 * What approval produces: the service's e-certificate, issued to the right holder (the citizen,
 * or the enterprise applied for) with the facts the certificate states. Registering a company
 * (a business licence for an applicant who has no enterprise yet) creates the enterprise first,
 * with the applicant as its legal representative, so that the next application — the rest of
 * the restaurant bundle, say — can act for it and reuse the licence.
 */
import { randomInt } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { FormSchema, ServiceSpec } from '#contracts';
import type { Platform } from '../../app.ts';
import { type ClaimValue, credentialContext, issueCredential } from '../../platform/credentials/index.ts';
import type { Database } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/http/errors.ts';
import { findTenant } from '../../platform/tenancy/repository.ts';
import type { ApplicationRow } from './applications.ts';
import { appendLog } from './applications.ts';
import { findService } from './catalog.ts';
import { governmentDb } from './schema.ts';

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A new unified social credit code (GB 32100-2015) for a company registered in the city of `adminCode`. */
export function newUscc(adminCode: string): string {
  const division = adminCode.replace(/\D/g, '').padEnd(6, '0').slice(0, 6);
  let body = `91${division}`;
  for (let i = 0; i < 9; i++) body += USCC_CHARS[randomInt(USCC_CHARS.length)];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(body[i] ?? '0') * (USCC_WEIGHTS[i] ?? 0);
  return body + USCC_CHARS[(31 - (sum % 31)) % 31];
}

/** Form fields a certificate never states: contact details and identity numbers. */
const PRIVATE_PREFILL = new Set(['profile.nationalId', 'profile.phone', 'profile.email', 'profile.address']);
const PRIVATE_NAMES = /(phone|email|idnumber|nationalid|address)$/i;

/** The answers a certificate may state: plain values of fields that are not personal contact data. */
export function certificateFacts(form: FormSchema, answers: Record<string, unknown>): Record<string, ClaimValue> {
  const facts: Record<string, ClaimValue> = {};
  for (const [name, field] of Object.entries(form.properties)) {
    const value = answers[name];
    if (value === undefined || value === null || value === '') continue;
    const prefill = field['x-prefill'];
    if (typeof prefill === 'string' && PRIVATE_PREFILL.has(prefill)) continue;
    if (PRIVATE_NAMES.test(name) && !/^(premises|venue|company)/i.test(name)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') facts[name] = value;
  }
  return facts;
}

/** The form's field titles as certificate field labels. */
function labelsOf(form: FormSchema): Record<string, { zh: string; en: string }> {
  const labels: Record<string, { zh: string; en: string }> = {
    uscc: { zh: '统一社会信用代码', en: 'Unified social credit code' },
    applicationNo: { zh: '办件编号', en: 'Application number' },
    service: { zh: '办理事项', en: 'Service' },
  };
  for (const [name, field] of Object.entries(form.properties)) {
    if (typeof field.title === 'string' && typeof field['x-title-en'] === 'string') {
      labels[name] = { zh: field.title, en: field['x-title-en'] };
    }
  }
  return labels;
}

async function registerEnterprise(
  trx: Transaction<Database>,
  row: ApplicationRow,
  name: string,
  now: Date,
): Promise<{ id: string; uscc: string; name: string }> {
  const city = await findTenant(trx, row.city_id);
  if (!city) throw new AppError('CITY_NOT_FOUND');
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = uuidv7();
    const uscc = newUscc(city.adminCode);
    const inserted = await trx
      .insertInto('enterprises')
      .values({
        id,
        uscc,
        name,
        legal_rep_citizen_id: row.citizen_id,
        registered_city_id: row.city_id,
        created_at: now,
      })
      .onConflict((oc) => oc.column('uscc').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) continue;
    await trx
      .insertInto('enterprise_members')
      .values({ enterprise_id: id, citizen_id: row.citizen_id, role: 'legal_rep' })
      .execute();
    return { id, uscc, name };
  }
  throw new AppError('CONFLICT');
}

/**
 * Issues the certificate of `row`'s service version (if it issues one) in `trx`; returns its id.
 * A business licence for an applicant without an enterprise registers the enterprise first.
 */
export async function issueOnApproval(
  trx: Transaction<Database>,
  platform: Pick<Platform, 'clock' | 'config' | 'pii'>,
  row: ApplicationRow,
  now: Date,
  request: FastifyRequest,
): Promise<string | null> {
  const service = await findService(trx, row.city_id, row.service_code, row.service_version);
  if (!service?.spec.issues) return null;
  const spec: ServiceSpec = service.spec;
  const issues = spec.issues as NonNullable<ServiceSpec['issues']>;
  const g = governmentDb(trx);
  const type = await g
    .selectFrom('certificate_types')
    .selectAll()
    .where('city_id', '=', row.city_id)
    .where('code', '=', issues.certificateType)
    .executeTakeFirst();
  const issuer =
    (type &&
      (await trx
        .selectFrom('departments')
        .select('id')
        .where('city_id', '=', row.city_id)
        .where('code', '=', type.department_code)
        .executeTakeFirst())) ||
    null;
  const facts = certificateFacts(spec.form, row.answers);
  let holder: { kind: 'citizen' | 'enterprise'; id: string; name: string; identifier?: string | null };
  const enterpriseHeld = type?.holder === 'enterprise' || (type?.holder === 'both' && row.enterprise_id !== null);
  if (enterpriseHeld && row.enterprise_id) {
    const e = await trx
      .selectFrom('enterprises')
      .select(['id', 'name', 'uscc'])
      .where('id', '=', row.enterprise_id)
      .executeTakeFirstOrThrow();
    holder = { kind: 'enterprise', id: e.id, name: e.name, identifier: e.uscc };
    facts.uscc = e.uscc;
  } else if (issues.certificateType === 'business-licence' && typeof row.answers.companyName === 'string') {
    const e = await registerEnterprise(trx, row, row.answers.companyName, now);
    holder = { kind: 'enterprise', id: e.id, name: e.name, identifier: e.uscc };
    facts.uscc = e.uscc;
    await appendLog(trx, row.id, {
      kind: 'enterprise_registered',
      visibility: 'applicant',
      actorKind: 'system',
      actorId: null,
      body: { enterpriseId: e.id, uscc: e.uscc, name: e.name },
      at: now,
    });
  } else {
    const c = await trx
      .selectFrom('citizens')
      .select(['id', 'name'])
      .where('id', '=', row.citizen_id)
      .executeTakeFirstOrThrow();
    holder = { kind: 'citizen', id: c.id, name: c.name ?? '' };
  }
  const validUntil = issues.validityYears
    ? new Date(Date.UTC(now.getUTCFullYear() + issues.validityYears, now.getUTCMonth(), now.getUTCDate()))
    : null;
  const issued = await issueCredential(trx, credentialContext(platform, request.principal, String(request.id)), {
    cityId: row.city_id,
    typeCode: issues.certificateType,
    typeName: type ? { zh: type.name_zh, en: type.name_en } : issues.name,
    issuerDepartmentId: issuer?.id ?? row.department_id,
    holder,
    claims: { ...facts, applicationNo: row.tracking_no, service: spec.code },
    claimLabels: labelsOf(spec.form),
    validFrom: now,
    validUntil,
    source: { kind: 'application', id: row.id },
  });
  await appendLog(trx, row.id, {
    kind: 'certificate_issued',
    visibility: 'applicant',
    actorKind: 'system',
    actorId: null,
    body: { credentialId: issued.id, certificateType: issues.certificateType },
    at: now,
  });
  return issued.id;
}
