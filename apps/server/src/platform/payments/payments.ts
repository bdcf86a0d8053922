/**
 * Payments as modules use them: create one for something they own, read it back, refund or
 * cancel it; and what the notification endpoint and the expiry job do to settle one. Every
 * change of status happens on a locked row, guarded by the status it came from, and commits
 * with its outbox event (`payment.*`, carrying the reference) and its audit entry.
 */
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import { appendAudit } from '../audit/index.ts';
import type { Database } from '../db/schema.ts';
import { recordEvent } from '../events/index.ts';
import { AppError } from '../http/errors.ts';
import { anonymous, type Principal } from '../identity/principal.ts';
import { scheduleJob } from '../jobs/index.ts';
import type { Clock } from '../time/clock.ts';
import { MAX_AMOUNT_FEN } from './development.ts';
import {
  type LocalText,
  notificationPath,
  type PaymentProvider,
  type PaymentReference,
  type ProviderNotification,
  type ProviderOrderState,
  paymentProviders,
} from './provider.ts';
import { type PaymentStatus, type PaymentsTable, paymentsDb } from './schema.ts';

/** What payments need of the platform: its configuration (providers, expiry, keys) and clock. `app.platform` fits. */
export interface PaymentsPlatform {
  config: Config;
  clock: Clock;
}

/** Who pays: a citizen for themself, or an enterprise through the member (`citizenId`) acting for it. */
export type Payer = { kind: 'citizen'; id: string } | { kind: 'enterprise'; id: string; citizenId: string };

/** A payment as modules and presenters see it. */
export interface Payment {
  id: string;
  cityId: string;
  payer: Payer;
  amountFen: number;
  currency: 'CNY';
  description: LocalText;
  reference: PaymentReference;
  /** The provider's name; `development` means no money moves. */
  provider: string;
  /** True when the provider is the development one. */
  development: boolean;
  providerOrderId: string;
  /** Where the payer pays (kept after the payment closes; show it only while `status` is `created`). */
  checkoutUrl: string | null;
  returnPath: string | null;
  status: PaymentStatus;
  expiresAt: Date;
  paidAt: Date | null;
  cancelledAt: Date | null;
  expiredAt: Date | null;
  refundedAt: Date | null;
  refundReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Event types of payments, recorded in the outbox with the change they describe. */
export const PaymentEvents = {
  created: 'payment.created',
  succeeded: 'payment.succeeded',
  cancelled: 'payment.cancelled',
  expired: 'payment.expired',
  refunded: 'payment.refunded',
} as const;
/** One of {@link PaymentEvents}. */
export type PaymentEventType = (typeof PaymentEvents)[keyof typeof PaymentEvents];

/** The `data` of every `payment.*` event. */
export interface PaymentEventData {
  paymentId: string;
  cityId: string;
  /** What was paid for: a module reacts to the events of its own reference kind. */
  reference: PaymentReference;
  payer: Payer;
  amountFen: number;
  currency: 'CNY';
  provider: string;
  status: PaymentStatus;
  previousStatus: PaymentStatus | null;
  /** When the change happened (for `payment.succeeded`: when the provider took the money). */
  at: string;
}

/** The `source` of payment events. */
export const PAYMENT_EVENT_SOURCE = '/onecity/payments';
/** Job kind of a payment's expiry. */
export const EXPIRE_JOB = 'payments.expire';

/** Who changes a payment, for its audit entry: a person, or `anonymous` for the provider and the expiry job. */
export interface PaymentActor {
  principal: Principal;
  requestId?: string | undefined;
}

/** The provider's notification and the expiry job act as nobody in particular. */
const systemActor: PaymentActor = { principal: anonymous };

type PaymentRow = Selectable<PaymentsTable>;

const eventOf: Record<PaymentStatus, PaymentEventType> = {
  created: PaymentEvents.created,
  paid: PaymentEvents.succeeded,
  cancelled: PaymentEvents.cancelled,
  expired: PaymentEvents.expired,
  refunded: PaymentEvents.refunded,
};

/** Reference kinds are short lowercase names, like event types. */
const REFERENCE_KIND = /^[a-z][a-z0-9_.-]{0,39}$/;
/** A path in OneCity's own app: never another site (`//host`), never a backslash trick. */
const RETURN_PATH = /^\/(?![/\\])[^\s\\]{0,499}$/;

const PayerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('citizen'), id: z.uuid() }),
  z.object({ kind: z.literal('enterprise'), id: z.uuid(), citizenId: z.uuid() }),
]);

/** What a module hands to {@link createPayment}. */
export const NewPayment = z.object({
  cityId: z.string().min(1).max(64),
  payer: PayerSchema,
  amountFen: z.number().int().min(1).max(MAX_AMOUNT_FEN),
  description: z.object({ zh: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) }),
  reference: z.object({ kind: z.string().regex(REFERENCE_KIND), id: z.string().min(1).max(100) }),
  returnPath: z.string().regex(RETURN_PATH).optional(),
  /** A provider to use instead of the preferred one. */
  provider: z.string().min(1).max(40).optional(),
});
/** The input of {@link createPayment}. */
export type NewPayment = z.input<typeof NewPayment>;

/** The result of {@link createPayment}: the payment, and whether this call created it or found the open one. */
export interface CreatedPayment {
  payment: Payment;
  created: boolean;
}

/** A payment row in the shape modules see. */
export function toPayment(row: PaymentRow): Payment {
  const payer: Payer =
    row.payer_kind === 'citizen'
      ? { kind: 'citizen', id: row.payer_id }
      : { kind: 'enterprise', id: row.payer_id, citizenId: row.payer_citizen_id };
  return {
    id: row.id,
    cityId: row.city_id,
    payer,
    amountFen: row.amount_fen,
    currency: row.currency,
    description: { zh: row.description_zh, en: row.description_en },
    reference: { kind: row.reference_kind, id: row.reference_id },
    provider: row.provider,
    development: row.provider === 'development',
    providerOrderId: row.provider_order_id,
    checkoutUrl: row.checkout_url,
    returnPath: row.return_path,
    status: row.status,
    expiresAt: row.expires_at,
    paidAt: row.paid_at,
    cancelledAt: row.cancelled_at,
    expiredAt: row.expired_at,
    refundedAt: row.refunded_at,
    refundReason: row.refund_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const UUID = z.uuid();

async function loadRow(db: Kysely<Database>, id: string, lock = false): Promise<PaymentRow | undefined> {
  // Anything that is not a uuid names no payment (and would only make PostgreSQL complain).
  if (!UUID.safeParse(id).success) return undefined;
  let q = paymentsDb(db).selectFrom('payments').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** A payment by id (ids are unique across cities), or undefined. */
export async function getPayment(db: Kysely<Database>, id: string): Promise<Payment | undefined> {
  const row = await loadRow(db, id);
  return row && toPayment(row);
}

/** Every payment of one thing paid for, oldest first (at most one of them is open). */
export async function paymentsFor(db: Kysely<Database>, reference: PaymentReference): Promise<Payment[]> {
  const rows = await paymentsDb(db)
    .selectFrom('payments')
    .selectAll()
    .where('reference_kind', '=', reference.kind)
    .where('reference_id', '=', reference.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toPayment);
}

/** The provider of a stored payment; a provider since removed from the configuration cannot be reached. */
function providerOf(platform: PaymentsPlatform, row: PaymentRow): PaymentProvider | undefined {
  return paymentProviders(platform.config).get(row.provider);
}

/**
 * Moves a locked payment from its status to `to`, with the outbox event and the audit entry.
 * `at` is when it happened (the provider's time of payment for `paid`).
 */
async function changeStatus(
  trx: Transaction<Database>,
  platform: PaymentsPlatform,
  row: PaymentRow,
  to: Exclude<PaymentStatus, 'created'>,
  actor: PaymentActor,
  options: {
    at?: Date;
    set?: Partial<Pick<PaymentsTable, 'refund_reason' | 'provider_refund_id'>>;
    details?: Record<string, unknown>;
  } = {},
): Promise<PaymentRow> {
  const now = platform.clock.now();
  const at = options.at ?? now;
  const stamp =
    to === 'paid'
      ? { paid_at: at }
      : to === 'cancelled'
        ? { cancelled_at: at }
        : to === 'expired'
          ? { expired_at: at }
          : { refunded_at: at };
  const updated = await paymentsDb(trx)
    .updateTable('payments')
    .set({ status: to, ...stamp, updated_at: now, ...options.set })
    .where('id', '=', row.id)
    .where('status', '=', row.status)
    .returningAll()
    .executeTakeFirst();
  // The row is locked by the caller: only a bug could get here.
  if (!updated) throw new AppError('CONFLICT');
  await record(trx, platform, updated, row.status, at, actor, options.details ?? {});
  return updated;
}

/** The outbox event and the audit entry of a payment's change (creation included). */
async function record(
  trx: Transaction<Database>,
  platform: PaymentsPlatform,
  row: PaymentRow,
  previous: PaymentStatus | null,
  at: Date,
  actor: PaymentActor,
  details: Record<string, unknown>,
) {
  const payment = toPayment(row);
  const data: PaymentEventData = {
    paymentId: payment.id,
    cityId: payment.cityId,
    reference: payment.reference,
    payer: payment.payer,
    amountFen: payment.amountFen,
    currency: payment.currency,
    provider: payment.provider,
    status: payment.status,
    previousStatus: previous,
    at: at.toISOString(),
  };
  await recordEvent(
    trx,
    {
      type: eventOf[payment.status],
      source: PAYMENT_EVENT_SOURCE,
      subject: payment.id,
      cityId: payment.cityId,
      data,
    },
    platform.clock,
  );
  // Last: the audit chain's head lock is then held only until commit.
  await appendAudit(
    trx,
    platform.config.secrets.auditKey,
    {
      action: `payment.${payment.status}`,
      subjectKind: 'payment',
      subjectId: payment.id,
      cityId: payment.cityId,
      details: {
        reference: payment.reference,
        amountFen: payment.amountFen,
        provider: payment.provider,
        previousStatus: previous,
        ...details,
      },
    },
    {
      principal: actor.principal,
      ...(actor.requestId ? { requestId: actor.requestId } : {}),
      at: platform.clock.now(),
    },
  );
}

/** Holds a transaction-scoped lock on one reference, so two creations for it run one after the other. */
async function lockReference(trx: Transaction<Database>, reference: PaymentReference): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`payments:${reference.kind}:${reference.id}`}))`.execute(trx);
}

/** The provider's word on an open payment that is due to expire: paid after all, or now closed. */
async function closeAtProvider(
  trx: Transaction<Database>,
  platform: PaymentsPlatform,
  row: PaymentRow,
): Promise<ProviderOrderState> {
  const provider = providerOf(platform, row);
  // A provider no longer configured can take no money for it any more.
  if (!provider) return { status: 'closed' };
  const ctx = { db: trx, now: platform.clock.now() };
  const state = await provider.queryOrder(ctx, row.provider_order_id);
  return state.status === 'pending' ? provider.closeOrder(ctx, row.provider_order_id) : state;
}

/**
 * Settles a locked open payment whose time is up: asks the provider first (a notification may
 * have been lost) and closes the order there, then marks it paid or expired.
 */
async function expireRow(trx: Transaction<Database>, platform: PaymentsPlatform, row: PaymentRow): Promise<PaymentRow> {
  const state = await closeAtProvider(trx, platform, row);
  if ((state.status === 'paid' || state.status === 'refunded') && state.amountFen === row.amount_fen) {
    return changeStatus(trx, platform, row, 'paid', systemActor, {
      at: state.paidAt,
      details: { via: 'provider_query' },
    });
  }
  return changeStatus(trx, platform, row, 'expired', systemActor, { details: { via: 'expiry' } });
}

/**
 * Creates a payment for `input.reference` in the caller's transaction, or finds the one that
 * is open: creating again answers the same payment (`created: false`). Refused with 409 when
 * the reference is paid for already (PAYMENT_ALREADY_PAID) or its open payment is for another
 * amount or payer (PAYMENT_OPEN_DIFFERS: cancel that one first); 503 when no provider is
 * enabled. The payer pays at `payment.checkoutUrl`; the payment expires after the configured
 * time (ONECITY_PAYMENT_EXPIRY_MINUTES).
 */
export async function createPayment(
  trx: Transaction<Database>,
  platform: PaymentsPlatform,
  input: NewPayment & { by: Principal; requestId?: string | undefined },
): Promise<CreatedPayment> {
  const parsed = NewPayment.safeParse(input);
  if (!parsed.success) {
    throw new AppError(
      'VALIDATION_FAILED',
      {},
      { errors: parsed.error.issues.map((i) => ({ field: `payment.${i.path.join('.')}`, message: i.message })) },
    );
  }
  const value = parsed.data;
  const actor: PaymentActor = { principal: input.by, requestId: input.requestId };
  const providers = paymentProviders(platform.config);
  const provider = value.provider === undefined ? providers.preferred() : providers.get(value.provider);
  if (!provider) throw new AppError('PAYMENT_PROVIDER_UNAVAILABLE');

  await lockReference(trx, value.reference);
  const pdb = paymentsDb(trx);
  const live = await pdb
    .selectFrom('payments')
    .selectAll()
    .where('reference_kind', '=', value.reference.kind)
    .where('reference_id', '=', value.reference.id)
    .where('status', 'in', ['created', 'paid'])
    .forUpdate()
    .execute();
  if (live.some((row) => row.status === 'paid')) throw new AppError('PAYMENT_ALREADY_PAID');
  const open = live.find((row) => row.status === 'created');
  const now = platform.clock.now();
  if (open && open.expires_at.getTime() > now.getTime()) {
    const samePayer =
      open.payer_kind === value.payer.kind &&
      open.payer_id === value.payer.id &&
      (value.payer.kind === 'citizen' || open.payer_citizen_id === value.payer.citizenId);
    if (!samePayer || open.amount_fen !== value.amountFen) throw new AppError('PAYMENT_OPEN_DIFFERS');
    return { payment: toPayment(open), created: false };
  }
  if (open) {
    // Its time is up but the expiry job has not run yet: settle it now, or pay twice.
    const settled = await expireRow(trx, platform, open);
    // Paid after all: this transaction rolls back, and the expiry job records the payment.
    if (settled.status === 'paid') throw new AppError('PAYMENT_ALREADY_PAID');
  }

  const id = uuidv7();
  const expiresAt = new Date(now.getTime() + platform.config.payments.expiryMs);
  const order = await provider.createOrder(
    { db: trx, now },
    {
      paymentId: id,
      amountFen: value.amountFen,
      currency: 'CNY',
      description: value.description,
      reference: value.reference,
      expiresAt,
      notifyUrl: `${platform.config.http.publicUrl}${notificationPath(provider.name)}`,
    },
  );
  const row = await pdb
    .insertInto('payments')
    .values({
      id,
      city_id: value.cityId,
      payer_kind: value.payer.kind,
      payer_id: value.payer.id,
      payer_citizen_id: value.payer.kind === 'citizen' ? value.payer.id : value.payer.citizenId,
      amount_fen: value.amountFen,
      description_zh: value.description.zh,
      description_en: value.description.en,
      reference_kind: value.reference.kind,
      reference_id: value.reference.id,
      provider: provider.name,
      provider_order_id: order.providerOrderId,
      checkout_url: order.checkoutUrl,
      return_path: value.returnPath ?? null,
      status: 'created',
      expires_at: expiresAt,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await scheduleJob(trx, {
    kind: EXPIRE_JOB,
    runAt: expiresAt,
    payload: { paymentId: id },
    cityId: value.cityId,
    dedupeKey: `${EXPIRE_JOB}:${id}`,
  });
  await record(trx, platform, row, null, now, actor, {});
  return { payment: toPayment(row), created: true };
}

/**
 * Refunds a paid payment in full through its provider, in the caller's transaction. Refunding
 * a refunded payment again answers it unchanged; any other status is a 409.
 */
export async function refundPayment(
  trx: Transaction<Database>,
  platform: PaymentsPlatform,
  input: { paymentId: string; reason: string; by: Principal; requestId?: string | undefined },
): Promise<Payment> {
  const reason = input.reason.trim().slice(0, 500);
  if (!reason) throw new AppError('PAYMENT_REFUND_REASON_REQUIRED');
  const row = await loadRow(trx, input.paymentId, true);
  if (!row) throw new AppError('PAYMENT_NOT_FOUND');
  if (row.status === 'refunded') return toPayment(row);
  if (row.status !== 'paid') throw statusConflict(row.status, 'refund');
  const provider = providerOf(platform, row);
  if (!provider) throw new AppError('PAYMENT_PROVIDER_UNAVAILABLE');
  const refund = await provider.refund(
    { db: trx, now: platform.clock.now() },
    { providerOrderId: row.provider_order_id, paymentId: row.id, amountFen: row.amount_fen, reason },
  );
  const updated = await changeStatus(
    trx,
    platform,
    row,
    'refunded',
    { principal: input.by, requestId: input.requestId },
    { set: { refund_reason: reason, provider_refund_id: refund.providerRefundId }, details: { reason } },
  );
  return toPayment(updated);
}

/**
 * Cancels an open payment (the application was withdrawn, say), closing its order at the
 * provider first. If the provider says it was paid in the meantime, the payment is recorded as
 * paid instead: check `status` of the answer. Cancelling a cancelled payment answers it unchanged.
 */
export async function cancelPayment(
  trx: Transaction<Database>,
  platform: PaymentsPlatform,
  input: { paymentId: string; by: Principal; requestId?: string | undefined },
): Promise<Payment> {
  const row = await loadRow(trx, input.paymentId, true);
  if (!row) throw new AppError('PAYMENT_NOT_FOUND');
  if (row.status === 'cancelled') return toPayment(row);
  if (row.status !== 'created') throw statusConflict(row.status, 'cancel');
  const state = await closeAtProvider(trx, platform, row);
  const actor = { principal: input.by, requestId: input.requestId };
  if ((state.status === 'paid' || state.status === 'refunded') && state.amountFen === row.amount_fen) {
    const paid = await changeStatus(trx, platform, row, 'paid', systemActor, {
      at: state.paidAt,
      details: { via: 'provider_query' },
    });
    return toPayment(paid);
  }
  return toPayment(await changeStatus(trx, platform, row, 'cancelled', actor, { details: { via: 'caller' } }));
}

/** What a verified notification did. */
export type NotificationOutcome =
  | { kind: 'applied'; payment: Payment }
  /** Delivered again, or about a payment already settled the same way: nothing to do. */
  | { kind: 'unchanged'; payment: Payment }
  /** Not applicable (paid after the payment closed here): nothing changed; operators should look. */
  | { kind: 'ignored'; payment: Payment; reason: 'paid_after_close' | 'paid_after_expiry' };

/**
 * Applies a notification whose signature `provider` verified, in its own transaction. Throws
 * (nothing changed) when it names no payment of this provider (404) or disagrees with the
 * payment on order or amount (400).
 */
export async function applyNotification(
  db: Kysely<Database>,
  platform: PaymentsPlatform,
  provider: PaymentProvider,
  notification: ProviderNotification,
  actor: PaymentActor,
): Promise<NotificationOutcome> {
  return db.transaction().execute(async (trx) => {
    const row = await loadRow(trx, notification.paymentId, true);
    if (!row || row.provider !== provider.name) throw new AppError('PAYMENT_NOT_FOUND');
    if (row.provider_order_id !== notification.providerOrderId || row.amount_fen !== notification.amountFen) {
      throw new AppError('PAYMENT_NOTIFICATION_INVALID');
    }
    const details = { via: 'provider_notification', notificationId: notification.notificationId };
    if (notification.outcome === 'closed') {
      if (row.status !== 'created') return { kind: 'unchanged', payment: toPayment(row) };
      const cancelled = await changeStatus(trx, platform, row, 'cancelled', actor, { at: notification.at, details });
      return { kind: 'applied', payment: toPayment(cancelled) };
    }
    if (row.status === 'paid' || row.status === 'refunded') return { kind: 'unchanged', payment: toPayment(row) };
    if (row.status !== 'created') return { kind: 'ignored', payment: toPayment(row), reason: 'paid_after_close' };
    // A provider told the expiry takes no money after it; one that did anyway is not believed blindly.
    if (notification.at.getTime() > row.expires_at.getTime()) {
      return { kind: 'ignored', payment: toPayment(row), reason: 'paid_after_expiry' };
    }
    const paid = await changeStatus(trx, platform, row, 'paid', actor, { at: notification.at, details });
    return { kind: 'applied', payment: toPayment(paid) };
  });
}

/** Runs the expiry of one payment (the job's handler): an open payment whose time is up is settled. */
export async function expirePayment(
  trx: Transaction<Database>,
  platform: PaymentsPlatform,
  paymentId: string,
): Promise<Payment | undefined> {
  const row = await loadRow(trx, paymentId, true);
  if (!row) return undefined;
  if (row.status !== 'created' || row.expires_at.getTime() > platform.clock.now().getTime()) return toPayment(row);
  return toPayment(await expireRow(trx, platform, row));
}

/** Status and action names for a 409, in both languages. */
const statusLabels: Record<PaymentStatus, { 'zh-CN': string; en: string }> = {
  created: { 'zh-CN': '待支付', en: 'awaiting payment' },
  paid: { 'zh-CN': '已支付', en: 'paid' },
  cancelled: { 'zh-CN': '已取消', en: 'cancelled' },
  expired: { 'zh-CN': '已过期', en: 'expired' },
  refunded: { 'zh-CN': '已退款', en: 'refunded' },
};
const actionLabels = {
  refund: { 'zh-CN': '退款', en: 'refunded' },
  cancel: { 'zh-CN': '取消', en: 'cancelled' },
} as const;

function statusConflict(status: PaymentStatus, action: keyof typeof actionLabels): AppError {
  return new AppError(
    'PAYMENT_STATUS_CONFLICT',
    { status: statusLabels[status], action: actionLabels[action] },
    { extensions: { currentStatus: status } },
  );
}

/** The status of a payment in words, for pages. */
export function statusLabel(status: PaymentStatus): { 'zh-CN': string; en: string } {
  return statusLabels[status];
}
