/**
 * Verifying an e-certificate: a pure function of the compact JWS, the issuer's published key
 * set (JWKS) and, optionally, its signed revocation list. It imports nothing but `jose`, so a
 * verifier can run it offline (a border post, a bank, the `onecity credentials verify` command)
 * with key set and list fetched earlier, and the server runs the very same checks online.
 *
 * Order of the checks, each failing with its own reason: the token's shape (`malformed`), the
 * key its header names (`unknown_key`: not in the set, e.g. a withdrawn key), the signature
 * (`bad_signature`: any change to header, payload or signature), then revocation (`revoked`,
 * which wins over expiry: a revoked certificate is revoked whatever its dates), then the dates
 * (`not_yet_valid`, `expired`).
 */
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';

/** The `typ` of a credential's protected header (VC-JOSE-COSE). */
export const CREDENTIAL_TYP = 'vc+jwt';
/** The `typ` of a revocation list's protected header; a list never passes as a credential, nor the reverse. */
export const REVOCATION_LIST_TYP = 'revocation-list+jwt';
/** The JWS algorithm of every signature: Ed25519. */
export const CREDENTIAL_ALG = 'EdDSA';
/** The VC type OneCity's certificates carry besides VerifiableCredential. */
export const CREDENTIAL_TYPE = 'OneCityCertificate';
/** The `type` of the revocation list payload and of a credential's `credentialStatus`. */
export const REVOCATION_LIST_TYPE = 'OneCityRevocationList';

/** A public key set as published by a city (`{ keys: [...] }`); members other than JWK ones are ignored. */
export interface KeySet {
  keys: Array<Record<string, unknown>>;
}

/** A certificate field's value. */
export type ClaimValue = string | number | boolean | null;

/** A credential whose signature checked out, as read from its payload. */
export interface VerifiedCredential {
  /** The credential id (the JWT `jti`; the VC `id` is `urn:uuid:` + this). */
  id: string;
  /** The signing key. */
  kid: string;
  issuer: {
    id: string;
    name: string | null;
    cityId: string | null;
    department: { id: string; code: string | null; name: { zh: string; en: string } } | null;
  };
  type: { code: string; name: { zh: string; en: string } };
  holder: { kind: 'citizen' | 'enterprise'; name: string; identifier: string | null };
  claims: Record<string, ClaimValue>;
  validFrom: string;
  validUntil: string | null;
  issuedAt: string;
  /** Where the issuer publishes revocations of this credential. */
  revocationList: string | null;
  /** The whole verified payload (VC 2.0 data model plus JWT claims). */
  payload: Record<string, unknown>;
}

/** One revoked credential in a revocation list. */
export interface RevocationEntry {
  id: string;
  revokedAt: string;
  /** A reason code (`issued_in_error`, `superseded`, …); staff's own words are never published. */
  reason: string;
}

/** A revocation list whose signature checked out. */
export interface VerifiedRevocationList {
  issuer: string;
  cityId: string | null;
  issuedAt: string;
  kid: string;
  revoked: RevocationEntry[];
}

/** Why a credential did not verify. */
export type VerificationFailure =
  | 'malformed'
  | 'unknown_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'revoked'
  | 'revocation_list_invalid';

/** Every reason, for schemas and documentation. */
export const VerificationFailures = [
  'malformed',
  'unknown_key',
  'bad_signature',
  'expired',
  'not_yet_valid',
  'revoked',
  'revocation_list_invalid',
] as const satisfies readonly VerificationFailure[];

/** The answer of {@link verifyCredential}. */
export type VerificationResult =
  | {
      valid: true;
      credential: VerifiedCredential;
      /** False when no revocation list (or lookup) was given: only signature and dates were checked. */
      revocationChecked: boolean;
      /** When the revocation list checked against was signed. */
      revocationListIssuedAt: string | null;
    }
  | {
      valid: false;
      reason: VerificationFailure;
      /** What was wrong, in English, for logs and the command line. */
      detail: string;
      /** Present once the signature checked out (revoked, expired, not yet valid). */
      credential?: VerifiedCredential;
      /** Present when revoked. */
      revocation?: RevocationEntry;
    };

/** What to verify against. */
export interface VerifyOptions {
  /** The issuer's published keys. A key missing from the set (withdrawn, or another issuer's) fails as `unknown_key`. */
  keys: KeySet;
  /** The issuer's signed revocation list (compact JWS), checked against the same keys. */
  revocations?: string;
  /**
   * A trusted revocation lookup instead of a list: the issuer's own records, when the server
   * verifies online. Returns the entry of a revoked credential, or null.
   */
  revocationOf?: (id: string) => Promise<RevocationEntry | null> | RevocationEntry | null;
  /** The moment to check the dates against. */
  now: Date;
}

type Failure = Extract<VerificationResult, { valid: false }>;

const fail = (reason: VerificationFailure, detail: string, extra: Partial<Failure> = {}): Failure => ({
  valid: false,
  reason,
  detail,
  ...extra,
});

/** The protected header and payload of a signature by a key of `keys`, or why not. */
async function checkSignature(
  jws: string,
  keys: KeySet,
  typ: string,
): Promise<{ ok: true; kid: string; payload: unknown } | { ok: false; failure: Failure }> {
  if (typeof jws !== 'string' || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(jws.trim())) {
    return { ok: false, failure: fail('malformed', 'not a compact JWS (three base64url parts)') };
  }
  const token = jws.trim();
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    return { ok: false, failure: fail('malformed', 'the protected header is not base64url-encoded JSON') };
  }
  if (header.typ !== typ) {
    return { ok: false, failure: fail('malformed', `the header's typ is ${JSON.stringify(header.typ)}, not ${typ}`) };
  }
  if (header.alg !== CREDENTIAL_ALG) {
    return { ok: false, failure: fail('malformed', `the header's alg is ${JSON.stringify(header.alg)}, not EdDSA`) };
  }
  const kid = header.kid;
  if (typeof kid !== 'string' || kid === '') {
    return { ok: false, failure: fail('malformed', 'the header names no key (kid)') };
  }
  const jwk = Array.isArray(keys?.keys) ? keys.keys.find((k) => k && k.kid === kid) : undefined;
  if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    return { ok: false, failure: fail('unknown_key', `key ${kid} is not in the key set`) };
  }
  let key: Awaited<ReturnType<typeof importJWK>>;
  try {
    key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: jwk.x } as JWK, CREDENTIAL_ALG);
  } catch {
    return { ok: false, failure: fail('unknown_key', `key ${kid} in the key set is not a usable Ed25519 key`) };
  }
  let payloadBytes: Uint8Array;
  try {
    payloadBytes = (await compactVerify(token, key, { algorithms: [CREDENTIAL_ALG] })).payload;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {
      return { ok: false, failure: fail('bad_signature', `the signature does not match key ${kid}`) };
    }
    return { ok: false, failure: fail('malformed', `the JWS cannot be checked: ${(error as Error).message}`) };
  }
  try {
    return { ok: true, kid, payload: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payloadBytes)) };
  } catch {
    // Signed by a published key yet not JSON: nothing the issuer makes, so its shape is wrong.
    return { ok: false, failure: fail('malformed', 'the payload is not JSON') };
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const isInstant = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** A VC 2.0 language-value list (`[{ '@value', '@language' }]`) or a plain string as {zh, en}. */
function names(value: unknown): { zh: string; en: string } | null {
  if (typeof value === 'string') return { zh: value, en: value };
  if (!Array.isArray(value)) return null;
  const pick = (lang: string) =>
    value.find((v) => isRecord(v) && typeof v['@language'] === 'string' && v['@language'].startsWith(lang));
  const zh = pick('zh');
  const en = pick('en');
  const zhText = isRecord(zh) ? str(zh['@value']) : null;
  const enText = isRecord(en) ? str(en['@value']) : null;
  if (!zhText && !enText) return null;
  return { zh: zhText ?? enText ?? '', en: enText ?? zhText ?? '' };
}

/** Reads the credential out of a verified payload, or null when it is not one of OneCity's certificates. */
function readCredential(payload: unknown, kid: string): VerifiedCredential | null {
  if (!isRecord(payload)) return null;
  const types = payload.type;
  if (!Array.isArray(types) || !types.includes('VerifiableCredential') || !types.includes(CREDENTIAL_TYPE)) {
    return null;
  }
  const id = str(payload.jti);
  if (!id || payload.id !== `urn:uuid:${id}`) return null;
  if (!isInstant(payload.validFrom)) return null;
  if (payload.validUntil !== undefined && !isInstant(payload.validUntil)) return null;
  const issuer = payload.issuer;
  const subject = payload.credentialSubject;
  if (!isRecord(issuer) || !str(issuer.id) || !isRecord(subject)) return null;
  const certificate = subject.certificate;
  if (!isRecord(certificate) || !str(certificate.type)) return null;
  const fields = isRecord(certificate.fields) ? certificate.fields : {};
  const claims: Record<string, ClaimValue> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) claims[k] = v as ClaimValue;
  }
  const department = isRecord(issuer.department) ? issuer.department : null;
  const departmentNames = department ? names(department.name) : null;
  const status = isRecord(payload.credentialStatus) ? payload.credentialStatus : null;
  const typeName = names(payload.name);
  const holderName = str(subject.name);
  if (!typeName || !holderName) return null;
  return {
    id,
    kid,
    issuer: {
      id: str(issuer.id) ?? '',
      name: str(issuer.name),
      cityId: str(issuer.cityId),
      department:
        department && str(department.id) && departmentNames
          ? { id: str(department.id) ?? '', code: str(department.code), name: departmentNames }
          : null,
    },
    type: { code: str(certificate.type) ?? '', name: typeName },
    holder: {
      kind: subject.type === 'Organization' ? 'enterprise' : 'citizen',
      name: holderName,
      identifier: str(subject.identifier),
    },
    claims,
    validFrom: payload.validFrom,
    validUntil: typeof payload.validUntil === 'string' ? payload.validUntil : null,
    issuedAt: typeof payload.iat === 'number' ? new Date(payload.iat * 1000).toISOString() : payload.validFrom,
    revocationList: status ? str(status.revocationList) : null,
    payload,
  };
}

/** Checks a signed revocation list against `keys`; throws an Error saying what is wrong. */
export async function verifyRevocationList(jws: string, keys: KeySet): Promise<VerifiedRevocationList> {
  const checked = await checkSignature(jws, keys, REVOCATION_LIST_TYP);
  if (!checked.ok) throw new Error(`revocation list: ${checked.failure.detail}`);
  const p = checked.payload;
  if (!isRecord(p) || p.type !== REVOCATION_LIST_TYPE || !str(p.iss) || !Array.isArray(p.revoked)) {
    throw new Error('revocation list: the payload is not a revocation list');
  }
  if (typeof p.iat !== 'number') throw new Error('revocation list: no issue time (iat)');
  const revoked: RevocationEntry[] = [];
  for (const entry of p.revoked) {
    if (!isRecord(entry) || !str(entry.id) || !isInstant(entry.revokedAt) || !str(entry.reason)) {
      throw new Error('revocation list: an entry lacks its id, time or reason');
    }
    revoked.push({ id: entry.id as string, revokedAt: entry.revokedAt, reason: entry.reason as string });
  }
  return {
    issuer: p.iss as string,
    cityId: str(p.cityId),
    issuedAt: new Date(p.iat * 1000).toISOString(),
    kid: checked.kid,
    revoked,
  };
}

/** Verifies a credential (compact JWS) against a key set and, when given, a revocation list or lookup. */
export async function verifyCredential(jws: string, options: VerifyOptions): Promise<VerificationResult> {
  const checked = await checkSignature(jws, options.keys, CREDENTIAL_TYP);
  if (!checked.ok) return checked.failure;
  const credential = readCredential(checked.payload, checked.kid);
  if (!credential) return fail('malformed', 'the payload is not a OneCity certificate (VC 2.0)');

  let revocation: RevocationEntry | null = null;
  let revocationChecked = false;
  let revocationListIssuedAt: string | null = null;
  if (options.revocations !== undefined) {
    let list: VerifiedRevocationList;
    try {
      list = await verifyRevocationList(options.revocations, options.keys);
    } catch (error) {
      return fail('revocation_list_invalid', (error as Error).message, { credential });
    }
    if (list.issuer !== credential.issuer.id) {
      return fail(
        'revocation_list_invalid',
        `the revocation list is ${list.issuer}'s, the credential ${credential.issuer.id}'s`,
        { credential },
      );
    }
    revocation = list.revoked.find((r) => r.id === credential.id) ?? null;
    revocationChecked = true;
    revocationListIssuedAt = list.issuedAt;
  }
  if (!revocation && options.revocationOf) {
    revocation = await options.revocationOf(credential.id);
    revocationChecked = true;
  }
  if (revocation) {
    return fail('revoked', `revoked on ${revocation.revokedAt} (${revocation.reason})`, { credential, revocation });
  }
  const now = options.now.getTime();
  if (now < Date.parse(credential.validFrom)) {
    return fail('not_yet_valid', `valid only from ${credential.validFrom}`, { credential });
  }
  if (credential.validUntil !== null && now >= Date.parse(credential.validUntil)) {
    return fail('expired', `expired on ${credential.validUntil}`, { credential });
  }
  return { valid: true, credential, revocationChecked, revocationListIssuedAt };
}
