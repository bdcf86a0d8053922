/**
 * The development payment provider: a stand-in for UnionPay, WeChat Pay or Alipay that runs
 * inside OneCity, so that the whole payment path can be tried without any money or any
 * connection leaving the machine. It keeps its own orders (payment_dev_orders) the way a real
 * provider keeps them on its servers, shows a checkout page (checkout-routes.ts) where the
 * payer presses Pay or Cancel, and then sends OneCity's notification endpoint a notification
 * signed with an HMAC over the body, exactly as a real provider's would be checked. It is
 * enabled only outside production, and every page and API answer says what it is.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type {
  PaymentProvider,
  ProviderContext,
  ProviderNotification,
  ProviderOrderInput,
  ProviderOrderState,
} from './provider.ts';
import { type PaymentDevOrdersTable, paymentsDb } from './schema.ts';

/** The header carrying the notification's signature: `sha256=` and the hex HMAC-SHA256 of the raw body. */
export const DEV_SIGNATURE_HEADER = 'x-dev-pay-signature';
/** Where the development checkout pages live (outside /api: they are pages for people). */
export const DEV_CHECKOUT_PATH = '/dev-pay';
/** The largest amount any payment may have, in fen (100 million yuan). */
export const MAX_AMOUNT_FEN = 10_000_000_000;

/** A development order as stored. */
export type DevOrder = Selectable<PaymentDevOrdersTable>;

/** What pressing Pay or Cancel on the checkout page did. */
export type DevCheckoutOutcome =
  | { kind: 'done'; order: DevOrder }
  | { kind: 'already'; order: DevOrder }
  | { kind: 'expired'; order: DevOrder }
  | { kind: 'unknown' };

/** A signed notification ready to post. */
export interface DevNotificationMessage {
  body: string;
  headers: Record<string, string>;
}

/** The development provider, with what its checkout pages need besides the provider interface. */
export interface DevelopmentProvider extends PaymentProvider {
  readonly development: true;
  /** The unguessable token of a payment's checkout page URL. */
  checkoutToken(paymentId: string): string;
  /** Whether `token` is the checkout token of `paymentId` (constant-time). */
  checkoutTokenValid(paymentId: string, token: string): boolean;
  /** The order of a payment, if this provider holds one. */
  findOrder(db: Kysely<Database>, paymentId: string): Promise<DevOrder | undefined>;
  /** The payer pressed Pay: the order is paid unless it is closed, paid already or past its expiry. */
  pay(ctx: ProviderContext, paymentId: string): Promise<DevCheckoutOutcome>;
  /** The payer pressed Cancel: the order is closed unless it is paid already or past its expiry. */
  cancel(ctx: ProviderContext, paymentId: string): Promise<DevCheckoutOutcome>;
  /** The signed notification this provider sends about `order`. */
  notification(order: DevOrder): DevNotificationMessage;
  /** The signature header value for a raw body (what the provider sends with it). */
  sign(body: string | Buffer): string;
}

/** The notification body the development provider sends. */
const DevNotificationBody = z.strictObject({
  id: z.string().min(1).max(100),
  type: z.enum(['order.paid', 'order.closed']),
  orderId: z.string().min(1).max(100),
  paymentId: z.uuid(),
  amountFen: z.number().int().positive().max(MAX_AMOUNT_FEN),
  currency: z.literal('CNY'),
  at: z.iso.datetime({ offset: true }),
});

const SIGNATURE = /^sha256=([0-9a-f]{64})$/;

/** Two keys derived from the platform's blind-index secret, one per purpose, so neither reveals the other. */
function keysOf(config: Config): { signing: Buffer; checkout: Buffer } {
  const derive = (purpose: string) =>
    Buffer.from(hkdfSync('sha256', config.secrets.blindIndexKey, Buffer.alloc(0), `onecity payments: ${purpose}`, 32));
  return { signing: derive('development provider notifications'), checkout: derive('development checkout tokens') };
}

/** Builds the development provider for `config`. */
export function createDevelopmentProvider(config: Config): DevelopmentProvider {
  const keys = keysOf(config);
  const sign = (body: string | Buffer) => `sha256=${createHmac('sha256', keys.signing).update(body).digest('hex')}`;
  const checkoutToken = (paymentId: string) =>
    createHmac('sha256', keys.checkout).update(paymentId).digest('base64url');

  const orderById = (db: Kysely<Database>, id: string, lock = false) => {
    let q = paymentsDb(db).selectFrom('payment_dev_orders').selectAll().where('id', '=', id);
    if (lock) q = q.forUpdate();
    return q.executeTakeFirst();
  };
  const orderByPayment = (db: Kysely<Database>, paymentId: string, lock = false) => {
    let q = paymentsDb(db).selectFrom('payment_dev_orders').selectAll().where('payment_id', '=', paymentId);
    if (lock) q = q.forUpdate();
    return q.executeTakeFirst();
  };
  const stateOf = (order: DevOrder): ProviderOrderState => {
    switch (order.status) {
      case 'pending':
        return { status: 'pending' };
      case 'closed':
        return { status: 'closed' };
      case 'paid':
        return { status: 'paid', paidAt: order.paid_at ?? order.created_at, amountFen: order.amount_fen };
      case 'refunded':
        return { status: 'refunded', paidAt: order.paid_at ?? order.created_at, amountFen: order.amount_fen };
    }
  };
  const knownOrder = async (db: Kysely<Database>, id: string, lock = false) => {
    const order = await orderById(db, id, lock);
    if (!order) throw new AppError('PAYMENT_PROVIDER_FAILED', { provider: 'development' });
    return order;
  };
  /** Moves a pending order to `to` unless it is settled or expired; the page reports which. */
  const settle = async (
    ctx: ProviderContext,
    paymentId: string,
    to: 'paid' | 'closed',
  ): Promise<DevCheckoutOutcome> => {
    const order = await orderByPayment(ctx.db, paymentId, true);
    if (!order) return { kind: 'unknown' };
    if (order.status !== 'pending') return { kind: 'already', order };
    // Like a real provider told the order's time_expire: too late is too late.
    if (ctx.now.getTime() >= order.expires_at.getTime()) return { kind: 'expired', order };
    const updated = await paymentsDb(ctx.db)
      .updateTable('payment_dev_orders')
      .set(to === 'paid' ? { status: 'paid', paid_at: ctx.now } : { status: 'closed', closed_at: ctx.now })
      .where('id', '=', order.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { kind: 'done', order: updated };
  };

  return {
    name: 'development',
    development: true,

    async createOrder(ctx: ProviderContext, input: ProviderOrderInput) {
      const id = `dev_${uuidv7()}`;
      await paymentsDb(ctx.db)
        .insertInto('payment_dev_orders')
        .values({
          id,
          payment_id: input.paymentId,
          amount_fen: input.amountFen,
          status: 'pending',
          expires_at: input.expiresAt,
          created_at: ctx.now,
        })
        .execute();
      const url = `${config.http.publicUrl}${DEV_CHECKOUT_PATH}/${input.paymentId}?token=${checkoutToken(input.paymentId)}`;
      return { providerOrderId: id, checkoutUrl: url };
    },

    async queryOrder(ctx, providerOrderId) {
      return stateOf(await knownOrder(ctx.db, providerOrderId));
    },

    async closeOrder(ctx, providerOrderId) {
      const order = await knownOrder(ctx.db, providerOrderId, true);
      if (order.status !== 'pending') return stateOf(order);
      await paymentsDb(ctx.db)
        .updateTable('payment_dev_orders')
        .set({ status: 'closed', closed_at: ctx.now })
        .where('id', '=', order.id)
        .execute();
      return { status: 'closed' };
    },

    verifyNotification(input: { headers: IncomingHttpHeaders; body: Buffer }): ProviderNotification | null {
      const header = input.headers[DEV_SIGNATURE_HEADER];
      const given = typeof header === 'string' ? SIGNATURE.exec(header)?.[1] : undefined;
      if (!given) return null;
      const expected = createHmac('sha256', keys.signing).update(input.body).digest();
      if (!timingSafeEqual(Buffer.from(given, 'hex'), expected)) return null;
      let parsed: unknown;
      try {
        parsed = JSON.parse(input.body.toString('utf8'));
      } catch {
        return null;
      }
      const body = DevNotificationBody.safeParse(parsed);
      if (!body.success) return null;
      return {
        notificationId: body.data.id,
        providerOrderId: body.data.orderId,
        paymentId: body.data.paymentId,
        outcome: body.data.type === 'order.paid' ? 'paid' : 'closed',
        amountFen: body.data.amountFen,
        currency: body.data.currency,
        at: new Date(body.data.at),
      };
    },

    acknowledgement() {
      return { contentType: 'application/json; charset=utf-8', body: JSON.stringify({ received: true }) };
    },

    async refund(ctx, input) {
      const order = await knownOrder(ctx.db, input.providerOrderId, true);
      if (order.status === 'refunded' && order.refund_id) return { providerRefundId: order.refund_id };
      if (order.status !== 'paid' || order.amount_fen !== input.amountFen) {
        throw new AppError('PAYMENT_PROVIDER_FAILED', { provider: 'development' });
      }
      const refundId = `devrefund_${uuidv7()}`;
      await paymentsDb(ctx.db)
        .updateTable('payment_dev_orders')
        .set({ status: 'refunded', refunded_at: ctx.now, refund_id: refundId })
        .where('id', '=', order.id)
        .execute();
      return { providerRefundId: refundId };
    },

    checkoutToken,

    checkoutTokenValid(paymentId, token) {
      const expected = Buffer.from(checkoutToken(paymentId));
      const given = Buffer.from(token);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },

    findOrder: (db, paymentId) => orderByPayment(db, paymentId),
    pay: (ctx, paymentId) => settle(ctx, paymentId, 'paid'),
    cancel: (ctx, paymentId) => settle(ctx, paymentId, 'closed'),

    notification(order) {
      const paid = order.status === 'paid' || order.status === 'refunded';
      const at = (paid ? order.paid_at : order.closed_at) ?? order.created_at;
      const body = JSON.stringify({
        // One id per order and outcome: a repeated delivery is recognisably the same notification.
        id: `devnotify_${order.id}_${paid ? 'paid' : 'closed'}`,
        type: paid ? 'order.paid' : 'order.closed',
        orderId: order.id,
        paymentId: order.payment_id,
        amountFen: order.amount_fen,
        currency: 'CNY',
        at: at.toISOString(),
      });
      return { body, headers: { 'content-type': 'application/json', [DEV_SIGNATURE_HEADER]: sign(body) } };
    },

    sign,
  };
}
