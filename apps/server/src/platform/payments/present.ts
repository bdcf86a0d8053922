/** How a payment is shown to its payer through the API. */
import { z } from 'zod';
import type { Payment } from './payments.ts';
import { PaymentStatuses } from './schema.ts';

const LocalTextView = z.object({ zh: z.string(), en: z.string() });

/** Said with every payment of the development provider, wherever it is shown. */
export const DEVELOPMENT_NOTICE = {
  zh: '开发测试支付渠道：不会发生真实扣款，仅供开发和测试使用。',
  en: 'Development payment provider: no money moves; for development and testing only.',
} as const;

/** A payment as its payer sees it. */
export const PaymentView = z.object({
  id: z.uuid(),
  cityId: z.string(),
  status: z.enum(PaymentStatuses).describe('created (awaiting payment) → paid | cancelled | expired; paid → refunded'),
  amountFen: z.number().int().describe('The amount in fen (1/100 yuan)'),
  currency: z.literal('CNY'),
  description: LocalTextView,
  reference: z.object({ kind: z.string(), id: z.string() }).describe('What is paid for (e.g. an application)'),
  payer: z.object({ kind: z.enum(['citizen', 'enterprise']), id: z.string() }),
  provider: z.string().describe('The payment provider; "development" means no money moves'),
  notice: LocalTextView.nullable().describe('What the payer must know about the provider (the development one)'),
  checkoutUrl: z.string().nullable().describe('Where to pay, while the payment is open and not expired'),
  returnPath: z.string().nullable(),
  expiresAt: z.string(),
  createdAt: z.string(),
  paidAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  expiredAt: z.string().nullable(),
  refundedAt: z.string().nullable(),
  refundReason: z.string().nullable(),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The payer's view of `payment` at `now`. */
export function presentPayment(payment: Payment, now: Date): z.infer<typeof PaymentView> {
  const payable = payment.status === 'created' && payment.expiresAt.getTime() > now.getTime();
  return {
    id: payment.id,
    cityId: payment.cityId,
    status: payment.status,
    amountFen: payment.amountFen,
    currency: payment.currency,
    description: payment.description,
    reference: payment.reference,
    payer: { kind: payment.payer.kind, id: payment.payer.id },
    provider: payment.provider,
    notice: payment.development ? { ...DEVELOPMENT_NOTICE } : null,
    checkoutUrl: payable ? payment.checkoutUrl : null,
    returnPath: payment.returnPath,
    expiresAt: payment.expiresAt.toISOString(),
    createdAt: payment.createdAt.toISOString(),
    paidAt: iso(payment.paidAt),
    cancelledAt: iso(payment.cancelledAt),
    expiredAt: iso(payment.expiredAt),
    refundedAt: iso(payment.refundedAt),
    refundReason: payment.refundReason,
  };
}
