/**
 * Work orders under concurrent actions, on PGlite and PostgreSQL (where the requests really run
 * in concurrent transactions). Each race starts conflicting actions on one work order at the
 * same moment — two clerks accepting, accept against transfer, reassignment against transfer,
 * two reassignments, resolve against escalate, the reporter confirming or saying "not fixed"
 * while the auto-close and time-limit timers fire, accept against the accept deadline's
 * escalation — in a shuffled order with random delays from a fixed seed, many rounds each, and
 * records every answer. Then the history is checked against the stored work order: no 5xx;
 * exactly one of two mutually exclusive actions wins and the other gets its documented 4xx; every
 * success is exactly one log entry and one audit entry (no lost or phantom update); the stored
 * projection is the fold of the log; replayed through the module's own workflow table (and its
 * guards and timer rules), no entry is one the table forbids; each timer job runs once, and
 * timers do nothing to a closed work order.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { plainJpeg } from '../../platform/files/test-support.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, signedInStaff, type TestSignIn } from '../../testing/identity.ts';
import {
  type Contender,
  contender,
  fromResponse,
  inBatches,
  type Outcome,
  race,
  roundRandom,
  Tally,
} from '../../testing/races.ts';
import { governanceDb } from './schema.ts';
import { AUTO_CLOSE_JOB, SLA_JOB, type Stage, stageApplies } from './timers.ts';
import { toLogged } from './work-orders.ts';
import {
  deriveState,
  guard,
  type Party,
  type WorkOrderActionName,
  type WorkOrderState,
  type WorkOrderStatus,
  workflow,
} from './workflow.ts';

const CITY = '/api/v1/cities/lingnan';
/** The seed of every round's order and delays: change it to explore other interleavings. */
const SEED = 20_260_601;

/** Who takes part in a race: two clerks, two supervisors and two crew members of the department, and the reporter. */
interface People {
  clerkA: TestSignIn;
  clerkB: TestSignIn;
  supervisorA: TestSignIn;
  supervisorB: TestSignIn;
  crewA: TestSignIn;
  crewB: TestSignIn;
  /** The reporter of every work order of the race. */
  citizen: TestSignIn;
}

/** A work order of one round, with its reporter. */
interface Round {
  id: string;
  trackingNo: string;
  citizen: TestSignIn;
  /** Dedupe keys of the timer jobs this round fires. */
  timers: string[];
  /** An after-photo uploaded in the setup, for a resolve in the race. */
  photo?: string;
}

/** One race: how to bring a fresh work order to its start, who contends, and what only one may do. */
interface RaceSpec {
  name: string;
  setup(p: People, r: Round): Promise<void>;
  contenders(p: People, r: Round): Contender[];
  /** Log actions of which exactly one must appear among the race's entries (mutually exclusive). */
  exactlyOne?: WorkOrderActionName[];
  /** Rounds run one at a time: the race fires timers, and the job queue is shared by all work orders. */
  sequential?: boolean;
  /** Contender label → the problem codes it may answer when it loses. */
  refusals: Record<string, string[]>;
  /** Contender label → the log action a success must have written (timers: none). */
  actions: Record<string, WorkOrderActionName>;
}

/** What a round recorded: the launch order, every answer, and what was stored afterwards. */
interface RoundRecord {
  race: string;
  round: number;
  order: string[];
  outcomes: Outcome[];
  stored: { status: string; lastSeq: number; departmentId: string | null; assigneeId: string | null };
  log: string[];
  audit: string[];
}

/** The parties an actor kind can stand for in the workflow table. */
function partyMatches(allowed: readonly Party[], actorKind: string): boolean {
  if (actorKind === 'system') return allowed.includes('system');
  if (actorKind === 'citizen') return allowed.includes('reporter');
  return allowed.some((p) => p !== 'system' && p !== 'reporter');
}

/** The timer stage a system warning or escalation stands for (its reason names the phase). */
function stageOf(action: string, reason: string | null, escalation: number | null): Stage | null {
  const phase = reason?.startsWith('accept') ? 'accept' : reason?.startsWith('resolve') ? 'resolve' : null;
  if (!phase) return null;
  if (action === 'warn') return { phase, kind: 'warn', at: 0.8 };
  if (action === 'escalate') return { phase, kind: escalation === 1 ? 'breach' : 'operations', at: 1 };
  return null;
}

describeEachDialect(
  'governance: concurrent actions on one work order',
  (ctx) => {
    // Rounds of each race, and how many run at once; races that fire timers run their rounds one at
    // a time, and fewer of them. PGlite runs one transaction at a time, so its rounds only show
    // that the checks hold there too.
    const postgres = ctx.kind === 'postgres';
    const roundsOf = (spec: RaceSpec) => (postgres ? (spec.sequential ? 20 : 30) : 2);
    const width = postgres ? 5 : 1;
    const clock = new ManualClock('2026-06-01T02:00:00Z');
    let app: FastifyInstance;
    let grid: { lat: number; lon: number };
    let spot = 0;
    const closedIds: string[] = [];
    const tallies: string[] = [];

    beforeAll(async () => {
      // Every report opens a work order of its own (no duplicate linking between rounds).
      app = await buildApp(ctx.config({ ONECITY_DUPLICATE_RADIUS_METERS: '0' }), { database: ctx.handle(), clock });
      grid = await ctx
        .handle()
        .db.selectFrom('zones')
        .select(['center_lat as lat', 'center_lon as lon'])
        .where('city_id', '=', 'lingnan')
        .where('code', '=', 'LN-03-01-02')
        .executeTakeFirstOrThrow();
    });
    afterAll(async () => {
      if (tallies.length) console.info(`governance races [${ctx.kind}]\n  ${tallies.join('\n  ')}`);
      await app?.close();
    });

    const db = () => ctx.handle().db;

    async function people(): Promise<People> {
      const sign = (roles: ('clerk' | 'supervisor' | 'field_crew')[]) =>
        signedInStaff(db(), app.platform.config, clock, { roles });
      return {
        clerkA: await sign(['clerk']),
        clerkB: await sign(['clerk']),
        supervisorA: await sign(['supervisor']),
        supervisorB: await sign(['supervisor']),
        crewA: await sign(['field_crew']),
        crewB: await sign(['field_crew']),
        citizen: await signedInCitizen(db(), app.platform.config, clock),
      };
    }

    async function newWorkOrder(citizen: TestSignIn): Promise<Round> {
      spot += 1;
      const res = await app.inject({
        method: 'POST',
        url: `${CITY}/reports`,
        headers: citizen.write,
        payload: {
          categoryCode: 'manhole-cover-missing',
          description: '井盖缺失',
          attributes: { anyone_hurt: false },
          lat: grid.lat + (spot % 40) * 2e-6,
          lon: grid.lon + Math.floor(spot / 40) * 2e-6,
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      const { trackingNo } = res.json();
      const report = await governanceDb(db())
        .selectFrom('reports')
        .select('work_order_id')
        .where('tracking_no', '=', trackingNo)
        .executeTakeFirstOrThrow();
      return { id: report.work_order_id, trackingNo, citizen, timers: [] };
    }

    const staffAct = (who: TestSignIn, id: string, body: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: `${CITY}/work-orders/${id}/actions`, headers: who.write, payload: body });
    const citizenAct = (r: Round, body: Record<string, unknown>) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/me/reports/${r.trackingNo}/actions`,
        headers: r.citizen.write,
        payload: body,
      });

    async function ok(res: Promise<{ statusCode: number; body: string }>) {
      const answer = await res;
      expect(answer.statusCode, answer.body).toBe(200);
    }

    async function upload(who: TestSignIn): Promise<string> {
      const res = await app.inject({
        method: 'POST',
        url: `${CITY}/uploads`,
        headers: { ...who.write, 'content-type': 'image/jpeg' },
        payload: await plainJpeg(64, 48),
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id;
    }

    /** Makes the pending timer job `dedupeKey` due before anything else (as if its time had come now). */
    async function makeDue(r: Round, dedupeKey: string) {
      const moved = await db()
        .updateTable('jobs')
        .set({ run_at: new Date(0) })
        .where('dedupe_key', '=', dedupeKey)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      expect(Number(moved.numUpdatedRows), `pending job ${dedupeKey}`).toBe(1);
      r.timers.push(dedupeKey);
    }

    /** A contender that runs one due job through the job system, as a worker would. */
    const timer = (label: string) =>
      contender(label, async () => {
        const run = await app.platform.jobs.runDue({ limit: 1 });
        const failed = run.retried + run.failed > 0;
        return {
          label,
          status: failed ? 500 : run.done > 0 ? 200 : 0,
          code: failed ? 'JOB_FAILED' : null,
          state: null,
          seq: null,
        };
      });

    const sla = (r: Round, epoch: number, index: number) => `${SLA_JOB}:${r.id}:${epoch}:${index}`;

    const races: RaceSpec[] = [
      {
        name: 'two clerks accept the same work order',
        setup: async () => {},
        contenders: (p, r) => [
          contender('accept:clerkA', async () =>
            fromResponse('accept:clerkA', await staffAct(p.clerkA, r.id, { action: 'accept' })),
          ),
          contender('accept:clerkB', async () =>
            fromResponse('accept:clerkB', await staffAct(p.clerkB, r.id, { action: 'accept' })),
          ),
        ],
        exactlyOne: ['accept'],
        refusals: {
          'accept:clerkA': ['WORK_ORDER_ACTION_NOT_ALLOWED', 'WORK_ORDER_CHANGED'],
          'accept:clerkB': ['WORK_ORDER_ACTION_NOT_ALLOWED', 'WORK_ORDER_CHANGED'],
        },
        actions: { 'accept:clerkA': 'accept', 'accept:clerkB': 'accept' },
      },
      {
        name: 'accept against transfer to another department',
        setup: async () => {},
        contenders: (p, r) => [
          contender('accept:clerkA', async () =>
            fromResponse('accept:clerkA', await staffAct(p.clerkA, r.id, { action: 'accept' })),
          ),
          contender('transfer:clerkB', async () =>
            fromResponse(
              'transfer:clerkB',
              await staffAct(p.clerkB, r.id, { action: 'transfer', departmentCode: 'water', reason: '属于排水井' }),
            ),
          ),
        ],
        // Transferred first, the clerk plays no part any more: 404, as for any work order not theirs.
        refusals: { 'accept:clerkA': ['WORK_ORDER_NOT_FOUND', 'WORK_ORDER_ACTION_NOT_ALLOWED'], 'transfer:clerkB': [] },
        actions: { 'accept:clerkA': 'accept', 'transfer:clerkB': 'transfer' },
      },
      {
        name: 'assign a crew member against transfer',
        setup: async (p, r) => ok(staffAct(p.clerkA, r.id, { action: 'accept' })),
        contenders: (p, r) => [
          contender('assign:supervisorA', async () =>
            fromResponse(
              'assign:supervisorA',
              await staffAct(p.supervisorA, r.id, { action: 'assign', assigneeId: p.crewA.id }),
            ),
          ),
          contender('transfer:clerkB', async () =>
            fromResponse(
              'transfer:clerkB',
              await staffAct(p.clerkB, r.id, { action: 'transfer', departmentCode: 'water', reason: '属于排水井' }),
            ),
          ),
        ],
        exactlyOne: ['assign', 'transfer'],
        refusals: {
          'assign:supervisorA': ['WORK_ORDER_NOT_FOUND', 'WORK_ORDER_ACTION_NOT_ALLOWED', 'ASSIGNEE_NOT_FOUND'],
          'transfer:clerkB': ['WORK_ORDER_ACTION_NOT_ALLOWED'],
        },
        actions: { 'assign:supervisorA': 'assign', 'transfer:clerkB': 'transfer' },
      },
      {
        name: 'two supervisors reassign to different crew members',
        setup: async (p, r) => ok(staffAct(p.clerkA, r.id, { action: 'accept' })),
        contenders: (p, r) => [
          contender('assign:supervisorA', async () =>
            fromResponse(
              'assign:supervisorA',
              await staffAct(p.supervisorA, r.id, { action: 'assign', assigneeId: p.crewA.id }),
            ),
          ),
          contender('assign:supervisorB', async () =>
            fromResponse(
              'assign:supervisorB',
              await staffAct(p.supervisorB, r.id, { action: 'assign', assigneeId: p.crewB.id }),
            ),
          ),
        ],
        // Both succeed, one after the other: the stored assignee must be the later one's (checked by the fold).
        refusals: { 'assign:supervisorA': [], 'assign:supervisorB': [] },
        actions: { 'assign:supervisorA': 'assign', 'assign:supervisorB': 'assign' },
      },
      {
        name: 'resolve against escalate',
        setup: async (p, r) => {
          await ok(staffAct(p.clerkA, r.id, { action: 'accept' }));
          r.photo = await upload(p.clerkA);
        },
        contenders: (p, r) => [
          contender('resolve:clerkA', async () =>
            fromResponse(
              'resolve:clerkA',
              await staffAct(p.clerkA, r.id, { action: 'resolve', note: '已补装井盖', photoIds: [r.photo] }),
            ),
          ),
          contender('escalate:supervisorA', async () =>
            fromResponse(
              'escalate:supervisorA',
              await staffAct(p.supervisorA, r.id, { action: 'escalate', reason: '久拖未决' }),
            ),
          ),
        ],
        refusals: { 'resolve:clerkA': [], 'escalate:supervisorA': ['WORK_ORDER_ACTION_NOT_ALLOWED'] },
        actions: { 'resolve:clerkA': 'resolve', 'escalate:supervisorA': 'escalate' },
      },
      {
        name: 'the reporter confirms while the auto-close and time-limit timers fire',
        sequential: true,
        setup: async (p, r) => {
          await ok(staffAct(p.clerkA, r.id, { action: 'accept' }));
          const photo = await upload(p.clerkA);
          const resolved = await staffAct(p.clerkA, r.id, { action: 'resolve', note: '已补装', photoIds: [photo] });
          expect(resolved.statusCode, resolved.body).toBe(200);
          await makeDue(r, `${AUTO_CLOSE_JOB}:${r.id}:${resolved.json().seq}`);
          await makeDue(r, sla(r, 1, 0));
        },
        contenders: (_p, r) => [
          contender('confirm:citizen', async () =>
            fromResponse('confirm:citizen', await citizenAct(r, { action: 'confirm' })),
          ),
          timer('timer:1'),
          timer('timer:2'),
        ],
        exactlyOne: ['confirm', 'close'],
        refusals: { 'confirm:citizen': ['WORK_ORDER_ACTION_NOT_ALLOWED'], 'timer:1': [], 'timer:2': [] },
        actions: { 'confirm:citizen': 'confirm' },
      },
      {
        name: 'the reporter says "not fixed" while the auto-close timer fires',
        sequential: true,
        setup: async (p, r) => {
          await ok(staffAct(p.clerkA, r.id, { action: 'accept' }));
          const photo = await upload(p.clerkA);
          const resolved = await staffAct(p.clerkA, r.id, { action: 'resolve', note: '已补装', photoIds: [photo] });
          expect(resolved.statusCode, resolved.body).toBe(200);
          await makeDue(r, `${AUTO_CLOSE_JOB}:${r.id}:${resolved.json().seq}`);
        },
        contenders: (_p, r) => [
          contender('reopen:citizen', async () =>
            fromResponse('reopen:citizen', await citizenAct(r, { action: 'reopen', reason: '井盖还是没有' })),
          ),
          timer('timer:1'),
        ],
        exactlyOne: ['reopen', 'close'],
        refusals: { 'reopen:citizen': ['WORK_ORDER_ACTION_NOT_ALLOWED'], 'timer:1': [] },
        actions: { 'reopen:citizen': 'reopen' },
      },
      {
        name: 'accept against the accept deadline escalating',
        sequential: true,
        setup: async (_p, r) => {
          // The warning stage fires first; the breach stage then waits, and is made due for the race.
          await makeDue(r, sla(r, 1, 0));
          expect((await app.platform.jobs.runDue({ limit: 1 })).done).toBe(1);
          await makeDue(r, sla(r, 1, 1));
        },
        contenders: (p, r) => [
          contender('accept:clerkA', async () =>
            fromResponse('accept:clerkA', await staffAct(p.clerkA, r.id, { action: 'accept' })),
          ),
          timer('timer:1'),
        ],
        refusals: { 'accept:clerkA': [], 'timer:1': [] },
        actions: { 'accept:clerkA': 'accept' },
      },
    ];

    /** Checks one round's history against what was stored; returns the record. */
    async function check(
      spec: RaceSpec,
      n: number,
      r: Round,
      before: { seq: number; audit: number },
      run: Awaited<ReturnType<typeof race>>,
    ) {
      const gdb = governanceDb(db());
      const wo = await gdb.selectFrom('work_orders').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
      const rows = await gdb
        .selectFrom('work_order_actions')
        .selectAll()
        .where('work_order_id', '=', r.id)
        .orderBy('seq')
        .execute();
      const audits = await db()
        .selectFrom('audit_log')
        .select(['action', 'actor_id', 'details'])
        .where('subject_kind', '=', 'work_order')
        .where('subject_id', '=', r.id)
        .where('seq', '>', before.audit)
        .orderBy('seq')
        .execute();
      const record: RoundRecord = {
        race: spec.name,
        round: n,
        order: run.order,
        outcomes: run.outcomes,
        stored: { status: wo.status, lastSeq: wo.last_seq, departmentId: wo.department_id, assigneeId: wo.assignee_id },
        log: rows.map((a) => `${a.seq}:${a.action}:${a.actor_kind}`),
        audit: audits.map((a) => a.action),
      };
      const why = (what: string) => `${what}\n${JSON.stringify(record, null, 1)}`;

      // Answers: never a 5xx; a refusal is one of the race's documented problems.
      for (const o of run.outcomes) {
        expect(o.status, why(`${o.label} answered ${o.status} ${o.code}`)).toBeLessThan(500);
        if (o.status >= 400)
          expect(spec.refusals[o.label] ?? [], why(`${o.label} refused with ${o.code}`)).toContain(o.code);
      }

      // The stored projection is the fold of the log, and every entry is one the table allows.
      const logged = rows.map(toLogged);
      const folded = deriveState(logged);
      expect(wo.last_seq, why('last_seq is the log length')).toBe(rows.length);
      expect(
        { status: wo.status, department: wo.department_id, assignee: wo.assignee_id, escalation: wo.escalation_level },
        why('the stored work order is the fold of its log'),
      ).toEqual({
        status: folded.status,
        department: folded.departmentId,
        assignee: folded.assigneeId,
        escalation: folded.escalationLevel,
      });
      expect({ reopen: wo.reopen_count, transfer: wo.transfer_count }).toEqual({
        reopen: folded.reopenCount,
        transfer: folded.transferCount,
      });
      const states: WorkOrderState[] = [];
      for (const [i, row] of rows.entries()) {
        states.push(deriveState(logged.slice(0, i + 1)));
        if (i === 0) continue;
        const prior = states[i - 1] as WorkOrderState;
        const allowed = workflow[prior.status as WorkOrderStatus][row.action as WorkOrderActionName] ?? [];
        expect(
          partyMatches(allowed, row.actor_kind),
          why(`${row.action} by ${row.actor_kind} in ${prior.status}`),
        ).toBe(true);
        expect(
          guard(prior, row.action as WorkOrderActionName, {
            now: row.created_at,
            actorId: row.actor_id,
            departmentId: row.department_id,
          }),
          why(`guard of ${row.seq}:${row.action}`),
        ).toBeNull();
        if (row.actor_kind === 'system' && (row.action === 'warn' || row.action === 'escalate')) {
          const stage = stageOf(row.action, row.reason, row.escalation);
          expect(stage && stageApplies(stage, prior), why(`timer ${row.seq}:${row.action} in ${prior.status}`)).toBe(
            true,
          );
        }
      }

      // Every success is exactly one entry (the one its answer names), every race entry by a person is a success.
      const raced = rows.filter((a) => a.seq > before.seq);
      const successes = run.outcomes.filter((o) => o.status < 300 && spec.actions[o.label]);
      for (const o of successes) {
        const row = rows[(o.seq ?? 0) - 1];
        expect(row?.action, why(`${o.label} names entry ${o.seq}`)).toBe(spec.actions[o.label]);
        expect(o.state, why(`${o.label} answers the state after its entry`)).toBe(states[(o.seq ?? 0) - 1]?.status);
      }
      const personal = raced.filter((a) => a.actor_kind !== 'system');
      expect(personal.map((a) => a.seq).sort(), why('one entry per successful request')).toEqual(
        successes.map((o) => o.seq).sort(),
      );
      // … and exactly one audit entry each.
      expect(
        audits.map((a) => `${a.action}@${(a.details as { seq?: number }).seq}`).sort(),
        why('one audit entry per successful request'),
      ).toEqual(personal.map((a) => `governance.work_order.${a.action}@${a.seq}`).sort());

      if (spec.exactlyOne) {
        const won = raced.filter((a) => spec.exactlyOne?.includes(a.action as WorkOrderActionName));
        expect(won.length, why(`exactly one of ${spec.exactlyOne.join(', ')}`)).toBe(1);
      }

      // Timers: each fired job ran once, and wrote at most one entry.
      for (const key of r.timers) {
        const job = await db()
          .selectFrom('jobs')
          .select(['status', 'attempts'])
          .where('dedupe_key', '=', key)
          .executeTakeFirstOrThrow();
        expect(job, why(`job ${key} ran once`)).toEqual({ status: 'done', attempts: 1 });
      }
      const system = raced.filter((a) => a.actor_kind === 'system');
      expect(system.length, why('timers write at most one entry each')).toBeLessThanOrEqual(r.timers.length);
      const refused = run.outcomes.filter((o) => o.status >= 400).map((o) => `${o.label.split(':')[0]} ${o.code}`);
      return { record, summary: [raced.map((a) => a.action).join('→'), ...refused].join(', ') };
    }

    for (const [index, spec] of races.entries()) {
      it(`${spec.name}: one winner, no lost update, nothing the workflow forbids`, async () => {
        const p = await people();
        const wins = new Tally();
        await inBatches(roundsOf(spec), spec.sequential ? 1 : width, async (n) => {
          const r = await newWorkOrder(p.citizen);
          await spec.setup(p, r);
          const wo = await governanceDb(db())
            .selectFrom('work_orders')
            .select('last_seq')
            .where('id', '=', r.id)
            .executeTakeFirstOrThrow();
          const audit = await db().selectFrom('audit_head').select('seq').executeTakeFirstOrThrow();
          const run = await race(roundRandom(SEED, index, n), spec.contenders(p, r));
          const { record, summary } = await check(spec, n, r, { seq: wo.last_seq, audit: Number(audit.seq) }, run);
          wins.add(summary);
          if (['closed', 'invalid', 'merged'].includes(record.stored.status)) closedIds.push(r.id);
        });
        tallies.push(`${spec.name} — ${wins}`);
      });
    }

    describe('after the races', () => {
      it('timers do nothing to a work order already closed, however late they fire', async () => {
        expect(closedIds.length).toBeGreaterThan(0);
        const sample = closedIds.slice(0, 12);
        const gdb = governanceDb(db());
        const lengths = async () =>
          new Map(
            (await gdb.selectFrom('work_orders').select(['id', 'last_seq']).where('id', 'in', sample).execute()).map(
              (w) => [w.id, w.last_seq],
            ),
          );
        const before = await lengths();
        // Every pending stage of their chains comes due at once, stage after stage, until none is left.
        for (let i = 0; i < 8; i++) {
          const moved = await db()
            .updateTable('jobs')
            .set({ run_at: new Date(0) })
            .where('status', '=', 'pending')
            .where('kind', 'in', [SLA_JOB, AUTO_CLOSE_JOB])
            .where(sql<string>`payload->>'workOrderId'`, 'in', sample)
            .executeTakeFirst();
          const due = Number(moved.numUpdatedRows);
          if (due === 0) break;
          // They are due before anything else, so exactly they run.
          const run = await app.platform.jobs.runDue({ limit: due });
          expect(run).toEqual({ done: due, retried: 0, failed: 0 });
        }
        expect(await lengths()).toEqual(before);
      });
    });
  },
  'demo',
);
