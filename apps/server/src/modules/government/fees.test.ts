/**
 * A service with a fee: the application cannot be submitted unpaid; paying through the
 * development provider marks it paid (through the payment.succeeded event); withdrawing it
 * before a decision refunds the fee.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sampleApplication } from '../../../../../demo/services.ts';
import { buildApp } from '../../app.ts';
import { waitFor } from '../../platform/events/testing.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, type TestSignIn } from '../../testing/identity.ts';

import { holdIdCard } from './test-support.ts';

const CITY = '/api/v1/cities/lingnan';
/** A passport: CNY 120, the resident ID card the city holds attached by reference. */
const SERVICE = 'passport-application';

describeEachDialect(
  'digital government: an application with a fee',
  (ctx) => {
    let app: FastifyInstance;
    let citizen: TestSignIn;
    let other: TestSignIn;
    const clock = new ManualClock('2026-06-01T02:00:00Z');

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      const db = ctx.handle().db;
      citizen = await signedInCitizen(db, app.platform.config, clock, { name: '周婷', phone: '13700137000' });
      other = await signedInCitizen(db, app.platform.config, clock, { name: '吴磊' });
      await holdIdCard(app, citizen.id, '周婷');
    });
    afterAll(async () => {
      await app?.close();
    });

    /** A complete draft of the passport application. */
    async function completeDraft(): Promise<{ id: string; feeFen: number }> {
      const created = await app.inject({
        method: 'POST',
        url: `${CITY}/services/${SERVICE}/applications`,
        headers: citizen.write,
      });
      expect(created.statusCode, created.body).toBe(201);
      const draft = created.json();
      const spec = (await app.inject({ url: `${CITY}/services/${SERVICE}` })).json().spec;
      const saved = await app.inject({
        method: 'PUT',
        url: `/api/v1/me/applications/${draft.id}/answers`,
        headers: citizen.write,
        payload: { answers: { ...sampleApplication(spec.form), ...draft.answers } },
      });
      expect(saved.statusCode, saved.body).toBe(200);
      return { id: draft.id, feeFen: draft.feeFen };
    }

    async function pay(id: string) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/me/applications/${id}/payment`,
        headers: citizen.write,
      });
      expect(res.statusCode, res.body).toBe(200);
      const payment = res.json();
      expect(payment).toMatchObject({ amountFen: 12_000, provider: 'development', status: 'created' });
      const url = new URL(payment.checkoutUrl, 'http://localhost');
      const pressed = await app.inject({
        method: 'POST',
        url: `${url.pathname}/pay`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ token: url.searchParams.get('token') ?? '' }).toString(),
      });
      expect(pressed.statusCode).toBeLessThan(400);
      await app.platform.events.relay.runOnce();
      await waitFor(async () => {
        const view = await app.inject({ url: `/api/v1/me/applications/${id}`, headers: citizen.read });
        return view.json().paid === true;
      }, 'the application to be marked paid');
      return payment;
    }

    it('refuses an unpaid submission, takes the fee, then submits', async () => {
      const { id, feeFen } = await completeDraft();
      expect(feeFen).toBe(12_000);
      const unpaid = await app.inject({
        method: 'POST',
        url: `/api/v1/me/applications/${id}/submit`,
        headers: { ...citizen.write, 'accept-language': 'en' },
      });
      expect(unpaid.statusCode).toBe(409);
      expect(unpaid.json()).toMatchObject({ code: 'GOV_FEE_UNPAID' });
      expect(unpaid.json().title).toContain('120.00');
      // Another citizen can neither pay for it nor see it.
      const foreign = await app.inject({
        method: 'POST',
        url: `/api/v1/me/applications/${id}/payment`,
        headers: other.write,
      });
      expect(foreign.statusCode).toBe(404);

      await pay(id);
      const again = await app.inject({
        method: 'POST',
        url: `/api/v1/me/applications/${id}/payment`,
        headers: citizen.write,
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('GOV_NOTHING_TO_PAY');
      const submitted = await app.inject({
        method: 'POST',
        url: `/api/v1/me/applications/${id}/submit`,
        headers: citizen.write,
      });
      expect(submitted.statusCode, submitted.body).toBe(200);
      expect(submitted.json().status).toBe('in_progress');
      expect(submitted.json().timeline.map((e: { kind: string }) => e.kind)).toEqual(['created', 'paid', 'submitted']);
    });

    it('refunds the fee when the applicant withdraws before the decision', async () => {
      const { id } = await completeDraft();
      const payment = await pay(id);
      await app.inject({ method: 'POST', url: `/api/v1/me/applications/${id}/submit`, headers: citizen.write });
      const withdrawn = await app.inject({
        method: 'POST',
        url: `/api/v1/me/applications/${id}/withdraw`,
        headers: citizen.write,
        payload: { reason: '行程取消' },
      });
      expect(withdrawn.statusCode, withdrawn.body).toBe(200);
      expect(withdrawn.json().status).toBe('withdrawn');
      const after = await app.inject({ url: `/api/v1/me/payments/${payment.id}`, headers: citizen.read });
      expect(after.json().status).toBe('refunded');
    });
  },
  'demo',
);
