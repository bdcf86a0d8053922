/**
 * TOTP (RFC 6238) for staff: 30-second steps, six digits, SHA-1 (what authenticator apps
 * support), one step of clock drift either way, and each time step accepted at most once.
 */
import { generateSecret, generateURI, verify } from 'otplib';

/** The issuer shown in authenticator apps. */
const ISSUER = 'OneCity';

/** A new random Base32 secret (20 bytes). */
export function newTotpSecret(): string {
  return generateSecret();
}

/** The `otpauth://totp/…` URI an authenticator app scans. */
export function totpUri(secret: string, username: string): string {
  return generateURI({ issuer: ISSUER, label: username, secret });
}

/**
 * The time step `code` belongs to, or null when it is wrong, malformed or from a step at or
 * before `lastStep` (a replayed code, or one older than the last accepted).
 */
export async function checkTotp(
  secret: string,
  code: string,
  now: Date,
  lastStep: number | null,
): Promise<number | null> {
  try {
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(now.getTime() / 1000),
      epochTolerance: 30,
      ...(lastStep === null ? {} : { afterTimeStep: lastStep }),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    // otplib throws for malformed codes and for a last step ahead of the clock (clock moved back).
    return null;
  }
}
