/** Row types of the e-certificate tables (platform/db/migrations/0011_credentials.sql). */
import type { Kysely } from 'kysely';
import type { Database, Json, Timestamp } from '../db/schema.ts';

/** Where a signing key stands: current signs, retired still verifies, withdrawn verifies nothing. */
export type KeyStatus = 'current' | 'retired' | 'withdrawn';

/** A public Ed25519 JWK as stored and published. */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
}

/** credential_keys: the cities' signing keys. */
export interface CredentialKeysTable {
  kid: string;
  city_id: string;
  alg: string;
  public_jwk: Json<PublicJwk>;
  private_jwk_enc: string;
  status: KeyStatus;
  created_at: Timestamp;
  retired_at: Timestamp | null;
  withdrawn_at: Timestamp | null;
  withdrawn_reason: string | null;
}

/** The labels of a certificate's fields, by field key. */
export type ClaimLabels = Record<string, { zh: string; en: string }>;

/** credentials: one row per issued credential. */
export interface CredentialsTable {
  id: string;
  city_id: string;
  type_code: string;
  type_name_zh: string;
  type_name_en: string;
  issuer_department_id: string;
  holder_kind: 'citizen' | 'enterprise';
  holder_id: string;
  holder_display: string;
  kid: string;
  jws_enc: string;
  claim_labels: Json<ClaimLabels>;
  valid_from: Timestamp;
  valid_until: Timestamp | null;
  issued_at: Timestamp;
  source_kind: string;
  source_id: string;
  status: 'active' | 'revoked';
  revoked_at: Timestamp | null;
  revocation_reason: string | null;
  revocation_note: string | null;
  revoked_by: string | null;
}

/** credential_revocation_lists: each city's current signed revocation list. */
export interface CredentialRevocationListsTable {
  city_id: string;
  jws: string;
  kid: string;
  entries: number;
  issued_at: Timestamp;
}

/** The tables platform/credentials owns. */
export type CredentialTables = {
  credential_keys: CredentialKeysTable;
  credentials: CredentialsTable;
  credential_revocation_lists: CredentialRevocationListsTable;
};

/** The platform's database seen with the credential tables too. */
export type CredentialDatabase = Database & CredentialTables;

/** `db` with the credential tables in its type. */
export function credentialsDb(db: Kysely<Database>): Kysely<CredentialDatabase> {
  return db.withTables<CredentialTables>();
}
