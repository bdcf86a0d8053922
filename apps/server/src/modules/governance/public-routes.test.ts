import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { cellToLatLng, cellToParent } from 'h3-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { processImage, storeUpload } from '../../platform/files/index.ts';
import { plainJpeg } from '../../platform/files/test-support.ts';
import type { CitizenPrincipal } from '../../platform/identity/principal.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, type TestSignIn } from '../../testing/identity.ts';
import { type ReportInput, submitReport } from './intake.ts';
import { PUBLIC_TOTAL_MAX_AGE_MS } from './public.ts';
import { governanceDb } from './schema.ts';

const PHONE = '13912345678';
const DESCRIPTION = `路灯旁的墙上被乱涂乱画，请联系王小明 ${PHONE}`;

describeEachDialect(
  'governance: the public transparency feed',
  (ctx) => {
    let app: FastifyInstance;
    let citizen: TestSignIn;
    let principal: CitizenPrincipal;
    const clock = new ManualClock('2026-06-01T02:00:00Z');
    const base = '/api/v1/cities/lingnan/public';

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      citizen = await signedInCitizen(ctx.handle().db, app.platform.config, clock, { phone: '+8613800001111' });
      principal = { kind: 'citizen', id: citizen.id, sessionId: 'test', actingFor: null };
    });
    afterAll(async () => {
      await app?.close();
    });

    /** The representative point of a demo zone, nudged by `north` metres so that reports do not count as duplicates. */
    async function pointIn(code: string, north = 0) {
      const zone = await ctx
        .handle()
        .db.selectFrom('zones')
        .select(['center_lat as lat', 'center_lon as lon'])
        .where('city_id', '=', 'lingnan')
        .where('code', '=', code)
        .executeTakeFirstOrThrow();
      return { lat: zone.lat + north / 111_000, lon: zone.lon };
    }

    /** A grid of district LN-02 no earlier call handed out: reports there are never duplicates of each other. */
    let gridsUsed = 0;
    async function freshGrid() {
      const grids = await ctx
        .handle()
        .db.selectFrom('zones')
        .select('code')
        .where('city_id', '=', 'lingnan')
        .where('level', '=', 'grid')
        .where('code', 'like', 'LN-02-%')
        .orderBy('code')
        .execute();
      const grid = grids[gridsUsed++];
      if (!grid) throw new Error('out of demo grids');
      return pointIn(grid.code);
    }

    async function report(input: Partial<ReportInput> & { categoryCode: string; lat: number; lon: number }) {
      return submitReport(
        app.platform,
        principal,
        { cityId: 'lingnan', description: DESCRIPTION, channel: 'app', deviceId: 'device-secret-42', ...input },
        { duplicates: app.platform.config.duplicates },
      );
    }

    async function list(query = '') {
      const res = await app.inject({ url: `${base}/reports${query}` });
      expect(res.statusCode, res.body).toBe(200);
      return res;
    }

    it('shows one item per problem with its first tracking number, and nothing personal anywhere', async () => {
      const at = await pointIn('LN-01-02-01', 5);
      const first = await report({ categoryCode: 'graffiti', ...at, address: '岭南路 8 号旁' });
      // The same problem reported again a few metres away: a duplicate, not a second item.
      const second = await report({ categoryCode: 'graffiti', lat: at.lat + 0.00002, lon: at.lon });
      expect(second.workOrderId).toBe(first.workOrderId);

      const res = await list();
      expect(res.headers['cache-control']).toBe('public, max-age=30');
      const body = res.json();
      const items = body.items.filter((i: { trackingNo: string }) => i.trackingNo === first.trackingNo);
      expect(items).toHaveLength(1);
      expect(body.items.find((i: { trackingNo: string }) => i.trackingNo === second.trackingNo)).toBeUndefined();
      expect(items[0]).toMatchObject({
        categoryCode: 'graffiti',
        status: expect.any(String),
        reportCount: 2,
        address: '岭南路 8 号旁',
        district: 'LN-01',
        street: 'LN-01-02',
        location: { precision: 'approximate' },
        photoIds: [],
      });
      expect(items[0].location.lat).toBeCloseTo(at.lat, 4);
      expect(items[0].location.lon).toBeCloseTo(at.lon, 4);
      expect(String(items[0].location.lat).split('.')[1]?.length ?? 0).toBeLessThanOrEqual(4);
      expect(String(items[0].location.lon).split('.')[1]?.length ?? 0).toBeLessThanOrEqual(4);

      // No reporter, contact, device, description — in the list or on the map, in any form.
      const map = await app.inject({ url: `${base}/reports/map` });
      expect(map.statusCode).toBe(200);
      const report2 = await governanceDb(ctx.handle().db)
        .selectFrom('reports')
        .select(['id'])
        .where('tracking_no', '=', first.trackingNo)
        .executeTakeFirstOrThrow();
      for (const raw of [res.body, map.body]) {
        for (const secret of [
          PHONE,
          '王小明',
          DESCRIPTION,
          citizen.id,
          'device-secret-42',
          '13800001111',
          report2.id,
          first.workOrderId,
        ]) {
          expect(raw).not.toContain(secret);
        }
        expect(raw).not.toMatch(/description|reporter|contact|device|citizen/i);
      }
    });

    it('places sensitive categories only at their H3 resolution-7 cell centre, without the address', async () => {
      const at = await pointIn('LN-01-01-02');
      const noise = await report({ categoryCode: 'noise-nuisance', ...at, address: '岭南路 12 号 301 室' });
      const wo = await governanceDb(ctx.handle().db)
        .selectFrom('work_orders')
        .select(['h3_res9', 'lat', 'lon'])
        .where('id', '=', noise.workOrderId)
        .executeTakeFirstOrThrow();
      const [cLat, cLon] = cellToLatLng(cellToParent(wo.h3_res9, 7));

      const res = await list('?category=noise-nuisance');
      const item = res.json().items.find((i: { trackingNo: string }) => i.trackingNo === noise.trackingNo);
      expect(item).toMatchObject({ address: null, location: { precision: 'area' } });
      expect(item.location.lat).toBeCloseTo(cLat, 5);
      expect(item.location.lon).toBeCloseTo(cLon, 5);
      expect(Math.abs(item.location.lat - wo.lat) + Math.abs(item.location.lon - wo.lon)).toBeGreaterThan(0.0001);
      expect(res.body).not.toContain('301 室');

      // A tiny box around the true spot does not find it (that would pinpoint it); one around the centre does.
      const d = 0.0005;
      const around = (lat: number, lon: number) => `${lon - d},${lat - d},${lon + d},${lat + d}`;
      const trueBox = await app.inject({
        url: `${base}/reports/map?category=noise-nuisance&bbox=${around(wo.lat, wo.lon)}`,
      });
      expect(trueBox.statusCode).toBe(200);
      expect(Math.abs(cLat - wo.lat) > d || Math.abs(cLon - wo.lon) > d).toBe(true);
      expect(trueBox.json().features.map((f: { id: string }) => f.id)).not.toContain(noise.trackingNo);
      const centreBox = await app.inject({
        url: `${base}/reports/map?category=noise-nuisance&bbox=${around(cLat, cLon)}`,
      });
      const feature = centreBox.json().features.find((f: { id: string }) => f.id === noise.trackingNo);
      expect(feature).toBeDefined();
      expect(feature.geometry.coordinates[0]).toBeCloseTo(cLon, 5);
      expect(feature.geometry.coordinates[1]).toBeCloseTo(cLat, 5);
      expect(feature.properties).toMatchObject({ address: null, precision: 'area' });

      // Nor does a grid filter: a grid is finer than what is published of a sensitive item.
      const byGrid = await list('?category=noise-nuisance&zone=LN-01-01-02');
      expect(byGrid.json().items.map((i: { trackingNo: string }) => i.trackingNo)).not.toContain(noise.trackingNo);
      const byStreet = await list('?category=noise-nuisance&zone=LN-01-01');
      expect(byStreet.json().items.map((i: { trackingNo: string }) => i.trackingNo)).toContain(noise.trackingNo);
    });

    it('answers GeoJSON: a FeatureCollection of points as [longitude, latitude], newest first, within the bbox', async () => {
      const a = await report({ categoryCode: 'graffiti', ...(await freshGrid()) });
      clock.advance(60_000);
      const b = await report({ categoryCode: 'graffiti', ...(await freshGrid()) });
      const res = await app.inject({ url: `${base}/reports/map?category=graffiti` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
      expect(res.headers['cache-control']).toBe('public, max-age=30');
      const fc = res.json();
      expect(fc.type).toBe('FeatureCollection');
      expect(fc.truncated).toBe(false);
      expect(fc.features.length).toBeGreaterThanOrEqual(2);
      for (const f of fc.features) {
        expect(f.type).toBe('Feature');
        expect(f.geometry.type).toBe('Point');
        expect(f.geometry.coordinates).toHaveLength(2);
        const [lon, lat] = f.geometry.coordinates;
        // Lingnan is at about 113° E, 23° N: longitude first.
        expect(lon).toBeGreaterThan(100);
        expect(lon).toBeLessThan(120);
        expect(lat).toBeGreaterThan(20);
        expect(lat).toBeLessThan(30);
      }
      const ids = fc.features.map((f: { id: string }) => f.id);
      expect(ids.indexOf(b.trackingNo)).toBeLessThan(ids.indexOf(a.trackingNo));
      const created = fc.features.map((f: { properties: { createdAt: string } }) => f.properties.createdAt);
      expect([...created].sort().reverse()).toEqual(created);

      // The bbox keeps what is inside and drops the rest; limit caps; a bad bbox is a 400.
      const pa = fc.features.find((f: { id: string }) => f.id === a.trackingNo).geometry.coordinates;
      const box = `${pa[0] - 0.0001},${pa[1] - 0.0001},${pa[0] + 0.0001},${pa[1] + 0.0001}`;
      const inside = (await app.inject({ url: `${base}/reports/map?category=graffiti&bbox=${box}` })).json();
      expect(inside.features.map((f: { id: string }) => f.id)).toEqual([a.trackingNo]);
      const one = (await app.inject({ url: `${base}/reports/map?category=graffiti&limit=1` })).json();
      expect(one.features).toHaveLength(1);
      expect(one.truncated).toBe(true);
      for (const bad of ['1,2,3', '113,23,112,24', 'a,b,c,d', '190,0,191,1', '1,2,3,4,5']) {
        const res = await app.inject({ url: `${base}/reports/map?bbox=${encodeURIComponent(bad)}` });
        expect(res.statusCode, bad).toBe(400);
        expect(res.json().code).toBe('BBOX_INVALID');
      }
    });

    it('filters by status, category, zone and time, and pages', async () => {
      const since = new Date(clock.now().getTime() + 1000);
      clock.advance(60_000);
      const fresh = await report({ categoryCode: 'graffiti', ...(await freshGrid()) });
      const recent = (await list(`?since=${encodeURIComponent(since.toISOString())}`)).json();
      expect(recent.items.map((i: { trackingNo: string }) => i.trackingNo)).toEqual([fresh.trackingNo]);
      expect(recent.total).toBe(1);

      const all = (await list('?pageSize=100')).json();
      expect(all.total).toBeGreaterThanOrEqual(5);
      const page2 = (await list('?pageSize=2&page=2')).json();
      expect(page2).toMatchObject({ page: 2, pageSize: 2, total: all.total });
      expect(page2.items.map((i: { trackingNo: string }) => i.trackingNo)).toEqual(
        all.items.slice(2, 4).map((i: { trackingNo: string }) => i.trackingNo),
      );

      const open = (await list('?status=open&pageSize=100')).json();
      expect(open.total).toBe(all.total);
      const closedBefore = (await list('?status=closed')).json().total;
      await governanceDb(ctx.handle().db)
        .updateTable('work_orders')
        .set({ status: 'closed' })
        .where('id', '=', fresh.workOrderId)
        .execute();
      // The items are current at once; the total, counted at most once per interval, within it.
      const soon = (await list('?status=closed')).json();
      expect(soon.items.map((i: { trackingNo: string }) => i.trackingNo)).toContain(fresh.trackingNo);
      expect(soon.total).toBe(closedBefore);
      clock.advance(PUBLIC_TOTAL_MAX_AGE_MS + 1);
      const closed = (await list('?status=closed')).json();
      expect(closed.total).toBe(closedBefore + 1);
      expect(closed.items.map((i: { trackingNo: string }) => i.trackingNo)).toContain(fresh.trackingNo);

      const district = (await list('?zone=LN-02&pageSize=100')).json();
      expect(district.items.every((i: { district: string }) => i.district === 'LN-02')).toBe(true);
      expect(district.items.map((i: { trackingNo: string }) => i.trackingNo)).toContain(fresh.trackingNo);
      expect(
        (await list('?category=noise-nuisance'))
          .json()
          .items.every((i: { categoryCode: string }) => i.categoryCode === 'noise-nuisance'),
      ).toBe(true);

      expect((await app.inject({ url: `${base}/reports?zone=NOWHERE` })).statusCode).toBe(404);
      expect((await app.inject({ url: `${base}/reports?status=pending` })).statusCode).toBe(400);
      expect((await app.inject({ url: `${base}/reports?since=yesterday` })).statusCode).toBe(400);
      expect((await app.inject({ url: `${base}/reports?pageSize=1000` })).statusCode).toBe(400);
      expect((await app.inject({ url: '/api/v1/cities/atlantis/public/reports' })).statusCode).toBe(404);
    });

    it('hides work orders returned as invalid or merged into another', async () => {
      const wrong = await report({ categoryCode: 'graffiti', ...(await freshGrid()) });
      const before = (await list('?pageSize=100')).json().items.map((i: { trackingNo: string }) => i.trackingNo);
      expect(before).toContain(wrong.trackingNo);
      for (const status of ['invalid', 'merged']) {
        await governanceDb(ctx.handle().db)
          .updateTable('work_orders')
          .set({ status })
          .where('id', '=', wrong.workOrderId)
          .execute();
        const after = await list('?pageSize=100');
        expect(after.json().items.map((i: { trackingNo: string }) => i.trackingNo)).not.toContain(wrong.trackingNo);
        expect((await app.inject({ url: `${base}/reports/map` })).body).not.toContain(wrong.trackingNo);
      }
    });

    it('serves a photo only once staff approved it; anything else is 404', async () => {
      const processed = await processImage(await plainJpeg(320, 240));
      const upload = await storeUpload(ctx.handle().db, {
        cityId: 'lingnan',
        purpose: 'report_photo',
        uploader: principal,
        processed,
        now: clock.now(),
      });
      const withPhoto = await report({
        categoryCode: 'graffiti',
        ...(await freshGrid()),
        photoIds: [upload.id],
      });
      const photoUrl = `${base}/photos/${upload.id}`;
      const itemOf = async () =>
        (await list('?pageSize=100'))
          .json()
          .items.find((i: { trackingNo: string }) => i.trackingNo === withPhoto.trackingNo);

      expect((await app.inject({ url: photoUrl })).statusCode).toBe(404);
      expect((await itemOf()).photoIds).toEqual([]);

      await governanceDb(ctx.handle().db)
        .updateTable('report_photos')
        .set({ public_approved_at: clock.now() })
        .where('file_id', '=', upload.id)
        .execute();
      expect((await itemOf()).photoIds).toEqual([upload.id]);
      const full = await app.inject({ url: photoUrl });
      expect(full.statusCode).toBe(200);
      expect(full.headers['content-type']).toBe('image/jpeg');
      expect(full.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      const thumb = await app.inject({ url: `${photoUrl}?variant=thumbnail` });
      expect(thumb.statusCode).toBe(200);
      expect(thumb.rawPayload.length).toBeLessThan(full.rawPayload.length);

      // Another city, an unknown id, not an id, and an uploaded file that is no report photo.
      expect((await app.inject({ url: `/api/v1/cities/nanwan/public/photos/${upload.id}` })).statusCode).toBe(404);
      expect((await app.inject({ url: `${base}/photos/0192f000-0000-7000-8000-00000000beef` })).statusCode).toBe(404);
      expect((await app.inject({ url: `${base}/photos/..%2f..%2fetc` })).statusCode).toBe(404);
      const loose = await storeUpload(ctx.handle().db, {
        cityId: 'lingnan',
        purpose: 'report_photo',
        uploader: principal,
        processed,
        now: clock.now(),
      });
      const res = await app.inject({ url: `${base}/photos/${loose.id}` });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);

      // Withdrawn again: gone.
      await governanceDb(ctx.handle().db)
        .updateTable('report_photos')
        .set({ public_approved_at: null })
        .where('file_id', '=', upload.id)
        .execute();
      expect((await app.inject({ url: photoUrl })).statusCode).toBe(404);
    });

    it('answers odd filters with a 4xx problem, never a 5xx', async () => {
      const odd = fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom(
          '',
          ' ',
          '-0',
          '1e309',
          'NaN',
          '113,23,114,24',
          '-181,0,0,0',
          '0,0,0,0',
          ',,,',
          '%00',
          '2026-13-45T99:00:00Z',
          '0192f000-0000-7000-8000-00000000beef',
          'x'.repeat(300),
        ),
        fc.double().map(String),
      );
      const keys = fc.constantFrom(
        'page',
        'pageSize',
        'category',
        'status',
        'zone',
        'since',
        'bbox',
        'limit',
        'variant',
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(`${base}/reports`, `${base}/reports/map`, `${base}/photos/`),
          fc.dictionary(keys, odd, { maxKeys: 4 }),
          odd,
          async (path, query, id) => {
            const search = new URLSearchParams(query).toString();
            const url = `${path}${path.endsWith('/') ? encodeURIComponent(id) || 'x' : ''}${search ? `?${search}` : ''}`;
            const res = await app.inject({ url });
            if (res.statusCode >= 500) throw new Error(`${url} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
            if (res.statusCode >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          },
        ),
        { numRuns: 150 },
      );
    });
  },
  'demo',
);
