/**
 * Payments end to end through the development provider: created by a module's call, paid or
 * cancelled on the checkout page, settled by the signed notification the provider posts to
 * OneCity, expired by the job, refunded; and what the payer (and nobody else) can read.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { testConfig } from '../../testing/config.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, type TestSignIn } from '../../testing/identity.ts';
import type { CloudEvent } from '../events/index.ts';
import { waitFor } from '../events/testing.ts';
import { AppError } from '../http/errors.ts';
import type { StaffPrincipal } from '../identity/principal.ts';
import { createSession, sessionCookieName } from '../identity/sessions.ts';
import { ManualClock } from '../time/clock.ts';
import { DEV_SIGNATURE_HEADER } from './development.ts';
import {
  cancelPayment,
  createPayment,
  getPayment,
  type NewPayment,
  onPaymentEvents,
  type Payment,
  type PaymentEventData,
  paymentProviders,
  paymentsFor,
  refundPayment,
} from './index.ts';
import { paymentsDb } from './schema.ts';

const MINUTE = 60_000;

describe('payment configuration', () => {
  it('enables the development provider outside production only, and never in it', () => {
    expect(testConfig().payments).toEqual({ providers: ['development'], expiryMs: 30 * MINUTE });
    expect(loadConfig({ ONECITY_ENV: 'development' }).payments.providers).toEqual(['development']);
    const secrets = {
      ONECITY_ENV: 'production',
      ONECITY_PII_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
      ONECITY_BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
      ONECITY_AUDIT_KEY: Buffer.alloc(32, 3).toString('base64'),
    };
    expect(loadConfig(secrets).payments.providers).toEqual([]);
    expect(() => loadConfig({ ...secrets, ONECITY_PAYMENT_PROVIDERS: 'development' })).toThrow(
      /development provider cannot run in production/,
    );
    expect(testConfig({ ONECITY_PAYMENT_PROVIDERS: 'none' }).payments.providers).toEqual([]);
    expect(testConfig({ ONECITY_PAYMENT_EXPIRY_MINUTES: '5' }).payments.expiryMs).toBe(5 * MINUTE);
    expect(() => testConfig({ ONECITY_PAYMENT_PROVIDERS: 'paypal' })).toThrow(/ONECITY_PAYMENT_PROVIDERS/);
    expect(() => testConfig({ ONECITY_PAYMENT_EXPIRY_MINUTES: '0' })).toThrow(/ONECITY_PAYMENT_EXPIRY_MINUTES/);
  });
});

describeEachDialect(
  'payments',
  (ctx) => {
    const clock = new ManualClock('2026-06-01T02:00:00Z');
    let app: FastifyInstance;
    let payer: TestSignIn;
    let other: TestSignIn;
    const delivered: Array<{ data: PaymentEventData; event: CloudEvent<PaymentEventData> }> = [];

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      // How a module hears that what it owns was paid for.
      onPaymentEvents(
        app.platform.events,
        'test-applications',
        { referenceKind: 'application' },
        async (data, event) => {
          delivered.push({ data, event });
        },
      );
      await app.platform.events.start({ relay: false });
      await app.ready();
      payer = await signedInCitizen(app.platform.db, app.platform.config, clock);
      other = await signedInCitizen(app.platform.db, app.platform.config, clock);
    });
    afterAll(async () => {
      await app?.close();
    });

    const create = (input: Partial<NewPayment> = {}) =>
      app.platform.db.transaction().execute((trx) =>
        createPayment(trx, app.platform, {
          cityId: 'lingnan',
          payer: { kind: 'citizen', id: payer.id },
          amountFen: 1250,
          description: { zh: '食品经营许可证办理费', en: 'Food business licence fee' },
          reference: { kind: 'application', id: uuidv7() },
          returnPath: '/applications/1',
          by: { kind: 'citizen', id: payer.id, sessionId: 'test', actingFor: null },
          ...input,
        }),
      );
    const tokenOf = (payment: Payment) => new URL(payment.checkoutUrl ?? '').searchParams.get('token') ?? '';
    const page = (payment: Payment, token = tokenOf(payment), locale = 'zh-CN') =>
      app.inject({ url: `/dev-pay/${payment.id}?token=${token}`, headers: { 'accept-language': locale } });
    const press = (payment: Payment, button: 'pay' | 'cancel', token = tokenOf(payment)) =>
      app.inject({
        method: 'POST',
        url: `/dev-pay/${payment.id}/${button}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ token }).toString(),
      });
    const notify = (body: string, signature: string | null, remoteAddress = '127.0.0.1') =>
      app.inject({
        method: 'POST',
        url: '/api/v1/payments/notifications/development',
        remoteAddress,
        headers: { 'content-type': 'application/json', ...(signature ? { [DEV_SIGNATURE_HEADER]: signature } : {}) },
        payload: body,
      });
    const dev = () => {
      const provider = paymentProviders(app.platform.config).development();
      if (!provider) throw new Error('the development provider is not enabled');
      return provider;
    };
    const devOrder = async (payment: Payment) => {
      const order = await dev().findOrder(app.platform.db, payment.id);
      if (!order) throw new Error('no development order');
      return order;
    };
    const eventsOf = async (paymentId: string) =>
      (
        await app.platform.db
          .selectFrom('outbox_events')
          .select(['type', 'data', 'source'])
          .where('subject', '=', paymentId)
          .orderBy('seq')
          .execute()
      ).map((e) => ({ ...e, data: e.data as PaymentEventData }));
    const auditOf = async (paymentId: string) =>
      (
        await app.platform.db
          .selectFrom('audit_log')
          .select(['action', 'actor_kind'])
          .where('subject_id', '=', paymentId)
          .orderBy('seq')
          .execute()
      ).map((a) => `${a.action} by ${a.actor_kind}`);
    const status = async (payment: Payment) => (await getPayment(app.platform.db, payment.id))?.status;
    const mine = (payment: Payment, who: TestSignIn = payer) =>
      app.inject({ url: `/api/v1/me/payments/${payment.id}`, headers: who.read });

    it('is created by a module, paid on the development page, and settled by the signed notification', async () => {
      const { payment, created } = await create();
      expect(created).toBe(true);
      expect(payment).toMatchObject({ status: 'created', provider: 'development', amountFen: 1250, currency: 'CNY' });
      expect(payment.checkoutUrl).toMatch(/\/dev-pay\/[0-9a-f-]{36}\?token=[\w-]{43}$/);
      expect(payment.expiresAt.getTime() - clock.now().getTime()).toBe(30 * MINUTE);

      const view = await mine(payment);
      expect(view.statusCode, view.body).toBe(200);
      expect(view.json()).toMatchObject({
        id: payment.id,
        status: 'created',
        provider: 'development',
        checkoutUrl: payment.checkoutUrl,
        notice: { zh: expect.stringContaining('不会发生真实扣款'), en: expect.stringContaining('no money moves') },
      });

      for (const locale of ['zh-CN', 'en']) {
        const shown = await page(payment, undefined, locale);
        expect(shown.statusCode).toBe(200);
        expect(shown.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(shown.headers['cache-control']).toBe('no-store');
        // Whatever the language, the page says in both that it is for development and moves no money.
        expect(shown.body).toContain('<meta charset="utf-8">');
        expect(shown.body).toContain(`<html lang="${locale}">`);
        expect(shown.body).toContain('不会发生真实扣款');
        expect(shown.body).toContain('no money moves; for development and testing only');
        expect(shown.body).toContain('¥12.50');
        expect(shown.body).toContain(locale === 'zh-CN' ? '食品经营许可证办理费' : 'Food business licence fee');
        expect(shown.body).toContain(`action="/dev-pay/${payment.id}/pay"`);
        expect(shown.body).toContain(`action="/dev-pay/${payment.id}/cancel"`);
      }

      const paid = await press(payment, 'pay');
      expect(paid.statusCode).toBe(303);
      expect(paid.headers.location).toBe(`/dev-pay/${payment.id}?token=${tokenOf(payment)}`);
      const after = await getPayment(app.platform.db, payment.id);
      expect(after).toMatchObject({ status: 'paid', paidAt: clock.now() });
      expect((await devOrder(payment)).status).toBe('paid');

      const events = await eventsOf(payment.id);
      expect(events.map((e) => e.type)).toEqual(['payment.created', 'payment.succeeded']);
      expect(events[1]?.source).toBe('/onecity/payments');
      expect(events[1]?.data).toMatchObject({
        paymentId: payment.id,
        reference: payment.reference,
        payer: { kind: 'citizen', id: payer.id },
        amountFen: 1250,
        status: 'paid',
        previousStatus: 'created',
        provider: 'development',
      });
      // The payer created it; the provider's notification (nobody signed in) paid it.
      expect(await auditOf(payment.id)).toEqual(['payment.created by citizen', 'payment.paid by anonymous']);

      const shown = await page(payment, undefined, 'en');
      expect(shown.body).toContain('The payment was simulated successfully.');
      expect(shown.body).toContain('OneCity confirms: paid.');
      expect(shown.body).not.toContain('action="/dev-pay/');
      expect(shown.body).toContain('href="/applications/1"');
      expect((await mine(payment)).json()).toMatchObject({ status: 'paid', checkoutUrl: null });

      // The module hears of it through the event, with its reference.
      await app.platform.events.relay.runOnce();
      await waitFor(() => delivered.some((d) => d.data.paymentId === payment.id), 'the payment.succeeded event');
      expect(delivered.find((d) => d.data.paymentId === payment.id)?.event.type).toBe('payment.succeeded');

      // Paid for: no second payment for the same thing.
      await expect(create({ reference: payment.reference })).rejects.toMatchObject({ code: 'PAYMENT_ALREADY_PAID' });
    });

    it('answers the open payment when created again, and refuses a different amount or payer', async () => {
      const first = await create();
      const again = await create({ reference: first.payment.reference });
      expect(again).toMatchObject({ created: false, payment: { id: first.payment.id } });
      await expect(create({ reference: first.payment.reference, amountFen: 999 })).rejects.toMatchObject({
        code: 'PAYMENT_OPEN_DIFFERS',
      });
      await expect(
        create({ reference: first.payment.reference, payer: { kind: 'citizen', id: other.id } }),
      ).rejects.toMatchObject({ code: 'PAYMENT_OPEN_DIFFERS' });
      expect(await paymentsFor(app.platform.db, first.payment.reference)).toHaveLength(1);
      expect((await eventsOf(first.payment.id)).map((e) => e.type)).toEqual(['payment.created']);
      await expect(create({ amountFen: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(create({ amountFen: 12.5 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(create({ returnPath: '//evil.example/' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('changes nothing when a notification is delivered a second time', async () => {
      const { payment } = await create();
      expect((await press(payment, 'pay')).statusCode).toBe(303);
      const before = { row: await getPayment(app.platform.db, payment.id), events: await eventsOf(payment.id) };
      const audits = await auditOf(payment.id);
      const message = dev().notification(await devOrder(payment));
      clock.advance(MINUTE);
      for (let i = 0; i < 2; i++) {
        const again = await notify(message.body, message.headers[DEV_SIGNATURE_HEADER] ?? '');
        expect(again.statusCode, again.body).toBe(200);
        expect(again.json()).toEqual({ received: true });
      }
      expect(await getPayment(app.platform.db, payment.id)).toEqual(before.row);
      expect(await eventsOf(payment.id)).toEqual(before.events);
      expect(await auditOf(payment.id)).toEqual(audits);
    });

    it('refuses a notification with a bad signature or content with 400, changing nothing', async () => {
      const { payment } = await create();
      const order = await devOrder(payment);
      const body = JSON.stringify({
        id: 'forged-1',
        type: 'order.paid',
        orderId: order.id,
        paymentId: payment.id,
        amountFen: 1250,
        currency: 'CNY',
        at: clock.now().toISOString(),
      });
      const forged = [
        [body, null],
        [body, 'sha256=0000000000000000000000000000000000000000000000000000000000000000'],
        [body, dev().sign(`${body} `)],
        [body, dev().sign(body).toUpperCase()],
        [body.replace('1250', '1'), dev().sign(body)],
      ] as const;
      for (const [text, signature] of forged) {
        const res = await notify(text, signature);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json()).toMatchObject({ code: 'PAYMENT_NOTIFICATION_INVALID' });
      }
      // Signed, but not matching the payment: the provider's word against the order, still nothing changes.
      const wrongAmount = body.replace('1250', '1');
      expect((await notify(wrongAmount, dev().sign(wrongAmount))).json()).toMatchObject({
        code: 'PAYMENT_NOTIFICATION_INVALID',
      });
      const unknown = body.replace(payment.id, uuidv7());
      expect((await notify(unknown, dev().sign(unknown))).statusCode).toBe(404);
      expect(await status(payment)).toBe('created');
      expect((await eventsOf(payment.id)).map((e) => e.type)).toEqual(['payment.created']);
      expect((await devOrder(payment)).status).toBe('pending');
      // An unknown provider is not guessed at.
      const res = await app.inject({ method: 'POST', url: '/api/v1/payments/notifications/alipay', payload: body });
      expect(res.json()).toMatchObject({ code: 'PAYMENT_PROVIDER_NOT_FOUND' });
    });

    it('is cancelled on the development page, and can then no longer be paid', async () => {
      const { payment } = await create();
      expect((await press(payment, 'cancel')).statusCode).toBe(303);
      expect(await status(payment)).toBe('cancelled');
      expect((await eventsOf(payment.id)).map((e) => e.type)).toEqual(['payment.created', 'payment.cancelled']);
      expect((await eventsOf(payment.id))[1]?.data).toMatchObject({ reference: payment.reference });

      expect((await press(payment, 'pay')).statusCode).toBe(303);
      expect(await status(payment)).toBe('cancelled');
      expect((await devOrder(payment)).status).toBe('closed');
      const shown = await page(payment);
      expect(shown.body).toContain('该订单已取消，不能再支付。');
      expect(shown.body).not.toContain('action="/dev-pay/');
      // The thing can be paid for afresh.
      const next = await create({ reference: payment.reference });
      expect(next.created).toBe(true);
      expect(next.payment.id).not.toBe(payment.id);
    });

    it('is cancelled by a module, closing the order at the provider', async () => {
      const { payment } = await create();
      const by = { kind: 'citizen', id: payer.id, sessionId: 'test', actingFor: null } as const;
      const cancelled = await app.platform.db
        .transaction()
        .execute((trx) => cancelPayment(trx, app.platform, { paymentId: payment.id, by }));
      expect(cancelled.status).toBe('cancelled');
      expect((await devOrder(payment)).status).toBe('closed');
      expect((await press(payment, 'pay')).statusCode).toBe(303);
      expect(await status(payment)).toBe('cancelled');
    });

    it('expires when its time is up, and cannot be paid after', async () => {
      const { payment } = await create();
      clock.advance(30 * MINUTE);
      // Past the deadline the page offers nothing to press, and pressing anyway pays nothing.
      const shown = await page(payment);
      expect(shown.body).toContain('该订单已过支付截止时间，不能再支付。');
      expect(shown.body).not.toContain('action="/dev-pay/');
      expect((await press(payment, 'pay')).statusCode).toBe(303);
      expect((await devOrder(payment)).status).toBe('pending');

      await app.platform.jobs.runDue();
      expect(await status(payment)).toBe('expired');
      expect((await devOrder(payment)).status).toBe('closed');
      expect((await eventsOf(payment.id)).map((e) => e.type)).toEqual(['payment.created', 'payment.expired']);
      expect((await mine(payment)).json()).toMatchObject({ status: 'expired', checkoutUrl: null });
      const closed = await page(payment, undefined, 'en');
      expect(closed.body).toContain('This order is past its deadline and can no longer be paid.');
      expect(closed.body).toContain('OneCity confirms: expired.');

      // A provider claiming payment now is not believed: nothing changes.
      const order = await devOrder(payment);
      const late = JSON.stringify({
        id: 'late-1',
        type: 'order.paid',
        orderId: order.id,
        paymentId: payment.id,
        amountFen: 1250,
        currency: 'CNY',
        at: clock.now().toISOString(),
      });
      expect((await notify(late, dev().sign(late))).statusCode).toBe(200);
      expect(await status(payment)).toBe('expired');
      expect((await eventsOf(payment.id)).map((e) => e.type)).toEqual(['payment.created', 'payment.expired']);
      // The thing can be paid for afresh.
      expect((await create({ reference: payment.reference })).created).toBe(true);
    });

    it('asks the provider before expiring: a payment whose notification was lost is recorded as paid', async () => {
      const { payment } = await create();
      // The payer paid at the provider, and its notification never arrived.
      await app.platform.db.transaction().execute((trx) => dev().pay({ db: trx, now: clock.now() }, payment.id));
      clock.advance(31 * MINUTE);
      await app.platform.jobs.runDue();
      expect(await status(payment)).toBe('paid');
      expect((await eventsOf(payment.id)).map((e) => e.type)).toEqual(['payment.created', 'payment.succeeded']);
    });

    it('settles an open payment past its time before creating the next one', async () => {
      const { payment } = await create({ reference: { kind: 'application', id: uuidv7() } });
      clock.advance(31 * MINUTE);
      // The expiry job has not run yet.
      const next = await create({ reference: payment.reference });
      expect(next.created).toBe(true);
      expect(await status(payment)).toBe('expired');
      await app.platform.jobs.runDue();
      expect((await eventsOf(payment.id)).map((e) => e.type)).toEqual(['payment.created', 'payment.expired']);
    });

    it('is shown to its payer only', async () => {
      const { payment } = await create();
      expect((await mine(payment)).statusCode).toBe(200);
      const foreign = await mine(payment, other);
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json()).toMatchObject({ code: 'PAYMENT_NOT_FOUND' });
      expect((await app.inject({ url: `/api/v1/me/payments/${payment.id}` })).statusCode).toBe(401);
      expect((await app.inject({ url: `/api/v1/me/payments/${uuidv7()}`, headers: payer.read })).statusCode).toBe(404);
      // The checkout page wants the payment's own token.
      const wrong = await page(payment, 'A'.repeat(43));
      expect(wrong.statusCode).toBe(404);
      expect(wrong.headers['content-type']).toBe('text/html; charset=utf-8');
      expect((await press(payment, 'pay', 'A'.repeat(43))).statusCode).toBe(404);
      expect((await app.inject({ url: '/dev-pay/not-a-payment?token=x' })).statusCode).toBe(404);
      expect(await status(payment)).toBe('created');
    });

    it("is shown to an enterprise's members while they act for it", async () => {
      const { db, config } = app.platform;
      const member = await signedInCitizen(db, config, clock);
      const enterpriseId = uuidv7();
      await db
        .insertInto('enterprises')
        .values({
          id: enterpriseId,
          uscc: `91440100MA${uuidv7().replaceAll('-', '').slice(-7).toUpperCase()}X`,
          name: 'Lingnan Noodle House Ltd.',
          legal_rep_citizen_id: member.id,
          registered_city_id: 'lingnan',
        })
        .execute();
      await db
        .insertInto('enterprise_members')
        .values({ enterprise_id: enterpriseId, citizen_id: member.id, role: 'legal_rep' })
        .execute();
      const acting = await createSession(db, config, clock.now(), {
        kind: 'citizen',
        id: member.id,
        method: 'test',
        actingFor: enterpriseId,
      });
      const { payment } = await create({ payer: { kind: 'enterprise', id: enterpriseId, citizenId: member.id } });
      const asEnterprise = await app.inject({
        url: `/api/v1/me/payments/${payment.id}`,
        headers: { cookie: `${sessionCookieName(config)}=${acting.token}` },
      });
      expect(asEnterprise.statusCode, asEnterprise.body).toBe(200);
      expect(asEnterprise.json()).toMatchObject({ payer: { kind: 'enterprise', id: enterpriseId } });
      expect((await mine(payment, member)).statusCode).toBe(404);
      expect((await mine(payment, payer)).statusCode).toBe(404);
    });

    it('is refunded in full through the provider, once', async () => {
      const by: StaffPrincipal = {
        kind: 'staff',
        id: uuidv7(),
        sessionId: 'test',
        cityId: 'lingnan',
        departmentId: uuidv7(),
        roles: ['clerk'],
        jurisdiction: [],
        secondFactor: true,
        mustChangePassword: false,
      };
      const { payment } = await create();
      const refund = (paymentId: string) =>
        app.platform.db
          .transaction()
          .execute((trx) => refundPayment(trx, app.platform, { paymentId, reason: 'Application rejected', by }));
      await expect(refund(payment.id)).rejects.toMatchObject({
        code: 'PAYMENT_STATUS_CONFLICT',
        extensions: { currentStatus: 'created' },
      });
      expect((await press(payment, 'pay')).statusCode).toBe(303);
      const refunded = await refund(payment.id);
      expect(refunded).toMatchObject({ status: 'refunded', refundReason: 'Application rejected', paidAt: clock.now() });
      expect((await devOrder(payment)).status).toBe('refunded');
      expect(await refund(payment.id)).toEqual(refunded);
      expect((await eventsOf(payment.id)).map((e) => e.type)).toEqual([
        'payment.created',
        'payment.succeeded',
        'payment.refunded',
      ]);
      expect((await auditOf(payment.id)).at(-1)).toBe('payment.refunded by staff');
      await expect(refund(uuidv7())).rejects.toBeInstanceOf(AppError);
      // A refunded payment no longer counts as paid: the thing may be paid for again.
      expect((await create({ reference: payment.reference })).created).toBe(true);
    });

    it('takes no payment, and shows no development page, when no provider is enabled', async () => {
      const bare = await buildApp(ctx.config({ ONECITY_PAYMENT_PROVIDERS: 'none' }), {
        database: ctx.handle(),
        clock,
      });
      try {
        await expect(
          bare.platform.db.transaction().execute((trx) =>
            createPayment(trx, bare.platform, {
              cityId: 'lingnan',
              payer: { kind: 'citizen', id: payer.id },
              amountFen: 100,
              description: { zh: '费用', en: 'Fee' },
              reference: { kind: 'application', id: uuidv7() },
              by: { kind: 'citizen', id: payer.id, sessionId: 'test', actingFor: null },
            }),
          ),
        ).rejects.toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE' });
        const { payment } = await create();
        expect((await bare.inject({ url: `/dev-pay/${payment.id}?token=${tokenOf(payment)}` })).statusCode).toBe(404);
        const res = await bare.inject({
          method: 'POST',
          url: '/api/v1/payments/notifications/development',
          payload: {},
        });
        expect(res.json()).toMatchObject({ code: 'PAYMENT_PROVIDER_NOT_FOUND' });
      } finally {
        await bare.close();
      }
    });

    it('documents its API routes, and keeps the checkout pages out of it', async () => {
      const doc = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api/v1/me/payments/{id}', '/api/v1/payments/notifications/{provider}']),
      );
      expect(Object.keys(doc.paths).filter((path) => path.startsWith('/dev-pay'))).toEqual([]);
    });

    it('keeps one open payment per reference when created concurrently', async () => {
      if (ctx.kind !== 'postgres') return;
      const reference = { kind: 'application', id: uuidv7() };
      const results = await Promise.all([create({ reference }), create({ reference }), create({ reference })]);
      expect(new Set(results.map((r) => r.payment.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const open = await paymentsDb(app.platform.db)
        .selectFrom('payments')
        .select(sql<number>`count(*)`.as('n'))
        .where('reference_id', '=', reference.id)
        .executeTakeFirstOrThrow();
      expect(open.n).toBe(1);
    });
  },
  'demo',
);
