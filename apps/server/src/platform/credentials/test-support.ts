/** Keys, credentials and revocation lists made in memory, for tests that need no database. */
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { uuidv7 } from 'uuidv7';
import { credentialPayload, type PayloadInput } from './issue.ts';
import { type SigningKey, signCompact } from './keys.ts';
import {
  CREDENTIAL_ALG,
  CREDENTIAL_TYP,
  type KeySet,
  REVOCATION_LIST_TYP,
  REVOCATION_LIST_TYPE,
  type RevocationEntry,
} from './verify.ts';

/** A key pair of a test city and its public JWK. */
export interface TestKey {
  signing: SigningKey;
  jwk: Record<string, unknown>;
}

/** Makes an Ed25519 key as a city would have. */
export async function testKey(cityId = 'lingnan'): Promise<TestKey> {
  const pair = await generateKeyPair(CREDENTIAL_ALG, { crv: 'Ed25519', extractable: true });
  const pub = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: String(pub.x) });
  return {
    signing: { kid, cityId, key: pair.privateKey },
    jwk: { kty: 'OKP', crv: 'Ed25519', x: pub.x, kid, alg: CREDENTIAL_ALG, use: 'sig' },
  };
}

/** A key set of the given keys. */
export function keySet(...keys: TestKey[]): KeySet {
  return { keys: keys.map((k) => k.jwk) };
}

const PUBLIC_URL = 'https://city.example';

/** Signs a credential like issueCredential does; `overrides` change the payload's inputs. */
export async function testCredential(
  key: TestKey,
  overrides: Partial<PayloadInput> = {},
): Promise<{ id: string; jws: string }> {
  const id = overrides.id ?? uuidv7();
  const payload = credentialPayload({
    id,
    publicUrl: PUBLIC_URL,
    cityId: key.signing.cityId,
    cityName: '岭南市',
    department: {
      id: '0192f000-0000-7000-8000-0000000000d1',
      code: 'market-regulation',
      zh: '市场监督管理局',
      en: 'Market Regulation Administration',
    },
    typeCode: 'business-licence',
    typeName: { zh: '营业执照', en: 'Business licence' },
    holder: { kind: 'citizen', name: '张三明', identifier: '440106199001011234' },
    claims: { shopName: '岭南面馆', seats: 40 },
    validFrom: new Date('2026-01-01T00:00:00Z'),
    validUntil: new Date('2031-01-01T00:00:00Z'),
    issuedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  });
  return { id, jws: await signCompact(key.signing, CREDENTIAL_TYP, payload, { cty: 'vc' }) };
}

/** Signs a revocation list of `revoked` with `key`, as the city's list route serves it. */
export async function testRevocationList(
  key: TestKey,
  revoked: RevocationEntry[],
  issuedAt = new Date('2026-06-01T00:00:00Z'),
): Promise<string> {
  return signCompact(key.signing, REVOCATION_LIST_TYP, {
    type: REVOCATION_LIST_TYPE,
    iss: `${PUBLIC_URL}/api/v1/cities/${encodeURIComponent(key.signing.cityId)}`,
    cityId: key.signing.cityId,
    iat: Math.floor(issuedAt.getTime() / 1000),
    revoked,
  });
}

/** `jws` with one character of its `part` (0 header, 1 payload, 2 signature) changed. */
export function tamper(jws: string, part: 0 | 1 | 2): string {
  const parts = jws.split('.');
  const target = parts[part] ?? '';
  const i = Math.floor(target.length / 2);
  const swapped = target[i] === 'A' ? 'B' : 'A';
  parts[part] = `${target.slice(0, i)}${swapped}${target.slice(i + 1)}`;
  return parts.join('.');
}

/** `jws` with its payload replaced by `change(payload)`, the signature kept. */
export function rewritePayload(jws: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jws.split('.');
  const decoded = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  change(decoded);
  return [header, Buffer.from(JSON.stringify(decoded)).toString('base64url'), signature].join('.');
}
