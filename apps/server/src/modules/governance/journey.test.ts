/**
 * The manhole journey end to end through the API, on PGlite and PostgreSQL: a citizen reports
 * a missing manhole cover with a photo; it reaches urban management's queue for that street;
 * staff accept, assign a field crew, who resolve with an after-photo; the citizen is notified,
 * confirms and rates. Then the variants: a duplicate is linked, a transfer, an invalid report,
 * "not fixed", the accept timer escalating on a controlled clock, and a low rating's follow-up.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { photoWithMetadata, plainJpeg } from '../../platform/files/test-support.ts';
import { freshPhone } from '../../platform/identity/citizen/test-support.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, signedInStaff, type TestSignIn } from '../../testing/identity.ts';
import { scheduleDigest } from './jobs.ts';

const CITY = '/api/v1/cities/lingnan';

describeEachDialect(
  'governance: the manhole journey',
  (ctx) => {
    let app: FastifyInstance;
    const clock = new ManualClock('2026-06-01T02:00:00Z');
    let citizen: TestSignIn;
    let neighbour: TestSignIn;
    let clerk: TestSignIn;
    let supervisor: TestSignIn;
    let crew: TestSignIn;
    let water: TestSignIn;
    let elsewhere: TestSignIn;
    let operations: TestSignIn;
    let grid: { lat: number; lon: number };
    let spot = 0;

    /** A fresh point in the grid, ~200 m from the previous one, so that unrelated reports are no duplicates. */
    const freshPoint = () => {
      spot += 1;
      return { lat: grid.lat + 0.0006 * (spot % 5), lon: grid.lon + 0.0006 * Math.floor(spot / 5) };
    };

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      const db = ctx.handle().db;
      const zone = async (code: string) =>
        db
          .selectFrom('zones')
          .select(['id', 'center_lat as lat', 'center_lon as lon'])
          .where('city_id', '=', 'lingnan')
          .where('code', '=', code)
          .executeTakeFirstOrThrow();
      const g = await zone('LN-03-01-02');
      grid = { lat: g.lat, lon: g.lon };
    });
    afterAll(async () => {
      await app?.close();
    });

    // Fresh sessions for every test, and after the clock jumps: the tests move it past sessions' idle limits.
    beforeEach(() => signInAll());
    async function signInAll() {
      const db = ctx.handle().db;
      const config = app.platform.config;
      const zone = async (code: string) =>
        db
          .selectFrom('zones')
          .select(['id', 'center_lat as lat', 'center_lon as lon'])
          .where('city_id', '=', 'lingnan')
          .where('code', '=', code)
          .executeTakeFirstOrThrow();
      const district = (await zone('LN-03')).id;
      citizen = await signedInCitizen(db, config, clock, { phone: freshPhone() });
      neighbour = await signedInCitizen(db, config, clock);
      clerk = await signedInStaff(db, config, clock, { roles: ['clerk'], jurisdiction: [district] });
      supervisor = await signedInStaff(db, config, clock, { roles: ['supervisor'], jurisdiction: [district] });
      crew = await signedInStaff(db, config, clock, { roles: ['field_crew'], jurisdiction: [district] });
      water = await signedInStaff(db, config, clock, { departmentCode: 'water', roles: ['clerk', 'supervisor'] });
      elsewhere = await signedInStaff(db, config, clock, {
        roles: ['clerk', 'supervisor'],
        jurisdiction: [(await zone('LN-02')).id],
      });
      operations = await signedInStaff(db, config, clock, {
        departmentCode: 'gov-services-data',
        roles: ['supervisor'],
      });
    }

    async function upload(who: TestSignIn, bytes: Buffer): Promise<string> {
      const res = await app.inject({
        method: 'POST',
        url: `${CITY}/uploads`,
        headers: { ...who.write, 'content-type': 'image/jpeg' },
        payload: bytes,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id;
    }

    async function report(who: TestSignIn | null, body: Record<string, unknown>) {
      return app.inject({
        method: 'POST',
        url: `${CITY}/reports`,
        headers: who ? who.write : {},
        payload: {
          categoryCode: 'manhole-cover-missing',
          description: '井盖不见了，很危险',
          attributes: { anyone_hurt: false },
          ...freshPoint(),
          ...body,
        },
      });
    }

    async function act(who: TestSignIn, id: string, body: Record<string, unknown>) {
      return app.inject({
        method: 'POST',
        url: `${CITY}/work-orders/${id}/actions`,
        headers: who.write,
        payload: body,
      });
    }

    async function queueOf(who: TestSignIn, query = '') {
      const res = await app.inject({ url: `${CITY}/work-orders${query}`, headers: who.read });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items as {
        id: string;
        trackingNo: string;
        status: string;
        escalationLevel: number;
        zones: { districtId: string | null; streetId: string | null; gridId: string | null };
      }[];
    }

    async function workOrderOf(trackingNo: string) {
      const mine = await app.inject({ url: '/api/v1/me/reports?pageSize=100', headers: citizen.read });
      const db = ctx.handle().db;
      const row = await db
        .withTables<{ reports: { tracking_no: string; work_order_id: string } }>()
        .selectFrom('reports')
        .select('work_order_id')
        .where('tracking_no', '=', trackingNo)
        .executeTakeFirstOrThrow();
      expect(mine.statusCode, mine.body).toBe(200);
      return row.work_order_id;
    }

    async function runJobs() {
      // Timers and notifications are jobs; run them the way the worker would.
      for (let i = 0; i < 20; i++) {
        const run = await app.platform.jobs.runDue({ limit: 100 });
        if (run.done + run.retried + run.failed === 0) break;
      }
    }

    it('runs the whole manhole journey: report with photo → queue → accept → assign → resolve → notified → confirm → rate', async () => {
      const photo = await upload(citizen, await photoWithMetadata());
      const submitted = await report(citizen, {
        photoIds: [photo],
        address: '岭南路 12 号对面',
        attributes: { anyone_hurt: false, blocks_traffic: true },
      });
      expect(submitted.statusCode, submitted.body).toBe(201);
      const { trackingNo, status, duplicateOf, followToken } = submitted.json();
      expect(trackingNo).toMatch(/^R260601-\d{6}$/);
      expect(status).toBe('dispatched');
      expect(duplicateOf).toBeNull();
      expect(followToken).toBeNull();

      // The right department's queue for that place has it; other departments and districts do not.
      const id = await workOrderOf(trackingNo);
      expect((await queueOf(clerk)).map((w) => w.id)).toContain(id);
      expect((await queueOf(water)).map((w) => w.id)).not.toContain(id);
      expect((await queueOf(elsewhere)).map((w) => w.id)).not.toContain(id);
      const hidden = await app.inject({ url: `${CITY}/work-orders/${id}`, headers: water.read });
      expect(hidden.statusCode).toBe(404);

      const detail = await app.inject({ url: `${CITY}/work-orders/${id}`, headers: clerk.read });
      expect(detail.statusCode).toBe(200);
      const wo = detail.json();
      expect(wo.trackingNo).toBe(trackingNo);
      expect(wo.allowedActions).toEqual(expect.arrayContaining(['accept', 'transfer', 'return_invalid']));
      expect(wo.photos).toHaveLength(1);
      expect(detail.body).not.toContain(citizen.id);
      expect(new Date(wo.acceptDueAt).getTime() - clock.now().getTime()).toBe(30 * 60_000);
      // The queue names the same place as the work order (its zones), so that staff see where it is.
      const queued = (await queueOf(clerk)).find((w) => w.id === id);
      expect(queued?.zones).toEqual(wo.zones);
      expect(wo.zones.districtId).toEqual(expect.any(String));

      // The photo staff see carries no metadata.
      const image = await app.inject({
        url: `${CITY}/work-orders/${id}/photos/${photo}?variant=full`,
        headers: clerk.read,
      });
      expect(image.statusCode).toBe(200);
      expect(image.rawPayload.includes(Buffer.from('Exif'))).toBe(false);

      clock.advance(10 * 60_000);
      expect((await act(clerk, id, { action: 'accept' })).json().status).toBe('accepted');
      const wrong = await act(clerk, id, { action: 'accept' });
      expect(wrong.statusCode).toBe(409);
      expect(wrong.json()).toMatchObject({ code: 'WORK_ORDER_ACTION_NOT_ALLOWED', currentStatus: 'accepted' });
      expect(wrong.json().allowedActions).toEqual(expect.arrayContaining(['assign', 'start', 'resolve']));

      expect((await act(clerk, id, { action: 'assign', assigneeId: crew.id })).json().status).toBe('assigned');
      expect((await act(crew, id, { action: 'start' })).json().status).toBe('in_progress');
      const noPhoto = await act(crew, id, { action: 'resolve', note: '已补装井盖', photoIds: [] });
      expect(noPhoto.statusCode).toBe(400);
      const after = await upload(crew, await plainJpeg(800, 600));
      const resolved = await act(crew, id, { action: 'resolve', note: '已补装新井盖并设置警示', photoIds: [after] });
      expect(resolved.statusCode, resolved.body).toBe(200);
      expect(resolved.json().status).toBe('resolved');

      // The citizen is told (in the app, and by SMS through the development mailbox).
      await runJobs();
      const notes = await app.inject({ url: '/api/v1/me/notifications', headers: citizen.read });
      expect(notes.json().items.map((n: { kind: string }) => n.kind)).toEqual(
        expect.arrayContaining(['submit', 'accept', 'resolve']),
      );
      const sms = await ctx
        .handle()
        .db.selectFrom('dev_mailbox')
        .select(['body', 'destination_mask'])
        .where('body', 'like', `%${trackingNo}%`)
        .execute();
      expect(sms.length).toBeGreaterThanOrEqual(2);

      const mine = await app.inject({ url: `/api/v1/me/reports/${trackingNo}`, headers: citizen.read });
      expect(mine.statusCode).toBe(200);
      expect(mine.json().status).toBe('resolved');
      expect(mine.json().allowedActions).toEqual(['confirm', 'reopen']);
      expect(
        mine
          .json()
          .photos.map((p: { kind: string }) => p.kind)
          .sort(),
      ).toEqual(['after', 'before']);
      const timeline = mine.json().timeline.map((t: { action: string }) => t.action);
      expect(timeline).toEqual(['submit', 'accept', 'start', 'resolve']);
      expect(mine.body).not.toContain(crew.id);

      const other = await app.inject({ url: `/api/v1/me/reports/${trackingNo}`, headers: neighbour.read });
      expect(other.statusCode).toBe(404);

      const confirm = await app.inject({
        method: 'POST',
        url: `/api/v1/me/reports/${trackingNo}/actions`,
        headers: citizen.write,
        payload: { action: 'confirm' },
      });
      expect(confirm.json().status).toBe('closed');
      const rate = await app.inject({
        method: 'POST',
        url: `/api/v1/me/reports/${trackingNo}/actions`,
        headers: citizen.write,
        payload: { action: 'rate', rating: 5, tags: ['fast', 'thorough'] },
      });
      expect(rate.statusCode, rate.body).toBe(200);
      expect(rate.json().followUpOpened).toBe(false);
      const again = await app.inject({
        method: 'POST',
        url: `/api/v1/me/reports/${trackingNo}/actions`,
        headers: citizen.write,
        payload: { action: 'rate', rating: 4, tags: [] },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('ALREADY_RATED');
    });

    it('links a second report of the same problem nearby to the open work order, and keeps both reporters informed', async () => {
      const first = await report(citizen, {});
      const { trackingNo } = first.json();
      const id = await workOrderOf(trackingNo);
      const wo = (await app.inject({ url: `${CITY}/work-orders/${id}`, headers: clerk.read })).json();
      // 20 m away, a few minutes later, same category.
      clock.advance(5 * 60_000);
      const dup = await report(neighbour, { lat: wo.lat + 0.00018, lon: wo.lon });
      expect(dup.statusCode).toBe(201);
      expect(dup.json().duplicateOf).toBe(trackingNo);
      const queue = await queueOf(clerk);
      expect(queue.filter((w) => w.id === id)).toHaveLength(1);
      const detail = (await app.inject({ url: `${CITY}/work-orders/${id}`, headers: clerk.read })).json();
      expect(detail.reportCount).toBe(2);
      expect(detail.reports).toHaveLength(2);

      // A different category at the same spot is a different problem.
      const other = await report(neighbour, {
        lat: wo.lat,
        lon: wo.lon,
        categoryCode: 'streetlight-out',
        attributes: {},
      });
      expect(other.json().duplicateOf).toBeNull();

      await act(clerk, id, { action: 'accept' });
      const mine = await app.inject({ url: `/api/v1/me/reports/${dup.json().trackingNo}`, headers: neighbour.read });
      expect(mine.json().status).toBe('accepted');
      expect(mine.json().duplicate).toBe(true);
      const notes = await app.inject({ url: '/api/v1/me/notifications', headers: neighbour.read });
      expect(notes.json().items.map((n: { kind: string }) => n.kind)).toEqual(
        expect.arrayContaining(['link', 'accept']),
      );

      // Staff unmerge it: it gets a work order of its own.
      const unmerged = await app.inject({
        method: 'POST',
        url: `${CITY}/reports/${dup.json().trackingNo}/unmerge`,
        headers: supervisor.write,
      });
      expect(unmerged.statusCode, unmerged.body).toBe(200);
      expect(unmerged.json().workOrderId).not.toBe(id);
      expect(unmerged.json().status).toBe('dispatched');
    });

    it('merges a work order into another about the same problem; its reporter follows the target', async () => {
      const a = (await report(citizen, {})).json();
      const b = (await report(neighbour, {})).json();
      expect(b.duplicateOf).toBeNull();
      const [idA, idB] = [await workOrderOf(a.trackingNo), await workOrderOf(b.trackingNo)];
      const byClerk = await app.inject({
        method: 'POST',
        url: `${CITY}/work-orders/${idB}/merge`,
        headers: clerk.write,
        payload: { targetId: idA },
      });
      expect(byClerk.statusCode).toBe(409);
      const merged = await app.inject({
        method: 'POST',
        url: `${CITY}/work-orders/${idB}/merge`,
        headers: supervisor.write,
        payload: { targetId: idA },
      });
      expect(merged.statusCode, merged.body).toBe(200);
      expect(merged.json().status).toBe('merged');
      const target = (await app.inject({ url: `${CITY}/work-orders/${idA}`, headers: clerk.read })).json();
      expect(target.reportCount).toBe(2);
      await act(clerk, idA, { action: 'accept' });
      const theirs = (await app.inject({ url: `/api/v1/me/reports/${b.trackingNo}`, headers: neighbour.read })).json();
      expect(theirs.status).toBe('accepted');
      expect((await queueOf(clerk, '?status=merged')).map((w) => w.id)).toContain(idB);
    });

    it('transfers a mis-dispatched report to another department, counted as a transfer', async () => {
      const { trackingNo } = (await report(citizen, {})).json();
      const id = await workOrderOf(trackingNo);
      const same = await act(clerk, id, { action: 'transfer', departmentCode: 'urban-management', reason: '本部门' });
      expect(same.statusCode).toBe(409);
      const moved = await act(clerk, id, { action: 'transfer', departmentCode: 'water', reason: '属于排水井，归水务' });
      expect(moved.json().status).toBe('dispatched');
      expect((await queueOf(water)).map((w) => w.id)).toContain(id);
      expect((await queueOf(clerk)).map((w) => w.id)).not.toContain(id);
      const detail = (await app.inject({ url: `${CITY}/work-orders/${id}`, headers: water.read })).json();
      expect(detail.transferCount).toBe(1);
      expect(detail.departmentCode).toBe('water');
      // The urban-management clerk no longer plays any part in it.
      expect((await act(clerk, id, { action: 'accept' })).statusCode).toBe(404);
    });

    it('returns an invalid report with its reason, which the reporter reads', async () => {
      const { trackingNo } = (await report(citizen, {})).json();
      const id = await workOrderOf(trackingNo);
      const res = await act(clerk, id, { action: 'return_invalid', reason: '现场核查井盖完好' });
      expect(res.json().status).toBe('invalid');
      const mine = (await app.inject({ url: `/api/v1/me/reports/${trackingNo}`, headers: citizen.read })).json();
      expect(mine.status).toBe('invalid');
      expect(mine.allowedActions).toEqual([]);
      expect(mine.timeline.at(-1)).toMatchObject({ action: 'return_invalid', reason: '现场核查井盖完好' });
    });

    it('reopens "not fixed" within 7 days, and refuses after', async () => {
      const resolveOne = async () => {
        const { trackingNo } = (await report(citizen, {})).json();
        const id = await workOrderOf(trackingNo);
        await act(clerk, id, { action: 'accept' });
        const after = await upload(clerk, await plainJpeg(400, 300));
        await act(clerk, id, { action: 'resolve', note: '已处理', photoIds: [after] });
        return { trackingNo, id };
      };
      const a = await resolveOne();
      clock.advance(3 * 86_400_000);
      const reporter = citizen;
      await signInAll();
      citizen = reporter;
      const reopened = await app.inject({
        method: 'POST',
        url: `/api/v1/me/reports/${a.trackingNo}/actions`,
        headers: citizen.write,
        payload: { action: 'reopen', reason: '井盖还是没有' },
      });
      expect(reopened.statusCode, reopened.body).toBe(200);
      expect(reopened.json().status).toBe('accepted');
      const detail = (await app.inject({ url: `${CITY}/work-orders/${a.id}`, headers: clerk.read })).json();
      expect(detail.reopenCount).toBe(1);

      const b = await resolveOne();
      // (The reporter uses the app in between, so that their session stays alive.)
      clock.advance(4 * 86_400_000);
      await app.inject({ url: '/api/v1/me/reports', headers: reporter.read });
      clock.advance(3 * 86_400_000 + 60_000);
      await signInAll();
      citizen = reporter;
      const late = await app.inject({
        method: 'POST',
        url: `/api/v1/me/reports/${b.trackingNo}/actions`,
        headers: citizen.write,
        payload: { action: 'reopen', reason: '还是坏的' },
      });
      expect(late.statusCode).toBe(409);
      expect(late.json().code).toBe('REOPEN_WINDOW_PASSED');
      // Nobody answered within the window: it closes by itself.
      await runJobs();
      const closed = (await app.inject({ url: `/api/v1/me/reports/${b.trackingNo}`, headers: citizen.read })).json();
      expect(closed.status).toBe('closed');
    });

    it('escalates an unaccepted work order to the supervisor, then to the operations centre, once each', async () => {
      await runJobs();
      const { trackingNo } = (await report(citizen, {})).json();
      const id = await workOrderOf(trackingNo);
      clock.advance(25 * 60_000); // 80 % of 30 minutes passed: a warning
      await runJobs();
      let detail = (await app.inject({ url: `${CITY}/work-orders/${id}`, headers: supervisor.read })).json();
      expect(detail.timeline.map((t: { action: string }) => t.action)).toContain('warn');
      expect(detail.escalationLevel).toBe(0);
      expect((await queueOf(clerk, '?breachingWithin=10')).map((w) => w.id)).toContain(id);

      clock.advance(6 * 60_000); // past 30 minutes
      await runJobs();
      await runJobs();
      detail = (await app.inject({ url: `${CITY}/work-orders/${id}`, headers: supervisor.read })).json();
      expect(detail.escalationLevel).toBe(1);

      clock.advance(15 * 60_000); // past 45 minutes
      await runJobs();
      await signInAll();
      detail = (await app.inject({ url: `${CITY}/work-orders/${id}`, headers: supervisor.read })).json();
      expect(detail.escalationLevel).toBe(2);
      const escalations = detail.timeline.filter((t: { action: string }) => t.action === 'escalate');
      expect(escalations.map((t: { escalation: number }) => t.escalation)).toEqual([1, 2]);
      // The operations centre sees it in its queue, escalated first.
      const ops = await queueOf(operations, '?status=dispatched');
      expect(ops[0]?.escalationLevel).toBe(2);

      clock.advance(60 * 60_000);
      await runJobs();
      await signInAll();
      detail = (await app.inject({ url: `${CITY}/work-orders/${id}`, headers: supervisor.read })).json();
      expect(detail.timeline.filter((t: { action: string }) => t.action === 'escalate')).toHaveLength(2);
    });

    it('opens a follow-up for the supervisor when the rating is low; the citizen hears the outcome', async () => {
      const { trackingNo } = (await report(citizen, {})).json();
      const id = await workOrderOf(trackingNo);
      await act(clerk, id, { action: 'accept' });
      const after = await upload(clerk, await plainJpeg(400, 300));
      await act(clerk, id, { action: 'resolve', note: '已处理', photoIds: [after] });
      const me = (path: string, payload: Record<string, unknown>) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/me/reports/${trackingNo}/${path}`,
          headers: citizen.write,
          payload,
        });
      await me('actions', { action: 'confirm' });
      const rated = await me('actions', { action: 'rate', rating: 1, tags: ['too_slow', 'exceeded_time_limit'] });
      expect(rated.json().followUpOpened).toBe(true);
      const list = await app.inject({ url: `${CITY}/follow-ups?open=true`, headers: supervisor.read });
      expect(list.statusCode).toBe(200);
      const followUp = list.json().items.find((f: { workOrderId: string }) => f.workOrderId === id);
      expect(followUp).toMatchObject({ rating: 1, tags: ['too_slow', 'exceeded_time_limit'], trackingNo });
      const byClerk = await app.inject({
        method: 'POST',
        url: `${CITY}/follow-ups/${followUp.id}/close`,
        headers: clerk.write,
        payload: { outcome: '已约谈班组' },
      });
      expect(byClerk.statusCode).toBe(403);
      const closed = await app.inject({
        method: 'POST',
        url: `${CITY}/follow-ups/${followUp.id}/close`,
        headers: supervisor.write,
        payload: { outcome: '已约谈处置班组，缩短巡查周期' },
      });
      expect(closed.statusCode, closed.body).toBe(200);
      const notes = (await app.inject({ url: '/api/v1/me/notifications', headers: citizen.read })).json();
      expect(notes.items[0]).toMatchObject({
        kind: 'follow_up_closed',
        details: { outcome: '已约谈处置班组，缩短巡查周期' },
      });
    });

    it('sends a daily digest to people who follow an area, with counts and no names', async () => {
      const follow = await app.inject({
        method: 'POST',
        url: `${CITY}/area-follows`,
        headers: neighbour.write,
        payload: { zoneCode: 'LN-03' },
      });
      expect(follow.statusCode, follow.body).toBe(201);
      clock.advance(60_000);
      await report(citizen, {});
      await report(citizen, { categoryCode: 'garbage-piled', description: '垃圾堆了三天', attributes: {} });
      await scheduleDigest(app.platform, ctx.handle().db);
      clock.advance(86_400_000);
      await runJobs();
      const notes = await app.inject({ url: '/api/v1/me/notifications', headers: neighbour.read });
      const digest = notes.json().items.find((n: { kind: string }) => n.kind === 'digest');
      expect(digest.details).toMatchObject({ zoneCode: 'LN-03', total: 2 });
      expect(digest.details.byCategory).toMatchObject({ 'manhole-cover-missing': 1, 'garbage-piled': 1 });
      expect(notes.body).not.toContain(citizen.id);
      expect(notes.body).not.toContain('垃圾堆了三天');
    });

    it('lets an anonymous reporter follow with the token, and nobody else', async () => {
      const res = await report(null, {});
      expect(res.statusCode, res.body).toBe(201);
      const { trackingNo, followToken } = res.json();
      expect(followToken).toMatch(/^[\w-]{20,}$/);
      const ok = await app.inject({ url: `${CITY}/reports/${trackingNo}`, headers: { 'x-follow-token': followToken } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().status).toBe('dispatched');
      const bad = await app.inject({ url: `${CITY}/reports/${trackingNo}`, headers: { 'x-follow-token': 'nope' } });
      expect(bad.statusCode).toBe(404);
      expect((await app.inject({ url: `${CITY}/reports/${trackingNo}` })).statusCode).toBe(404);
    });

    it('takes the category from the description when the suggestion is confident, and asks otherwise', async () => {
      const base = { description: '路灯不亮了，晚上很黑', attributes: {} };
      const res = await app.inject({
        method: 'POST',
        url: `${CITY}/reports`,
        headers: citizen.write,
        payload: { ...base, ...freshPoint() },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ categoryCode: 'streetlight-out', categorySuggested: true });
      const vague = await app.inject({
        method: 'POST',
        url: `${CITY}/reports`,
        headers: citizen.write,
        payload: { description: '你好，麻烦处理一下', ...freshPoint() },
      });
      expect(vague.statusCode).toBe(400);
      expect(vague.json()).toMatchObject({ code: 'REPORT_CATEGORY_REQUIRED', suggestions: [] });
    });

    describe('bad input', () => {
      it('answers 4xx naming the problem', async () => {
        const cases: [Record<string, unknown>, number, string][] = [
          [{ categoryCode: 'no-such' }, 404, 'REPORT_CATEGORY_NOT_FOUND'],
          [{ attributes: { anyone_hurt: 'yes' } }, 400, 'REPORT_ATTRIBUTE_INVALID'],
          [{ attributes: { unknown: true } }, 400, 'REPORT_ATTRIBUTE_INVALID'],
          [{ lat: 91 }, 400, 'VALIDATION_FAILED'],
          [{ description: '' }, 400, 'VALIDATION_FAILED'],
          [{ photoIds: ['0190f0f0-0000-7000-8000-000000000000'] }, 404, 'FILE_NOT_FOUND'],
        ];
        for (const [body, status, code] of cases) {
          const res = await report(citizen, body);
          expect(res.statusCode, JSON.stringify(body)).toBe(status);
          expect(res.json().code).toBe(code);
        }
        // Someone else's upload cannot be attached.
        const theirs = await upload(neighbour, await plainJpeg(100, 100));
        const res = await report(citizen, { photoIds: [theirs] });
        expect(res.statusCode).toBe(404);
      });
    });
  },
  'demo',
);
