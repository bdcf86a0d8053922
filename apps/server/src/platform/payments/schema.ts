/** Row types of the payments tables (platform/db/migrations/0013_payments.sql). */
import type { ColumnType, Kysely } from 'kysely';
import type { Database, Timestamp } from '../db/schema.ts';

/** Where a payment stands: open, then paid, cancelled or expired; a paid one may be refunded. */
export const PaymentStatuses = ['created', 'paid', 'cancelled', 'expired', 'refunded'] as const;
/** One of {@link PaymentStatuses}. */
export type PaymentStatus = (typeof PaymentStatuses)[number];

/** Who pays: a citizen, or an enterprise through one of its members. */
export type PayerKind = 'citizen' | 'enterprise';

/** A nullable timestamptz column. */
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** `payments`: one row per payment. */
export interface PaymentsTable {
  id: string;
  city_id: string;
  payer_kind: PayerKind;
  payer_id: string;
  payer_citizen_id: string;
  amount_fen: number;
  currency: ColumnType<'CNY', 'CNY' | undefined, 'CNY'>;
  description_zh: string;
  description_en: string;
  reference_kind: string;
  reference_id: string;
  provider: string;
  provider_order_id: string;
  checkout_url: string | null;
  return_path: string | null;
  status: PaymentStatus;
  expires_at: Timestamp;
  paid_at: NullableTimestamp;
  cancelled_at: NullableTimestamp;
  expired_at: NullableTimestamp;
  refunded_at: NullableTimestamp;
  refund_reason: string | null;
  provider_refund_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The development provider's order states. */
export type DevOrderStatus = 'pending' | 'paid' | 'closed' | 'refunded';

/** `payment_dev_orders`: the development provider's own orders. */
export interface PaymentDevOrdersTable {
  id: string;
  payment_id: string;
  amount_fen: number;
  status: DevOrderStatus;
  expires_at: Timestamp;
  paid_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  refunded_at: NullableTimestamp;
  refund_id: string | null;
  created_at: Timestamp;
}

/** The tables platform/payments owns. */
export type PaymentTables = {
  payments: PaymentsTable;
  payment_dev_orders: PaymentDevOrdersTable;
};

/** The platform's database seen with the payments tables too. */
export type PaymentsDatabase = Database & PaymentTables;

/** `db` with the payments tables in its type. */
export function paymentsDb(db: Kysely<Database>): Kysely<PaymentsDatabase> {
  return db.withTables<PaymentTables>();
}
