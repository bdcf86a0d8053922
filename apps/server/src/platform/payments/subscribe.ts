/** How a module hears about the payments of what it owns. */
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { CloudEvent, EventSystem } from '../events/index.ts';
import { type PaymentEventData, PaymentEvents, type PaymentEventType } from './payments.ts';

/** Handles one payment event in the consumer's transaction (its effects commit with the inbox mark). */
export type PaymentEventHandler = (
  data: PaymentEventData,
  event: CloudEvent<PaymentEventData>,
  trx: Transaction<Database>,
) => Promise<void>;

/**
 * Subscribes `consumer` to the payment events of `referenceKind` (by default only
 * `payment.succeeded`): the handler sees only payments whose reference is of that kind. Call
 * it where the module registers itself, before the event system starts. Delivery is at least
 * once, the handler's effects happen once (the events inbox).
 */
export function onPaymentEvents(
  events: EventSystem,
  consumer: string,
  options: { referenceKind: string; types?: readonly PaymentEventType[] },
  handler: PaymentEventHandler,
): void {
  events.subscribe<PaymentEventData>(consumer, options.types ?? [PaymentEvents.succeeded], async (event, trx) => {
    if (event.data?.reference?.kind !== options.referenceKind) return;
    await handler(event.data, event, trx);
  });
}
