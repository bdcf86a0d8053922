/**
 * The notification endpoint under random input (fast-check): random bodies — garbage, JSON
 * shaped like a notification, real payment and order ids — with random, missing, malformed or
 * misplaced signatures, and random content types. The promise: never a 5xx, a problem+json
 * rejection every time, and nothing changed (payments, the provider's orders, outbox, audit).
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen } from '../../testing/identity.ts';
import { ManualClock } from '../time/clock.ts';
import { DEV_SIGNATURE_HEADER, type DevOrder } from './development.ts';
import { createPayment, type Payment, paymentProviders } from './index.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);

describeEachDialect(
  'payment notifications under random input',
  (ctx) => {
    const clock = new ManualClock('2026-06-01T02:00:00Z');
    let app: FastifyInstance;
    const payments: Payment[] = [];
    const orders: DevOrder[] = [];

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      await app.ready();
      const citizen = await signedInCitizen(app.platform.db, app.platform.config, clock);
      const dev = paymentProviders(app.platform.config).development();
      for (let i = 0; i < 3; i++) {
        const { payment } = await app.platform.db.transaction().execute((trx) =>
          createPayment(trx, app.platform, {
            cityId: 'lingnan',
            payer: { kind: 'citizen', id: citizen.id },
            amountFen: 1000 + i,
            description: { zh: '测试缴费', en: 'Test fee' },
            reference: { kind: 'application', id: uuidv7() },
            by: { kind: 'citizen', id: citizen.id, sessionId: 'test', actingFor: null },
          }),
        );
        payments.push(payment);
        const order = await dev?.findOrder(app.platform.db, payment.id);
        if (order) orders.push(order);
      }
    });
    afterAll(async () => {
      await app?.close();
    });

    /** Everything a notification could change, as one comparable value. */
    const snapshot = async () => {
      const db = app.platform.db;
      const count = async (table: string) =>
        (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db)).rows[0]?.n;
      return {
        payments: (await sql`SELECT * FROM payments ORDER BY id`.execute(db)).rows,
        orders: (await sql`SELECT * FROM payment_dev_orders ORDER BY id`.execute(db)).rows,
        outbox: await count('outbox_events'),
        audit: await count('audit_log'),
      };
    };

    it('never answers 5xx to a forged notification and changes nothing', async () => {
      const before = await snapshot();
      const realPayment = fc.constantFrom(...payments.map((p) => p.id));
      const realOrder = fc.constantFrom(...orders.map((o) => o.id));
      const text = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 30 }));
      const shaped = fc.record(
        {
          id: fc.oneof(text, fc.uuid()),
          type: fc.oneof(fc.constantFrom('order.paid', 'order.closed', 'order.refunded'), text),
          orderId: fc.oneof(realOrder, text),
          paymentId: fc.oneof(realPayment, fc.uuid(), text),
          amountFen: fc.oneof(fc.constantFrom(1000, 1001, 1002), fc.integer(), fc.double(), text),
          currency: fc.oneof(fc.constant('CNY'), text),
          at: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            text,
          ),
        },
        { requiredKeys: [] },
      );
      const body = fc.oneof(
        shaped.map((b) => JSON.stringify(b)),
        fc.json(),
        text,
        fc.constantFrom('', '{', 'null', '[]', '\u0000', '{"type":"order.paid"}'),
      );
      const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
      const signature = fc.oneof(
        fc.constant(null),
        text,
        hex.map((h) => `sha256=${h}`),
        hex,
        fc.constantFrom('sha256=', 'sha1=abc', `sha256=${'0'.repeat(63)}`),
      );
      const contentType = fc.constantFrom(
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/octet-stream',
        null,
      );
      let n = 0;
      await fc.assert(
        fc.asyncProperty(body, signature, contentType, async (payload, sig, type) => {
          n += 1;
          const res = await app.inject({
            method: 'POST',
            url: '/api/v1/payments/notifications/development',
            // One address per case: the per-address limit is not what is tested here.
            remoteAddress: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
            headers: {
              ...(type ? { 'content-type': type } : {}),
              ...(sig === null ? {} : { [DEV_SIGNATURE_HEADER]: sig }),
            },
            payload,
          });
          if (res.statusCode >= 500) throw new Error(`${res.statusCode}: ${res.body.slice(0, 300)}`);
          expect(res.statusCode, res.body).toBe(400);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        }),
        { numRuns: RUNS },
      );
      expect(await snapshot()).toEqual(before);
    });

    it('changes nothing for signed notifications that do not match a payment', async () => {
      const dev = paymentProviders(app.platform.config).development();
      if (!dev) throw new Error('the development provider is not enabled');
      const before = await snapshot();
      // Validly signed by the provider, yet naming an unknown payment, a wrong order or a wrong amount.
      const mismatched = fc.record({
        id: fc.uuid(),
        type: fc.constantFrom('order.paid', 'order.closed'),
        pair: fc.constantFrom(...payments.map((p, i) => [p.id, orders[i]?.id ?? ''] as const)),
        unknownPayment: fc.boolean(),
        amountFen: fc.integer({ min: 1, max: 999 }),
      });
      let n = 0;
      await fc.assert(
        fc.asyncProperty(mismatched, async (m) => {
          n += 1;
          const body = JSON.stringify({
            id: m.id,
            type: m.type,
            orderId: m.pair[1],
            paymentId: m.unknownPayment ? uuidv7() : m.pair[0],
            amountFen: m.amountFen,
            currency: 'CNY',
            at: clock.now().toISOString(),
          });
          const res = await app.inject({
            method: 'POST',
            url: '/api/v1/payments/notifications/development',
            remoteAddress: `10.200.${(n >> 8) & 255}.${n & 255}`,
            headers: { 'content-type': 'application/json', [DEV_SIGNATURE_HEADER]: dev.sign(body) },
            payload: body,
          });
          expect(res.statusCode, res.body).toBe(m.unknownPayment ? 404 : 400);
        }),
        { numRuns: Math.min(RUNS, 50) },
      );
      expect(await snapshot()).toEqual(before);
    });
  },
  'demo',
);
