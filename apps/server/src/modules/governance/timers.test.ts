/**
 * Time limits as durable timers: the chain's stages in order, and — with two processes on one
 * PostgreSQL database, one of them started afresh as after a restart — every stage fires once.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { submitReport } from './intake.ts';
import { governanceDb } from './schema.ts';
import { stagesOf } from './timers.ts';

describe('time-limit chain', () => {
  it('orders warnings and escalations of both limits by time', () => {
    const start = new Date('2026-06-01T00:00:00Z');
    const stages = stagesOf({ id: 'w', city_id: 'c', accept_within_minutes: 30, resolve_within_minutes: 60 }, start);
    expect(stages.map((s) => `${s.phase}:${s.kind}@${(s.runAt.getTime() - start.getTime()) / 60_000}`)).toEqual([
      'accept:warn@24',
      'accept:breach@30',
      'accept:operations@45',
      'resolve:warn@48',
      'resolve:breach@60',
      'resolve:operations@90',
    ]);
  });
});

describeEachDialect(
  'governance timers across processes',
  (ctx) => {
    const clock = new ManualClock('2026-06-02T01:00:00Z');
    let first: FastifyInstance;
    let second: FastifyInstance | undefined;

    beforeAll(async () => {
      first = await buildApp(ctx.config(), { database: ctx.handle(), clock });
    });
    afterAll(async () => {
      await first?.close();
      await second?.close();
    });

    it('fires each stage once, whichever process runs it, after a restart too', async () => {
      const grid = await ctx
        .handle()
        .db.selectFrom('zones')
        .select(['center_lat', 'center_lon'])
        .where('code', '=', 'LN-05-01-01')
        .executeTakeFirstOrThrow();
      const report = await submitReport(
        first.platform,
        { kind: 'anonymous' },
        {
          cityId: 'lingnan',
          categoryCode: 'manhole-cover-missing',
          description: '井盖缺失',
          lat: grid.center_lat,
          lon: grid.center_lon,
          attributes: { anyone_hurt: false },
          channel: 'app',
        },
        { duplicates: first.platform.config.duplicates },
      );
      // The first process goes away with the timer pending; a fresh one starts on the same database.
      await first.close();
      // On PostgreSQL each "process" has its own connection pool; PGlite has one owner, so they share it.
      const database = async () => (ctx.kind === 'postgres' ? ctx.openAnother() : ctx.handle());
      const restarted = await buildApp(ctx.config(), { database: await database(), clock });
      second = await buildApp(ctx.config(), { database: await database(), clock });
      first = restarted;
      clock.advance(2 * 60 * 60_000);
      for (let round = 0; round < 8; round++) {
        await Promise.all([first.platform.jobs.runDue({ limit: 50 }), second.platform.jobs.runDue({ limit: 50 })]);
      }
      const actions = await governanceDb(ctx.handle().db)
        .selectFrom('work_order_actions')
        .select(['action', 'escalation', 'reason'])
        .where('work_order_id', '=', report.workOrderId)
        .orderBy('seq')
        .execute();
      expect(
        actions.map((a) => (a.action === 'escalate' ? `escalate:${a.escalation}` : `${a.action}:${a.reason}`)),
      ).toEqual(['submit:null', 'warn:accept', 'escalate:1', 'escalate:2', 'warn:resolve']);
    });
  },
  'demo',
);
