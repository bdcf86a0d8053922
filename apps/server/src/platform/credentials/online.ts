/**
 * Verification by the server: the same pure checks an offline verifier runs
 * ({@link verifyCredential}), with the key set of the city whose key signed the credential and
 * the city's own revocation records instead of a downloaded list.
 */
import { decodeProtectedHeader } from 'jose';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { PiiVault } from '../identity/pii.ts';
import { type CredentialRecord, getCredential } from './issue.ts';
import { cityOfKey, publishedKeySet } from './keys.ts';
import { revocationOf } from './revocation.ts';
import { credentialsDb } from './schema.ts';
import { type KeySet, type VerificationResult, verifyCredential } from './verify.ts';

/** Verifies a presented credential (compact JWS) against the issuing city's keys and revocations. */
export async function verifyPresented(db: Kysely<Database>, jws: string, now: Date): Promise<VerificationResult> {
  let keys: KeySet = { keys: [] };
  try {
    const kid = decodeProtectedHeader(jws.trim()).kid;
    const cityId = typeof kid === 'string' ? await cityOfKey(db, kid) : null;
    if (cityId) keys = await publishedKeySet(db, cityId);
  } catch {
    // Not even a header: verifyCredential says it is malformed.
  }
  return verifyCredential(jws, { keys, now, revocationOf: (id) => revocationOf(db, id) });
}

/** What the verification page of a stored credential shows. */
export interface StoredVerification {
  /** `unknown`: no such credential, or its key was withdrawn; `invalid`: the stored signature does not hold. */
  outcome: 'valid' | 'revoked' | 'expired' | 'not_yet_valid' | 'unknown' | 'invalid';
  record: CredentialRecord | null;
}

/**
 * Verifies a stored credential by id (what its QR code leads to): the signed credential is
 * decrypted in memory and checked exactly like a presented one, so the page never says
 * "valid" for something the key set would not vouch for.
 */
export async function verifyStored(
  db: Kysely<Database>,
  pii: PiiVault,
  id: string,
  now: Date,
): Promise<StoredVerification> {
  const record = await getCredential(db, id);
  if (!record || record.keyStatus === 'withdrawn') return { outcome: 'unknown', record: null };
  const row = await credentialsDb(db)
    .selectFrom('credentials')
    .select('jws_enc')
    .where('id', '=', record.id)
    .executeTakeFirstOrThrow();
  const result = await verifyPresented(db, pii.decrypt(row.jws_enc), now);
  if (result.valid) return { outcome: 'valid', record };
  switch (result.reason) {
    case 'revoked':
    case 'expired':
    case 'not_yet_valid':
      return { outcome: result.reason, record };
    case 'unknown_key':
      return { outcome: 'unknown', record: null };
    default:
      return { outcome: 'invalid', record: null };
  }
}
