/**
 * The outbox relay: moves committed events from `outbox_events` to the bus, in `seq` order.
 *
 * A run claims a batch in one short statement (`FOR UPDATE SKIP LOCKED`, so concurrent
 * relays take disjoint batches) and leases it by pushing `next_attempt_at` forward; it then
 * publishes outside any transaction and marks the batch published. Holding no transaction
 * while publishing matters on PGlite, whose single connection the in-process consumers need.
 * A relay that dies between publishing and marking leaves the lease to expire; the next relay
 * publishes the batch again, and JetStream's de-duplication and the consumers' inbox absorb it.
 * While the bus cannot be reached at all, events keep their place and their attempt count: the
 * loop backs off as a whole and the outbox drains within seconds of the bus coming back.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import { type BackoffOptions, backoffMs, errorText } from '../jobs/backoff.ts';
import type { Clock } from '../time/clock.ts';
import { PollingLoop } from '../time/polling-loop.ts';
import { EventBusUnavailableError } from './nats-bus.ts';
import { toCloudEvent } from './outbox.ts';
import type { EventBus, EventFaults } from './types.ts';

/** Tuning of the relay. */
export interface RelaySettings {
  /** Poll interval when the outbox is empty. */
  intervalMs: number;
  batchSize: number;
  /** How long a claimed batch stays reserved for the relay that claimed it. */
  leaseMs: number;
  /** Delay before a batch that failed to publish is tried again. */
  retry: BackoffOptions;
  /** How long `stop` waits for the run in progress. */
  stopTimeoutMs: number;
}

/** Defaults for {@link RelaySettings}. */
export const defaultRelaySettings: RelaySettings = {
  intervalMs: 200,
  batchSize: 100,
  leaseMs: 30_000,
  retry: { baseMs: 1_000, maxMs: 300_000 },
  stopTimeoutMs: 10_000,
};

/** What one relay run did. */
export interface RelayRun {
  claimed: number;
  published: number;
  failed: number;
}

/** Options of {@link OutboxRelay}. */
export interface RelayOptions {
  db: Kysely<Database>;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  settings?: Partial<RelaySettings>;
  faults?: EventFaults;
}

/** Publishes the outbox to the bus: `runOnce` for one batch, `start`/`stop` for the background loop. */
export class OutboxRelay {
  readonly #db: Kysely<Database>;
  readonly #bus: EventBus;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #settings: RelaySettings;
  readonly #faults: EventFaults | undefined;
  readonly #loop: PollingLoop;

  constructor(options: RelayOptions) {
    this.#db = options.db;
    this.#bus = options.bus;
    this.#clock = options.clock;
    this.#logger = options.logger.child({ component: 'events', role: 'relay' });
    this.#settings = { ...defaultRelaySettings, ...options.settings };
    this.#faults = options.faults;
    this.#loop = new PollingLoop({
      round: async () => (await this.runOnce()).claimed === this.#settings.batchSize,
      intervalMs: this.#settings.intervalMs,
      stopTimeoutMs: this.#settings.stopTimeoutMs,
      logger: this.#logger,
      failure: 'relay run failed; will retry',
      abandoned: 'stopped during a run; its lease will expire and another relay will take over',
    });
  }

  /** Claims, publishes and marks one batch of due events. */
  async runOnce(): Promise<RelayRun> {
    const now = this.#clock.now();
    const leaseUntil = new Date(now.getTime() + this.#settings.leaseMs);
    const rows = await this.#db
      .updateTable('outbox_events')
      .set({ next_attempt_at: leaseUntil })
      .where('published_at', 'is', null)
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('outbox_events')
          .select('id')
          .where('published_at', 'is', null)
          .where('next_attempt_at', '<=', now)
          .orderBy('seq')
          .limit(this.#settings.batchSize)
          .forUpdate()
          .skipLocked(),
      )
      .returning(['id', 'seq', 'type', 'source', 'subject', 'city_id', 'data', 'time', 'attempts'])
      .execute();
    if (rows.length === 0) return { claimed: 0, published: 0, failed: 0 };
    rows.sort((a, b) => a.seq - b.seq);
    const events = rows.map(toCloudEvent);

    let outcomes: Awaited<ReturnType<EventBus['publish']>>;
    try {
      outcomes = await this.#bus.publish(events);
    } catch (error) {
      const message = errorText(error, 500);
      outcomes = events.map(() => ({ ok: false, error: message }));
    }
    // Fault injection: a throw here is a relay dying with the batch published but not marked.
    await this.#faults?.relayAfterPublish?.(events);

    const published: string[] = [];
    const waiting: string[] = [];
    let unreachable = '';
    let failed = 0;
    for (const [i, row] of rows.entries()) {
      const outcome = outcomes[i] ?? { ok: false, error: 'no outcome from the bus' };
      if (outcome.ok) {
        published.push(row.id);
        continue;
      }
      failed += 1;
      if (outcome.unavailable) {
        // The bus is down, not the event: no attempt counted, no growing delay of its own.
        waiting.push(row.id);
        unreachable = outcome.error;
        continue;
      }
      const attempts = row.attempts + 1;
      const retryAt = new Date(this.#clock.now().getTime() + backoffMs(attempts, this.#settings.retry));
      await this.#db
        .updateTable('outbox_events')
        .set({ attempts, last_error: outcome.error, next_attempt_at: retryAt })
        .where('id', '=', row.id)
        .execute();
      this.#logger.warn(
        { eventId: row.id, type: row.type, attempts, err: outcome.error },
        'event not published; will retry',
      );
    }
    if (published.length > 0) {
      await this.#db
        .updateTable('outbox_events')
        .set({ published_at: this.#clock.now(), last_error: null })
        .where('id', 'in', published)
        .execute();
    }
    if (waiting.length > 0) {
      await this.#db
        .updateTable('outbox_events')
        .set({ next_attempt_at: this.#clock.now(), last_error: unreachable })
        .where('id', 'in', waiting)
        .execute();
      // The loop backs off (bounded) and the next run takes them up again, in order.
      throw new EventBusUnavailableError(`${waiting.length} event(s) wait for the bus: ${unreachable}`);
    }
    return { claimed: rows.length, published: published.length, failed };
  }

  /** Starts the background loop. */
  start(): void {
    this.#loop.start();
  }

  /** Stops the loop and waits (bounded) for the run in progress. */
  stop(): Promise<void> {
    return this.#loop.stop();
  }
}
