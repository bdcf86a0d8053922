/**
 * Time limits of applications in working days: a step that sits past its share of the promised
 * limit escalates to the department's supervisors, then to the operations centre, by itself
 * (durable timers on the job system); the queues show it.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sampleApplication } from '../../../../../demo/services.ts';
import { buildApp } from '../../app.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, signedInStaff, type TestSignIn } from '../../testing/identity.ts';

const CITY = '/api/v1/cities/lingnan';
/** Fire hazard report: promised in 1 working day, by law in 3; accept, then decide, by the fire brigade. */
const SERVICE = 'fire-hazard-report';

describeEachDialect(
  'digital government: application time limits escalate',
  (ctx) => {
    let app: FastifyInstance;
    let citizen: TestSignIn;
    // Monday 2026-09-28 10:00 in Lingnan; National Day (Oct 1–7) follows, with make-up days around it.
    const clock = new ManualClock('2026-09-28T02:00:00Z');

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      citizen = await signedInCitizen(ctx.handle().db, app.platform.config, clock, {
        name: '何静',
        phone: '13600136000',
      });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('escalates a step left too long, first to supervisors, then to the operations centre', async () => {
      const draft = (
        await app.inject({ method: 'POST', url: `${CITY}/services/${SERVICE}/applications`, headers: citizen.write })
      ).json();
      const spec = (await app.inject({ url: `${CITY}/services/${SERVICE}` })).json().spec;
      await app.inject({
        method: 'PUT',
        url: `/api/v1/me/applications/${draft.id}/answers`,
        headers: citizen.write,
        payload: { answers: { ...sampleApplication(spec.form), ...draft.answers } },
      });
      const submitted = await app.inject({
        method: 'POST',
        url: `/api/v1/me/applications/${draft.id}/submit`,
        headers: citizen.write,
      });
      expect(submitted.statusCode, submitted.body).toBe(200);

      const sign = (roles: ('clerk' | 'supervisor' | 'operations_viewer')[], departmentCode = 'fire-rescue') =>
        signedInStaff(ctx.handle().db, app.platform.config, clock, { departmentCode, roles });
      const queueOf = async (who: TestSignIn, query = '') =>
        (await app.inject({ url: `${CITY}/application-tasks${query}`, headers: who.read }))
          .json()
          .items.filter((t: { application: { id: string } }) => t.application.id === draft.id);
      const clerk = await sign(['clerk']);
      const [fresh] = await queueOf(clerk);
      // Accepted on Monday: one working day, Tuesday, is the step's limit.
      expect(fresh).toMatchObject({
        step: { code: 'accept' },
        escalationLevel: 0,
        overdue: false,
        remainingWorkingDays: 1,
      });
      expect(await queueOf(clerk, '?escalated=true')).toEqual([]);

      // Past Tuesday: the step escalates to the supervisors.
      clock.set(new Date('2026-09-29T16:30:00Z'));
      for (let i = 0; i < 4; i++) await app.platform.jobs.runDue({ limit: 50 });
      const supervisor = await sign(['supervisor']);
      const [late] = await queueOf(supervisor, '?escalated=true');
      expect(late).toMatchObject({ escalationLevel: 1, overdue: true });

      // A working day later (Wednesday 30 September) it reaches the operations centre; the
      // National Day holiday that follows does not count as time.
      clock.set(new Date('2026-09-30T16:30:00Z'));
      for (let i = 0; i < 4; i++) await app.platform.jobs.runDue({ limit: 50 });
      const operations = await sign(['operations_viewer'], 'gov-services-data');
      const ops = await app.inject({ url: `${CITY}/application-escalations?level=2`, headers: operations.read });
      expect(ops.statusCode, ops.body).toBe(200);
      expect(ops.json().items.map((t: { application: { id: string } }) => t.application.id)).toContain(draft.id);
      // A clerk of the department cannot use the operations centre's view.
      const clerkNow = await sign(['clerk']);
      expect((await app.inject({ url: `${CITY}/application-escalations`, headers: clerkNow.read })).statusCode).toBe(
        403,
      );
    });
  },
  'demo',
);
