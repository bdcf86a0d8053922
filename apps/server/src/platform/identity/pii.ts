/**
 * Personal data at rest: national ID numbers, phone numbers, e-mail and street addresses are
 * stored only as AES-256-GCM ciphertext (the key id travels inside, so keys can rotate) plus
 * an HMAC-SHA256 blind index for exact lookup. Shown masked everywhere except to the person.
 */
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';

/** Encrypts, decrypts and indexes personal data with the configured keys. */
export interface PiiVault {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** Deterministic keyed hash for exact lookup; `kind` keeps equal values of different kinds apart. */
  blindIndex(kind: 'national_id' | 'phone' | 'email' | 'uscc', normalised: string): string;
  /** True when `stored` was encrypted with an older key (re-encrypt it on the next write). */
  isStale(stored: string): boolean;
}

/** Builds the vault from `config.secrets`. */
export function createPiiVault(secrets: Config['secrets']): PiiVault {
  const [first] = secrets.piiKeys;
  if (!first) throw new Error('no personal-data encryption key configured');
  // Key objects made once: building one per call was a visible share of every profile read.
  const current = { id: first.id, key: createSecretKey(first.key) };
  const keys = new Map(secrets.piiKeys.map((k) => [k.id, createSecretKey(k.key)]));
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(current.id));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1.${current.id}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    decrypt(stored) {
      const [version, keyId = '', payload = ''] = stored.split('.');
      const key = keys.get(keyId);
      if (version !== 'v1' || !key) throw new Error(`cannot decrypt personal data: unknown key "${keyId}"`);
      const raw = Buffer.from(payload, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(keyId));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
    blindIndex(kind, normalised) {
      return createHmac('sha256', secrets.blindIndexKey).update(`${kind}\u0000${normalised}`).digest('base64url');
    },
    isStale(stored) {
      return stored.split('.')[1] !== current.id;
    },
  };
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** Upper-cases and trims a national ID number (resident identity card, GB 11643-1999). */
export function normaliseNationalId(value: string): string {
  return value.trim().toUpperCase();
}

/** Whether `value` is an 18-character national ID number with a valid birth date and GB 11643 check digit. */
export function isValidNationalId(value: string): boolean {
  const id = normaliseNationalId(value);
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day || birth > new Date()) {
    return false;
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK[sum % 11] === id[17];
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Whether `value` is an 18-character unified social credit code with a valid check character (GB 32100-2015). */
export function isValidUscc(value: string): boolean {
  const code = value.trim().toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(code[i] ?? '') * (USCC_WEIGHTS[i] ?? 0);
  const check = (31 - (sum % 31)) % 31;
  return USCC_CHARS[check] === code[17];
}

/** A mainland mobile number as 11 digits (accepts +86, spaces and dashes), or null. */
export function normalisePhone(value: string): string | null {
  const digits = value.replace(/[\s-]/g, '').replace(/^(\+?86)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/** A lower-cased e-mail address, or null when it is not one. */
export function normaliseEmail(value: string): string | null {
  const email = value.trim().toLowerCase();
  return /^[^\s@]{1,64}@[^\s@]{1,255}\.[a-z]{2,}$/.test(email) && email.length <= 254 ? email : null;
}

/** `4401**********1234`: the first four and last four characters of an ID number. */
export function maskNationalId(id: string): string {
  return id.length < 8 ? '*'.repeat(id.length) : `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`;
}

/** `138****5678`. */
export function maskPhone(phone: string): string {
  return phone.length < 7 ? '*'.repeat(phone.length) : `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** `z***@example.com`. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}
