/**
 * The NATS JetStream bus (many processes). Events go to one stream under
 * `<subjectPrefix>.<type>`, published with `msgID` = event id so that JetStream drops a
 * republish within its duplicate window. Each consumer is a durable pull consumer with
 * explicit acks: a failed handler is nak'ed with a growing delay, a crashed one is redelivered
 * after `ackWaitMs`, and the inbox turns every redelivery of a handled event into a no-op.
 */
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { connect, headers, type NatsConnection, nanos } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema.ts';
import { type BackoffOptions, backoffMs, errorText } from '../jobs/backoff.ts';
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

/** Where and how the NATS bus talks to JetStream. */
export interface NatsSettings {
  url: string;
  /** Connection name shown by the NATS server (monitoring). */
  name: string;
  stream: string;
  /** Subjects are `<subjectPrefix>.<event type>`; the stream covers `<subjectPrefix>.>`. */
  subjectPrefix: string;
  /** How long a delivery may stay unacknowledged before NATS redelivers it. */
  ackWaitMs: number;
  /** Delay before a failed delivery is retried. */
  retry: BackoffOptions;
  publishTimeoutMs: number;
  /** How long the stream keeps events (a consumer down for longer misses them). */
  maxAgeMs: number;
  /** Republishes within this window are dropped by JetStream. */
  duplicateWindowMs: number;
  /** How long `stop` waits for handlers in progress and for the connection to drain. */
  stopTimeoutMs: number;
}

/** Defaults for everything in {@link NatsSettings} but the URL. */
export const defaultNatsSettings: Omit<NatsSettings, 'url'> = {
  name: 'onecity',
  stream: 'ONECITY_EVENTS',
  subjectPrefix: 'onecity.events',
  ackWaitMs: 30_000,
  retry: { baseMs: 1_000, maxMs: 300_000 },
  publishTimeoutMs: 5_000,
  maxAgeMs: 7 * 24 * 3_600_000,
  duplicateWindowMs: 120_000,
  stopTimeoutMs: 10_000,
};

/** Options of {@link createNatsBus}. */
export interface NatsBusOptions {
  settings: NatsSettings;
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  faults?: EventFaults;
}

/** Raised when the bus cannot reach NATS (at start) or is used before it started. */
export class EventBusUnavailableError extends Error {
  override name = 'EventBusUnavailableError';
}

interface Running {
  nc: NatsConnection;
  js: JetStreamClient;
  consumers: { messages: ConsumerMessages; loop: Promise<void> }[];
  /** False between a disconnect and the reconnect that follows it (the client reconnects forever). */
  connected: boolean;
}

/** Creates the JetStream bus; it connects in `start`. */
export function createNatsBus(options: NatsBusOptions): EventBus {
  const { settings, db, clock, faults } = options;
  const logger = options.logger.child({ component: 'events', bus: 'nats', stream: settings.stream });
  const subscriptions: Subscription[] = [];
  let running: Running | null = null;

  async function handle(subscription: Subscription, msg: JsMsg): Promise<void> {
    let event: CloudEvent;
    try {
      event = msg.json<CloudEvent>();
    } catch (error) {
      // Redelivering an unreadable message would fail the same way forever.
      logger.error(
        { consumer: subscription.consumer, seq: msg.seq, err: errorText(error) },
        'unreadable event dropped',
      );
      msg.term('unreadable');
      return;
    }
    if (!wants(subscription, event.type)) {
      msg.ack();
      return;
    }
    try {
      await handleOnce(db, clock, subscription.consumer, event, subscription.handler);
    } catch (error) {
      const delay = backoffMs(msg.info.deliveryCount, settings.retry);
      logger.warn(
        {
          consumer: subscription.consumer,
          eventId: event.id,
          type: event.type,
          delivery: msg.info.deliveryCount,
          retryInMs: delay,
          err: errorText(error, 500),
        },
        'consumer failed; will be redelivered',
      );
      msg.nak(delay);
      return;
    }
    try {
      await faults?.consumerBeforeAck?.(subscription.consumer, event);
    } catch {
      // A simulated crash: no ack, no nak; NATS redelivers once the ack wait runs out.
      return;
    }
    msg.ack();
  }

  async function consume(subscription: Subscription, messages: ConsumerMessages): Promise<void> {
    // One message at a time per consumer: events reach a consumer in stream order.
    for await (const msg of messages) {
      try {
        await handle(subscription, msg);
      } catch (error) {
        logger.error({ consumer: subscription.consumer, err: errorText(error) }, 'delivery failed');
      }
    }
  }

  async function ensureStream(jsm: JetStreamManager): Promise<void> {
    try {
      await jsm.streams.info(settings.stream);
      return;
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
    }
    await jsm.streams.add({
      name: settings.stream,
      subjects: [`${settings.subjectPrefix}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(settings.maxAgeMs),
      duplicate_window: nanos(settings.duplicateWindowMs),
    });
    logger.info('created stream');
  }

  async function ensureConsumer(jsm: JetStreamManager, name: string): Promise<void> {
    let exists = true;
    try {
      await jsm.consumers.info(settings.stream, name);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound)) throw error;
      exists = false;
    }
    if (exists) {
      try {
        await jsm.consumers.update(settings.stream, name, { ack_wait: nanos(settings.ackWaitMs) });
      } catch (error) {
        logger.warn(
          { consumer: name, err: errorText(error) },
          'could not update the durable consumer; using it as it is',
        );
      }
      return;
    }
    // A consumer added later starts with the events published from then on: replaying the
    // stream's history into, say, a new notifier would message citizens about old news.
    await jsm.consumers.add(settings.stream, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.New,
      ack_wait: nanos(settings.ackWaitMs),
      max_deliver: -1,
      filter_subject: `${settings.subjectPrefix}.>`,
    });
    logger.info({ consumer: name }, 'created durable consumer');
  }

  async function withTimeout(work: Promise<unknown>, what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      work.then(
        () => false,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), settings.stopTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) logger.warn(`${what} did not finish within ${settings.stopTimeoutMs} ms`);
  }

  return {
    kind: 'nats',
    subscribe(subscription) {
      subscriptions.push(subscription);
    },
    async start() {
      if (running) return;
      let nc: NatsConnection;
      try {
        nc = await connect({ servers: settings.url, name: settings.name, maxReconnectAttempts: -1, timeout: 5_000 });
      } catch (error) {
        throw new EventBusUnavailableError(`cannot connect to NATS at ${settings.url}: ${errorText(error)}`, {
          cause: error,
        });
      }
      try {
        const jsm = await jetstreamManager(nc, { timeout: settings.publishTimeoutMs });
        await ensureStream(jsm);
        const js = jetstream(nc, { timeout: settings.publishTimeoutMs });
        const consumers: Running['consumers'] = [];
        for (const subscription of subscriptions) {
          await ensureConsumer(jsm, subscription.consumer);
          const consumer = await js.consumers.get(settings.stream, subscription.consumer);
          const messages = await consumer.consume({ max_messages: 64 });
          consumers.push({ messages, loop: consume(subscription, messages) });
        }
        const current: Running = { nc, js, consumers, connected: true };
        running = current;
        void (async () => {
          for await (const status of nc.status()) {
            if (status.type === 'disconnect') current.connected = false;
            else if (status.type === 'reconnect') current.connected = true;
          }
        })().catch(() => {});
      } catch (error) {
        await nc.close().catch(() => {});
        throw error;
      }
    },
    async publish(events) {
      if (!running?.connected) {
        // Not worth a publish that would wait for its timeout: the relay waits for the bus instead.
        const error = running ? `NATS unreachable at ${settings.url}` : 'NATS bus not started';
        return events.map(() => ({ ok: false, error, unavailable: true }) as PublishOutcome);
      }
      const { js } = running;
      // Sent back to back on one connection, so JetStream stores them in this order.
      const acks = events.map((event) => {
        const h = headers();
        h.set('Content-Type', 'application/cloudevents+json');
        return js.publish(`${settings.subjectPrefix}.${event.type}`, JSON.stringify(event), {
          msgID: event.id,
          headers: h,
          timeout: settings.publishTimeoutMs,
        });
      });
      const settled = await Promise.allSettled(acks);
      return settled.map((s) =>
        s.status === 'fulfilled' ? { ok: true } : { ok: false, error: errorText(s.reason, 500) },
      );
    },
    async stop() {
      const current = running;
      if (!current) return;
      running = null;
      for (const { messages } of current.consumers) {
        await withTimeout(messages.close(), 'closing a consumer');
      }
      await withTimeout(Promise.all(current.consumers.map((c) => c.loop)), 'handlers in progress');
      await withTimeout(current.nc.drain(), 'draining the NATS connection');
      if (!current.nc.isClosed()) await current.nc.close().catch(() => {});
    },
  };
}
