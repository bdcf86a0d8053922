/**
 * The payment routes: the payer reads their payment (`GET /api/v1/me/payments/:id`), providers
 * post their signed notifications (`POST /api/v1/payments/notifications/:provider`), and,
 * when the development provider is enabled, its checkout pages at /dev-pay. The expiry job
 * registers with this process's worker here.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../http/errors.ts';
import { access } from '../identity/access.ts';
import { citizenOf } from '../identity/auth.ts';
import { hit, ipKey } from '../identity/citizen/rate-limit.ts';
import { devCheckoutRoutes } from './checkout-routes.ts';
import { paymentLimits } from './limits.ts';
import { applyNotification, EXPIRE_JOB, expirePayment, getPayment } from './payments.ts';
import { mayReadPayment } from './policy.ts';
import { PaymentView, presentPayment } from './present.ts';
import { paymentProviders } from './provider.ts';

/** Notifications are small; a provider's are a few kilobytes at most. */
const NOTIFICATION_BODY_LIMIT = 64 * 1024;

/** Registers the payment routes, the development checkout pages (when enabled) and the expiry job. */
export async function paymentRoutes(app: FastifyInstance) {
  const platform = app.platform;
  platform.jobs.register<{ paymentId: string }>(EXPIRE_JOB, async (job, trx) => {
    await expirePayment(trx, platform, job.payload.paymentId);
  });
  await app.register(payerRoutes, { prefix: '/api/v1' });
  await app.register(notificationRoutes, { prefix: '/api/v1' });
  const development = paymentProviders(platform.config).development();
  if (development) await app.register(devCheckoutRoutes, { provider: development });
}

async function payerRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = app.platform;
  r.get(
    '/me/payments/:id',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['payments'],
        summary:
          'One of my payments: its status, and where to pay while it is open. A payment of an enterprise is ' +
          'shown to its members while they act for it. Anyone else gets 404.',
        params: z.object({ id: z.uuid().describe('The payment id') }),
        response: { 200: PaymentView },
      },
    },
    async (request) => {
      const citizen = citizenOf(request);
      const payment = await getPayment(db, request.params.id);
      if (!payment || !mayReadPayment(citizen, payment.payer)) throw new AppError('PAYMENT_NOT_FOUND');
      return presentPayment(payment, clock.now());
    },
  );
}

async function notificationRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const platform = app.platform;
  const { db, clock } = platform;

  // The signature covers the exact bytes sent: read the body raw, whatever its type says.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: NOTIFICATION_BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  );

  r.post(
    '/payments/notifications/:provider',
    {
      bodyLimit: NOTIFICATION_BODY_LIMIT,
      config: { access: access.public() },
      schema: {
        tags: ['payments'],
        summary:
          "A payment provider's asynchronous notification that an order was paid or closed. The provider's " +
          'signature over the raw body is checked first: a bad one is a 400 and changes nothing. A notification ' +
          'delivered again changes nothing either. The answer is what the provider expects as acknowledgement.',
        params: z.object({ provider: z.string().min(1).max(40).describe('The provider, e.g. development') }),
        body: z
          .custom<Buffer>((value) => Buffer.isBuffer(value))
          .optional()
          .meta({ type: 'string', format: 'binary', description: "The provider's notification, as signed" }),
      },
    },
    async (request, reply) => {
      await hit(db, clock.now(), paymentLimits.notificationsPerIp, ipKey(request));
      const provider = paymentProviders(platform.config).get(request.params.provider);
      if (!provider) throw new AppError('PAYMENT_PROVIDER_NOT_FOUND', { provider: request.params.provider });
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const notification = provider.verifyNotification({ headers: request.headers, body });
      if (!notification) {
        request.log.warn({ provider: provider.name }, 'payment notification refused: bad signature or content');
        throw new AppError('PAYMENT_NOTIFICATION_INVALID');
      }
      const outcome = await applyNotification(db, platform, provider, notification, {
        principal: request.principal,
        requestId: String(request.id),
      });
      if (outcome.kind === 'ignored') {
        // Money may have moved for a payment already closed here: someone has to look at it.
        request.log.warn(
          { provider: provider.name, paymentId: outcome.payment.id, reason: outcome.reason },
          'payment notification not applied: the payment was no longer open',
        );
      }
      const ack = provider.acknowledgement();
      return reply.status(200).type(ack.contentType).send(ack.body);
    },
  );
}
