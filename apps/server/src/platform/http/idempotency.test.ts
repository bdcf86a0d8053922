import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../app.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { ManualClock } from '../time/clock.ts';
import { purgeExpiredIdempotencyKeys } from './idempotency.ts';

describeEachDialect('Idempotency-Key', (ctx) => {
  let app: FastifyInstance;
  const clock = new ManualClock('2026-03-02T02:00:00Z');
  let runs = 0;
  let failNext = false;
  let gate: Promise<void> = Promise.resolve();
  let issued = 0;

  beforeAll(async () => {
    app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
    app.post('/test/secrets', { config: { replay: false } }, async () => ({ secret: `s-${++issued}` }));
    app
      .withTypeProvider<ZodTypeProvider>()
      .post(
        '/test/orders',
        { schema: { body: z.object({ item: z.string(), qty: z.number().int().positive() }) } },
        async (request, reply) => {
          await gate;
          if (failNext) {
            failNext = false;
            throw new Error('database went away');
          }
          runs++;
          return reply
            .status(201)
            .header('location', `/test/orders/${runs}`)
            .send({ order: runs, ...request.body });
        },
      );
  });
  afterAll(async () => {
    await app.close();
  });

  it('never stores or replays the answer of a route that reveals a secret', async () => {
    const first = await app.inject({
      method: 'POST',
      url: '/test/secrets',
      headers: { 'idempotency-key': 'k-secret-2' },
      payload: {},
    });
    const again = await app.inject({
      method: 'POST',
      url: '/test/secrets',
      headers: { 'idempotency-key': 'k-secret-2' },
      payload: {},
    });
    expect(first.json().secret).not.toBe(again.json().secret);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    const stored = await ctx.handle().db.selectFrom('idempotency_keys').select('key').execute();
    expect(stored.map((r) => r.key)).not.toContain('k-secret-2');
  });

  const post = (key: string | undefined, payload: object, remoteAddress = '10.0.0.1') =>
    app.inject({
      method: 'POST',
      url: '/test/orders',
      headers: key === undefined ? {} : { 'idempotency-key': key },
      payload,
      remoteAddress,
    });

  it('replays the first answer to a repeat and runs the handler once', async () => {
    const before = runs;
    const first = await post('k-replay-1', { item: 'cover', qty: 1 });
    const again = await post('k-replay-1', { qty: 1, item: 'cover' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(runs).toBe(before + 1);
  });

  it('runs every request without a key', async () => {
    const before = runs;
    await post(undefined, { item: 'a', qty: 1 });
    await post(undefined, { item: 'a', qty: 1 });
    expect(runs).toBe(before + 2);
  });

  it('refuses the same key with a different body (422)', async () => {
    await post('k-reuse', { item: 'cover', qty: 1 });
    const other = await app.inject({
      method: 'POST',
      url: '/test/orders',
      headers: { 'idempotency-key': 'k-reuse', 'accept-language': 'en' },
      payload: { item: 'cover', qty: 2 },
      remoteAddress: '10.0.0.1',
    });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('rejects a malformed key (400)', async () => {
    const res = await post('has spaces in it', { item: 'a', qty: 1 });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('IDEMPOTENCY_KEY_INVALID');
    expect((await post('x'.repeat(256), { item: 'a', qty: 1 })).statusCode).toBe(400);
  });

  it('answers 409 while the first request with the key is still running', async () => {
    let open!: () => void;
    gate = new Promise((resolve) => {
      open = resolve;
    });
    const first = post('k-busy', { item: 'b', qty: 1 });
    await new Promise((r) => setTimeout(r, 50));
    const second = await post('k-busy', { item: 'b', qty: 1 });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(second.headers['retry-after']).toBe('1');
    open();
    gate = Promise.resolve();
    expect((await first).statusCode).toBe(201);
    expect((await post('k-busy', { item: 'b', qty: 1 })).headers['idempotent-replayed']).toBe('true');
  });

  it('lets a retry run again after a server error', async () => {
    failNext = true;
    const failed = await post('k-retry', { item: 'c', qty: 1 });
    expect(failed.statusCode).toBe(500);
    const before = runs;
    const retried = await post('k-retry', { item: 'c', qty: 1 });
    expect(retried.statusCode).toBe(201);
    expect(runs).toBe(before + 1);
  });

  it("never hands one caller another caller's stored answer", async () => {
    const mine = await post('k-shared', { item: 'mine', qty: 1 }, '10.0.0.1');
    const theirs = await post('k-shared', { item: 'mine', qty: 1 }, '10.0.0.2');
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.json().order).not.toBe(mine.json().order);
  });

  it('forgets keys after 24 hours', async () => {
    await post('k-expire', { item: 'd', qty: 1 });
    clock.advance(24 * 60 * 60 * 1000 + 1000);
    const before = runs;
    const later = await post('k-expire', { item: 'd', qty: 1 });
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(runs).toBe(before + 1);
    clock.advance(24 * 60 * 60 * 1000 + 1000);
    expect(await purgeExpiredIdempotencyKeys(ctx.handle().db, clock.now())).toBeGreaterThan(0);
    const left = await ctx.handle().db.selectFrom('idempotency_keys').select('key').execute();
    expect(left).toEqual([]);
  });
});
