/**
 * Pre-filling an application form from what the city already knows: the applicant's profile
 * (name, ID number, contact details, and the birth date and sex an ID number encodes) and the
 * enterprise they act for. Never asking for what the government already holds starts here.
 */

import type { Kysely } from 'kysely';
import type { FormSchema, PrefillPath } from '#contracts';
import type { Database } from '../../platform/db/schema.ts';
import type { PiiVault } from '../../platform/identity/pii.ts';

/** What pre-fill may draw on: each known value by its `x-prefill` path. */
export type PrefillSource = Partial<Record<PrefillPath, string>>;

/** Birth date (YYYY-MM-DD) and sex from an 18-digit resident ID number, or nothing when it does not parse. */
export function fromNationalId(id: string): { birthDate?: string; gender?: 'male' | 'female' } {
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})\d{2}(\d)[\dX]$/.exec(id);
  if (!m) return {};
  const [, y, mo, d, seq] = m;
  const birthDate = `${y}-${mo}-${d}`;
  const valid = !Number.isNaN(Date.parse(`${birthDate}T00:00:00Z`));
  return {
    ...(valid ? { birthDate } : {}),
    gender: Number(seq) % 2 === 1 ? 'male' : 'female',
  };
}

/** Loads the pre-fill source of a citizen, and of the enterprise they act for. Decrypts in memory only. */
export async function loadPrefillSource(
  db: Kysely<Database>,
  pii: PiiVault,
  citizenId: string,
  enterpriseId: string | null,
): Promise<PrefillSource> {
  const citizen = await db
    .selectFrom('citizens')
    .select(['name', 'national_id_enc', 'phone_enc', 'email_enc', 'address_enc'])
    .where('id', '=', citizenId)
    .executeTakeFirst();
  const source: PrefillSource = {};
  if (citizen) {
    const open = (v: string | null) => (v === null ? undefined : pii.decrypt(v));
    const nationalId = open(citizen.national_id_enc);
    const put = (path: PrefillPath, value: string | null | undefined) => {
      if (value) source[path] = value;
    };
    put('profile.name', citizen.name);
    put('profile.nationalId', nationalId);
    put('profile.phone', open(citizen.phone_enc));
    put('profile.email', open(citizen.email_enc));
    put('profile.address', open(citizen.address_enc));
    if (nationalId) {
      const derived = fromNationalId(nationalId);
      put('profile.birthDate', derived.birthDate);
      put('profile.gender', derived.gender);
    }
  }
  if (enterpriseId) {
    const enterprise = await db
      .selectFrom('enterprises as e')
      .innerJoin('citizens as c', 'c.id', 'e.legal_rep_citizen_id')
      .select(['e.uscc', 'e.name', 'c.name as legal_rep_name'])
      .where('e.id', '=', enterpriseId)
      .executeTakeFirst();
    if (enterprise) {
      source['enterprise.uscc'] = enterprise.uscc;
      source['enterprise.name'] = enterprise.name;
      if (enterprise.legal_rep_name) source['enterprise.legalRepresentative'] = enterprise.legal_rep_name;
      if (source['profile.name']) source['enterprise.contactName'] = source['profile.name'];
      if (source['profile.phone']) source['enterprise.contactPhone'] = source['profile.phone'];
    }
  }
  return source;
}

/** The form's answers pre-filled from `source`, and where each came from. Choice fields take only a listed value. */
export function prefillAnswers(
  form: FormSchema,
  source: PrefillSource,
): { answers: Record<string, unknown>; prefilled: Record<string, string> } {
  const answers: Record<string, unknown> = {};
  const prefilled: Record<string, string> = {};
  for (const [name, field] of Object.entries(form.properties)) {
    const path = field['x-prefill'];
    if (typeof path !== 'string') continue;
    const value = source[path as PrefillPath];
    if (value === undefined) continue;
    const options = field.oneOf;
    if (Array.isArray(options) && !options.some((o) => (o as { const?: unknown }).const === value)) continue;
    if (field.type !== 'string') continue;
    answers[name] = value;
    prefilled[name] = path;
  }
  return { answers, prefilled };
}
