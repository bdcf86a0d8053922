/**
 * Issuing e-certificates and reading them back. A credential is a compact JWS signed with the
 * city's Ed25519 key whose payload follows the W3C Verifiable Credentials 2.0 data model
 * (VC-JOSE-COSE: `typ` vc+jwt), with `jti` = the credential id. The row keeps in clear only
 * what public verification shows (type, issuing department, dates, the holder's masked name);
 * the signed credential, which carries the full name and the certificate's fields, is stored
 * encrypted like other personal data.
 */
import { decodeJwt } from 'jose';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { appendAudit } from '../audit/audit.ts';
import type { Database } from '../db/schema.ts';
import { recordEvent } from '../events/outbox.ts';
import { AppError } from '../http/errors.ts';
import type { PiiVault } from '../identity/pii.ts';
import { type CredentialContext, issuerId, revocationListUrl, verificationPageUrl } from './context.ts';
import { currentSigningKey, signCompact } from './keys.ts';
import { type ClaimLabels, type CredentialsTable, credentialsDb, type KeyStatus } from './schema.ts';
import { maskHolderName } from './texts.ts';
import { type ClaimValue, CREDENTIAL_TYP, CREDENTIAL_TYPE, REVOCATION_LIST_TYPE } from './verify.ts';

/** Who a credential belongs to: a citizen, or an enterprise (whose members act for it). */
export interface HolderRef {
  kind: 'citizen' | 'enterprise';
  id: string;
}

/** What {@link issueCredential} needs. */
export interface IssueInput {
  cityId: string;
  /** Certificate type code, e.g. `business-licence`. */
  typeCode: string;
  typeName: { zh: string; en: string };
  /** The department that issues it (must belong to the city). */
  issuerDepartmentId: string;
  holder: HolderRef & {
    /** The holder's name as it appears on the certificate. */
    name: string;
    /** National ID number or unified social credit code: inside the signed credential only. */
    identifier?: string | null;
  };
  /** The certificate's fields (flat values), signed as `credentialSubject.certificate.fields`. */
  claims: Record<string, ClaimValue>;
  /** Labels of the fields for the certificate page and PDF; fields without one show their key. */
  claimLabels?: ClaimLabels;
  validFrom: Date;
  /** Omitted or null: valid without an end date. */
  validUntil?: Date | null;
  /** What it was issued for, e.g. `{ kind: 'application', id }`. */
  source: { kind: string; id: string };
}

/** A credential as stored, without its signed content (nothing is decrypted). */
export interface CredentialRecord {
  id: string;
  cityId: string;
  typeCode: string;
  typeName: { zh: string; en: string };
  issuerDepartmentId: string;
  holder: HolderRef & { display: string };
  kid: string;
  /** The signing key's status: a credential signed by a withdrawn key no longer verifies. */
  keyStatus: KeyStatus;
  claimLabels: ClaimLabels;
  validFrom: Date;
  validUntil: Date | null;
  issuedAt: Date;
  source: { kind: string; id: string };
  status: 'active' | 'revoked';
  revocation: { at: Date; reason: string; note: string | null } | null;
}

/** A credential with its signed content, decrypted for its holder (or for staff who need it). */
export interface OpenedCredential extends CredentialRecord {
  /** The compact JWS: what the holder presents and verifiers check. */
  jws: string;
  holderName: string;
  holderIdentifier: string | null;
  claims: Record<string, ClaimValue>;
}

/** What {@link issueCredential} answers. */
export interface IssuedCredential {
  id: string;
  jws: string;
  kid: string;
  /** The public verification page (what the QR code holds). */
  verifyUrl: string;
  record: CredentialRecord;
}

/** Where a credential can stand, from the issuer's records. */
export const CredentialStates = ['valid', 'revoked', 'expired', 'not_yet_valid', 'key_withdrawn'] as const;
/** One of {@link CredentialStates}. */
export type CredentialState = (typeof CredentialStates)[number];

/** Largest certificate content accepted, in bytes of JSON. */
export const MAX_CLAIMS_BYTES = 16 * 1024;

type Row = Selectable<CredentialsTable> & { key_status: KeyStatus };

function toRecord(row: Row): CredentialRecord {
  return {
    id: row.id,
    cityId: row.city_id,
    typeCode: row.type_code,
    typeName: { zh: row.type_name_zh, en: row.type_name_en },
    issuerDepartmentId: row.issuer_department_id,
    holder: { kind: row.holder_kind, id: row.holder_id, display: row.holder_display },
    kid: row.kid,
    keyStatus: row.key_status,
    claimLabels: row.claim_labels ?? {},
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    issuedAt: row.issued_at,
    source: { kind: row.source_kind, id: row.source_id },
    status: row.status,
    revocation:
      row.status === 'revoked' && row.revoked_at
        ? { at: row.revoked_at, reason: row.revocation_reason ?? 'other', note: row.revocation_note }
        : null,
  };
}

/** The state of a stored credential at `now`: revoked wins over the dates, a withdrawn key over all. */
export function credentialState(record: CredentialRecord, now: Date): CredentialState {
  if (record.keyStatus === 'withdrawn') return 'key_withdrawn';
  if (record.status === 'revoked') return 'revoked';
  if (now < record.validFrom) return 'not_yet_valid';
  if (record.validUntil && now >= record.validUntil) return 'expired';
  return 'valid';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function selectRows(db: Kysely<Database>) {
  return credentialsDb(db)
    .selectFrom('credentials as c')
    .innerJoin('credential_keys as k', 'k.kid', 'c.kid')
    .selectAll('c')
    .select('k.status as key_status');
}

/** Refuses an issue request, saying why in both languages. */
function invalid(zh: string, en: string): never {
  throw new AppError('CREDENTIAL_ISSUE_INVALID', { detail: { 'zh-CN': zh, en } });
}

/** What a credential's payload is made of. */
export interface PayloadInput {
  id: string;
  publicUrl: string;
  cityId: string;
  cityName: string;
  department: { id: string; code: string; zh: string; en: string };
  typeCode: string;
  typeName: { zh: string; en: string };
  holder: { kind: 'citizen' | 'enterprise'; name: string; identifier: string | null };
  claims: Record<string, ClaimValue>;
  validFrom: Date;
  validUntil: Date | null;
  issuedAt: Date;
}

/**
 * The payload of a credential: the VC 2.0 data model (@context, type, issuer, validFrom and
 * validUntil, credentialSubject, credentialStatus pointing at the city's revocation list)
 * plus the JWT claims that agree with it (jti = the credential id, iss, iat, nbf, exp).
 */
export function credentialPayload(p: PayloadInput): Record<string, unknown> {
  const issuer = issuerId(p.publicUrl, p.cityId);
  const listUrl = revocationListUrl(p.publicUrl, p.cityId);
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: `urn:uuid:${p.id}`,
    type: ['VerifiableCredential', CREDENTIAL_TYPE],
    name: [
      { '@value': p.typeName.zh, '@language': 'zh-CN' },
      { '@value': p.typeName.en, '@language': 'en' },
    ],
    issuer: {
      id: issuer,
      name: p.cityName,
      cityId: p.cityId,
      department: {
        id: p.department.id,
        code: p.department.code,
        name: [
          { '@value': p.department.zh, '@language': 'zh-CN' },
          { '@value': p.department.en, '@language': 'en' },
        ],
      },
    },
    validFrom: p.validFrom.toISOString(),
    ...(p.validUntil ? { validUntil: p.validUntil.toISOString() } : {}),
    credentialSubject: {
      type: p.holder.kind === 'enterprise' ? 'Organization' : 'Person',
      name: p.holder.name,
      ...(p.holder.identifier ? { identifier: p.holder.identifier } : {}),
      certificate: { type: p.typeCode, fields: p.claims },
    },
    credentialStatus: {
      id: `${listUrl}#${p.id}`,
      type: REVOCATION_LIST_TYPE,
      statusPurpose: 'revocation',
      revocationList: listUrl,
    },
    // JWT claims (VC-JOSE-COSE allows them beside the data model; they agree with it).
    jti: p.id,
    iss: issuer,
    iat: Math.floor(p.issuedAt.getTime() / 1000),
    nbf: Math.floor(p.validFrom.getTime() / 1000),
    ...(p.validUntil ? { exp: Math.floor(p.validUntil.getTime() / 1000) } : {}),
  };
}

/**
 * Issues a credential inside the caller's transaction: signs it with the city's current key
 * (made on first use), stores it, and records the `credential.issued` event and the audit
 * entry, so that it exists exactly when the change that issued it (an approval) commits.
 */
export async function issueCredential(
  trx: Transaction<Database>,
  ctx: CredentialContext,
  input: IssueInput,
): Promise<IssuedCredential> {
  const now = ctx.clock.now();
  const typeCode = input.typeCode.trim();
  const holderName = input.holder.name.trim();
  if (!typeCode || typeCode.length > 100) invalid('证照类型代码无效', 'the certificate type code is empty or too long');
  if (!input.typeName.zh.trim() || !input.typeName.en.trim())
    invalid('缺少证照名称', 'the certificate type has no name');
  if (!holderName || holderName.length > 200) invalid('持证人名称无效', 'the holder name is empty or too long');
  if (Number.isNaN(input.validFrom.getTime())) invalid('生效日期无效', 'validFrom is not a date');
  if (input.validUntil && !(input.validUntil > input.validFrom)) {
    invalid('有效期截止日期须晚于生效日期', 'validUntil must be after validFrom');
  }
  const claimsJson = JSON.stringify(input.claims ?? {});
  if (Buffer.byteLength(claimsJson) > MAX_CLAIMS_BYTES) invalid('证照内容过长', 'the certificate fields are too large');

  const department = UUID.test(input.issuerDepartmentId)
    ? await trx
        .selectFrom('departments')
        .select(['id', 'code', 'name_zh', 'name_en'])
        .where('city_id', '=', input.cityId)
        .where('id', '=', input.issuerDepartmentId)
        .executeTakeFirst()
    : undefined;
  if (!department) invalid('签发部门不属于该城市', 'the issuing department is not one of the city’s');
  const city = await trx
    .selectFrom('tenants')
    .select(['name_zh', 'name_en'])
    .where('id', '=', input.cityId)
    .executeTakeFirstOrThrow();

  const key = await currentSigningKey(trx, ctx.pii, input.cityId, now);
  const id = uuidv7();
  const validUntil = input.validUntil ?? null;
  const payload = credentialPayload({
    id,
    publicUrl: ctx.publicUrl,
    cityId: input.cityId,
    cityName: city.name_zh,
    department: { id: department.id, code: department.code, zh: department.name_zh, en: department.name_en },
    typeCode,
    typeName: input.typeName,
    holder: { kind: input.holder.kind, name: holderName, identifier: input.holder.identifier ?? null },
    claims: input.claims ?? {},
    validFrom: input.validFrom,
    validUntil,
    issuedAt: now,
  });
  const jws = await signCompact(key, CREDENTIAL_TYP, payload, { cty: 'vc' });

  await credentialsDb(trx)
    .insertInto('credentials')
    .values({
      id,
      city_id: input.cityId,
      type_code: typeCode,
      type_name_zh: input.typeName.zh,
      type_name_en: input.typeName.en,
      issuer_department_id: department.id,
      holder_kind: input.holder.kind,
      holder_id: input.holder.id,
      holder_display: maskHolderName(input.holder.kind, holderName),
      kid: key.kid,
      jws_enc: ctx.pii.encrypt(jws),
      claim_labels: JSON.stringify(input.claimLabels ?? {}),
      valid_from: input.validFrom,
      valid_until: validUntil,
      issued_at: now,
      source_kind: input.source.kind,
      source_id: input.source.id,
      status: 'active',
    })
    .execute();
  await recordEvent(
    trx,
    {
      type: 'credential.issued',
      source: '/onecity/credentials',
      subject: id,
      cityId: input.cityId,
      data: {
        id,
        typeCode,
        holderKind: input.holder.kind,
        holderId: input.holder.id,
        issuerDepartmentId: department.id,
        validFrom: input.validFrom.toISOString(),
        validUntil: validUntil?.toISOString() ?? null,
        source: input.source,
      },
    },
    ctx.clock,
  );
  await appendAudit(
    trx,
    ctx.auditKey,
    {
      action: 'credential.issue',
      subjectKind: 'credential',
      subjectId: id,
      cityId: input.cityId,
      details: {
        typeCode,
        holderKind: input.holder.kind,
        holderId: input.holder.id,
        issuerDepartmentId: department.id,
        kid: key.kid,
        source: input.source,
      },
    },
    { principal: ctx.principal, at: now, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) },
  );
  const record = await getCredential(trx, id);
  if (!record) throw new Error(`credential ${id} vanished after insert`);
  return { id, jws, kid: key.kid, verifyUrl: verificationPageUrl(ctx.publicUrl, id), record };
}

/** One credential as stored (no decryption), or null; `id` need not be a UUID. */
export async function getCredential(db: Kysely<Database>, id: string): Promise<CredentialRecord | null> {
  if (!UUID.test(id)) return null;
  const row = await selectRows(db).where('c.id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** One credential with its signed content decrypted, or null. Only for its holder, or staff with a reason. */
export async function openCredential(
  db: Kysely<Database>,
  pii: PiiVault,
  id: string,
): Promise<OpenedCredential | null> {
  if (!UUID.test(id)) return null;
  const row = await selectRows(db).where('c.id', '=', id).executeTakeFirst();
  if (!row) return null;
  const jws = pii.decrypt(row.jws_enc);
  const payload = decodeJwt(jws) as Record<string, unknown>;
  const subject = (payload.credentialSubject ?? {}) as Record<string, unknown>;
  const certificate = (subject.certificate ?? {}) as Record<string, unknown>;
  return {
    ...toRecord(row),
    jws,
    holderName: typeof subject.name === 'string' ? subject.name : row.holder_display,
    holderIdentifier: typeof subject.identifier === 'string' ? subject.identifier : null,
    claims: (certificate.fields ?? {}) as Record<string, ClaimValue>,
  };
}

/** A credential the city already holds for someone: enough to attach it by reference (免提交). */
export interface HeldCredential {
  id: string;
  cityId: string;
  typeCode: string;
  typeName: { zh: string; en: string };
  issuerDepartmentId: string;
  holder: HolderRef;
  validFrom: Date;
  validUntil: Date | null;
  issuedAt: Date;
}

/**
 * The holder's credentials of `typeCodes` that are valid at `now` (not revoked, within their
 * dates, signed by a key not withdrawn), newest first: what a later application attaches by
 * reference instead of asking for a copy. In any city: certificates are valid province-wide.
 */
export async function findHeldCredentials(
  db: Kysely<Database>,
  input: { holder: HolderRef; typeCodes: readonly string[]; now: Date },
): Promise<HeldCredential[]> {
  if (input.typeCodes.length === 0) return [];
  const rows = await selectRows(db)
    .where('c.holder_kind', '=', input.holder.kind)
    .where('c.holder_id', '=', input.holder.id)
    .where('c.type_code', 'in', [...input.typeCodes])
    .where('c.status', '=', 'active')
    .where('k.status', '!=', 'withdrawn')
    .where('c.valid_from', '<=', input.now)
    .where((eb) => eb.or([eb('c.valid_until', 'is', null), eb('c.valid_until', '>', input.now)]))
    .orderBy('c.issued_at', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    cityId: r.city_id,
    typeCode: r.type_code,
    typeName: { zh: r.type_name_zh, en: r.type_name_en },
    issuerDepartmentId: r.issuer_department_id,
    holder: { kind: r.holder_kind, id: r.holder_id },
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    issuedAt: r.issued_at,
  }));
}

/** Every credential of the holders (a citizen and the enterprise they act for), newest first, with the total. */
export async function listHeldBy(
  db: Kysely<Database>,
  holders: readonly HolderRef[],
  page: { limit: number; offset: number },
): Promise<{ items: CredentialRecord[]; total: number }> {
  if (holders.length === 0) return { items: [], total: 0 };
  const filter = <T extends ReturnType<typeof selectRows>>(q: T) =>
    q.where((eb) =>
      eb.or(holders.map((h) => eb.and([eb('c.holder_kind', '=', h.kind), eb('c.holder_id', '=', h.id)]))),
    ) as T;
  const rows = await filter(selectRows(db))
    .orderBy('c.issued_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const total = await credentialsDb(db)
    .selectFrom('credentials as c')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.or(holders.map((h) => eb.and([eb('c.holder_kind', '=', h.kind), eb('c.holder_id', '=', h.id)]))))
    .executeTakeFirstOrThrow();
  return { items: rows.map(toRecord), total: Number(total.n) };
}

/** The credentials a department issued, newest first, optionally of one type or status, with the total. */
export async function listIssuedBy(
  db: Kysely<Database>,
  input: { cityId: string; departmentId: string; typeCode?: string; status?: 'active' | 'revoked' },
  page: { limit: number; offset: number },
): Promise<{ items: CredentialRecord[]; total: number }> {
  let rows = selectRows(db)
    .where('c.city_id', '=', input.cityId)
    .where('c.issuer_department_id', '=', input.departmentId);
  let count = credentialsDb(db)
    .selectFrom('credentials as c')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('c.city_id', '=', input.cityId)
    .where('c.issuer_department_id', '=', input.departmentId);
  if (input.typeCode) {
    rows = rows.where('c.type_code', '=', input.typeCode);
    count = count.where('c.type_code', '=', input.typeCode);
  }
  if (input.status) {
    rows = rows.where('c.status', '=', input.status);
    count = count.where('c.status', '=', input.status);
  }
  const items = await rows
    .orderBy('c.issued_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const total = await count.executeTakeFirstOrThrow();
  return { items: items.map(toRecord), total: Number(total.n) };
}
