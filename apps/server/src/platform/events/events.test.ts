import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../testing/config.ts';
import { type DialectContext, describeEachDialect } from '../../testing/db.ts';
import { openDatabase } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { ManualClock } from '../time/clock.ts';
import {
  type CloudEvent,
  createEventSystem,
  type EventBus,
  EventBusUnavailableError,
  type EventFaults,
  type EventSystem,
  InvalidEventError,
  OutboxRelay,
  pruneEvents,
  recordEvent,
} from './index.ts';
import { memoryLogger, silentLogger, waitFor } from './testing.ts';

class SimulatedCrash extends Error {}

const LEASE_MS = 30_000;

/** Consumers write one row per handled event, in the handler's transaction: the effects tests count. */
async function createEffectsTable(db: Kysely<Database>) {
  await sql`CREATE TABLE IF NOT EXISTS test_effects (
    n serial PRIMARY KEY, consumer text NOT NULL, event_id uuid NOT NULL, type text NOT NULL)`.execute(db);
}

async function effects(db: Kysely<Database>, consumer?: string): Promise<string[]> {
  const { rows } = await sql<{ event_id: string }>`
    SELECT event_id FROM test_effects WHERE ${consumer ?? null}::text IS NULL OR consumer = ${consumer ?? null}
    ORDER BY n`.execute(db);
  return rows.map((r) => r.event_id);
}

/** Handler calls per consumer, whether or not they committed. */
type Calls = Record<string, CloudEvent[]>;

interface Harness {
  events: EventSystem;
  calls: Calls;
}

async function harness(
  ctx: DialectContext,
  clock: ManualClock,
  options: { faults?: EventFaults; failBeta?: () => boolean } = {},
): Promise<Harness> {
  const db = ctx.handle().db;
  const events = await createEventSystem({
    config: ctx.config(),
    db,
    clock,
    logger: silentLogger,
    relay: { leaseMs: LEASE_MS, retry: { baseMs: 1_000, maxMs: 60_000 }, intervalMs: 20 },
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const calls: Calls = { alpha: [], beta: [] };
  events.subscribe('alpha', '*', async (event, trx) => {
    calls.alpha?.push(event);
    await sql`INSERT INTO test_effects (consumer, event_id, type) VALUES ('alpha', ${event.id}, ${event.type})`.execute(
      trx,
    );
  });
  events.subscribe('beta', ['demo.thing.created', 'demo.thing.closed'], async (event, trx) => {
    calls.beta?.push(event);
    await sql`INSERT INTO test_effects (consumer, event_id, type) VALUES ('beta', ${event.id}, ${event.type})`.execute(
      trx,
    );
    if (options.failBeta?.()) throw new Error('beta is down');
  });
  return { events, calls };
}

async function recordThings(events: EventSystem, db: Kysely<Database>, count: number): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const event = await events.record(trx, { type: 'demo.thing.created', subject: `thing-${i}`, data: { i } });
      ids.push(event.id);
    }
    return ids;
  });
}

async function unpublished(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('outbox_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('published_at', 'is', null)
    .executeTakeFirstOrThrow();
  return row.n;
}

describeEachDialect('events on the in-process bus', (ctx) => {
  let clock: ManualClock;
  const running: EventSystem[] = [];

  beforeAll(async () => {
    await createEffectsTable(ctx.handle().db);
  });
  beforeEach(async () => {
    clock = new ManualClock();
    const db = ctx.handle().db;
    for (const system of running.splice(0)) await system.stop();
    await sql`DELETE FROM test_effects`.execute(db);
    await db.deleteFrom('event_inbox').execute();
    await db.deleteFrom('outbox_events').execute();
  });
  afterAll(async () => {
    for (const system of running.splice(0)) await system.stop();
  });

  it('never delivers an event recorded in a rolled-back transaction', async () => {
    const db = ctx.handle().db;
    const { events, calls } = await harness(ctx, clock);
    await expect(
      db.transaction().execute(async (trx) => {
        await events.record(trx, { type: 'demo.thing.created', data: { doomed: true } });
        throw new SimulatedCrash('the state change failed');
      }),
    ).rejects.toThrow(SimulatedCrash);

    expect(await events.relay.runOnce()).toEqual({ claimed: 0, published: 0, failed: 0 });
    expect(await db.selectFrom('outbox_events').selectAll().execute()).toEqual([]);
    expect(calls.alpha).toEqual([]);
    expect(await effects(db)).toEqual([]);
  });

  it('delivers a committed event once to each of two consumers, in order, as a CloudEvent', async () => {
    const db = ctx.handle().db;
    const { events, calls } = await harness(ctx, clock);
    const first = await recordThings(events, db, 3);
    const second = await db
      .transaction()
      .execute(async (trx) => [
        (
          await recordEvent(
            trx,
            { type: 'demo.thing.closed', subject: 'thing-0', data: [1, 2], source: '/test' },
            clock,
          )
        ).id,
        (await recordEvent(trx, { type: 'demo.other', data: null }, clock)).id,
      ]);

    expect(await events.relay.runOnce()).toEqual({ claimed: 5, published: 5, failed: 0 });
    expect(await events.relay.runOnce()).toEqual({ claimed: 0, published: 0, failed: 0 });

    expect(await effects(db, 'alpha')).toEqual([...first, ...second]);
    // beta wants only the two "thing" types.
    expect(await effects(db, 'beta')).toEqual([...first, second[0]]);
    expect(calls.alpha).toHaveLength(5);
    expect(calls.beta).toHaveLength(4);
    expect(calls.beta?.[3]).toEqual({
      specversion: '1.0',
      id: second[0],
      source: '/test',
      type: 'demo.thing.closed',
      subject: 'thing-0',
      time: clock.now().toISOString(),
      datacontenttype: 'application/json',
      data: [1, 2],
      onecityseq: expect.any(Number),
    });
    const seqs = calls.alpha?.map((e) => e.onecityseq) ?? [];
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(await unpublished(db)).toBe(0);
  });

  it('republishes after a relay died between publishing and marking; each consumer handles once', async () => {
    const db = ctx.handle().db;
    const dying = await harness(ctx, clock, {
      faults: {
        relayAfterPublish() {
          throw new SimulatedCrash('relay process killed');
        },
      },
    });
    const ids = await recordThings(dying.events, db, 2);
    await expect(dying.events.relay.runOnce()).rejects.toThrow(SimulatedCrash);
    // In-process delivery happened before the crash, but the outbox does not know it.
    expect(await unpublished(db)).toBe(2);

    // A new process: new relay, new consumer instances with the same names.
    const restarted = await harness(ctx, clock);
    expect((await restarted.events.relay.runOnce()).claimed).toBe(0); // the dead relay's lease still holds
    clock.advance(LEASE_MS);
    expect(await restarted.events.relay.runOnce()).toEqual({ claimed: 2, published: 2, failed: 0 });

    expect(restarted.calls.alpha).toEqual([]);
    expect(restarted.calls.beta).toEqual([]);
    expect(await effects(db, 'alpha')).toEqual(ids);
    expect(await effects(db, 'beta')).toEqual(ids);
    expect(await unpublished(db)).toBe(0);
  });

  it('redelivers to a consumer that died between commit and ack, which then skips it', async () => {
    const db = ctx.handle().db;
    let crashes = 0;
    const { events, calls } = await harness(ctx, clock, {
      faults: {
        consumerBeforeAck(consumer) {
          if (consumer === 'alpha' && crashes++ === 0) throw new SimulatedCrash('consumer killed before ack');
        },
      },
    });
    const [id] = await recordThings(events, db, 1);
    expect(await events.relay.runOnce()).toEqual({ claimed: 1, published: 0, failed: 1 });
    clock.advance(1_000);
    expect(await events.relay.runOnce()).toEqual({ claimed: 1, published: 1, failed: 0 });
    expect(crashes).toBe(2); // the fault ran on both deliveries to alpha
    expect(calls.alpha).toHaveLength(1);
    expect(calls.beta).toHaveLength(1);
    expect(await effects(db, 'alpha')).toEqual([id]);
    expect(await effects(db, 'beta')).toEqual([id]);
  });

  it('retries a failing consumer later with backoff and does not deliver twice to the other one', async () => {
    const db = ctx.handle().db;
    let betaDown = true;
    const { events, calls } = await harness(ctx, clock, { failBeta: () => betaDown });
    const [id] = await recordThings(events, db, 1);

    expect(await events.relay.runOnce()).toEqual({ claimed: 1, published: 0, failed: 1 });
    const row = await db.selectFrom('outbox_events').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      attempts: 1,
      published_at: null,
      next_attempt_at: new Date(clock.now().getTime() + 1_000),
    });
    expect(row.last_error).toMatch(/beta: Error: beta is down/);
    expect(await effects(db, 'alpha')).toEqual([id]);
    expect(await effects(db, 'beta')).toEqual([]); // its write rolled back with the failure

    expect((await events.relay.runOnce()).claimed).toBe(0); // not before the backoff
    clock.advance(999);
    expect((await events.relay.runOnce()).claimed).toBe(0);
    clock.advance(1);
    // Still down: the second delay doubles.
    expect(await events.relay.runOnce()).toEqual({ claimed: 1, published: 0, failed: 1 });
    betaDown = false;
    clock.advance(2_000);
    expect(await events.relay.runOnce()).toEqual({ claimed: 1, published: 1, failed: 0 });

    expect(calls.alpha).toHaveLength(1);
    expect(calls.beta).toHaveLength(3);
    expect(await effects(db, 'alpha')).toEqual([id]);
    expect(await effects(db, 'beta')).toEqual([id]);
    const done = await db.selectFrom('outbox_events').selectAll().executeTakeFirstOrThrow();
    expect(done).toMatchObject({ attempts: 2, last_error: null, published_at: clock.now() });
  });

  it('lets two relays run at once without publishing any event twice', async () => {
    const first = ctx.handle();
    const second = ctx.kind === 'postgres' ? await ctx.openAnother() : first;
    const published: Array<{ relay: string; id: string; seq: number }> = [];
    const recordingBus = (relay: string): EventBus => ({
      kind: 'memory',
      subscribe() {},
      async start() {},
      async stop() {},
      async publish(batch) {
        // A pause inside the publish window, so that the two relays overlap.
        await sleep(2);
        for (const e of batch) published.push({ relay, id: e.id, seq: e.onecityseq });
        return batch.map(() => ({ ok: true }));
      },
    });
    const a = new OutboxRelay({
      db: first.db,
      bus: recordingBus('a'),
      clock,
      logger: silentLogger,
      settings: { batchSize: 7 },
    });
    const b = new OutboxRelay({
      db: second.db,
      bus: recordingBus('b'),
      clock,
      logger: silentLogger,
      settings: { batchSize: 7 },
    });
    const { events } = await harness(ctx, clock);
    const ids = [...(await recordThings(events, first.db, 30)), ...(await recordThings(events, first.db, 30))];

    const drain = async (relay: OutboxRelay) => {
      while ((await relay.runOnce()).claimed > 0);
    };
    await Promise.all([drain(a), drain(b)]);

    expect(published.map((p) => p.id).sort()).toEqual([...ids].sort());
    for (const relay of ['a', 'b']) {
      const seqs = published.filter((p) => p.relay === relay).map((p) => p.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
    expect(await unpublished(first.db)).toBe(0);
  });

  it('keeps events in place, without counting attempts, while the bus cannot be reached', async () => {
    const db = ctx.handle().db;
    let reachable = false;
    const published: string[] = [];
    const bus: EventBus = {
      kind: 'nats',
      subscribe() {},
      async start() {},
      async stop() {},
      async publish(batch) {
        if (!reachable) return batch.map(() => ({ ok: false, error: 'NATS unreachable', unavailable: true }));
        published.push(...batch.map((e) => e.id));
        return batch.map(() => ({ ok: true }));
      },
    };
    const relay = new OutboxRelay({ db, bus, clock, logger: silentLogger });
    const { events } = await harness(ctx, clock);
    const ids = await recordThings(events, db, 3);
    // Down: the run fails as a whole (so that the loop backs off), the events stay due.
    await expect(relay.runOnce()).rejects.toThrow(EventBusUnavailableError);
    await expect(relay.runOnce()).rejects.toThrow(EventBusUnavailableError);
    const rows = await db.selectFrom('outbox_events').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => [r.attempts, r.next_attempt_at, r.published_at, r.last_error])).toEqual(
      ids.map(() => [0, clock.now(), null, 'NATS unreachable']),
    );
    // Back: published at once, in order, without waiting out a backoff of their own.
    reachable = true;
    expect(await relay.runOnce()).toEqual({ claimed: 3, published: 3, failed: 0 });
    expect(published).toEqual(ids);
    expect(await unpublished(db)).toBe(0);
  });

  it('delivers through the background relay loop and stops cleanly', async () => {
    const db = ctx.handle().db;
    const { events } = await harness(ctx, clock);
    running.push(events);
    await events.start();
    const ids = await recordThings(events, db, 3);
    await waitFor(async () => (await effects(db, 'beta')).length === 3, 'the loop to deliver 3 events');
    expect(await effects(db, 'alpha')).toEqual(ids);
    await events.stop();
    expect(() => events.subscribe('late', '*', async () => {})).toThrow(InvalidEventError);
  });

  it('prunes published events and old inbox entries, and keeps unpublished ones', async () => {
    const db = ctx.handle().db;
    const { events } = await harness(ctx, clock);
    await recordThings(events, db, 2);
    await events.relay.runOnce();
    await recordThings(events, db, 1);
    clock.advance(86_400_000);
    expect(await pruneEvents(db, clock.now())).toEqual({ events: 2, inbox: 4 });
    expect(await unpublished(db)).toBe(1);
  });

  it('refuses badly named events and consumers', async () => {
    const db = ctx.handle().db;
    const { events } = await harness(ctx, clock);
    await expect(
      db.transaction().execute((trx) => events.record(trx, { type: 'Bad Type!', data: {} })),
    ).rejects.toThrow(InvalidEventError);
    await expect(db.transaction().execute((trx) => events.record(trx, { type: 'a.>', data: {} }))).rejects.toThrow(
      InvalidEventError,
    );
    expect(() => events.subscribe('has.dot', '*', async () => {})).toThrow(InvalidEventError);
    expect(() => events.subscribe('alpha', '*', async () => {})).toThrow(/already subscribed/);
    expect(() => events.subscribe('gamma', ['no spaces'], async () => {})).toThrow(InvalidEventError);
  });
});

describe('events when their infrastructure is down', () => {
  it('keeps the relay loop alive through a database outage, logging, and stops promptly', async () => {
    const down = await openDatabase(testConfig({ ONECITY_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' }));
    const { logger, lines } = memoryLogger();
    try {
      const events = await createEventSystem({
        config: testConfig(),
        db: down.db,
        clock: new ManualClock(),
        logger,
        relay: { intervalMs: 10 },
      });
      await events.start();
      await waitFor(
        () => lines.filter((l) => l.msg === 'relay run failed; will retry').length >= 2,
        'two logged failures',
      );
      await events.stop();
    } finally {
      await down.close();
    }
  });

  it('fails to start with a clear error when NATS cannot be reached', async () => {
    const down = await openDatabase(testConfig({ ONECITY_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' }));
    try {
      const events = await createEventSystem({
        config: testConfig({ ONECITY_NATS_URL: 'nats://127.0.0.1:1' }),
        db: down.db,
        clock: new ManualClock(),
        logger: silentLogger,
      });
      await expect(events.start()).rejects.toThrow(EventBusUnavailableError);
      await events.stop();
    } finally {
      await down.close();
    }
  });
});
