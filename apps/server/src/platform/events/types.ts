/** The shapes events travel in (CloudEvents 1.0) and the contract between relay, bus and consumers. */
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * An event in the CloudEvents 1.0 structured JSON form. `onecitycity` (the city the event
 * belongs to) and `onecityseq` (its position in the outbox) are extension attributes.
 */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  /** RFC 3339 time of the change the event describes. */
  time: string;
  datacontenttype: 'application/json';
  data: T;
  onecitycity?: string;
  onecityseq: number;
}

/** What a module hands to `recordEvent`. */
export interface EventInput<T = unknown> {
  /** Dotted lowercase name, e.g. `workorder.created`; it becomes part of the NATS subject. */
  type: string;
  /** What the event is about, e.g. the work order's id. */
  subject?: string;
  cityId?: string | null;
  data: T;
  /** The producing component as a URI reference (default `/onecity`). */
  source?: string;
}

/**
 * Handles one event for one consumer. It runs in a transaction that has already recorded the
 * event in the consumer's inbox: use `trx` for every write, so that the effect and the
 * "handled" mark commit together (and on PGlite, whose one connection `trx` holds, at all).
 */
export type EventHandler<T = unknown> = (event: CloudEvent<T>, trx: Transaction<Database>) => Promise<void>;

/** A named consumer and the event types it wants (`'*'` for all). */
export interface Subscription {
  consumer: string;
  types: readonly string[] | '*';
  handler: EventHandler;
}

/**
 * Outcome of publishing one event: accepted by the bus, or not (and why). `unavailable`: the
 * bus itself cannot be reached (a broker outage, not this event's fault): the relay keeps the
 * event as it was, counts no attempt, and backs off as a whole until the bus is back.
 */
export type PublishOutcome = { ok: true } | { ok: false; error: string; unavailable?: boolean };

/**
 * Fault-injection points for tests that need a process to "crash" at a precise moment. Each
 * hook may throw; the component then behaves as if the process died at that point.
 */
export interface EventFaults {
  /** Called by the relay after the bus accepted a batch and before the batch is marked published. */
  relayAfterPublish?(events: readonly CloudEvent[]): void | Promise<void>;
  /** Called after a consumer's transaction committed and before the delivery is acknowledged. */
  consumerBeforeAck?(consumer: string, event: CloudEvent): void | Promise<void>;
}

/** Carries events from the relay to the consumers. */
export interface EventBus {
  readonly kind: 'memory' | 'nats';
  /** Adds a consumer (before `start`). */
  subscribe(subscription: Subscription): void;
  /** Connects and starts delivering to the subscribed consumers. */
  start(): Promise<void>;
  /** Publishes events in the given order; one outcome per event. */
  publish(events: readonly CloudEvent[]): Promise<PublishOutcome[]>;
  /** Stops delivering, waits for handlers in progress (bounded) and closes connections. */
  stop(): Promise<void>;
}

/** Raised for an event or subscription that breaks the naming rules. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/** Event types: dotted lowercase tokens, safe as NATS subject tokens. */
export const EVENT_TYPE = /^[a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)*$/;
/** Consumer names: also NATS durable consumer names, so no dots or wildcards. */
export const CONSUMER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,79}$/;

/** Whether `subscription` wants events of `type`. */
export function wants(subscription: Subscription, type: string): boolean {
  return subscription.types === '*' || subscription.types.includes(type);
}

/** Checks a subscription's consumer name and types; throws {@link InvalidEventError}. */
export function validateSubscription(subscription: Subscription): void {
  if (!CONSUMER_NAME.test(subscription.consumer)) {
    throw new InvalidEventError(`consumer name "${subscription.consumer}" must match ${CONSUMER_NAME}`);
  }
  if (subscription.types !== '*') {
    if (subscription.types.length === 0)
      throw new InvalidEventError(`consumer "${subscription.consumer}" wants no types`);
    for (const type of subscription.types) {
      if (!EVENT_TYPE.test(type)) throw new InvalidEventError(`event type "${type}" must match ${EVENT_TYPE}`);
    }
  }
}
