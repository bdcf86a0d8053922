/** Views of credentials for pages, documents and API answers: names looked up, personal data masked. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { maskNationalId } from '../identity/pii.ts';
import type { StaffPrincipal, StaffRole } from '../identity/principal.ts';
import { verificationPageUrl } from './context.ts';
import type { CredentialRecord, OpenedCredential } from './issue.ts';
import type { PublicDetails } from './pages.ts';
import type { CertificateView } from './render.ts';

/** Names of the issuing city and department and the city's time zone. */
export interface IssuerNames {
  city: { zh: string; en: string };
  department: { zh: string; en: string; code: string };
  timeZone: string;
}

/** Looks up the names a credential's issuer is shown with. */
export async function issuerNames(
  db: Kysely<Database>,
  record: Pick<CredentialRecord, 'cityId' | 'issuerDepartmentId'>,
): Promise<IssuerNames> {
  const row = await db
    .selectFrom('departments as d')
    .innerJoin('tenants as t', 't.id', 'd.city_id')
    .select(['d.code', 'd.name_zh', 'd.name_en', 't.name_zh as city_zh', 't.name_en as city_en', 't.time_zone'])
    .where('d.id', '=', record.issuerDepartmentId)
    .executeTakeFirstOrThrow();
  return {
    city: { zh: row.city_zh, en: row.city_en },
    department: { zh: row.name_zh, en: row.name_en, code: row.code },
    timeZone: row.time_zone,
  };
}

/** What the public verification page may show of a stored credential. */
export function publicDetails(record: CredentialRecord, names: IssuerNames): PublicDetails {
  return {
    id: record.id,
    typeName: record.typeName,
    issuer: { city: names.city, department: names.department },
    holderDisplay: record.holder.display,
    validFrom: record.validFrom,
    validUntil: record.validUntil,
    issuedAt: record.issuedAt,
    timeZone: names.timeZone,
  };
}

/** A national ID number masked; any other identifier (a credit code is public) as it is. */
function maskIdentifier(kind: 'citizen' | 'enterprise', identifier: string | null): string | null {
  if (!identifier) return null;
  return kind === 'citizen' ? maskNationalId(identifier) : identifier;
}

const show = (value: unknown): string =>
  value === null || value === undefined ? '—' : typeof value === 'boolean' ? (value ? '✓' : '✗') : String(value);

/** The certificate page / PDF view of an opened credential. */
export function certificateView(opened: OpenedCredential, names: IssuerNames, publicUrl: string): CertificateView {
  return {
    id: opened.id,
    typeName: opened.typeName,
    issuer: { city: names.city, department: names.department },
    holderName: opened.holderName,
    holderIdentifierMasked: maskIdentifier(opened.holder.kind, opened.holderIdentifier),
    fields: Object.entries(opened.claims).map(([key, value]) => ({
      label: opened.claimLabels[key] ?? { zh: key, en: key },
      value: show(value),
    })),
    validFrom: opened.validFrom,
    validUntil: opened.validUntil,
    issuedAt: opened.issuedAt,
    verifyUrl: verificationPageUrl(publicUrl, opened.id),
    kid: opened.kid,
    jws: opened.jws,
    timeZone: names.timeZone,
  };
}

/** Staff roles that may revoke a credential of their own department. */
export const REVOKER_ROLES: readonly StaffRole[] = ['supervisor', 'department_admin'];

/**
 * Whether `staff` may revoke `record`: a supervisor or department administrator of the
 * department that issued it, in its city. Revoking undoes a department's own decision, so no
 * other department — not even the platform administrators — may do it.
 */
export function staffMayRevokeCredential(
  staff: StaffPrincipal,
  record: Pick<CredentialRecord, 'cityId' | 'issuerDepartmentId'>,
): boolean {
  return (
    staff.cityId === record.cityId &&
    staff.departmentId === record.issuerDepartmentId &&
    staff.roles.some((r) => REVOKER_ROLES.includes(r))
  );
}
