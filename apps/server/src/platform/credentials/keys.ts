/**
 * The cities' Ed25519 signing keys. Each city has one current key, made on first use; its kid
 * is the key's RFC 7638 thumbprint, so it is unique across cities and deployments. Rotation
 * retires the current key (it stays in the published key set: what it signed still verifies)
 * and makes a new one current; withdrawal removes a key from the key set, so that everything
 * it signed fails as signed by an unknown key. Private keys are kept only encrypted with the
 * personal-data key ring and decrypted in memory when signing.
 */
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { type Kysely, sql, type Transaction } from 'kysely';
import { appendAudit } from '../audit/audit.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { PiiVault } from '../identity/pii.ts';
import type { CredentialContext } from './context.ts';
import { credentialsDb, type KeyStatus, type PublicJwk } from './schema.ts';
import { CREDENTIAL_ALG, type KeySet } from './verify.ts';

/** A key ready to sign. */
export interface SigningKey {
  kid: string;
  cityId: string;
  key: CryptoKey;
}

/** One key of a city, as the key set and the administrators see it. */
export interface KeyInfo {
  kid: string;
  status: KeyStatus;
  createdAt: Date;
  retiredAt: Date | null;
  withdrawnAt: Date | null;
}

/** Private keys already decrypted and imported in this process, by kid (key material never changes). */
const imported = new Map<string, CryptoKey>();

async function importPrivate(pii: PiiVault, kid: string, encrypted: string): Promise<CryptoKey> {
  const cached = imported.get(kid);
  if (cached) return cached;
  const jwk = JSON.parse(pii.decrypt(encrypted)) as JWK;
  const key = (await importJWK(jwk, CREDENTIAL_ALG)) as CryptoKey;
  imported.set(kid, key);
  return key;
}

/** Serialises a city's key changes and revocation list rebuilds (transaction-scoped; PGlite runs one at a time). */
export async function lockCityCredentials(trx: Transaction<Database>, cityId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`credentials:${cityId}`}))`.execute(trx);
}

async function newKey(db: Kysely<Database>, pii: PiiVault, cityId: string, now: Date): Promise<void> {
  const pair = await generateKeyPair(CREDENTIAL_ALG, { crv: 'Ed25519', extractable: true });
  const priv = await exportJWK(pair.privateKey);
  const pub: PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: String(priv.x) };
  const kid = await calculateJwkThumbprint(pub);
  // A concurrent first use may have made the city's current key meanwhile: then that one stands.
  await credentialsDb(db)
    .insertInto('credential_keys')
    .values({
      kid,
      city_id: cityId,
      alg: CREDENTIAL_ALG,
      public_jwk: JSON.stringify(pub),
      private_jwk_enc: pii.encrypt(JSON.stringify({ ...priv, kid, alg: CREDENTIAL_ALG })),
      status: 'current',
      created_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The city's current signing key, made on first use. Call inside the transaction that signs. */
export async function currentSigningKey(
  db: Kysely<Database>,
  pii: PiiVault,
  cityId: string,
  now: Date,
): Promise<SigningKey> {
  const cdb = credentialsDb(db);
  const read = () =>
    cdb
      .selectFrom('credential_keys')
      .select(['kid', 'private_jwk_enc'])
      .where('city_id', '=', cityId)
      .where('status', '=', 'current')
      .executeTakeFirst();
  let row = await read();
  if (!row) {
    await newKey(db, pii, cityId, now);
    row = await read();
  }
  if (!row) throw new Error(`no signing key could be made for city ${cityId}`);
  return { kid: row.kid, cityId, key: await importPrivate(pii, row.kid, row.private_jwk_enc) };
}

/** Signs `payload` as a compact JWS with `key`, `typ` and the key's kid in the protected header. */
export async function signCompact(
  key: SigningKey,
  typ: string,
  payload: Record<string, unknown>,
  extraHeader: Record<string, string> = {},
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ ...extraHeader, alg: CREDENTIAL_ALG, kid: key.kid, typ })
    .sign(key.key);
}

/** The city's published key set: current and retired keys, never withdrawn ones. */
export async function publishedKeySet(db: Kysely<Database>, cityId: string): Promise<KeySet> {
  const rows = await credentialsDb(db)
    .selectFrom('credential_keys')
    .select(['kid', 'public_jwk', 'status', 'created_at', 'retired_at'])
    .where('city_id', '=', cityId)
    .where('status', '!=', 'withdrawn')
    .orderBy('created_at', 'desc')
    .orderBy('kid')
    .execute();
  return {
    keys: rows.map((r) => ({
      ...r.public_jwk,
      kid: r.kid,
      alg: CREDENTIAL_ALG,
      use: 'sig',
      // Not JOSE members: verifiers ignore them; people reading the key set learn which key signs now.
      status: r.status,
      created: r.created_at.toISOString(),
      ...(r.retired_at ? { retired: r.retired_at.toISOString() } : {}),
    })),
  };
}

/** The city of a published (not withdrawn) key, or null. */
export async function cityOfKey(db: Kysely<Database>, kid: string): Promise<string | null> {
  const row = await credentialsDb(db)
    .selectFrom('credential_keys')
    .select('city_id')
    .where('kid', '=', kid)
    .where('status', '!=', 'withdrawn')
    .executeTakeFirst();
  return row?.city_id ?? null;
}

/** Every key of the city with its status, newest first (withdrawn ones too). */
export async function listKeys(db: Kysely<Database>, cityId: string): Promise<KeyInfo[]> {
  const rows = await credentialsDb(db)
    .selectFrom('credential_keys')
    .select(['kid', 'status', 'created_at', 'retired_at', 'withdrawn_at'])
    .where('city_id', '=', cityId)
    .orderBy('created_at', 'desc')
    .orderBy('kid')
    .execute();
  return rows.map((r) => ({
    kid: r.kid,
    status: r.status,
    createdAt: r.created_at,
    retiredAt: r.retired_at,
    withdrawnAt: r.withdrawn_at,
  }));
}

/**
 * Retires the city's current key (still published) and makes a new one current. Audited; the
 * caller rebuilds the revocation list (see revocation.ts) in the same transaction.
 */
export async function rotateKey(trx: Transaction<Database>, ctx: CredentialContext, cityId: string): Promise<KeyInfo> {
  const now = ctx.clock.now();
  await lockCityCredentials(trx, cityId);
  const retired = await credentialsDb(trx)
    .updateTable('credential_keys')
    .set({ status: 'retired', retired_at: now })
    .where('city_id', '=', cityId)
    .where('status', '=', 'current')
    .returning('kid')
    .executeTakeFirst();
  await newKey(trx, ctx.pii, cityId, now);
  const current = await currentSigningKey(trx, ctx.pii, cityId, now);
  await appendAudit(
    trx,
    ctx.auditKey,
    {
      action: 'credential.key.rotate',
      subjectKind: 'credential_key',
      subjectId: current.kid,
      cityId,
      details: { retired: retired?.kid ?? null },
    },
    { principal: ctx.principal, at: now, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) },
  );
  return { kid: current.kid, status: 'current', createdAt: now, retiredAt: null, withdrawnAt: null };
}

/**
 * Withdraws a key of the city: it leaves the key set, and every credential it signed fails
 * verification as signed by an unknown key. Withdrawing the current key leaves the city
 * without one until the next signature makes a new one. Audited with the reason.
 */
export async function withdrawKey(
  trx: Transaction<Database>,
  ctx: CredentialContext,
  input: { cityId: string; kid: string; reason: string },
): Promise<KeyInfo> {
  const now = ctx.clock.now();
  await lockCityCredentials(trx, input.cityId);
  const cdb = credentialsDb(trx);
  const row = await cdb
    .selectFrom('credential_keys')
    .select(['kid', 'status', 'created_at', 'retired_at'])
    .where('city_id', '=', input.cityId)
    .where('kid', '=', input.kid)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('CREDENTIAL_KEY_NOT_FOUND', { kid: input.kid.slice(0, 64) });
  if (row.status === 'withdrawn') throw new AppError('CREDENTIAL_KEY_WITHDRAWN', { kid: row.kid });
  await cdb
    .updateTable('credential_keys')
    .set({ status: 'withdrawn', withdrawn_at: now, withdrawn_reason: input.reason })
    .where('kid', '=', row.kid)
    .execute();
  imported.delete(row.kid);
  await appendAudit(
    trx,
    ctx.auditKey,
    {
      action: 'credential.key.withdraw',
      subjectKind: 'credential_key',
      subjectId: row.kid,
      cityId: input.cityId,
      details: { previousStatus: row.status, reason: input.reason },
    },
    { principal: ctx.principal, at: now, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) },
  );
  return { kid: row.kid, status: 'withdrawn', createdAt: row.created_at, retiredAt: row.retired_at, withdrawnAt: now };
}
