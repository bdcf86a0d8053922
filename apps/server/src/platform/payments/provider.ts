/**
 * What OneCity needs from a payment provider, and the registry of the providers in use.
 * The shape follows what UnionPay, WeChat Pay and Alipay offer alike: create an order (the
 * payer then pays on the provider's page or by QR code), an asynchronous notification signed
 * by the provider, a query, closing an unpaid order, and refunds. A real provider is added by
 * writing this interface for it, listing it in `factories` below and in config.ts's
 * `PaymentProviderNames` (with its own settings), and naming it in ONECITY_PAYMENT_PROVIDERS.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Kysely } from 'kysely';
import type { Config, PaymentProviderName } from '../../config.ts';
import type { Database } from '../db/schema.ts';
import { createDevelopmentProvider, type DevelopmentProvider } from './development.ts';

/** A text in both languages OneCity speaks. */
export interface LocalText {
  zh: string;
  en: string;
}

/** What a payment is for: a row some module owns, by kind and id (e.g. `{ kind: 'application', id }`). */
export interface PaymentReference {
  kind: string;
  id: string;
}

/** What a provider call may use: the database (the caller's transaction when there is one) and the time. */
export interface ProviderContext {
  db: Kysely<Database>;
  now: Date;
}

/** An order to open at the provider. */
export interface ProviderOrderInput {
  /** OneCity's payment id (the merchant's order number at the provider). */
  paymentId: string;
  amountFen: number;
  currency: 'CNY';
  description: LocalText;
  reference: PaymentReference;
  /** The provider must refuse payment after this (its "time_expire"). */
  expiresAt: Date;
  /** Where the provider posts its signed notifications. */
  notifyUrl: string;
}

/** An order the provider opened. */
export interface ProviderOrder {
  providerOrderId: string;
  /** Where the payer pays: the provider's checkout page, or the content of its QR code. */
  checkoutUrl: string;
}

/** An order as the provider sees it now. */
export type ProviderOrderState =
  | { status: 'pending' }
  | { status: 'paid'; paidAt: Date; amountFen: number }
  | { status: 'closed' }
  | { status: 'refunded'; paidAt: Date; amountFen: number };

/** A notification whose signature checked out, in OneCity's terms. */
export interface ProviderNotification {
  /** The provider's id of this notification (the same when it is delivered again). */
  notificationId: string;
  providerOrderId: string;
  paymentId: string;
  /** The order was paid, or closed unpaid (the payer cancelled, or the provider gave up on it). */
  outcome: 'paid' | 'closed';
  amountFen: number;
  currency: 'CNY';
  /** When it was paid or closed, by the provider's clock. */
  at: Date;
}

/** A refund the provider accepted. */
export interface ProviderRefund {
  providerRefundId: string;
}

/** One payment provider. */
export interface PaymentProvider {
  /** Its name in configuration, in the database and in API answers (`development`, …). */
  readonly name: string;
  /** True for the development provider: no money moves, and everything a person sees says so. */
  readonly development: boolean;
  /** Opens an order for a new payment. */
  createOrder(ctx: ProviderContext, input: ProviderOrderInput): Promise<ProviderOrder>;
  /** Asks where an order stands (the provider's query API). */
  queryOrder(ctx: ProviderContext, providerOrderId: string): Promise<ProviderOrderState>;
  /** Closes an unpaid order so it can no longer be paid; answers its state afterwards (`paid` if it was paid first). */
  closeOrder(ctx: ProviderContext, providerOrderId: string): Promise<ProviderOrderState>;
  /**
   * Checks a notification's signature over the raw body and reads it. Null when the signature
   * or the content is not valid: such a notification must change nothing.
   */
  verifyNotification(input: { headers: IncomingHttpHeaders; body: Buffer }): ProviderNotification | null;
  /** What the provider expects as the answer to a notification it may stop sending. */
  acknowledgement(): { contentType: string; body: string };
  /** Refunds a paid order in full. */
  refund(
    ctx: ProviderContext,
    input: { providerOrderId: string; paymentId: string; amountFen: number; reason: string },
  ): Promise<ProviderRefund>;
}

/** Builds a provider from the configuration (its keys and settings). */
export type PaymentProviderFactory = (config: Config) => PaymentProvider;

/** Every provider OneCity can run, by its configuration name. */
const factories: Record<PaymentProviderName, PaymentProviderFactory> = {
  development: createDevelopmentProvider,
};

/** The providers a configuration enables. */
export interface ProviderRegistry {
  /** Enabled provider names, the default first. */
  readonly names: readonly string[];
  /** The enabled provider called `name`, if any. */
  get(name: string): PaymentProvider | undefined;
  /** The provider that takes new payments unless the caller names one (undefined: none enabled). */
  preferred(): PaymentProvider | undefined;
  /** The development provider, when it is enabled (its checkout pages need it). */
  development(): DevelopmentProvider | undefined;
}

const registries = new WeakMap<Config, ProviderRegistry>();

/** The registry of `config`'s providers (built once per configuration). */
export function paymentProviders(config: Config): ProviderRegistry {
  const known = registries.get(config);
  if (known) return known;
  const providers = new Map<string, PaymentProvider>();
  for (const name of config.payments.providers) providers.set(name, factories[name](config));
  const registry: ProviderRegistry = {
    names: [...providers.keys()],
    get: (name) => providers.get(name),
    preferred: () => providers.values().next().value,
    development: () => providers.get('development') as DevelopmentProvider | undefined,
  };
  registries.set(config, registry);
  return registry;
}

/** The path, under OneCity's public URL, where provider `name` posts its notifications. */
export function notificationPath(name: string): string {
  return `/api/v1/payments/notifications/${encodeURIComponent(name)}`;
}
