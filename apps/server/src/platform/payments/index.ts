/**
 * Payments: a platform capability with no domain knowledge. Modules create a payment for
 * something they own (`reference`), send the payer to `checkoutUrl`, and learn that it was paid
 * from the `payment.succeeded` event (see {@link onPaymentEvents}). Providers sit behind one
 * interface; the development provider runs outside production only and says so everywhere.
 */
export { formatYuan } from './checkout-page.ts';
export { MAX_AMOUNT_FEN } from './development.ts';
export {
  type CreatedPayment,
  cancelPayment,
  createPayment,
  getPayment,
  NewPayment,
  PAYMENT_EVENT_SOURCE,
  type Payer,
  type Payment,
  type PaymentEventData,
  PaymentEvents,
  type PaymentEventType,
  type PaymentsPlatform,
  paymentsFor,
  refundPayment,
} from './payments.ts';
export { mayReadPayment } from './policy.ts';
export { DEVELOPMENT_NOTICE, PaymentView, presentPayment } from './present.ts';
export {
  type LocalText,
  notificationPath,
  type PaymentProvider,
  type PaymentProviderFactory,
  type PaymentReference,
  type ProviderContext,
  type ProviderNotification,
  type ProviderOrder,
  type ProviderOrderInput,
  type ProviderOrderState,
  type ProviderRefund,
  type ProviderRegistry,
  paymentProviders,
} from './provider.ts';
export { paymentRoutes } from './routes.ts';
export { type PaymentStatus, PaymentStatuses } from './schema.ts';
export { onPaymentEvents, type PaymentEventHandler } from './subscribe.ts';
