/**
 * Staff passwords: argon2id hashes (the library's default algorithm) with the OWASP minimum
 * parameters, a length rule instead of composition rules (NIST SP 800-63B), one-time initial
 * passwords, and a dummy check so that an unknown user name costs as much time as a wrong password.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** 19 MiB, two passes, one lane: the OWASP minimum for argon2id. */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** The shortest password a staff member may choose. */
export const PASSWORD_MIN_LENGTH = 12;

/** Letters and digits that cannot be mistaken for one another when read aloud or copied by hand. */
const INITIAL_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/** The argon2id hash of `password`, as a PHC string. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** Whether `password` matches `stored`; false (never a throw) for a malformed hash. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | null = null;

/** Spends the time of one password check on a hash nobody knows (for unknown user names). */
export async function dummyPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(18).toString('base64url'));
  await verifyPassword(await dummyHash, password);
}

/** Whether `next` may replace `current` for `username`: long enough, neither the user name nor the current password. */
export function passwordAcceptable(next: string, context: { username: string; current: string }): boolean {
  return (
    [...next].length >= PASSWORD_MIN_LENGTH &&
    next.trim().toLowerCase() !== context.username.toLowerCase() &&
    next !== context.current
  );
}

/** A random 16-character initial password (about 93 bits), to be changed at first sign-in. */
export function generateInitialPassword(): string {
  let out = '';
  for (let i = 0; i < 16; i++) out += INITIAL_ALPHABET[randomInt(INITIAL_ALPHABET.length)];
  return out;
}
