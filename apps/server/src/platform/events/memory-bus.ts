/**
 * The in-process bus (one process, no broker). Publishing *is* delivering: `publish` runs every
 * interested consumer before it returns, and an event counts as published only when all of them
 * succeeded. The outbox row is therefore the durable queue: a consumer that fails (or a process
 * that dies mid-way) leaves the row unpublished, the relay retries it later, and the inbox
 * makes the consumers that already succeeded skip it.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import { errorText } from '../jobs/backoff.ts';
import type { Clock } from '../time/clock.ts';
import { handleOnce } from './outbox.ts';
import {
  type CloudEvent,
  type EventBus,
  type EventFaults,
  type PublishOutcome,
  type Subscription,
  wants,
} from './types.ts';

/** Options of {@link createMemoryBus}. */
export interface MemoryBusOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  faults?: EventFaults;
}

/** Creates the in-process bus. */
export function createMemoryBus(options: MemoryBusOptions): EventBus {
  const subscriptions: Subscription[] = [];
  const logger = options.logger.child({ component: 'events', bus: 'memory' });

  async function deliver(event: CloudEvent): Promise<PublishOutcome> {
    const failed: string[] = [];
    for (const subscription of subscriptions) {
      if (!wants(subscription, event.type)) continue;
      try {
        await handleOnce(options.db, options.clock, subscription.consumer, event, subscription.handler);
        await options.faults?.consumerBeforeAck?.(subscription.consumer, event);
      } catch (error) {
        const message = errorText(error, 500);
        failed.push(`${subscription.consumer}: ${message}`);
        logger.warn(
          { consumer: subscription.consumer, eventId: event.id, type: event.type, err: message },
          'consumer failed',
        );
      }
    }
    return failed.length === 0 ? { ok: true } : { ok: false, error: failed.join('; ') };
  }

  return {
    kind: 'memory',
    subscribe(subscription) {
      subscriptions.push(subscription);
    },
    async start() {},
    async publish(events) {
      const outcomes: PublishOutcome[] = [];
      for (const event of events) outcomes.push(await deliver(event));
      return outcomes;
    },
    async stop() {},
  };
}
