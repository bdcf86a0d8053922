/**
 * Revocation: staff of the issuing department revoke a credential with a reason code (their
 * own note is kept and audited, never published), and each city publishes one signed list of
 * its revoked credentials with the time it was signed, so that verifiers without a connection
 * can check it. The list is rebuilt and re-signed in the transaction of every revocation and
 * key change, under the city's credential lock, so two revocations never publish a list
 * missing one of them.
 */
import type { Kysely, Transaction } from 'kysely';
import { appendAudit } from '../audit/audit.ts';
import type { Database } from '../db/schema.ts';
import { recordEvent } from '../events/outbox.ts';
import { AppError } from '../http/errors.ts';
import type { PiiVault } from '../identity/pii.ts';
import type { Clock } from '../time/clock.ts';
import { type CredentialContext, issuerId } from './context.ts';
import { type CredentialRecord, getCredential } from './issue.ts';
import { currentSigningKey, lockCityCredentials, signCompact } from './keys.ts';
import { credentialsDb } from './schema.ts';
import type { RevocationReason } from './texts.ts';
import { REVOCATION_LIST_TYP, REVOCATION_LIST_TYPE, type RevocationEntry } from './verify.ts';

/** A city's signed revocation list as served. */
export interface SignedRevocationList {
  cityId: string;
  /** The compact JWS (payload: issuer, cityId, iat, revoked: [{ id, revokedAt, reason }]). */
  jws: string;
  kid: string;
  entries: number;
  issuedAt: Date;
}

/** The revoked credentials of a city, oldest revocation first. */
export async function revokedEntries(db: Kysely<Database>, cityId: string): Promise<RevocationEntry[]> {
  const rows = await credentialsDb(db)
    .selectFrom('credentials')
    .select(['id', 'revoked_at', 'revocation_reason'])
    .where('city_id', '=', cityId)
    .where('status', '=', 'revoked')
    .orderBy('revoked_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    revokedAt: (r.revoked_at ?? new Date(0)).toISOString(),
    reason: r.revocation_reason ?? 'other',
  }));
}

/**
 * Rebuilds and re-signs the city's revocation list with its current key. Call inside a
 * transaction holding {@link lockCityCredentials}.
 */
export async function rebuildRevocationList(
  trx: Transaction<Database>,
  deps: { pii: PiiVault; clock: Clock; publicUrl: string },
  cityId: string,
): Promise<SignedRevocationList> {
  const now = deps.clock.now();
  const revoked = await revokedEntries(trx, cityId);
  const key = await currentSigningKey(trx, deps.pii, cityId, now);
  const jws = await signCompact(key, REVOCATION_LIST_TYP, {
    type: REVOCATION_LIST_TYPE,
    iss: issuerId(deps.publicUrl, cityId),
    cityId,
    iat: Math.floor(now.getTime() / 1000),
    revoked,
  });
  const row = { city_id: cityId, jws, kid: key.kid, entries: revoked.length, issued_at: now };
  await credentialsDb(trx)
    .insertInto('credential_revocation_lists')
    .values(row)
    .onConflict((oc) =>
      oc.column('city_id').doUpdateSet({ jws, kid: key.kid, entries: revoked.length, issued_at: now }),
    )
    .execute();
  return { cityId, jws, kid: key.kid, entries: revoked.length, issuedAt: now };
}

/** The city's current signed revocation list; the first request of a city signs an empty one. */
export async function currentRevocationList(
  db: Kysely<Database>,
  deps: { pii: PiiVault; clock: Clock; publicUrl: string },
  cityId: string,
): Promise<SignedRevocationList> {
  const read = (q: Kysely<Database>) =>
    credentialsDb(q)
      .selectFrom('credential_revocation_lists as l')
      .innerJoin('credential_keys as k', 'k.kid', 'l.kid')
      .select(['l.jws', 'l.kid', 'l.entries', 'l.issued_at', 'k.status'])
      .where('l.city_id', '=', cityId)
      .executeTakeFirst();
  const row = await read(db);
  // A list signed by a key withdrawn since would not verify: sign it again.
  if (row && row.status !== 'withdrawn') {
    return { cityId, jws: row.jws, kid: row.kid, entries: row.entries, issuedAt: row.issued_at };
  }
  return db.transaction().execute(async (trx) => {
    await lockCityCredentials(trx, cityId);
    // Inside the transaction: on PGlite the one connection is the transaction's until it ends.
    const again = await read(trx);
    if (again && again.status !== 'withdrawn') {
      return { cityId, jws: again.jws, kid: again.kid, entries: again.entries, issuedAt: again.issued_at };
    }
    return rebuildRevocationList(trx, deps, cityId);
  });
}

/** What a revocation needs. */
export interface RevokeInput {
  cityId: string;
  credentialId: string;
  reason: RevocationReason;
  /** Staff's own words: audited, kept with the credential, never published. */
  note?: string | null;
}

/**
 * Revokes a credential of the city, re-signs the revocation list, and records the event and
 * the audit entry, all in `trx`. Whether the actor may revoke it is the caller's decision
 * ({@link staffMayRevokeCredential}). 404 for a credential of another city, 409 when already revoked.
 */
export async function revokeCredential(
  trx: Transaction<Database>,
  ctx: CredentialContext,
  input: RevokeInput,
): Promise<CredentialRecord> {
  const now = ctx.clock.now();
  await lockCityCredentials(trx, input.cityId);
  const cdb = credentialsDb(trx);
  const row = await cdb
    .selectFrom('credentials')
    .select(['id', 'status', 'holder_kind', 'holder_id', 'type_code', 'issuer_department_id'])
    .where('id', '=', input.credentialId)
    .where('city_id', '=', input.cityId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('CREDENTIAL_NOT_FOUND', { id: input.credentialId });
  if (row.status === 'revoked') throw new AppError('CREDENTIAL_ALREADY_REVOKED', { id: row.id });
  const actor = ctx.principal.kind === 'anonymous' ? null : `${ctx.principal.kind}:${ctx.principal.id}`;
  await cdb
    .updateTable('credentials')
    .set({
      status: 'revoked',
      revoked_at: now,
      revocation_reason: input.reason,
      revocation_note: input.note ?? null,
      revoked_by: actor,
    })
    .where('id', '=', row.id)
    .execute();
  const list = await rebuildRevocationList(trx, ctx, input.cityId);
  await recordEvent(
    trx,
    {
      type: 'credential.revoked',
      source: '/onecity/credentials',
      subject: row.id,
      cityId: input.cityId,
      data: {
        id: row.id,
        typeCode: row.type_code,
        holderKind: row.holder_kind,
        holderId: row.holder_id,
        issuerDepartmentId: row.issuer_department_id,
        reason: input.reason,
        revokedAt: now.toISOString(),
      },
    },
    ctx.clock,
  );
  await appendAudit(
    trx,
    ctx.auditKey,
    {
      action: 'credential.revoke',
      subjectKind: 'credential',
      subjectId: row.id,
      cityId: input.cityId,
      details: {
        holderKind: row.holder_kind,
        holderId: row.holder_id,
        reason: input.reason,
        note: input.note ?? null,
        typeCode: row.type_code,
        revocationListEntries: list.entries,
      },
    },
    { principal: ctx.principal, at: now, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) },
  );
  const record = await getCredential(trx, row.id);
  if (!record) throw new AppError('CREDENTIAL_NOT_FOUND', { id: row.id });
  return record;
}

/** The revocation of one credential from the database (the issuer's own, trusted records), or null. */
export async function revocationOf(db: Kysely<Database>, id: string): Promise<RevocationEntry | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
  const row = await credentialsDb(db)
    .selectFrom('credentials')
    .select(['id', 'revoked_at', 'revocation_reason'])
    .where('id', '=', id)
    .where('status', '=', 'revoked')
    .executeTakeFirst();
  return row
    ? { id: row.id, revokedAt: (row.revoked_at ?? new Date(0)).toISOString(), reason: row.revocation_reason ?? 'other' }
    : null;
}
