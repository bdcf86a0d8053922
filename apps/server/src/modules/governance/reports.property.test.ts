/**
 * Property-based tests of the report and work-order endpoints, on PGlite and PostgreSQL: any
 * mix of reports (good and bad) and of actions by anyone on anything answers without a 5xx,
 * and leaves nothing half-written — every work order's status is what its log says, its
 * counters match, every report belongs to a work order.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, signedInStaff, type TestSignIn } from '../../testing/identity.ts';
import { governanceDb } from './schema.ts';
import { loadLog, toLogged } from './work-orders.ts';
import { deriveState } from './workflow.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
/** A fixed seed by default, so that a run is repeatable; FUZZ_SEED explores others. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const CATEGORIES = ['manhole-cover-missing', 'streetlight-out', 'garbage-piled', 'noise-nuisance', 'no-such-thing'];

describeEachDialect(
  'governance: property-based tests of reports and work orders',
  (ctx) => {
    let app: FastifyInstance;
    const clock = new ManualClock('2026-07-01T01:00:00Z');
    let people: TestSignIn[] = [];
    let centre: { lat: number; lon: number };

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      const grid = await ctx
        .handle()
        .db.selectFrom('zones')
        .select(['center_lat as lat', 'center_lon as lon'])
        .where('code', '=', 'LN-04-01-01')
        .executeTakeFirstOrThrow();
      centre = grid;
      await signIn();
    });

    /** Fresh sessions (the walk moves the clock past staff sessions' idle limit). */
    async function signIn() {
      const db = ctx.handle().db;
      const config = app.platform.config;
      people = [
        await signedInCitizen(db, config, clock),
        await signedInCitizen(db, config, clock),
        await signedInStaff(db, config, clock, { roles: ['clerk', 'supervisor'] }),
        await signedInStaff(db, config, clock, { departmentCode: 'gov-services-data', roles: ['supervisor'] }),
        await signedInStaff(db, config, clock, { departmentCode: 'water', roles: ['clerk'] }),
      ];
    }
    afterAll(async () => {
      await app?.close();
    });

    const reportBody = fc.record(
      {
        categoryCode: fc.oneof(
          { weight: 3, arbitrary: fc.constant('manhole-cover-missing') },
          fc.constantFrom(...CATEGORIES),
        ),
        description: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom('路灯不亮', '井盖不见了', '这里垃圾很多，好几天没人清理') },
          { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
        ),
        dLat: fc.integer({ min: -30, max: 30 }),
        dLon: fc.integer({ min: -30, max: 30 }),
        attributes: fc.oneof(
          { weight: 4, arbitrary: fc.constant({ anyone_hurt: false }) },
          { weight: 2, arbitrary: fc.constant({}) },
          fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.boolean(), fc.integer(), fc.string({ maxLength: 8 }))),
        ),
        address: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
      },
      { requiredKeys: ['categoryCode', 'description', 'dLat', 'dLon', 'attributes'] },
    );

    const staffAction = fc.oneof(
      fc.constant({ action: 'accept' }),
      fc.constant({ action: 'start' }),
      fc.record({
        action: fc.constant('transfer'),
        departmentCode: fc.constantFrom('water', 'urban-management', 'nope'),
        reason: fc.constant('原因'),
      }),
      fc.record({ action: fc.constant('return_invalid'), reason: fc.string({ maxLength: 10 }) }),
      fc.record({ action: fc.constant('escalate'), reason: fc.constant('紧急') }),
      fc.record({ action: fc.constant('dispatch'), departmentCode: fc.constantFrom('water', 'urban-management') }),
      fc.record({
        action: fc.constant('resolve'),
        note: fc.constant('已处理'),
        photoIds: fc.constant(['0190f0f0-0000-7000-8000-000000000000']),
      }),
      fc.record({ action: fc.constantFrom('nonsense', 'rate', 'confirm') }),
    );
    const citizenAction = fc.oneof(
      fc.constant({ action: 'confirm' }),
      fc.record({ action: fc.constant('reopen'), reason: fc.constant('没修好') }),
      fc.record({ action: fc.constant('rate'), rating: fc.integer({ min: -1, max: 7 }), tags: fc.constant(['fast']) }),
    );

    const step = fc.oneof(
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('report' as const),
          who: fc.integer({ min: -1, max: 4 }),
          body: reportBody,
        }),
      },
      fc.record({
        kind: fc.constant('staff' as const),
        who: fc.integer({ min: 0, max: 4 }),
        pick: fc.nat(),
        body: staffAction,
      }),
      fc.record({
        kind: fc.constant('citizen' as const),
        who: fc.integer({ min: 0, max: 4 }),
        pick: fc.nat(),
        body: citizenAction,
      }),
      fc.record({ kind: fc.constant('time' as const), minutes: fc.integer({ min: 1, max: 25 }) }),
    );

    it('answers every mix of reports and actions without a 5xx and leaves every work order consistent', async () => {
      const tracking: string[] = [];
      const answered = new Map<string, number>();
      const workOrders: string[] = [];
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
          await signIn();
          for (const s of steps) {
            let res: Awaited<ReturnType<FastifyInstance['inject']>>;
            if (s.kind === 'time') {
              clock.advance(s.minutes * 60_000);
              await app.platform.jobs.runDue({ limit: 200 });
              continue;
            }
            const who = s.who >= 0 ? people[s.who] : undefined;
            if (s.kind === 'report') {
              const { dLat, dLon, ...body } = s.body;
              res = await app.inject({
                method: 'POST',
                url: '/api/v1/cities/lingnan/reports',
                headers: { ...(who?.write ?? {}), 'x-forwarded-for': `10.9.${s.who + 1}.1` },
                payload: { ...body, lat: centre.lat + dLat * 0.00005, lon: centre.lon + dLon * 0.00005 },
              });
              if (res.statusCode === 201) tracking.push(res.json().trackingNo);
            } else if (s.kind === 'staff') {
              const id = workOrders[s.pick % Math.max(1, workOrders.length)] ?? '0190f0f0-0000-7000-8000-000000000000';
              res = await app.inject({
                method: 'POST',
                url: `/api/v1/cities/lingnan/work-orders/${id}/actions`,
                headers: who?.write ?? {},
                payload: s.body,
              });
            } else {
              const no = tracking[s.pick % Math.max(1, tracking.length)] ?? 'R260701-000000';
              res = await app.inject({
                method: 'POST',
                url: `/api/v1/me/reports/${no}/actions`,
                headers: who?.write ?? {},
                payload: s.body,
              });
            }
            expect(res.statusCode, res.body).toBeLessThan(500);
            const key = `${s.kind} ${res.statusCode}`;
            answered.set(key, (answered.get(key) ?? 0) + 1);
            const ids = await governanceDb(ctx.handle().db).selectFrom('work_orders').select('id').execute();
            workOrders.splice(0, workOrders.length, ...ids.map((r) => r.id));
          }
        }),
        { numRuns: RUNS, seed: SEED },
      );
      if (process.env.FUZZ_VERBOSE) console.log(Object.fromEntries([...answered].sort()));
      // The walk did reach the interesting places: reports taken, actions done and refused.
      expect(answered.get('report 201')).toBeGreaterThan(0);
      expect(answered.get('staff 200')).toBeGreaterThan(0);
      expect(answered.get('staff 409')).toBeGreaterThan(0);

      // Nothing half-written: the projection is the fold of the log, counters match, reports belong.
      const gdb = governanceDb(ctx.handle().db);
      const all = await gdb.selectFrom('work_orders').selectAll().execute();
      expect(all.length).toBeGreaterThan(0);
      for (const wo of all) {
        const log = await loadLog(ctx.handle().db, wo.id);
        expect(log.map((a) => a.seq)).toEqual(log.map((_, i) => i + 1));
        expect(wo.last_seq).toBe(log.length);
        const state = deriveState(log.map(toLogged));
        expect(wo.status).toBe(state.status);
        expect(wo.department_id).toBe(state.departmentId);
        expect(wo.escalation_level).toBe(state.escalationLevel);
        const reports = await gdb.selectFrom('reports').select('id').where('work_order_id', '=', wo.id).execute();
        if (wo.status !== 'merged') expect(reports.length).toBe(wo.report_count);
      }
      const orphans = await gdb
        .selectFrom('reports as r')
        .leftJoin('work_orders as w', 'w.id', 'r.work_order_id')
        .select('r.id')
        .where('w.id', 'is', null)
        .execute();
      expect(orphans).toEqual([]);
    });
  },
  'demo',
);
