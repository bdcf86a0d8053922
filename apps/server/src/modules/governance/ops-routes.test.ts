import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import type { CitizenPrincipal } from '../../platform/identity/principal.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, signedInStaff } from '../../testing/identity.ts';
import { submitReport } from './intake.ts';
import { readOperationsSummary, startOfDay } from './operations.ts';
import { governanceDb } from './schema.ts';

it("knows when the city's day began, daylight saving included", () => {
  // 00:30 on 2 June in Shanghai is still 1 June in UTC.
  expect(startOfDay(new Date('2026-06-01T16:30:00Z'), 'Asia/Shanghai')).toEqual({
    day: '2026-06-02',
    start: new Date('2026-06-01T16:00:00Z'),
  });
  expect(startOfDay(new Date('2026-06-01T15:59:59Z'), 'Asia/Shanghai').day).toBe('2026-06-01');
  // New York springs forward at 02:00 on 8 March 2026: the day began at 05:00Z (EST), noon is EDT.
  expect(startOfDay(new Date('2026-03-08T16:00:00Z'), 'America/New_York')).toEqual({
    day: '2026-03-08',
    start: new Date('2026-03-08T05:00:00Z'),
  });
});

describeEachDialect(
  'governance: the operations summary',
  (ctx) => {
    let app: FastifyInstance;
    let principal: CitizenPrincipal;
    // 10:00 in Lingnan (Asia/Shanghai).
    const clock = new ManualClock('2026-06-01T02:00:00Z');
    const url = '/api/v1/cities/lingnan/operations/summary';

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      const citizen = await signedInCitizen(ctx.handle().db, app.platform.config, clock);
      principal = { kind: 'citizen', id: citizen.id, sessionId: 'test', actingFor: null };
    });
    afterAll(async () => {
      await app?.close();
    });

    let gridsUsed = 0;
    /** The centre of a grid of LN-02 no earlier call handed out (reports there are never duplicates). */
    async function freshGrid() {
      const grids = await ctx
        .handle()
        .db.selectFrom('zones')
        .select(['code', 'center_lat as lat', 'center_lon as lon'])
        .where('city_id', '=', 'lingnan')
        .where('level', '=', 'grid')
        .where('code', 'like', 'LN-02-%')
        .orderBy('code')
        .execute();
      const grid = grids[gridsUsed++];
      if (!grid) throw new Error('out of demo grids');
      return grid;
    }

    async function report(categoryCode: string) {
      const grid = await freshGrid();
      const made = await submitReport(
        app.platform,
        principal,
        {
          cityId: 'lingnan',
          categoryCode,
          description: '路灯不亮，晚上很黑',
          lat: grid.lat,
          lon: grid.lon,
          channel: 'app',
          attributes: categoryCode === 'manhole-cover-missing' ? { anyone_hurt: false } : {},
        },
        { duplicates: app.platform.config.duplicates },
      );
      return { ...made, grid: grid.code };
    }

    const summary = () => readOperationsSummary(ctx.handle().db, 'lingnan', 'Asia/Shanghai', clock.now());

    it('counts today, open work by priority and place, compliance by department and what is overdue', async () => {
      const before = await summary();
      expect(before.day).toBe('2026-06-01');
      const light = await report('streetlight-out');
      const cover = await report('manhole-cover-missing');
      const fixedInTime = await report('streetlight-out');
      const fixedLate = await report('streetlight-out');

      const gdb = governanceDb(ctx.handle().db);
      const now = clock.now();
      const resolve = (id: string, dueInMinutes: number) =>
        gdb
          .updateTable('work_orders')
          .set({
            status: 'resolved',
            accepted_at: now,
            resolved_at: now,
            resolve_due_at: new Date(now.getTime() + dueInMinutes * 60_000),
          })
          .where('id', '=', id)
          .execute();
      await resolve(fixedInTime.workOrderId, 60);
      await resolve(fixedLate.workOrderId, -60);

      const after = await summary();
      expect(after.today.reports - before.today.reports).toBe(4);
      expect(after.today.opened - before.today.opened).toBe(4);
      expect(after.today.resolved - before.today.resolved).toBe(2);
      expect(after.open.total - before.open.total).toBe(2);
      expect(after.open.byPriority.urgent - before.open.byPriority.urgent).toBe(1);
      expect(after.open.byPriority.normal - before.open.byPriority.normal).toBe(1);
      const urban = after.departments.find((d) => d.departmentCode === 'urban-management');
      expect(urban).toMatchObject({ nameZh: expect.any(String), resolved: 2, withinLimit: 1, compliance: 0.5 });
      const zone = after.zones.find((z) => z.code === light.grid);
      expect(zone).toEqual({ code: light.grid, level: 'grid', open: 1, openedToday: 1 });
      expect(after.zones.find((z) => z.code === fixedInTime.grid)).toMatchObject({ open: 0, openedToday: 1 });
      expect(after.zones.some((z) => z.level === 'street' && z.open > 0)).toBe(true);
      expect(after.overdue).toEqual([]);

      // The missing manhole cover must be accepted within 30 minutes: an hour later it is overdue.
      clock.advance(60 * 60_000);
      const later = await summary();
      expect(later.open.overdue).toBeGreaterThanOrEqual(1);
      expect(later.overdue[0]).toMatchObject({
        id: cover.workOrderId,
        trackingNo: cover.trackingNo,
        categoryCode: 'manhole-cover-missing',
        priority: 'urgent',
        departmentCode: 'urban-management',
      });
      expect(later.overdue[0]?.categoryNameEn).toBeTruthy();

      // After midnight in Lingnan (16:00 UTC) today starts again; what is open stays open.
      clock.set(new Date('2026-06-01T16:30:00Z'));
      const tomorrow = await summary();
      expect(tomorrow.day).toBe('2026-06-02');
      expect(tomorrow.today).toEqual({ reports: 0, opened: 0, resolved: 0, closed: 0 });
      expect(tomorrow.open.total).toBe(later.open.total);
    });

    it('answers operations viewers and platform administrators, nobody else, and serves a few seconds from memory', async () => {
      const db = ctx.handle().db;
      const config = app.platform.config;
      const viewer = await signedInStaff(db, config, clock, {
        departmentCode: 'gov-services-data',
        roles: ['operations_viewer'],
      });
      const clerk = await signedInStaff(db, config, clock, { roles: ['clerk', 'supervisor'] });
      const first = await app.inject({ url, headers: viewer.read });
      expect(first.statusCode, first.body).toBe(200);
      const body = first.json();
      expect(body).toMatchObject({ timeZone: 'Asia/Shanghai', slaWindowDays: 30 });
      expect(body.open.total).toBeGreaterThan(0);
      expect(first.headers['cache-control']).toBe('private, no-store');
      expect((await app.inject({ url, headers: clerk.read })).statusCode).toBe(403);
      expect((await app.inject({ url })).statusCode).toBe(401);

      await report('streetlight-out');
      const again = await app.inject({ url, headers: viewer.read });
      expect(again.json().generatedAt).toBe(body.generatedAt);
      expect(again.json().today).toEqual(body.today);
    });
  },
  'demo',
);
