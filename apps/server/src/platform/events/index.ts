/**
 * Events: a transactional outbox, a relay, an in-process or NATS JetStream bus, and consumers
 * made idempotent by an inbox. A module records an event in the transaction of the change it
 * describes (`recordEvent` / `events.record`); consumers subscribe by name before `start`.
 * Delivery is at least once; each consumer's *effects* happen once.
 */
import { hostname } from 'node:os';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../time/clock.ts';
import { createMemoryBus } from './memory-bus.ts';
import { createNatsBus, defaultNatsSettings, type NatsSettings } from './nats-bus.ts';
import { recordEvent } from './outbox.ts';
import { OutboxRelay, type RelaySettings } from './relay.ts';
import {
  type CloudEvent,
  type EventBus,
  type EventFaults,
  type EventHandler,
  type EventInput,
  InvalidEventError,
  type Subscription,
  validateSubscription,
} from './types.ts';

export { createMemoryBus, type MemoryBusOptions } from './memory-bus.ts';
export { createNatsBus, defaultNatsSettings, EventBusUnavailableError, type NatsSettings } from './nats-bus.ts';
export { DEFAULT_SOURCE, handleOnce, pruneEvents, recordEvent, toCloudEvent } from './outbox.ts';
export { defaultRelaySettings, OutboxRelay, type RelayRun, type RelaySettings } from './relay.ts';
export {
  type CloudEvent,
  CONSUMER_NAME,
  EVENT_TYPE,
  type EventBus,
  type EventFaults,
  type EventHandler,
  type EventInput,
  InvalidEventError,
  type PublishOutcome,
  type Subscription,
} from './types.ts';

/** The running event machinery of one process. */
export interface EventSystem {
  /** The bus in use: in-process, or NATS JetStream when `config.nats` is set. */
  readonly bus: EventBus;
  /** The outbox relay; tests drive it with `runOnce()`. */
  readonly relay: OutboxRelay;
  /** Records an event in `trx` with this system's clock (see {@link recordEvent}). */
  record<T>(trx: Transaction<Database>, input: EventInput<T>): Promise<CloudEvent<T>>;
  /** Adds consumer `consumer` for `types` (or `'*'`); call before `start`. Names are unique per process. */
  subscribe<T = unknown>(consumer: string, types: readonly string[] | '*', handler: EventHandler<T>): void;
  /** Connects the bus, starts the consumers and (unless `relay: false`) the relay loop. */
  start(options?: { relay?: boolean }): Promise<void>;
  /** Stops the relay, lets handlers in progress finish (bounded) and closes the bus. */
  stop(): Promise<void>;
}

/** Options of {@link createEventSystem}; only the first four are needed outside tests. */
export interface EventSystemOptions {
  config: Config;
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  /** A bus to use instead of the configured one. */
  bus?: EventBus;
  relay?: Partial<RelaySettings>;
  /** Overrides of the NATS settings (stream and subject names, timings) when `config.nats` is set. */
  nats?: Partial<Omit<NatsSettings, 'url'>>;
  faults?: EventFaults;
}

/** Builds the event system for `config` (the bus is NATS JetStream when configured). */
export async function createEventSystem(options: EventSystemOptions): Promise<EventSystem> {
  const { config, db, clock, logger, faults } = options;
  const bus =
    options.bus ??
    (config.nats
      ? createNatsBus({
          settings: {
            ...defaultNatsSettings,
            name: `onecity@${hostname()}:${process.pid}`,
            ...options.nats,
            url: config.nats.url,
          },
          db,
          clock,
          logger,
          ...(faults ? { faults } : {}),
        })
      : createMemoryBus({ db, clock, logger, ...(faults ? { faults } : {}) }));
  const relay = new OutboxRelay({
    db,
    bus,
    clock,
    logger,
    settings: { intervalMs: config.relayIntervalMs, ...options.relay },
    ...(faults ? { faults } : {}),
  });
  const consumers = new Set<string>();
  let state: 'new' | 'started' | 'stopped' = 'new';

  return {
    bus,
    relay,
    record(trx, input) {
      return recordEvent(trx, input, clock);
    },
    subscribe(consumer, types, handler) {
      if (state !== 'new') throw new InvalidEventError(`subscribe "${consumer}" before the event system starts`);
      const subscription: Subscription = { consumer, types, handler: handler as EventHandler };
      validateSubscription(subscription);
      if (consumers.has(consumer)) throw new InvalidEventError(`consumer "${consumer}" is already subscribed`);
      consumers.add(consumer);
      bus.subscribe(subscription);
    },
    async start(startOptions = {}) {
      if (state !== 'new') return;
      state = 'started';
      await bus.start();
      if (startOptions.relay !== false) relay.start();
    },
    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      await relay.stop();
      await bus.stop();
    },
  };
}
