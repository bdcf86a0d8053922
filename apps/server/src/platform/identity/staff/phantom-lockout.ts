/**
 * Lockout for user names that do not exist. A real account locks after five wrong passwords;
 * if an unknown name never locked, the 423 would tell an attacker which names are real. So an
 * unknown (or disabled) name counts its failures and "locks" exactly like an account, kept in
 * the rate-limit counters under a keyed hash of the name (the name itself is never stored).
 */
import { createHmac } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { LOCKOUT_MS, MAX_FAILED_ATTEMPTS } from './service.ts';

/** The counters are not windows here: one row per name, kept alive while failures continue. */
const EPOCH = new Date(0);

function buckets(key: Buffer, username: string) {
  const h = createHmac('sha256', key).update(`staff-user\u0000${username.trim().toLowerCase()}`).digest('base64url');
  return { failures: `staff-unknown-fail:${h}`, lock: `staff-unknown-lock:${h}` };
}

/** Whole minutes until the phantom lock of `username` opens; 0 when it is not locked. */
export async function phantomLockedMinutes(db: Kysely<Database>, key: Buffer, username: string, now: Date) {
  const row = await db
    .selectFrom('rate_limit_counters')
    .select('expires_at')
    .where('bucket', '=', buckets(key, username).lock)
    .where('window_start', '=', EPOCH)
    .executeTakeFirst();
  if (!row || row.expires_at <= now) return 0;
  return Math.max(1, Math.ceil((row.expires_at.getTime() - now.getTime()) / 60_000));
}

/** Counts a failure for an unknown `username`; returns true when this failure locks it (as the fifth would). */
export async function phantomFailure(db: Kysely<Database>, key: Buffer, username: string, now: Date) {
  const b = buckets(key, username);
  const until = new Date(now.getTime() + LOCKOUT_MS);
  const row = await db
    .insertInto('rate_limit_counters')
    .values({ bucket: b.failures, window_start: EPOCH, hits: 1, expires_at: until })
    .onConflict((oc) =>
      oc.columns(['bucket', 'window_start']).doUpdateSet({
        hits: sql<number>`rate_limit_counters.hits + 1`,
        expires_at: until,
      }),
    )
    .returning('hits')
    .executeTakeFirstOrThrow();
  if (row.hits < MAX_FAILED_ATTEMPTS) return false;
  await db.deleteFrom('rate_limit_counters').where('bucket', '=', b.failures).execute();
  await db
    .insertInto('rate_limit_counters')
    .values({ bucket: b.lock, window_start: EPOCH, hits: 1, expires_at: until })
    .onConflict((oc) => oc.columns(['bucket', 'window_start']).doUpdateSet({ expires_at: until }))
    .execute();
  return true;
}
