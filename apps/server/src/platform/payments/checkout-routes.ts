/**
 * The development provider's checkout pages, outside /api (they are pages for people):
 * `GET /dev-pay/:paymentId?token=…` shows the payment with Pay and Cancel; the two buttons post
 * to `/dev-pay/:paymentId/pay` and `/cancel`. The token in the URL is the only authority, as a
 * real provider's payment link or QR code is: whoever holds it may pay. After changing its own
 * order, the provider posts its signed notification to OneCity's notification endpoint through
 * the full HTTP pipeline (in process: nothing leaves the machine), so that the signature check,
 * the state change and the event run exactly as they do for a real provider.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '../../config.ts';
import { requestLocale } from '../http/problem.ts';
import { access } from '../identity/access.ts';
import { hit, ipKey } from '../identity/citizen/rate-limit.ts';
import { anonymous } from '../identity/principal.ts';
import { CHECKOUT_PAGE_POLICY, checkoutNotFoundPage, checkoutPage } from './checkout-page.ts';
import { DEV_CHECKOUT_PATH, type DevelopmentProvider } from './development.ts';
import { paymentLimits } from './limits.ts';
import { getPayment, statusLabel } from './payments.ts';
import { notificationPath } from './provider.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sendPage(reply: FastifyReply, status: number, html: string) {
  return reply
    .status(status)
    .header('content-security-policy', CHECKOUT_PAGE_POLICY)
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .type('text/html; charset=utf-8')
    .send(html);
}

/** Registers the development checkout pages for `provider`. */
export async function devCheckoutRoutes(app: FastifyInstance, options: { provider: DevelopmentProvider }) {
  const { provider } = options;
  const { db, clock, config } = app.platform;

  // The buttons post plain HTML forms.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4 * 1024 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  // These pages stand for the provider's own site, which knows nothing of OneCity's session:
  // the token in the URL is their only authority. Dropping the session here also spares the
  // forms the session's CSRF header, which a plain HTML form cannot send.
  app.addHook('onRequest', async (request) => {
    request.principal = anonymous;
    request.sessionToken = null;
    request.csrfToken = null;
    request.sessionCitizen = null;
  });

  /** The payment and the provider's order behind a checkout link, if the token is right. */
  const checkoutOf = async (paymentId: string, token: unknown) => {
    if (!UUID.test(paymentId) || typeof token !== 'string' || token.length > 100) return null;
    if (!provider.checkoutTokenValid(paymentId, token)) return null;
    const payment = await getPayment(db, paymentId);
    const order = await provider.findOrder(db, paymentId);
    if (!payment || !order || payment.provider !== provider.name) return null;
    return { payment, order, token };
  };

  const render = (locale: Locale, found: NonNullable<Awaited<ReturnType<typeof checkoutOf>>>) =>
    checkoutPage(locale, {
      paymentId: found.payment.id,
      orderId: found.order.id,
      description: found.payment.description,
      amountFen: found.payment.amountFen,
      expiresAt: found.order.expires_at,
      timeZone: config.timeZone,
      orderStatus: found.order.status,
      expired: clock.now().getTime() >= found.order.expires_at.getTime(),
      paymentStatus: found.payment.status,
      paymentStatusLabel: statusLabel(found.payment.status)[locale],
      token: found.token,
      returnPath: found.payment.returnPath,
    });

  app.get<{ Params: { paymentId: string }; Querystring: { token?: string } }>(
    `${DEV_CHECKOUT_PATH}/:paymentId`,
    { config: { access: access.public() }, schema: { hide: true } },
    async (request, reply) => {
      await hit(db, clock.now(), paymentLimits.checkoutViewsPerIp, ipKey(request));
      const locale = requestLocale(request);
      const found = await checkoutOf(request.params.paymentId, request.query.token);
      if (!found) return sendPage(reply, 404, checkoutNotFoundPage(locale));
      return sendPage(reply, 200, render(locale, found));
    },
  );

  for (const action of ['pay', 'cancel'] as const) {
    app.post<{ Params: { paymentId: string }; Body: Record<string, string> | undefined }>(
      `${DEV_CHECKOUT_PATH}/:paymentId/${action}`,
      { config: { access: access.public(), replay: false }, schema: { hide: true } },
      async (
        request: FastifyRequest<{ Params: { paymentId: string }; Body: Record<string, string> | undefined }>,
        reply,
      ) => {
        await hit(db, clock.now(), paymentLimits.checkoutActionsPerIp, ipKey(request));
        const locale = requestLocale(request);
        const body = request.body;
        const found = await checkoutOf(request.params.paymentId, typeof body === 'object' ? body?.token : undefined);
        if (!found) return sendPage(reply, 404, checkoutNotFoundPage(locale));
        const outcome = await db.transaction().execute((trx) => {
          const ctx = { db: trx, now: clock.now() };
          return action === 'pay' ? provider.pay(ctx, found.payment.id) : provider.cancel(ctx, found.payment.id);
        });
        if (outcome.kind === 'done') {
          // Committed on the provider's side first, then told to OneCity, as a real provider does.
          const message = provider.notification(outcome.order);
          const answer = await app.inject({
            method: 'POST',
            url: notificationPath(provider.name),
            headers: message.headers,
            payload: message.body,
          });
          if (answer.statusCode >= 300) {
            request.log.warn(
              { paymentId: found.payment.id, status: answer.statusCode },
              'development payment provider: the notification was not accepted',
            );
          }
        }
        const back = `${DEV_CHECKOUT_PATH}/${found.payment.id}?token=${encodeURIComponent(found.token)}`;
        return reply.redirect(back, 303);
      },
    );
  }
}
