import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import type { CitizenPrincipal } from '../../platform/identity/principal.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, signedInStaff, type TestSignIn } from '../../testing/identity.ts';
import { submitReport } from './intake.ts';
import { uuidFloor, uuidv7Time } from './live.ts';
import { liveFeedOf } from './live-routes.ts';
import { parseBBox, publicLocation } from './public.ts';
import { governanceDb } from './schema.ts';

/** Long enough for anything on a loaded machine; nothing asserts how long it took. */
const PATIENCE_MS = 20_000;

/** One parsed server-sent events block. */
interface SseBlock {
  id?: string;
  event?: string;
  data?: Record<string, unknown>;
  retry?: number;
  comments: string[];
}

function parseBlock(text: string): SseBlock {
  const block: SseBlock = { comments: [] };
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) block.comments.push(line.slice(1).trim());
    else if (line.startsWith('id: ')) block.id = line.slice(4);
    else if (line.startsWith('event: ')) block.event = line.slice(7);
    else if (line.startsWith('data: ')) block.data = JSON.parse(line.slice(6));
    else if (line.startsWith('retry: ')) block.retry = Number(line.slice(7));
  }
  return block;
}

/** An open event stream read in the background. */
interface Stream {
  status: number;
  contentType: string | null;
  blocks: SseBlock[];
  body: string;
  ended: Promise<void>;
  waitFor(predicate: (b: SseBlock) => boolean, what: string): Promise<SseBlock>;
  events(): SseBlock[];
  close(): void;
}

describe('live and public helpers', () => {
  it('reads the time of a UUIDv7 and builds the smallest id of a millisecond', () => {
    const before = Date.now();
    const id = uuidv7();
    const at = uuidv7Time(id) ?? 0;
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
    expect(uuidFloor(at) <= id).toBe(true);
    expect(uuidFloor(at + 1) > id).toBe(true);
    expect(uuidv7Time(uuidFloor(at))).toBeNull();
    expect(uuidv7Time('0192f000-0000-4000-8000-00000000beef')).toBeNull();
    expect(uuidv7Time('not-an-id')).toBeNull();
  });

  it('parses a bbox and publishes locations coarsely', () => {
    expect(parseBBox('113.2,23.1,113.3,23.2')).toEqual({ minLon: 113.2, minLat: 23.1, maxLon: 113.3, maxLat: 23.2 });
    for (const bad of [
      '',
      '1,2,3',
      '2,0,1,1',
      '0,2,1,1',
      '0,0,181,1',
      '0,-91,1,1',
      '1e2,0,1,1',
      'a,b,c,d',
      '0,0,1,1,',
    ]) {
      expect(parseBBox(bad), bad).toBeNull();
    }
    expect(publicLocation(23.123456, 113.654321, '8941aa', false)).toEqual({
      lat: 23.1235,
      lon: 113.6543,
      precision: 'approximate',
    });
    // An unreadable cell still yields a coarse point, never the exact one.
    expect(publicLocation(23.123456, 113.654321, 'nonsense', true)).toEqual({
      lat: 23.12,
      lon: 113.65,
      precision: 'area',
    });
  });
});

describeEachDialect(
  'governance: staff map and live updates',
  (ctx) => {
    let app: FastifyInstance;
    let base: string;
    let closed = false;
    let principal: CitizenPrincipal;
    let urban: TestSignIn & { departmentId: string };
    let water: TestSignIn & { departmentId: string };
    let operations: TestSignIn & { departmentId: string };
    let urbanSouth: TestSignIn & { departmentId: string };
    let nanwan: TestSignIn & { departmentId: string };
    let citizen: TestSignIn;
    const clock = new ManualClock('2026-06-01T02:00:00Z');
    const open: Stream[] = [];

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      liveFeedOf(app.platform)?.configure({ pollIntervalMs: 50, heartbeatMs: 250 });
      await app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const db = ctx.handle().db;
      const config = app.platform.config;
      const ln02 = await db
        .selectFrom('zones')
        .select('id')
        .where('city_id', '=', 'lingnan')
        .where('code', '=', 'LN-02')
        .executeTakeFirstOrThrow();
      urban = await signedInStaff(db, config, clock, { departmentCode: 'urban-management', roles: ['clerk'] });
      water = await signedInStaff(db, config, clock, { departmentCode: 'water', roles: ['clerk', 'supervisor'] });
      operations = await signedInStaff(db, config, clock, { departmentCode: 'gov-services-data', roles: ['clerk'] });
      urbanSouth = await signedInStaff(db, config, clock, {
        departmentCode: 'urban-management',
        roles: ['clerk'],
        jurisdiction: [ln02.id],
      });
      nanwan = await signedInStaff(db, config, clock, {
        cityId: 'nanwan',
        departmentCode: 'urban-management',
        roles: ['platform_admin'],
      });
      citizen = await signedInCitizen(db, config, clock);
      principal = { kind: 'citizen', id: citizen.id, sessionId: 'test', actingFor: null };
    });
    afterAll(async () => {
      for (const s of open) s.close();
      if (!closed) await app?.close();
    });

    /** Grids of `district` handed out one by one, so that no two reports are duplicates. */
    const used = new Map<string, number>();
    async function freshPoint(district: string) {
      const grids = await ctx
        .handle()
        .db.selectFrom('zones')
        .select(['code', 'center_lat as lat', 'center_lon as lon'])
        .where('city_id', '=', 'lingnan')
        .where('level', '=', 'grid')
        .where('code', 'like', `${district}-%`)
        .orderBy('code', 'desc')
        .execute();
      const n = used.get(district) ?? 0;
      used.set(district, n + 1);
      const grid = grids[n];
      if (!grid) throw new Error(`out of grids in ${district}`);
      return { lat: grid.lat, lon: grid.lon };
    }

    /** Graffiti goes to urban management everywhere; a missing cover in LN-01-02 to the water bureau. */
    async function submit(kind: 'graffiti' | 'manhole', district = 'LN-01', target: FastifyInstance = app) {
      const at = await freshPoint(kind === 'manhole' ? 'LN-01-02' : district);
      return submitReport(
        target.platform,
        principal,
        {
          cityId: 'lingnan',
          categoryCode: kind === 'graffiti' ? 'graffiti' : 'manhole-cover-missing',
          description: 'test report',
          ...at,
          ...(kind === 'manhole' ? { attributes: { anyone_hurt: false } } : {}),
          channel: 'app',
        },
        { duplicates: app.platform.config.duplicates },
      );
    }

    /**
     * Opens the stream over a connection of its own (node:http without an agent: no pool that
     * keeps spare sockets open) and reads it in the background.
     */
    async function openStream(
      who: { read: Record<string, string> },
      headers: Record<string, string> = {},
    ): Promise<Stream> {
      const blocks: SseBlock[] = [];
      const waiters = new Set<() => void>();
      const request = http.get(`${base}/api/v1/cities/lingnan/work-orders/live`, {
        agent: false,
        headers: { ...who.read, ...headers },
      });
      const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
        request.once('response', resolve);
        request.once('error', reject);
      });
      response.setEncoding('utf8');
      let buffer = '';
      const stream: Stream = {
        status: response.statusCode ?? 0,
        contentType: response.headers['content-type'] ?? null,
        blocks,
        body: '',
        ended: new Promise<void>((resolve) => {
          response.once('close', resolve);
          request.once('close', resolve);
        }),
        async waitFor(predicate, what) {
          return new Promise<SseBlock>((resolve, reject) => {
            const timer = setTimeout(() => {
              waiters.delete(check);
              reject(new Error(`no ${what} within ${PATIENCE_MS} ms; got ${JSON.stringify(blocks)}`));
            }, PATIENCE_MS);
            const check = () => {
              const block = blocks.find(predicate);
              if (!block) return;
              clearTimeout(timer);
              waiters.delete(check);
              resolve(block);
            };
            waiters.add(check);
            check();
          });
        },
        events: () => blocks.filter((b) => b.event === 'work_order'),
        close: () => request.destroy(),
      };
      response.on('data', (text: string) => {
        stream.body += text;
        if (stream.status !== 200) return;
        buffer += text;
        let at = buffer.indexOf('\n\n');
        while (at >= 0) {
          blocks.push(parseBlock(buffer.slice(0, at)));
          buffer = buffer.slice(at + 2);
          at = buffer.indexOf('\n\n');
        }
        for (const check of [...waiters]) check();
      });
      response.on('error', () => {
        // Destroyed by the test.
      });
      if (stream.status !== 200) await new Promise((resolve) => response.once('end', resolve));
      open.push(stream);
      return stream;
    }

    const connected = (s: Stream) => s.waitFor((b) => b.retry !== undefined, 'retry hint');
    const eventFor = (s: Stream, workOrderId: string, action = 'submit') =>
      s.waitFor(
        (b) => b.event === 'work_order' && b.data?.id === workOrderId && b.data?.action === action,
        `${action} of ${workOrderId}`,
      );
    const ids = (s: Stream) => s.events().map((b) => b.data?.id);

    async function map(who: { read: Record<string, string> }, query = '') {
      return app.inject({ url: `/api/v1/cities/lingnan/work-orders/map${query}`, headers: who.read });
    }

    it('maps the work orders of my queue scope as GeoJSON, with their limits', async () => {
      const graffiti = await submit('graffiti');
      const manhole = await submit('manhole');
      const south = await submit('graffiti', 'LN-02');
      expect(manhole.departmentId).toBe(water.departmentId);
      expect(graffiti.departmentId).toBe(urban.departmentId);

      const res = await map(urban);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
      expect(res.headers['cache-control']).toBe('private, no-store');
      const fc = res.json();
      expect(fc.type).toBe('FeatureCollection');
      const feature = fc.features.find((f: { id: string }) => f.id === graffiti.workOrderId);
      expect(feature).toMatchObject({
        type: 'Feature',
        geometry: { type: 'Point' },
        properties: {
          id: graffiti.workOrderId,
          trackingNo: graffiti.trackingNo,
          status: 'dispatched',
          categoryCode: 'graffiti',
          departmentCode: 'urban-management',
          escalationLevel: 0,
          breaching: false,
          acceptDueAt: expect.any(String),
        },
      });
      const [lon, lat] = feature.geometry.coordinates;
      expect(lon).toBeGreaterThan(100);
      expect(lat).toBeLessThan(30);
      const seen = (fc: { features: { id: string }[] }) => fc.features.map((f) => f.id);
      expect(seen(fc)).toContain(south.workOrderId);
      expect(seen(fc)).not.toContain(manhole.workOrderId);

      // Another department, a narrower jurisdiction, the operations centre.
      expect(seen((await map(water)).json())).toContain(manhole.workOrderId);
      expect(seen((await map(water)).json())).not.toContain(graffiti.workOrderId);
      const southMap = seen((await map(urbanSouth)).json());
      expect(southMap).toContain(south.workOrderId);
      expect(southMap).not.toContain(graffiti.workOrderId);
      const all = seen((await map(operations)).json());
      expect(all).toEqual(expect.arrayContaining([graffiti.workOrderId, manhole.workOrderId, south.workOrderId]));

      // Breaching: a missing cover must be accepted within 30 minutes; 20 minutes on, it is breaching.
      const manholeOf = async () =>
        (await map(water)).json().features.find((f: { id: string }) => f.id === manhole.workOrderId).properties;
      expect((await manholeOf()).breaching).toBe(false);
      clock.advance(20 * 60_000);
      expect(await manholeOf()).toMatchObject({ breaching: true, nextDueAt: (await manholeOf()).acceptDueAt });

      // Filters.
      expect(seen((await map(urban, '?status=closed,resolved')).json())).toEqual([]);
      expect(seen((await map(urban, '?category=manhole-cover-missing')).json())).toEqual([]);
      const d = 0.0002;
      const box = `${lon - d},${lat - d},${lon + d},${lat + d}`;
      expect(seen((await map(urban, `?bbox=${box}`)).json())).toEqual([graffiti.workOrderId]);
      expect((await map(urban, '?status=nonsense')).statusCode).toBe(400);
      const bad = await map(urban, '?bbox=1,2,3');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('BBOX_INVALID');
      const one = (await map(operations, '?limit=1')).json();
      expect(one.features).toHaveLength(1);
      expect(one.truncated).toBe(true);

      // Staff of another city, citizens, nobody.
      expect((await map(nanwan)).statusCode).toBe(403);
      expect((await map(citizen)).statusCode).toBe(403);
      expect((await map({ read: {} })).statusCode).toBe(401);
    });

    it('answers odd input with a 4xx problem or a finished stream, never a 5xx', async () => {
      const odd = fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.uuid(),
        fc.constantFrom(
          '',
          '-0',
          'NaN',
          'dispatched,nonsense',
          '113,23,114,24',
          '1,2,3',
          '0192f000-0000-7000-8000-00000000beef',
          'x'.repeat(300),
        ),
      );
      const keys = fc.constantFrom('status', 'category', 'bbox', 'limit', 'lastEventId');
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('map', 'live'),
          fc.dictionary(keys, odd, { maxKeys: 4 }),
          fc.option(odd),
          fc.constantFrom(urban, operations, nanwan),
          async (what, query, lastEventId, who) => {
            const search = new URLSearchParams(query).toString();
            const url = `/api/v1/cities/lingnan/work-orders/${what}${search ? `?${search}` : ''}`;
            const headers: Record<string, string> = { ...who.read };
            if (lastEventId !== null && /^[\x20-\x7e]*$/.test(lastEventId)) headers['last-event-id'] = lastEventId;
            const res = await app.inject({ url, headers });
            if (res.statusCode >= 500) throw new Error(`${url} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
            if (res.statusCode >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          },
        ),
        { numRuns: 150 },
      );
    });

    it('ends the stream at once where there is no real connection (inject), and refuses non-staff', async () => {
      const url = '/api/v1/cities/lingnan/work-orders/live';
      const res = await app.inject({ url, headers: urban.read });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
      expect(res.body).toMatch(/^retry: \d+\n/);
      expect((await app.inject({ method: 'HEAD', url, headers: urban.read })).statusCode).toBe(200);
      expect((await app.inject({ url })).statusCode).toBe(401);
      expect((await app.inject({ url, headers: citizen.read })).statusCode).toBe(403);
      expect((await app.inject({ url, headers: nanwan.read })).statusCode).toBe(403);
      expect(
        (await app.inject({ url: '/api/v1/cities/nanwan/work-orders/live', headers: urban.read })).statusCode,
      ).toBe(403);
      // A Last-Event-ID this server cannot replay from: reload.
      const unknown = await app.inject({ url, headers: { ...urban.read, 'last-event-id': 'not-an-id' } });
      expect(unknown.body).toContain('event: reset');
    });

    it('streams each change to the staff whose scope covers it, and to nobody else', async () => {
      const urbanStream = await openStream(urban);
      const waterStream = await openStream(water);
      const opsStream = await openStream(operations);
      expect(urbanStream.status).toBe(200);
      expect(urbanStream.contentType).toBe('text/event-stream; charset=utf-8');
      await Promise.all([connected(urbanStream), connected(waterStream), connected(opsStream)]);

      const graffiti = await submit('graffiti');
      const event = await eventFor(urbanStream, graffiti.workOrderId);
      expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(event.data).toEqual({
        id: graffiti.workOrderId,
        status: 'dispatched',
        seq: 1,
        action: 'submit',
        escalationLevel: 0,
        departmentId: urban.departmentId,
        at: clock.now().toISOString(),
      });
      await eventFor(opsStream, graffiti.workOrderId);

      // The water bureau gets its own report, and never saw the graffiti before it.
      const manhole = await submit('manhole');
      await eventFor(waterStream, manhole.workOrderId);
      expect(ids(waterStream)).not.toContain(graffiti.workOrderId);
      await eventFor(opsStream, manhole.workOrderId);
      const later = await submit('graffiti');
      await eventFor(urbanStream, later.workOrderId);
      expect(ids(urbanStream)).not.toContain(manhole.workOrderId);

      // Heartbeats keep idle connections open.
      await urbanStream.waitFor((b) => b.comments.includes('heartbeat'), 'heartbeat');
      for (const s of [urbanStream, waterStream, opsStream]) s.close();
    });

    it('replays what a reconnecting client missed since its Last-Event-ID', async () => {
      const first = await openStream(urban);
      await connected(first);
      const before = await submit('graffiti');
      const seen = await eventFor(first, before.workOrderId);
      first.close();
      await first.ended;

      const missed = await submit('graffiti');
      const missedToo = await submit('graffiti');
      const again = await openStream(urban, { 'last-event-id': seen.id ?? '' });
      await eventFor(again, missed.workOrderId);
      await eventFor(again, missedToo.workOrderId);
      expect(ids(again)).not.toContain(before.workOrderId);
      expect(ids(again).indexOf(missed.workOrderId)).toBeLessThan(ids(again).indexOf(missedToo.workOrderId));
      // And then it goes on live.
      const after = await submit('graffiti');
      await eventFor(again, after.workOrderId);
      expect(ids(again).filter((id) => id === missed.workOrderId)).toHaveLength(1);
      again.close();

      // Without a socket (inject) the replay is the whole answer; staff elsewhere get none of it.
      const injected = await app.inject({
        url: '/api/v1/cities/lingnan/work-orders/live',
        headers: { ...urban.read, 'last-event-id': seen.id ?? '' },
      });
      expect(injected.body).toContain(missed.workOrderId);
      expect(injected.body).not.toContain(before.workOrderId);
      const other = await app.inject({
        url: `/api/v1/cities/lingnan/work-orders/live?lastEventId=${seen.id}`,
        headers: water.read,
      });
      expect(other.statusCode).toBe(200);
      expect(other.body).not.toContain(missed.workOrderId);
      // An id too old to replay from: reset.
      const stale = await app.inject({
        url: '/api/v1/cities/lingnan/work-orders/live',
        headers: { ...urban.read, 'last-event-id': '01890000-0000-7000-8000-000000000000' },
      });
      expect(stale.body).toContain('event: reset');
    });

    it('delivers an action committed late with an id older than those already seen', async () => {
      const stream = await openStream(operations);
      await connected(stream);
      const quiet = await submit('graffiti');
      const fresh = await submit('graffiti');
      await eventFor(stream, fresh.workOrderId);
      // As if a slow transaction had taken its id five seconds ago and committed only now.
      const at = (Date.now() - 5000).toString(16).padStart(12, '0');
      const oldId = `${at.slice(0, 8)}-${at.slice(8)}-7abc-8def-${uuidv7().slice(-12)}`;
      await governanceDb(ctx.handle().db)
        .insertInto('work_order_actions')
        .values({
          id: oldId,
          city_id: 'lingnan',
          work_order_id: quiet.workOrderId,
          seq: 2,
          action: 'warn',
          actor_kind: 'system',
          created_at: clock.now(),
        })
        .execute();
      const late = await eventFor(stream, quiet.workOrderId, 'warn');
      expect(late.id).toBe(oldId);
      expect(late.data).toMatchObject({ seq: 2, status: 'dispatched' });
      stream.close();
    });

    it('caps the connections of one person, and stops polling when the last one leaves', async () => {
      const feed = liveFeedOf(app.platform);
      if (!feed) throw new Error('no live feed');
      feed.configure({ maxPerStaff: 2 });
      try {
        const a = await openStream(urbanSouth);
        const b = await openStream(urbanSouth);
        await Promise.all([connected(a), connected(b)]);
        const c = await openStream(urbanSouth);
        expect(c.status).toBe(429);
        expect(JSON.parse(c.body)).toMatchObject({ code: 'LIVE_STREAMS_EXCEEDED' });
        expect(feed.polling).toBe(true);
        for (const s of open) s.close();
        await waitUntil(() => feed.size === 0 && !feed.polling, 'the poller to stop');
        // And starts again for the next one.
        const d = await openStream(urbanSouth);
        await connected(d);
        expect(feed.polling).toBe(true);
        const south = await submit('graffiti', 'LN-02');
        await eventFor(d, south.workOrderId);
        d.close();
      } finally {
        feed.configure({ maxPerStaff: 5 });
      }
    });

    it.runIf(ctx.kind === 'postgres')('delivers changes made by another process sharing the database', async () => {
      const other = await buildApp(ctx.config(), { database: await ctx.openAnother(), clock });
      try {
        const stream = await openStream(urban);
        await connected(stream);
        const elsewhere = await submit('graffiti', 'LN-01', other);
        await eventFor(stream, elsewhere.workOrderId);
        stream.close();
      } finally {
        await other.close();
      }
    });

    it('ends open streams and stops the poller when the app closes', async () => {
      const stream = await openStream(operations);
      await connected(stream);
      const feed = liveFeedOf(app.platform);
      const closing = app.close();
      await stream.ended;
      await closing;
      closed = true;
      expect(feed?.size).toBe(0);
      expect(feed?.polling).toBe(false);
    });

    async function waitUntil(condition: () => boolean, what: string) {
      const deadline = Date.now() + PATIENCE_MS;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  },
  'demo',
);
