/**
 * The two tables that make delivery safe: the outbox (an event commits with the change it
 * describes) and the inbox (a consumer's effect commits with the mark that it handled the
 * event, so a redelivery is recognised and skipped).
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database, OutboxEventsTable } from '../db/schema.ts';
import type { Clock } from '../time/clock.ts';
import { type CloudEvent, EVENT_TYPE, type EventHandler, type EventInput, InvalidEventError } from './types.ts';

/** The `source` of events whose producer does not name itself. */
export const DEFAULT_SOURCE = '/onecity';

/**
 * Records an event in the outbox inside the caller's transaction: it is published only if
 * that transaction commits. Takes a Transaction (not the plain database) on purpose, so that
 * a state change and its event cannot be written apart by mistake.
 */
export async function recordEvent<T>(
  trx: Transaction<Database>,
  input: EventInput<T>,
  clock: Clock,
): Promise<CloudEvent<T>> {
  if (!EVENT_TYPE.test(input.type) || input.type.length > 200) {
    throw new InvalidEventError(`event type "${input.type}" must match ${EVENT_TYPE} (at most 200 characters)`);
  }
  const source = input.source ?? DEFAULT_SOURCE;
  if (source === '') throw new InvalidEventError('event source must not be empty');
  const id = uuidv7();
  const time = clock.now();
  const row = await trx
    .insertInto('outbox_events')
    .values({
      id,
      type: input.type,
      source,
      subject: input.subject ?? null,
      city_id: input.cityId ?? null,
      // Stringified: `pg` would turn a top-level array into a PostgreSQL array, not JSON.
      data: JSON.stringify(input.data ?? null),
      time,
      // The relay compares against the injected clock, so the row is due by that clock too.
      next_attempt_at: time,
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return toCloudEvent({
    id,
    seq: row.seq,
    type: input.type,
    source,
    subject: input.subject ?? null,
    city_id: input.cityId ?? null,
    data: input.data ?? null,
    time,
  }) as CloudEvent<T>;
}

/** The outbox columns a CloudEvent is made of. */
export type OutboxRow = Pick<
  Selectable<OutboxEventsTable>,
  'id' | 'seq' | 'type' | 'source' | 'subject' | 'city_id' | 'data' | 'time'
>;

/** Turns an outbox row into its CloudEvent. */
export function toCloudEvent(row: OutboxRow): CloudEvent {
  const event: CloudEvent = {
    specversion: '1.0',
    id: row.id,
    source: row.source,
    type: row.type,
    time: row.time.toISOString(),
    datacontenttype: 'application/json',
    data: row.data,
    onecityseq: row.seq,
  };
  if (row.subject !== null) event.subject = row.subject;
  if (row.city_id !== null) event.onecitycity = row.city_id;
  return event;
}

/**
 * Runs `handler` for `event` once per consumer: in one transaction it first inserts the inbox
 * row, and if that row already exists (an earlier delivery committed) it skips the handler.
 * A concurrent second delivery waits on the row's unique key until the first one commits or
 * rolls back. Returns whether the handler ran.
 */
export async function handleOnce(
  db: Kysely<Database>,
  clock: Clock,
  consumer: string,
  event: CloudEvent,
  handler: EventHandler,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const fresh = await trx
      .insertInto('event_inbox')
      .values({ consumer, event_id: event.id, handled_at: clock.now() })
      .onConflict((oc) => oc.columns(['consumer', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!fresh) return false;
    await handler(event, trx);
    return true;
  });
}

/**
 * Deletes published events and inbox entries older than `before`. Keep `before` well beyond
 * the longest redelivery (the NATS stream's max age): an inbox entry pruned earlier would let
 * a late redelivery run its handler again.
 */
export async function pruneEvents(db: Kysely<Database>, before: Date): Promise<{ events: number; inbox: number }> {
  const events = await db.deleteFrom('outbox_events').where('published_at', '<', before).executeTakeFirst();
  const inbox = await db.deleteFrom('event_inbox').where('handled_at', '<', before).executeTakeFirst();
  return { events: Number(events.numDeletedRows), inbox: Number(inbox.numDeletedRows) };
}
