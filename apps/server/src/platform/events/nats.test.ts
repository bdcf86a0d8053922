import { type Kysely, sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DialectContext, describeEachDialect } from '../../testing/db.ts';
import type { Database } from '../db/schema.ts';
import { ManualClock } from '../time/clock.ts';
import { type CloudEvent, createEventSystem, type EventFaults, type EventSystem, type NatsSettings } from './index.ts';
import { deleteStreams, findNats, silentLogger, streamMessages, uniqueStream, waitFor } from './testing.ts';

const natsUrl = await findNats();
const LEASE_MS = 30_000;

class SimulatedCrash extends Error {}

async function effects(db: Kysely<Database>, consumer: string): Promise<string[]> {
  const { rows } = await sql<{ event_id: string }>`
    SELECT event_id FROM test_nats_effects WHERE consumer = ${consumer} ORDER BY n`.execute(db);
  return rows.map((r) => r.event_id);
}

(natsUrl ? describe : describe.skip)('events on NATS JetStream', () => {
  const url = natsUrl ?? '';
  const streams: string[] = [];
  afterAll(async () => {
    await deleteStreams(url, streams);
  });

  describeEachDialect('delivery', (ctx: DialectContext) => {
    let clock: ManualClock;
    let names: Pick<NatsSettings, 'stream' | 'subjectPrefix'>;
    const running: EventSystem[] = [];

    /** One process's event system on this test's stream, with consumers alpha (all) and beta (things). */
    async function system(options: { faults?: EventFaults; failBeta?: () => boolean } = {}) {
      const events = await createEventSystem({
        config: ctx.config({ ONECITY_NATS_URL: url }),
        db: ctx.handle().db,
        clock,
        logger: silentLogger,
        relay: { leaseMs: LEASE_MS },
        nats: { ...names, ackWaitMs: 1_000, retry: { baseMs: 100, maxMs: 1_000 }, stopTimeoutMs: 5_000 },
        ...(options.faults ? { faults: options.faults } : {}),
      });
      const calls: Record<'alpha' | 'beta', CloudEvent[]> = { alpha: [], beta: [] };
      events.subscribe('alpha', '*', async (event, trx) => {
        calls.alpha.push(event);
        await sql`INSERT INTO test_nats_effects (consumer, event_id) VALUES ('alpha', ${event.id})`.execute(trx);
      });
      events.subscribe('beta', ['demo.thing.created'], async (event, trx) => {
        calls.beta.push(event);
        await sql`INSERT INTO test_nats_effects (consumer, event_id) VALUES ('beta', ${event.id})`.execute(trx);
        if (options.failBeta?.()) throw new Error('beta is down');
      });
      running.push(events);
      // The relay is driven by hand; the consumers run in the background as in production.
      await events.start({ relay: false });
      return { events, calls };
    }

    async function recordThings(events: EventSystem, count: number): Promise<string[]> {
      return ctx
        .handle()
        .db.transaction()
        .execute(async (trx) => {
          const ids: string[] = [];
          for (let i = 0; i < count; i++)
            ids.push((await events.record(trx, { type: 'demo.thing.created', data: { i } })).id);
          return ids;
        });
    }

    beforeAll(async () => {
      await sql`CREATE TABLE test_nats_effects (
        n serial PRIMARY KEY, consumer text NOT NULL, event_id uuid NOT NULL)`.execute(ctx.handle().db);
    });
    beforeEach(async () => {
      clock = new ManualClock();
      names = uniqueStream(ctx.kind);
      streams.push(names.stream);
      const db = ctx.handle().db;
      await sql`DELETE FROM test_nats_effects`.execute(db);
      await db.deleteFrom('event_inbox').execute();
      await db.deleteFrom('outbox_events').execute();
    });
    afterEach(async () => {
      for (const events of running.splice(0)) await events.stop();
    });

    it('delivers committed events once to each of two consumers, in order, and never a rolled-back one', async () => {
      const { events, calls } = await system();
      await expect(
        ctx
          .handle()
          .db.transaction()
          .execute(async (trx) => {
            await events.record(trx, { type: 'demo.thing.created', data: { doomed: true } });
            throw new SimulatedCrash('rolled back');
          }),
      ).rejects.toThrow(SimulatedCrash);
      const ids = [...(await recordThings(events, 3)), ...(await recordThings(events, 2))];
      const other = await ctx
        .handle()
        .db.transaction()
        .execute(async (trx) => (await events.record(trx, { type: 'demo.other', data: {} })).id);

      expect(await events.relay.runOnce()).toEqual({ claimed: 6, published: 6, failed: 0 });
      const db = ctx.handle().db;
      await waitFor(async () => (await effects(db, 'alpha')).length === 6, 'alpha to handle 6 events');
      await waitFor(async () => (await effects(db, 'beta')).length === 5, 'beta to handle 5 events');

      expect(await effects(db, 'alpha')).toEqual([...ids, other]);
      expect(await effects(db, 'beta')).toEqual(ids);
      expect(calls.alpha.map((e) => e.id)).toEqual([...ids, other]);
      expect(calls.beta.map((e) => e.id)).toEqual(ids);
      expect(calls.alpha[0]).toMatchObject({ specversion: '1.0', type: 'demo.thing.created', data: { i: 0 } });
      expect(await streamMessages(url, names.stream)).toBe(6);
    });

    it('republishes after a relay died between publishing and marking; each consumer handles once', async () => {
      const db = ctx.handle().db;
      const dying = await system({
        faults: {
          relayAfterPublish() {
            throw new SimulatedCrash('relay process killed');
          },
        },
      });
      const ids = await recordThings(dying.events, 2);
      await expect(dying.events.relay.runOnce()).rejects.toThrow(SimulatedCrash);
      const handled = async (n: number) =>
        (await effects(db, 'alpha')).length === n && (await effects(db, 'beta')).length === n;
      await waitFor(() => handled(2), 'the first delivery');
      await dying.events.stop();

      const restarted = await system();
      expect((await restarted.events.relay.runOnce()).claimed).toBe(0); // the dead relay's lease still holds
      clock.advance(LEASE_MS);
      expect(await restarted.events.relay.runOnce()).toEqual({ claimed: 2, published: 2, failed: 0 });
      // JetStream recognised the republished ids: still one message per event.
      expect(await streamMessages(url, names.stream)).toBe(2);
      const probe = await recordThings(restarted.events, 1);
      await restarted.events.relay.runOnce();
      await waitFor(() => handled(3), 'a later event to arrive');

      expect(await effects(db, 'alpha')).toEqual([...ids, ...probe]);
      expect(await effects(db, 'beta')).toEqual([...ids, ...probe]);
      expect(restarted.calls.alpha.map((e) => e.id)).toEqual(probe);
    });

    it('redelivers to a consumer that died between commit and ack, which then skips it', async () => {
      const db = ctx.handle().db;
      const acks = { alpha: 0, beta: 0 };
      const { events, calls } = await system({
        faults: {
          consumerBeforeAck(consumer) {
            if (consumer === 'beta') acks.beta++;
            else if (acks.alpha++ === 0) throw new SimulatedCrash('consumer killed before ack');
          },
        },
      });
      const [id] = await recordThings(events, 1);
      await events.relay.runOnce();
      // The first delivery is never acknowledged; NATS redelivers it after the ack wait.
      await waitFor(() => acks.alpha >= 2 && acks.beta >= 1, 'the redelivery to alpha');
      expect(calls.alpha).toHaveLength(1);
      expect(await effects(db, 'alpha')).toEqual([id]);
      expect(await effects(db, 'beta')).toEqual([id]);
    });

    it('redelivers to a failing consumer later and does not deliver twice to the other one', async () => {
      const db = ctx.handle().db;
      let failures = 0;
      const { events, calls } = await system({ failBeta: () => failures++ < 2 });
      const [id] = await recordThings(events, 1);
      expect(await events.relay.runOnce()).toEqual({ claimed: 1, published: 1, failed: 0 });
      await waitFor(
        async () => (await effects(db, 'beta')).length === 1 && calls.alpha.length === 1,
        'beta to succeed on a redelivery',
      );

      expect(calls.beta).toHaveLength(3);
      expect(calls.alpha).toHaveLength(1);
      expect(await effects(db, 'alpha')).toEqual([id]);
      expect(await effects(db, 'beta')).toEqual([id]);
    });
  });
});
