import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../app.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { waitFor } from '../events/testing.ts';
import { canonicalJson } from '../json/canonical.ts';
import { ManualClock } from '../time/clock.ts';
import { AppError } from './errors.ts';
import { purgeExpiredIdempotencyKeys } from './idempotency.ts';

describeEachDialect('Idempotency-Key', (ctx) => {
  let app: FastifyInstance;
  const clock = new ManualClock('2026-03-02T02:00:00Z');
  let runs = 0;
  let failNext = false;
  let gate: Promise<void> = Promise.resolve();
  let issued = 0;
  /** What /test/effects does after its transaction committed: answer, or fail as a dying process would. */
  let afterCommit: 'answer' | 'fail' = 'answer';
  let effectsGate: Promise<void> = Promise.resolve();
  let limitedOnce = true;

  const effects = async () =>
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM test_idempotent_effects`.execute(ctx.handle().db)).rows[0]
      ?.n;

  beforeAll(async () => {
    app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
    await sql`CREATE TABLE test_idempotent_effects (n serial PRIMARY KEY, item text NOT NULL)`.execute(ctx.handle().db);
    app.post('/test/effects', async (request, reply) => {
      await effectsGate;
      const { item } = request.body as { item: string };
      await app.platform.db
        .transaction()
        .execute((trx) => sql`INSERT INTO test_idempotent_effects (item) VALUES (${item})`.execute(trx));
      if (afterCommit === 'fail') throw new Error('the process died before answering');
      return reply.status(201).send({ item });
    });
    app.post('/test/limited', async (_request, reply) => {
      if (limitedOnce) {
        limitedOnce = false;
        throw new AppError('RATE_LIMITED', {}, { headers: { 'retry-after': '1' } });
      }
      return reply.status(201).send({ done: true });
    });
    app.post('/test/optional', async (request) => ({ given: request.body === undefined ? 'nothing' : request.body }));
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

  it('tells no body from a body of JSON null under one key', async () => {
    const send = (key: string, payload?: string, type = 'application/json') =>
      app.inject({
        method: 'POST',
        url: '/test/optional',
        headers: { 'idempotency-key': key, ...(payload === undefined ? {} : { 'content-type': type }) },
        ...(payload === undefined ? {} : { payload }),
      });
    expect((await send('k-optional-1')).json()).toEqual({ given: 'nothing' });
    expect((await send('k-optional-1', 'null')).json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await send('k-optional-1')).headers['idempotent-replayed']).toBe('true');
    expect((await send('k-optional-2', 'null')).json()).toEqual({ given: null });
    expect((await send('k-optional-2')).json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await send('k-optional-2', 'null')).headers['idempotent-replayed']).toBe('true');
  });

  it('refuses the same key with fields the route does not read added (422): the body as sent counts', async () => {
    await post('k-extra', { item: 'cover', qty: 1 });
    const other = await post('k-extra', { item: 'cover', qty: 1, note: 'another body' } as object);
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await post('k-extra', { qty: 1, item: 'cover' })).headers['idempotent-replayed']).toBe('true');
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

  const effect = (key: string, item: string) =>
    app.inject({ method: 'POST', url: '/test/effects', headers: { 'idempotency-key': key }, payload: { item } });

  /** A reservation of `key` for the request `effect(key, 'cover')`, held by process `owner`. */
  async function reserved(key: string, owner: string, state: 'processing' | 'committed' = 'processing') {
    const hash = createHash('sha256')
      .update(`POST\n/test/effects\njson:${canonicalJson({ item: 'cover' })}`)
      .digest('hex');
    await ctx
      .handle()
      .db.insertInto('idempotency_keys')
      .values({
        scope: 'ip:127.0.0.1',
        key,
        method: 'POST',
        path: '/test/effects',
        request_hash: hash,
        state,
        created_at: clock.now(),
        expires_at: new Date(clock.now().getTime() + 60_000),
        owner,
        reservation: `${owner}/1`,
      })
      .execute();
  }

  it('never runs twice a request whose effects committed before its answer was lost', async () => {
    const before = await effects();
    afterCommit = 'fail';
    const first = await effect('k-lost', 'cover');
    afterCommit = 'answer';
    expect(first.statusCode).toBe(500);
    expect(await effects()).toBe((before ?? 0) + 1);
    const retried = await effect('k-lost', 'cover');
    expect(retried.statusCode).toBe(409);
    expect(retried.json().code).toBe('IDEMPOTENCY_KEY_ANSWER_LOST');
    expect(await effects()).toBe((before ?? 0) + 1);
    const row = await ctx
      .handle()
      .db.selectFrom('idempotency_keys')
      .select(['state', 'owner'])
      .where('key', '=', 'k-lost')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'committed', owner: app.platform.instanceId });
  });

  it('takes a reservation over at once from a process that is gone', async () => {
    await reserved('k-orphan', 'gone-host:1:00000000');
    const before = await effects();
    const retried = await effect('k-orphan', 'cover');
    expect(retried.statusCode, retried.body).toBe(201);
    expect(await effects()).toBe((before ?? 0) + 1);
  });

  it('never runs again what a process that is gone committed, and says so once it stays gone', async () => {
    await reserved('k-gone-committed', 'gone-host:3:33333333', 'committed');
    const before = await effects();
    if (ctx.kind === 'postgres') {
      // No session of that process right now: it may be between a database restart and its
      // next query, about to store its answer; it is given a few seconds.
      const early = await effect('k-gone-committed', 'cover');
      expect(early.statusCode).toBe(409);
      expect(early.json().code).toBe('IDEMPOTENCY_KEY_IN_USE');
      clock.advance(11_000);
    }
    const late = await effect('k-gone-committed', 'cover');
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('IDEMPOTENCY_KEY_ANSWER_LOST');
    expect(await effects()).toBe(before);
  });

  it('rolls back a request whose reservation another process took over, at its commit', async () => {
    let open!: () => void;
    effectsGate = new Promise((resolve) => {
      open = resolve;
    });
    const before = await effects();
    const first = effect('k-taken', 'cover');
    const db = ctx.handle().db;
    await waitFor(
      async () =>
        !!(await db.selectFrom('idempotency_keys').select('key').where('key', '=', 'k-taken').executeTakeFirst()),
      'the reservation',
    );
    // Another process decided this one was dead and reserved the key for its own try.
    await db
      .updateTable('idempotency_keys')
      .set({ owner: 'other-host:2:11111111', reservation: 'other-host:2:11111111/1' })
      .where('key', '=', 'k-taken')
      .execute();
    open();
    effectsGate = Promise.resolve();
    const answer = await first;
    expect(answer.statusCode).toBe(409);
    expect(answer.json().code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(await effects()).toBe(before);
  });

  it('keeps no answer that says "later": a retry after a 429 runs', async () => {
    const headers = { 'idempotency-key': 'k-limited' };
    const limited = await app.inject({ method: 'POST', url: '/test/limited', headers, payload: {} });
    expect(limited.statusCode).toBe(429);
    const retried = await app.inject({ method: 'POST', url: '/test/limited', headers, payload: {} });
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
  });

  it.runIf(ctx.kind === 'postgres')(
    'answers 409 while the process holding the key still has a session, and takes over once it has none',
    async () => {
      const config = ctx.config();
      if (config.database.kind !== 'postgres') throw new Error('PostgreSQL expected');
      const owner = 'alive-host:2:22222222';
      const url = new URL(config.database.url);
      url.searchParams.set('application_name', owner);
      const other = new pg.Client({ connectionString: url.toString() });
      await other.connect();
      await reserved('k-alive', owner);
      try {
        const busy = await effect('k-alive', 'cover');
        expect(busy.statusCode).toBe(409);
        expect(busy.json().code).toBe('IDEMPOTENCY_KEY_IN_USE');
      } finally {
        await other.end();
      }
      await waitFor(async () => (await effect('k-alive', 'cover')).statusCode === 201, 'the takeover');
    },
  );
});
