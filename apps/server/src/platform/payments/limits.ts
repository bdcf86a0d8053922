/** Rate limits of the payment routes, counted in the database like every other limit (per keyed hash of the address). */
import type { RateLimit } from '../identity/citizen/rate-limit.ts';

const MINUTE = 60_000;

/** The limits of the payment routes. */
export const paymentLimits = {
  /**
   * Notifications from one address. A provider posts from a few addresses, once per payment
   * change and again on retries: generous, yet a flood of forged ones is cut short.
   */
  notificationsPerIp: { name: 'payment-notify:ip', max: 600, windowMs: MINUTE },
  /** Development checkout pages viewed from one address. */
  checkoutViewsPerIp: { name: 'dev-checkout-view:ip', max: 300, windowMs: 15 * MINUTE },
  /** Pay or Cancel pressed on development checkout pages from one address. */
  checkoutActionsPerIp: { name: 'dev-checkout-act:ip', max: 60, windowMs: 15 * MINUTE },
} as const satisfies Record<string, RateLimit>;
