/**
 * Fixed-window rate limits kept in the database, so that every API process counts against the
 * same numbers. A bucket names the limit and a keyed hash of what is limited (a blind index or
 * an IP address): the counters table never holds a phone number or an address in clear.
 */
import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';

/** A limit: at most `max` hits per `windowMs`. */
export interface RateLimit {
  name: string;
  max: number;
  windowMs: number;
}

const MINUTE = 60_000;

/** The limits of citizen sign-in, of one-time codes and of uploads. */
export const limits = {
  /** Codes sent to one phone number or e-mail address. */
  otpPerDestination: { name: 'otp:dest', max: 5, windowMs: 15 * MINUTE },
  /** Codes requested from one IP address. */
  otpPerIp: { name: 'otp:ip', max: 20, windowMs: 60 * MINUTE },
  /** Code guesses from one IP address (each code also allows only a few). */
  verifyPerIp: { name: 'otp-verify:ip', max: 30, windowMs: 15 * MINUTE },
  /** Passkey ceremonies started or finished from one IP address. */
  passkeyPerIp: { name: 'passkey:ip', max: 60, windowMs: 15 * MINUTE },
  /** Images uploaded without signing in, from one IP address (nobody answers for them: stricter). */
  uploadAnonymousPerIp: { name: 'upload:ip', max: 30, windowMs: 60 * MINUTE },
  /** Images uploaded by one signed-in person or API key (nine photos a report leaves room for many reports). */
  uploadPerPrincipal: { name: 'upload:principal', max: 120, windowMs: 60 * MINUTE },
} as const satisfies Record<string, RateLimit>;

/** A keyed hash of the caller's IP address, for use in a bucket name. */
export function ipKey(request: FastifyRequest): string {
  const key = request.server.platform.config.secrets.blindIndexKey;
  return createHmac('sha256', key).update(`ip\u0000${request.ip}`).digest('base64url').slice(0, 32);
}

/**
 * Counts one hit against `limit` for `subject` and throws 429 RATE_LIMITED (with Retry-After)
 * once the window's count exceeds the limit. Runs outside any business transaction, so that a
 * refused or failed attempt still counts.
 */
export async function hit(db: Kysely<Database>, now: Date, limit: RateLimit, subject: string): Promise<void> {
  const start = Math.floor(now.getTime() / limit.windowMs) * limit.windowMs;
  const windowStart = new Date(start);
  const expiresAt = new Date(start + limit.windowMs);
  const row = await db
    .insertInto('rate_limit_counters')
    .values({ bucket: `${limit.name}:${subject}`, window_start: windowStart, hits: 1, expires_at: expiresAt })
    .onConflict((oc) =>
      oc.columns(['bucket', 'window_start']).doUpdateSet({ hits: sql<number>`rate_limit_counters.hits + 1` }),
    )
    .returning('hits')
    .executeTakeFirstOrThrow();
  if (row.hits > limit.max) {
    const retryAfter = Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / 1000));
    throw new AppError('RATE_LIMITED', {}, { headers: { 'retry-after': String(retryAfter) } });
  }
}

/** {@link hit} for several limits at once, in one statement: throws 429 for the first one exceeded. */
export async function hitAll(
  db: Kysely<Database>,
  now: Date,
  hits: ReadonlyArray<readonly [RateLimit, string]>,
): Promise<void> {
  if (hits.length === 0) return;
  const rows = hits.map(([limit, subject]) => {
    const start = Math.floor(now.getTime() / limit.windowMs) * limit.windowMs;
    return {
      bucket: `${limit.name}:${subject}`,
      window_start: new Date(start),
      hits: 1,
      expires_at: new Date(start + limit.windowMs),
    };
  });
  const counted = await db
    .insertInto('rate_limit_counters')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['bucket', 'window_start']).doUpdateSet({ hits: sql<number>`rate_limit_counters.hits + 1` }),
    )
    .returning(['bucket', 'hits'])
    .execute();
  const byBucket = new Map(counted.map((r) => [r.bucket, r.hits]));
  hits.forEach(([limit], i) => {
    const row = rows[i];
    if (!row || (byBucket.get(row.bucket) ?? 0) <= limit.max) return;
    const retryAfter = Math.max(1, Math.ceil((row.expires_at.getTime() - now.getTime()) / 1000));
    throw new AppError('RATE_LIMITED', {}, { headers: { 'retry-after': String(retryAfter) } });
  });
}

/** Removes counters of windows that have ended; returns how many. For the housekeeping job. */
export async function purgeRateLimits(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom('rate_limit_counters').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
