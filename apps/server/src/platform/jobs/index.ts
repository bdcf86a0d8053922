/** Durable jobs and timers claimed with FOR UPDATE SKIP LOCKED. */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../time/clock.ts';

/** The job scheduler and worker of one process. */
export interface JobSystem {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the job system. */
export function createJobSystem(_opts: {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  workerId: string;
}): JobSystem {
  return { async start() {}, async stop() {} };
}
