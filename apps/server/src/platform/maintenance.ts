/**
 * The platform's own housekeeping, as an hourly durable job: expired idempotency keys, old
 * published events and inbox rows, old finished jobs, spent rate-limit windows, expired
 * sign-in codes and passkey challenges, uploads never attached. Running it twice in an hour is harmless;
 * the dedupe key makes sure it is scheduled once per hour across all processes.
 */
import type { Kysely } from 'kysely';
import type { Database } from './db/schema.ts';
import { pruneEvents } from './events/index.ts';
import { pruneUnattached } from './files/index.ts';
import { purgeExpiredIdempotencyKeys } from './http/idempotency.ts';
import { purgeRateLimits } from './identity/citizen/rate-limit.ts';
import { pruneOidcPayloads } from './identity/oidc/adapter.ts';
import { type JobSystem, pruneJobs } from './jobs/index.ts';
import type { Clock } from './time/clock.ts';

/** The job kind of the hourly housekeeping. */
export const MAINTENANCE_JOB = 'platform.maintenance';
const HOUR_MS = 60 * 60 * 1000;
/**
 * Published events and inbox rows are kept 30 days: longer than the NATS stream's 7-day
 * maximum age, so a late redelivery still finds its inbox row and is skipped.
 */
export const EVENT_RETENTION_MS = 30 * 24 * HOUR_MS;
/** Finished jobs are kept 30 days for inspection. */
export const JOB_RETENTION_MS = 30 * 24 * HOUR_MS;
/** Uploads never attached to anything are kept a day: time enough to finish writing a report. */
export const UNATTACHED_UPLOAD_RETENTION_MS = 24 * HOUR_MS;

function hourKey(at: Date): string {
  return `${MAINTENANCE_JOB}:${at.toISOString().slice(0, 13)}`;
}

/** Schedules the next housekeeping run (at the next full hour), once across all processes. */
export async function scheduleMaintenance(jobs: JobSystem, db: Kysely<Database>, clock: Clock, now = true) {
  const at = now ? clock.now() : new Date(Math.floor(clock.now().getTime() / HOUR_MS) * HOUR_MS + HOUR_MS);
  return jobs.schedule(db, { kind: MAINTENANCE_JOB, runAt: at, dedupeKey: hourKey(at), maxAttempts: 3 });
}

/** Registers the housekeeping handler with `jobs`. */
export function registerMaintenance(jobs: JobSystem, clock: Clock) {
  jobs.register(MAINTENANCE_JOB, async (_job, trx) => {
    const now = clock.now();
    await purgeExpiredIdempotencyKeys(trx, now);
    await pruneEvents(trx, new Date(now.getTime() - EVENT_RETENTION_MS));
    await pruneJobs(trx, new Date(now.getTime() - JOB_RETENTION_MS));
    await purgeRateLimits(trx, now);
    await pruneOidcPayloads(trx, now);
    // Sign-in codes and passkey challenges are useless once expired; keep a day for inquiries.
    const dayAgo = new Date(now.getTime() - 24 * HOUR_MS);
    await trx.deleteFrom('otp_challenges').where('expires_at', '<', dayAgo).execute();
    await trx.deleteFrom('webauthn_challenges').where('expires_at', '<', dayAgo).execute();
    // Photos uploaded but never sent with a report: the citizen gave up, or uploaded twice.
    await pruneUnattached(trx, new Date(now.getTime() - UNATTACHED_UPLOAD_RETENTION_MS));
    await scheduleMaintenance(jobs, trx, clock, false);
  });
}
