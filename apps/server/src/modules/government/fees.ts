/**
 * Fees: an application whose service charges one is paid before it is submitted, through the
 * platform's payments adapter. Paying starts (or returns the open) payment for the application;
 * the `payment.succeeded` event marks the application paid in the same transaction as the
 * event is handled; withdrawing a paid application refunds it.
 */
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { Platform } from '../../app.ts';
import type { Database } from '../../platform/db/schema.ts';
import type { EventSystem } from '../../platform/events/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import {
  cancelPayment,
  createPayment,
  onPaymentEvents,
  type Payment,
  paymentsFor,
  refundPayment,
} from '../../platform/payments/index.ts';
import { type Applicant, type ApplicationRow, appendLog, findOwnApplication } from './applications.ts';
import { findService } from './catalog.ts';
import { governmentDb } from './schema.ts';

/** Starts paying the fee of the applicant's draft: the open payment, with where to pay. */
export async function payApplicationFee(
  platform: Platform,
  request: FastifyRequest,
  applicant: Applicant,
  id: string,
): Promise<Payment> {
  return platform.db.transaction().execute(async (trx) => {
    const row = await findOwnApplication(trx, applicant, id, { forUpdate: true });
    if (row.status !== 'draft') throw new AppError('GOV_APPLICATION_NOT_EDITABLE', { status: row.status });
    if (row.fee_fen === 0 || row.paid_at) throw new AppError('GOV_NOTHING_TO_PAY');
    const service = await findService(trx, row.city_id, row.service_code, row.service_version);
    if (!service) throw new AppError('GOV_SERVICE_NOT_FOUND', { service: row.service_code });
    const { payment } = await createPayment(trx, platform, {
      cityId: row.city_id,
      payer: row.enterprise_id
        ? { kind: 'enterprise', id: row.enterprise_id, citizenId: applicant.citizenId }
        : { kind: 'citizen', id: applicant.citizenId },
      amountFen: row.fee_fen,
      description: { zh: `${service.spec.name.zh}（申请费用）`, en: `${service.spec.name.en} (application fee)` },
      reference: { kind: 'application', id: row.id },
      returnPath: `/me/applications/${row.id}`,
      by: request.principal,
      requestId: String(request.id),
    });
    await governmentDb(trx)
      .updateTable('applications')
      .set({ payment_id: payment.id, updated_at: platform.clock.now() })
      .where('id', '=', row.id)
      .execute();
    return payment;
  });
}

/** Marks applications paid when their payment succeeds (registered once, before the events start). */
export function followPayments(events: EventSystem, platform: Pick<Platform, 'clock'>): void {
  onPaymentEvents(
    events,
    'government-application-fees',
    { referenceKind: 'application' },
    async (data, _event, trx) => {
      const g = governmentDb(trx);
      const row = await g
        .selectFrom('applications')
        .select(['id', 'paid_at'])
        .where('id', '=', data.reference.id)
        .forUpdate()
        .executeTakeFirst();
      if (!row || row.paid_at) return;
      const now = platform.clock.now();
      await g
        .updateTable('applications')
        .set({ paid_at: now, payment_id: data.paymentId, updated_at: now })
        .where('id', '=', row.id)
        .execute();
      await appendLog(trx, row.id, {
        kind: 'paid',
        visibility: 'applicant',
        actorKind: 'system',
        actorId: null,
        body: { amountFen: data.amountFen, paymentId: data.paymentId },
        at: now,
      });
    },
  );
}

/** On withdrawal: refunds a paid fee, cancels an open payment. */
export async function settleFeeOnWithdrawal(
  trx: Transaction<Database>,
  platform: Platform,
  request: FastifyRequest,
  row: ApplicationRow,
): Promise<void> {
  if (row.fee_fen === 0) return;
  for (const payment of await paymentsFor(trx, { kind: 'application', id: row.id })) {
    if (payment.status === 'paid') {
      await refundPayment(trx, platform, {
        paymentId: payment.id,
        reason: 'application withdrawn',
        by: request.principal,
        requestId: String(request.id),
      });
    } else if (payment.status === 'created') {
      await cancelPayment(trx, platform, {
        paymentId: payment.id,
        by: request.principal,
        requestId: String(request.id),
      });
    }
  }
}
