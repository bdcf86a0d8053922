import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, signedInStaff, type TestSignIn } from '../../testing/identity.ts';
import { AppError } from '../http/errors.ts';
import { freshIp } from '../identity/citizen/test-support.ts';
import { scheduleMaintenance } from '../maintenance.ts';
import { ManualClock } from '../time/clock.ts';
import { claimUploads, findFile, listAttached, pruneUnattached, readFile } from './index.ts';
import { metadataTraces, PHOTO_SECRETS, photoWithMetadata, pixelBombPng, plainJpeg, readExif } from './test-support.ts';

/** The upload limit of these tests: small, so that an over-size body is cheap to build. */
const LIMIT = 1024 * 1024;

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describeEachDialect(
  'file uploads',
  (ctx) => {
    let app: FastifyInstance;
    const clock = new ManualClock('2026-06-01T02:00:00Z');
    let citizenA: TestSignIn;
    let citizenB: TestSignIn;
    let clerk: TestSignIn;
    let photo: Buffer;

    const upload = (
      body: Buffer | string | undefined,
      options: { headers?: Record<string, string>; ip?: string; city?: string; query?: string } = {},
    ) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/cities/${options.city ?? 'lingnan'}/uploads${options.query ? `?${options.query}` : ''}`,
        headers: { 'content-type': 'image/jpeg', 'accept-language': 'en', ...options.headers },
        remoteAddress: options.ip ?? freshIp(),
        ...(body === undefined ? {} : { payload: body }),
      });
    const view = (id: string, headers: Record<string, string> = {}, variant?: string, city = 'lingnan') =>
      app.inject({
        url: `/api/v1/cities/${city}/uploads/${id}${variant ? `?variant=${variant}` : ''}`,
        headers,
      });
    const problem = (res: LightMyRequestResponse) => {
      expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
      return res.json() as { code: string; title: string; status: number };
    };

    beforeAll(async () => {
      app = await buildApp(ctx.config({ ONECITY_UPLOAD_MAX_BYTES: String(LIMIT) }), {
        database: ctx.handle(),
        clock,
      });
      await app.ready();
      const db = ctx.handle().db;
      citizenA = await signedInCitizen(db, app.platform.config, clock);
      citizenB = await signedInCitizen(db, app.platform.config, clock);
      clerk = await signedInStaff(db, app.platform.config, clock, { roles: ['clerk'] });
      photo = await photoWithMetadata(600, 400);
    });
    afterAll(async () => {
      await app?.close();
    });

    it('stores and serves a phone photo upright and without EXIF, GPS, camera, XMP or colour profile', async () => {
      // The photo really carries the coordinates and the camera before it goes in.
      expect(readExif(photo)?.gps?.latitude).toEqual([...PHOTO_SECRETS.latitude]);
      expect(readExif(photo)?.make).toBe(PHOTO_SECRETS.make);
      expect(metadataTraces(photo).length).toBeGreaterThanOrEqual(6);

      const res = await upload(photo);
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({
        contentType: 'image/jpeg',
        width: 400,
        height: 600,
        thumbnail: { width: 213, height: 320 },
      });
      expect(body.claimToken).toMatch(/^[\w-]{43}$/);
      expect(res.headers.location).toBe(`/api/v1/cities/lingnan/uploads/${body.id}`);

      // What is stored…
      const row = await ctx
        .handle()
        .db.selectFrom('files')
        .selectAll()
        .where('id', '=', body.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        city_id: 'lingnan',
        purpose: 'report_photo',
        uploaded_by_kind: 'anonymous',
        uploaded_by_id: null,
        attached_at: null,
        byte_size: body.byteSize,
      });
      expect(row.claim_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.claim_hash).not.toContain(body.claimToken);
      for (const stored of [row.content, row.thumbnail]) {
        const bytes = Buffer.from(stored ?? new Uint8Array());
        expect(bytes.length).toBeGreaterThan(100);
        expect(metadataTraces(bytes)).toEqual([]);
        expect(readExif(bytes)).toBeNull();
        const meta = await sharp(bytes).metadata();
        expect([meta.exif, meta.xmp, meta.icc, meta.iptc]).toEqual([undefined, undefined, undefined, undefined]);
      }

      // …and what is served.
      for (const [variant, size] of [
        ['full', [400, 600]],
        ['thumbnail', [213, 320]],
      ] as const) {
        const served = await view(body.id, { 'x-claim-token': body.claimToken }, variant);
        expect(served.statusCode).toBe(200);
        expect(served.headers).toMatchObject({
          'content-type': 'image/jpeg',
          'x-content-type-options': 'nosniff',
          'content-disposition': 'inline',
        });
        expect(served.headers['cache-control']).toMatch(/^private, max-age=\d+$/);
        expect(served.headers.etag).toMatch(/^"[0-9a-f]{64}(-thumbnail)?"$/);
        const bytes = served.rawPayload;
        expect(metadataTraces(bytes)).toEqual([]);
        const meta = await sharp(bytes).metadata();
        expect(meta.exif).toBeUndefined();
        expect(meta.xmp).toBeUndefined();
        expect(meta.icc).toBeUndefined();
        expect([meta.width, meta.height]).toEqual(size);
        const again = await view(
          body.id,
          { 'x-claim-token': body.claimToken, 'if-none-match': served.headers.etag as string },
          variant,
        );
        expect(again.statusCode).toBe(304);
      }
    });

    it('reads the type from the bytes: a text file named and declared as a JPEG is a 415', async () => {
      const text = Buffer.from('Dear city, the manhole cover on Zhongshan Road is missing. (report.jpg)');
      const res = await upload(text, { headers: { 'content-type': 'image/jpeg' } });
      expect(res.statusCode).toBe(415);
      expect(problem(res)).toMatchObject({
        code: 'FILE_TYPE_NOT_ALLOWED',
        title: 'Only JPEG/PNG/WebP images can be uploaded',
      });
      const zh = await upload(text, { headers: { 'accept-language': 'zh-CN' } });
      expect(problem(zh).title).toBe('只能上传 JPEG/PNG/WebP 格式的图片');
      // A real photo declared as anything image/* or as bytes is fine; JSON or text is not read at all.
      expect((await upload(photo, { headers: { 'content-type': 'image/png' } })).statusCode).toBe(201);
      expect((await upload(photo, { headers: { 'content-type': 'application/octet-stream' } })).statusCode).toBe(201);
      const asText = await upload(photo, { headers: { 'content-type': 'text/plain' } });
      expect(asText.statusCode).toBe(415);
      expect(problem(asText).code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const asJson = await upload('{"photo":"x"}', { headers: { 'content-type': 'application/json' } });
      expect(asJson.statusCode).toBe(415);
    });

    it('refuses over-size, pixel bombs, damaged and empty uploads with a 4xx that says why', async () => {
      const big = Buffer.concat([photo, Buffer.alloc(LIMIT)]);
      const tooLarge = await upload(big);
      expect(tooLarge.statusCode).toBe(413);
      expect(problem(tooLarge)).toMatchObject({
        code: 'FILE_TOO_LARGE',
        title: 'The file is too large; the limit is 1 MB',
      });

      const bomb = await upload(pixelBombPng(30_000, 30_000), { headers: { 'content-type': 'image/png' } });
      expect(bomb.statusCode).toBe(413);
      expect(problem(bomb)).toMatchObject({
        code: 'IMAGE_TOO_MANY_PIXELS',
        title: 'The image has too many pixels; the limit is 40 megapixels',
      });

      const whole = await plainJpeg(800, 600);
      const truncated = await upload(whole.subarray(0, Math.floor(whole.length * 0.6)));
      expect(truncated.statusCode).toBe(400);
      expect(problem(truncated).code).toBe('IMAGE_UNREADABLE');

      const empty = await upload(undefined);
      expect(empty.statusCode).toBe(400);
      expect(problem(empty).code).toBe('FILE_EMPTY');
      expect(await ctx.handle().db.selectFrom('files').select('id').where('byte_size', '>', LIMIT).execute()).toEqual(
        [],
      );
    });

    it('shows an upload only to its uploader, never to another citizen, staff or anyone without the claim token', async () => {
      const mine = (await upload(photo, { headers: citizenA.write })).json();
      expect(mine.claimToken).toBeUndefined();
      expect((await view(mine.id, citizenA.read)).statusCode).toBe(200);
      for (const other of [citizenB.read, clerk.read, {}]) {
        const res = await view(mine.id, other);
        expect(res.statusCode).toBe(404);
        expect(problem(res).code).toBe('FILE_NOT_FOUND');
      }
      // Another city's address for the same id knows nothing of it.
      expect((await view(mine.id, citizenA.read, 'full', 'nanwan')).statusCode).toBe(404);

      const anonymous = (await upload(photo)).json();
      expect((await view(anonymous.id)).statusCode).toBe(404);
      expect((await view(anonymous.id, { 'x-claim-token': 'not-the-token' })).statusCode).toBe(404);
      expect((await view(anonymous.id, { 'x-claim-token': mine.claimToken ?? 'x' })).statusCode).toBe(404);
      expect((await view(anonymous.id, { 'x-claim-token': anonymous.claimToken })).statusCode).toBe(200);
      // The token works whoever holds it, e.g. the citizen after signing in.
      expect((await view(anonymous.id, { ...citizenB.read, 'x-claim-token': anonymous.claimToken })).statusCode).toBe(
        200,
      );
      expect((await view('not-a-uuid', citizenA.read)).statusCode).toBe(400);
    });

    it('lets only the uploader (or the claim token) attach an upload, once, in its own city', async () => {
      const db = ctx.handle().db;
      const principalA = { kind: 'citizen' as const, id: citizenA.id };
      const principalB = { kind: 'citizen' as const, id: citizenB.id };
      const first = (await upload(photo, { headers: citizenA.write })).json();
      const second = (await upload(photo, { headers: citizenA.write })).json();
      const report = uuidv7();
      const attach = (input: Partial<Parameters<typeof claimUploads>[1]>) =>
        db.transaction().execute((trx) =>
          claimUploads(trx, {
            cityId: 'lingnan',
            ids: [first.id, second.id],
            uploader: principalA,
            attachTo: { kind: 'report', id: report },
            now: clock.now(),
            ...input,
          }),
        );

      expect(await errorOf(attach({ uploader: principalB }))).toMatchObject({ code: 'FILE_NOT_FOUND', status: 404 });
      expect(await errorOf(attach({ uploader: { kind: 'anonymous' } }))).toMatchObject({ code: 'FILE_NOT_FOUND' });
      expect(await errorOf(attach({ cityId: 'nanwan' }))).toMatchObject({ code: 'FILE_NOT_FOUND' });
      expect(await errorOf(attach({ ids: [first.id, uuidv7()] }))).toMatchObject({ code: 'FILE_NOT_FOUND' });
      expect(await errorOf(attach({ ids: [first.id, 'junk'] }))).toMatchObject({ code: 'FILE_NOT_FOUND' });
      // None of the failures attached anything, even when the caller goes on and commits.
      await db.transaction().execute(async (trx) => {
        const input = { cityId: 'lingnan', uploader: principalA, attachTo: { kind: 'report', id: report } };
        expect((await errorOf(claimUploads(trx, { ...input, ids: [first.id, uuidv7()] }))).code).toBe('FILE_NOT_FOUND');
      });
      expect((await findFile(db, 'lingnan', first.id))?.attachedTo).toBeNull();

      const attached = await attach({});
      expect(attached.map((f) => f.id)).toEqual([first.id, second.id]);
      expect(attached[0]).toMatchObject({
        attachedTo: { kind: 'report', id: report },
        attachedAt: clock.now(),
        uploader: principalA,
      });
      // Attaching again to the same report is harmless; anywhere else is a conflict.
      expect((await attach({ ids: [second.id] })).map((f) => f.id)).toEqual([second.id]);
      const elsewhere = await errorOf(attach({ attachTo: { kind: 'report', id: uuidv7() } }));
      expect(elsewhere).toMatchObject({ code: 'FILE_ALREADY_ATTACHED', status: 409 });
      // Someone else learns nothing, not even that it is attached.
      expect(await errorOf(attach({ uploader: principalB, attachTo: { kind: 'report', id: uuidv7() } }))).toMatchObject(
        {
          code: 'FILE_NOT_FOUND',
        },
      );
      // Attached uploads are no longer served here (the report's own routes serve them).
      expect((await view(first.id, citizenA.read)).statusCode).toBe(404);
      expect((await listAttached(db, 'lingnan', { kind: 'report', id: report })).map((f) => f.id)).toEqual([
        first.id,
        second.id,
      ]);
      const thumb = await readFile(db, 'lingnan', first.id, 'thumbnail');
      expect(thumb).toMatchObject({ contentType: 'image/jpeg', width: 213, height: 320, variant: 'thumbnail' });
      expect(await readFile(db, 'nanwan', first.id, 'full')).toBeNull();
    });

    it('attaches an upload once when two requests race for it', async () => {
      const db = ctx.handle().db;
      const upl = (await upload(photo, { headers: citizenA.write })).json();
      const race = await Promise.allSettled(
        [uuidv7(), uuidv7()].map((target) =>
          db.transaction().execute((trx) =>
            claimUploads(trx, {
              cityId: 'lingnan',
              ids: [upl.id],
              uploader: { kind: 'citizen', id: citizenA.id },
              attachTo: { kind: 'report', id: target },
            }),
          ),
        ),
      );
      expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = race.find((r) => r.status === 'rejected');
      expect((lost as PromiseRejectedResult).reason).toMatchObject({ code: 'FILE_ALREADY_ATTACHED' });
    });

    it('lets an anonymous upload be attached only with its claim token', async () => {
      const db = ctx.handle().db;
      const upl = (await upload(photo)).json();
      const other = (await upload(photo)).json();
      const attach = (uploader: Parameters<typeof claimUploads>[1]['uploader'], claimTokens?: string[]) =>
        db.transaction().execute((trx) =>
          claimUploads(trx, {
            cityId: 'lingnan',
            ids: [upl.id],
            uploader,
            ...(claimTokens ? { claimTokens } : {}),
            attachTo: { kind: 'report', id: uuidv7() },
          }),
        );
      expect((await errorOf(attach({ kind: 'anonymous' }))).code).toBe('FILE_NOT_FOUND');
      expect((await errorOf(attach({ kind: 'anonymous' }, ['wrong']))).code).toBe('FILE_NOT_FOUND');
      expect((await errorOf(attach({ kind: 'anonymous' }, [other.claimToken]))).code).toBe('FILE_NOT_FOUND');
      const done = await attach({ kind: 'citizen', id: citizenB.id }, [other.claimToken, upl.claimToken]);
      expect(done[0]?.attachedTo?.kind).toBe('report');
      expect(done[0]?.uploader).toEqual({ kind: 'anonymous' });
    });

    it('lets staff upload the "after" photo to their own city only', async () => {
      const res = await upload(photo, { headers: clerk.write, query: 'purpose=resolution_photo' });
      expect(res.statusCode).toBe(201);
      expect((await findFile(ctx.handle().db, 'lingnan', res.json().id))?.purpose).toBe('resolution_photo');
      expect((await view(res.json().id, clerk.read)).statusCode).toBe(200);
      const elsewhere = await upload(photo, { headers: clerk.write, city: 'nanwan' });
      expect(elsewhere.statusCode).toBe(403);
      expect((await upload(photo, { query: 'purpose=avatar' })).statusCode).toBe(400);
      // A cookie-authenticated upload needs the CSRF token like any write.
      expect((await upload(photo, { headers: clerk.read })).statusCode).toBe(403);
    });

    it('limits anonymous uploads per address before reading the body', async () => {
      const ip = freshIp();
      for (let i = 0; i < 30; i++) expect((await upload(undefined, { ip })).statusCode).toBe(400);
      const limited = await upload(photo, { ip });
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBeDefined();
      // Another address, or a signed-in citizen from the same one, is not affected.
      expect((await upload(photo)).statusCode).toBe(201);
      expect((await upload(photo, { ip, headers: citizenA.write })).statusCode).toBe(201);
      clock.advance(60 * 60 * 1000);
      expect((await upload(photo, { ip })).statusCode).toBe(201);
    });

    it('does not replay an upload under an Idempotency-Key (the answer may hold a claim token)', async () => {
      const headers = { 'idempotency-key': `upload-${uuidv7()}` };
      const ip = freshIp();
      const one = await upload(photo, { headers, ip });
      const two = await upload(photo, { headers, ip });
      expect([one.statusCode, two.statusCode]).toEqual([201, 201]);
      expect(two.headers['idempotent-replayed']).toBeUndefined();
      expect(two.json().id).not.toBe(one.json().id);
      const stored = await ctx
        .handle()
        .db.selectFrom('idempotency_keys')
        .select('key')
        .where('key', '=', headers['idempotency-key'])
        .execute();
      expect(stored).toEqual([]);
    });

    it('removes uploads never attached after a day, in the hourly housekeeping', async () => {
      const db = ctx.handle().db;
      // Start from no unattached uploads (earlier tests leave some).
      clock.advance(60_000);
      await pruneUnattached(db, clock.now());
      const keep = (await upload(photo, { headers: citizenA.write })).json();
      const drop = (await upload(photo, { headers: citizenA.write })).json();
      await db.transaction().execute((trx) =>
        claimUploads(trx, {
          cityId: 'lingnan',
          ids: [keep.id],
          uploader: { kind: 'citizen', id: citizenA.id },
          attachTo: { kind: 'report', id: uuidv7() },
          now: clock.now(),
        }),
      );
      expect(await pruneUnattached(db, new Date(clock.now().getTime() - 1000))).toBe(0);
      clock.advance(25 * 60 * 60 * 1000);
      await scheduleMaintenance(app.platform.jobs, db, clock);
      await app.platform.jobs.runDue();
      expect(await findFile(db, 'lingnan', drop.id)).toBeNull();
      expect(await findFile(db, 'lingnan', keep.id)).not.toBeNull();
      const left = await db.selectFrom('files').select('id').where('attached_at', 'is', null).execute();
      expect(left).toEqual([]);
    });

    it('survives arbitrary bytes under any image type: never a 5xx, always problem+json', async () => {
      const jpeg = await plainJpeg(64, 48);
      const bytes = fc.oneof(
        fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
        fc.integer({ min: 1, max: jpeg.length - 1 }).map((n) => jpeg.subarray(0, n)),
        fc.tuple(fc.integer({ min: 0, max: jpeg.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([at, value]) => {
          const copy = Buffer.from(jpeg);
          copy[at] = value;
          return copy;
        }),
      );
      const type = fc.constantFrom(
        'image/jpeg',
        'image/png',
        'image/webp',
        'image/heic',
        'image/svg+xml',
        'application/octet-stream',
      );
      await fc.assert(
        fc.asyncProperty(bytes, type, async (payload, contentType) => {
          const res = await upload(payload, { headers: { 'content-type': contentType } });
          if (res.statusCode >= 500) throw new Error(`${res.statusCode}: ${res.body.slice(0, 300)}`);
          if (res.statusCode !== 201) problem(res);
        }),
        { numRuns: 40 },
      );
    });

    it('describes the upload in the OpenAPI document as an image body', async () => {
      const doc = (await app.inject({ url: '/openapi.json' })).json();
      const post = doc.paths['/api/v1/cities/{city}/uploads'].post;
      expect(Object.keys(post.requestBody.content)).toEqual(
        expect.arrayContaining(['image/jpeg', 'image/png', 'image/webp', 'application/octet-stream']),
      );
      expect(post.requestBody.content['image/jpeg'].schema).toMatchObject({ type: 'string', format: 'binary' });
      expect(post.responses['201']).toBeDefined();
      const get = doc.paths['/api/v1/cities/{city}/uploads/{id}'].get;
      expect(get.responses['200'].content['image/jpeg']).toBeDefined();
    });
  },
  'demo',
);

describe('the upload limit', () => {
  it('is the route’s own body limit, apart from the JSON one', async () => {
    const { loadConfig } = await import('../../config.ts');
    expect(loadConfig({}).uploads).toEqual({ maxBytes: 10 * 1024 * 1024, maxPixels: 40_000_000 });
    expect(loadConfig({}).http.bodyLimit).toBe(1024 * 1024);
    expect(loadConfig({ ONECITY_UPLOAD_MAX_BYTES: '2097152', ONECITY_UPLOAD_MAX_MEGAPIXELS: '12' }).uploads).toEqual({
      maxBytes: 2 * 1024 * 1024,
      maxPixels: 12_000_000,
    });
  });
});
