/**
 * Applications under concurrent actions, on PGlite and PostgreSQL (where the requests really run
 * in concurrent transactions). Each race starts conflicting actions on one application's steps at
 * the same moment — two clerks approving one step, a request for more material (补正) against
 * approval, the applicant withdrawing while staff approve (the first step or the final decision),
 * transfer against approval, the step's deadline escalating while it is approved, an internal
 * note written while the step is approved, the applicant supplementing and withdrawing at once —
 * in a shuffled order with random delays from a fixed seed, many rounds each, and records every
 * answer. Then the history is checked against what was stored: no 5xx; exactly one of two
 * mutually exclusive actions wins and the other gets its documented 4xx; every success is exactly
 * one workflow entry, one timeline entry and one audit entry (no lost or phantom update); the
 * stored instance, tasks and application are the fold of the workflow log; replayed through the
 * engine's own task and instance tables (and their guards), no entry is one they forbid; each
 * timer job runs once.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sampleApplication } from '../../../../../demo/services.ts';
import { buildApp } from '../../app.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { toLogged } from '../../platform/workflow/engine.ts';
import { loadInstance, TASK_TIMER_JOB, workflowDb } from '../../platform/workflow/index.ts';
import {
  applyEntry,
  guardInstanceAction,
  guardTaskAction,
  type InstanceActionName,
  type InstanceState,
  type InstanceStatus,
  instanceTable,
  type TaskActionName,
  taskTable,
  type WorkflowParty,
} from '../../platform/workflow/model.ts';
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
import { governmentDb } from './schema.ts';

const CITY = '/api/v1/cities/lingnan';
/** Fire hazard report: accepted by a clerk, then decided by a supervisor, both of the fire brigade. */
const SERVICE = 'fire-hazard-report';
/** The seed of every round's order and delays: change it to explore other interleavings. */
const SEED = 20_260_928;

/** The application status each instance status shows as. */
const APPLICATION_STATUS: Record<InstanceStatus, string> = {
  in_progress: 'in_progress',
  paused: 'awaiting_applicant',
  approved: 'approved',
  rejected: 'rejected',
  withdrawn: 'withdrawn',
};

/** Staff of the fire brigade who take part in a race. */
interface People {
  clerkA: TestSignIn;
  clerkB: TestSignIn;
  supervisor: TestSignIn;
  /** The applicant of every application of the race. */
  citizen: TestSignIn;
}

/** An application of one round, with its applicant. */
interface Round {
  id: string;
  instanceId: string;
  citizen: TestSignIn;
  /** Dedupe keys of the timer jobs this round fires. */
  timers: string[];
}

/** What a successful contender must have left behind. */
interface Effect {
  /** The workflow log entry (none for a note). */
  workflow?: string;
  /** Who wrote it. */
  actor: (p: People, r: Round) => string;
  /** The application timeline entry's kind. */
  timeline: string;
  /** The audit entry's action. */
  audit: string;
}

/** One race: how to bring a fresh application to its start, who contends, and what only one may do. */
interface RaceSpec {
  name: string;
  setup(p: People, r: Round): Promise<void>;
  contenders(p: People, r: Round): Promise<Contender[]>;
  /** Workflow actions of which exactly one must appear among the race's entries (mutually exclusive). */
  exactlyOne?: string[];
  /** Rounds run one at a time: the race fires timers, and the job queue is shared by all applications. */
  sequential?: boolean;
  /** Contender label → the problem codes it may answer when it loses. */
  refusals: Record<string, string[]>;
  /** Contender label → what its success leaves (timers: nothing of their own to count). */
  effects: Record<string, Effect>;
}

/** What a round recorded: the launch order, every answer, and what was stored afterwards. */
interface RoundRecord {
  race: string;
  round: number;
  order: string[];
  outcomes: Outcome[];
  stored: { application: string; instance: string; lastSeq: number; tasks: string[] };
  log: string[];
  timeline: string[];
  audit: string[];
}

const PARTY: Record<string, WorkflowParty> = { staff: 'handler', citizen: 'applicant', system: 'system' };

describeEachDialect(
  'digital government: concurrent actions on one application',
  (ctx) => {
    // Rounds of each race, and how many run at once; races that fire timers run their rounds one at
    // a time, and fewer of them. PGlite runs one transaction at a time, so its rounds only show
    // that the checks hold there too.
    const postgres = ctx.kind === 'postgres';
    const roundsOf = (spec: RaceSpec) => (postgres ? (spec.sequential ? 20 : 30) : 2);
    const width = postgres ? 5 : 1;
    // Monday 2026-09-28 10:00 in Lingnan: a working day.
    const clock = new ManualClock('2026-09-28T02:00:00Z');
    let app: FastifyInstance;
    let answers: Record<string, unknown>;
    const tallies: string[] = [];

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      const spec = (await app.inject({ url: `${CITY}/services/${SERVICE}` })).json().spec;
      answers = sampleApplication(spec.form) as Record<string, unknown>;
    });
    afterAll(async () => {
      if (tallies.length) console.info(`government races [${ctx.kind}]\n  ${tallies.join('\n  ')}`);
      await app?.close();
    });

    const db = () => ctx.handle().db;

    async function people(): Promise<People> {
      const sign = (roles: ('clerk' | 'supervisor')[]) =>
        signedInStaff(db(), app.platform.config, clock, { departmentCode: 'fire-rescue', roles });
      return {
        clerkA: await sign(['clerk']),
        clerkB: await sign(['clerk']),
        supervisor: await sign(['supervisor']),
        citizen: await signedInCitizen(db(), app.platform.config, clock, { name: '何静' }),
      };
    }

    /** A submitted application of a fresh applicant, at its first step. */
    async function newApplication(citizen: TestSignIn): Promise<Round> {
      const draft = await app.inject({
        method: 'POST',
        url: `${CITY}/services/${SERVICE}/applications`,
        headers: citizen.write,
      });
      expect(draft.statusCode, draft.body).toBe(201);
      const id = draft.json().id;
      const saved = await app.inject({
        method: 'PUT',
        url: `/api/v1/me/applications/${id}/answers`,
        headers: citizen.write,
        payload: { answers: { ...answers, ...draft.json().answers } },
      });
      expect(saved.statusCode, saved.body).toBe(200);
      const submitted = await app.inject({
        method: 'POST',
        url: `/api/v1/me/applications/${id}/submit`,
        headers: citizen.write,
      });
      expect(submitted.statusCode, submitted.body).toBe(200);
      const row = await governmentDb(db())
        .selectFrom('applications')
        .select('workflow_instance_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return { id, instanceId: row.workflow_instance_id as string, citizen, timers: [] };
    }

    /** The application's open task (the step staff act on now). */
    async function openTask(r: Round): Promise<string> {
      const task = await workflowDb(db())
        .selectFrom('workflow_tasks')
        .select('id')
        .where('instance_id', '=', r.instanceId)
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow();
      return task.id;
    }

    const staffAct = (who: TestSignIn, r: Round, taskId: string, body: Record<string, unknown>) =>
      app.inject({
        method: 'POST',
        url: `${CITY}/applications/${r.id}/tasks/${taskId}/actions`,
        headers: who.write,
        payload: body,
      });
    const applicantAct = (r: Round, what: 'withdraw' | 'supplement', body: Record<string, unknown>) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/me/applications/${r.id}/${what}`,
        headers: r.citizen.write,
        payload: body,
      });

    async function ok(res: Promise<{ statusCode: number; body: string }>) {
      const answer = await res;
      expect(answer.statusCode, answer.body).toBe(200);
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

    const approve = (label: string, who: (p: People) => TestSignIn) => (p: People, r: Round, taskId: string) =>
      contender(label, async () => fromResponse(label, await staffAct(who(p), r, taskId, { action: 'approve' })));
    const withdraw = (r: Round) =>
      contender('withdraw:applicant', async () =>
        fromResponse('withdraw:applicant', await applicantAct(r, 'withdraw', { reason: '不需要了' })),
      );
    const refusedStep = ['WORKFLOW_ACTION_NOT_ALLOWED', 'WORKFLOW_CHANGED'];
    const byClerkA = (p: People) => p.clerkA.id;
    const byClerkB = (p: People) => p.clerkB.id;
    const bySupervisor = (p: People) => p.supervisor.id;
    const byApplicant = (_p: People, r: Round) => r.citizen.id;
    const staffEffect = (action: string, actor: Effect['actor']): Effect => ({
      workflow: action,
      actor,
      timeline: action,
      audit: `government.application.task.${action}`,
    });
    const withdrawEffect: Effect = {
      workflow: 'withdraw',
      actor: byApplicant,
      timeline: 'withdraw',
      audit: 'government.application.withdrawn',
    };

    const races: RaceSpec[] = [
      {
        name: 'two clerks approve the same step',
        setup: async () => {},
        contenders: async (p, r) => {
          const task = await openTask(r);
          return [
            approve('approve:clerkA', (x) => x.clerkA)(p, r, task),
            approve('approve:clerkB', (x) => x.clerkB)(p, r, task),
          ];
        },
        exactlyOne: ['approve'],
        refusals: { 'approve:clerkA': refusedStep, 'approve:clerkB': refusedStep },
        effects: {
          'approve:clerkA': staffEffect('approve', byClerkA),
          'approve:clerkB': staffEffect('approve', byClerkB),
        },
      },
      {
        name: 'a request for more material (补正) against approval',
        setup: async () => {},
        contenders: async (p, r) => {
          const task = await openTask(r);
          return [
            contender('request_material:clerkA', async () =>
              fromResponse(
                'request_material:clerkA',
                await staffAct(p.clerkA, r, task, {
                  action: 'request_material',
                  message: '请补充现场照片',
                  materials: [{ name: '现场照片' }],
                }),
              ),
            ),
            approve('approve:clerkB', (x) => x.clerkB)(p, r, task),
          ];
        },
        exactlyOne: ['approve', 'request_material'],
        refusals: { 'request_material:clerkA': refusedStep, 'approve:clerkB': refusedStep },
        effects: {
          'request_material:clerkA': staffEffect('request_material', byClerkA),
          'approve:clerkB': staffEffect('approve', byClerkB),
        },
      },
      {
        name: 'the applicant withdraws while the final decision is approved',
        setup: async (p, r) => ok(staffAct(p.clerkA, r, await openTask(r), { action: 'approve' })),
        contenders: async (p, r) => [
          approve('approve:supervisor', (x) => x.supervisor)(p, r, await openTask(r)),
          withdraw(r),
        ],
        exactlyOne: ['approve', 'withdraw'],
        refusals: { 'approve:supervisor': refusedStep, 'withdraw:applicant': ['GOV_APPLICATION_NOT_EDITABLE'] },
        effects: { 'approve:supervisor': staffEffect('approve', bySupervisor), 'withdraw:applicant': withdrawEffect },
      },
      {
        name: 'the applicant withdraws while the first step is approved',
        setup: async () => {},
        contenders: async (p, r) => [approve('approve:clerkA', (x) => x.clerkA)(p, r, await openTask(r)), withdraw(r)],
        // Approved first, the application goes on to its decision and can still be withdrawn: both may succeed.
        refusals: { 'approve:clerkA': refusedStep, 'withdraw:applicant': [] },
        effects: { 'approve:clerkA': staffEffect('approve', byClerkA), 'withdraw:applicant': withdrawEffect },
      },
      {
        name: 'transfer to another department against approval',
        setup: async () => {},
        contenders: async (p, r) => {
          const task = await openTask(r);
          return [
            contender('transfer:clerkA', async () =>
              fromResponse(
                'transfer:clerkA',
                await staffAct(p.clerkA, r, task, {
                  action: 'transfer',
                  toDepartmentCode: 'urban-management',
                  reason: '属于占道经营',
                }),
              ),
            ),
            approve('approve:clerkB', (x) => x.clerkB)(p, r, task),
          ];
        },
        exactlyOne: ['approve', 'transfer'],
        // Transferred first, the fire brigade has no step in it any more: 404 (or 403 for the step).
        refusals: {
          'transfer:clerkA': refusedStep,
          'approve:clerkB': [...refusedStep, 'GOV_APPLICATION_NOT_FOUND', 'WORKFLOW_NOT_YOUR_TASK'],
        },
        effects: {
          'transfer:clerkA': staffEffect('transfer', byClerkA),
          'approve:clerkB': staffEffect('approve', byClerkB),
        },
      },
      {
        name: "the step's deadline escalates while it is approved",
        sequential: true,
        setup: async (_p, r) => {
          // The warning stage fires first; the escalation stage then waits, and is made due for the race.
          const task = await openTask(r);
          await makeDue(r, `${TASK_TIMER_JOB}:${task}:1:0`);
          expect((await app.platform.jobs.runDue({ limit: 1 })).done).toBe(1);
          await makeDue(r, `${TASK_TIMER_JOB}:${task}:1:1`);
        },
        contenders: async (p, r) => [
          approve('approve:clerkA', (x) => x.clerkA)(p, r, await openTask(r)),
          timer('timer:1'),
        ],
        refusals: { 'approve:clerkA': [], 'timer:1': [] },
        effects: { 'approve:clerkA': staffEffect('approve', byClerkA) },
      },
      {
        name: 'an internal note is written while the step is approved',
        setup: async () => {},
        contenders: async (p, r) => [
          approve('approve:clerkA', (x) => x.clerkA)(p, r, await openTask(r)),
          contender('note:clerkB', async () =>
            fromResponse(
              'note:clerkB',
              await app.inject({
                method: 'POST',
                url: `${CITY}/applications/${r.id}/notes`,
                headers: p.clerkB.write,
                payload: { text: '现场已核实', visibility: 'internal' },
              }),
            ),
          ),
        ],
        refusals: { 'approve:clerkA': [], 'note:clerkB': [] },
        effects: {
          'approve:clerkA': staffEffect('approve', byClerkA),
          'note:clerkB': { actor: byClerkB, timeline: 'note', audit: 'government.application.note' },
        },
      },
      {
        name: 'the applicant supplements and withdraws at once',
        setup: async (p, r) =>
          ok(
            staffAct(p.clerkA, r, await openTask(r), {
              action: 'request_material',
              message: '请补充现场照片',
              materials: [{ name: '现场照片' }],
            }),
          ),
        contenders: async (_p, r) => [
          contender('supplement:applicant', async () =>
            fromResponse('supplement:applicant', await applicantAct(r, 'supplement', { message: '已补充' })),
          ),
          withdraw(r),
        ],
        // Supplemented first, it is back with staff and can still be withdrawn: both may succeed.
        refusals: { 'supplement:applicant': ['GOV_APPLICATION_NOT_EDITABLE'], 'withdraw:applicant': [] },
        effects: {
          'supplement:applicant': {
            workflow: 'supplement',
            actor: byApplicant,
            timeline: 'supplement',
            audit: 'government.application.supplemented',
          },
          'withdraw:applicant': withdrawEffect,
        },
      },
    ];

    interface Before {
      seq: number;
      timeline: number;
      audit: number;
    }

    /** Checks one round's history against what was stored. */
    async function check(
      spec: RaceSpec,
      n: number,
      p: People,
      r: Round,
      before: Before,
      run: Awaited<ReturnType<typeof race>>,
    ) {
      const loaded = await loadInstance(db(), 'lingnan', r.instanceId, false);
      if (!loaded) throw new Error(`no instance ${r.instanceId}`);
      const application = await governmentDb(db())
        .selectFrom('applications')
        .select('status')
        .where('id', '=', r.id)
        .executeTakeFirstOrThrow();
      const rows = await workflowDb(db())
        .selectFrom('workflow_actions')
        .selectAll()
        .where('instance_id', '=', r.instanceId)
        .orderBy('seq')
        .execute();
      const timeline = await governmentDb(db())
        .selectFrom('application_log')
        .select(['seq', 'kind', 'actor_id'])
        .where('application_id', '=', r.id)
        .orderBy('seq')
        .execute();
      const audits = await db()
        .selectFrom('audit_log')
        .select(['action', 'actor_id'])
        .where('subject_kind', '=', 'application')
        .where('subject_id', '=', r.id)
        .where('seq', '>', before.audit)
        .where('action', '<>', 'government.application.read')
        .orderBy('seq')
        .execute();
      const record: RoundRecord = {
        race: spec.name,
        round: n,
        order: run.order,
        outcomes: run.outcomes,
        stored: {
          application: application.status,
          instance: loaded.row.status,
          lastSeq: loaded.row.last_seq,
          tasks: [...loaded.tasks.values()].map((t) => `${t.step_code}:${t.status}`),
        },
        log: rows.map((a) => `${a.seq}:${a.action}:${a.actor_kind}`),
        timeline: timeline.map((t) => `${t.seq}:${t.kind}`),
        audit: audits.map((a) => a.action),
      };
      const why = (what: string) => `${what}\n${JSON.stringify(record, null, 1)}`;

      // Answers: never a 5xx; a refusal is one of the race's documented problems.
      for (const o of run.outcomes) {
        expect(o.status, why(`${o.label} answered ${o.status} ${o.code}`)).toBeLessThan(500);
        if (o.status >= 400) {
          expect(spec.refusals[o.label] ?? [], why(`${o.label} refused with ${o.code}`)).toContain(o.code);
        }
      }

      // Replayed through the engine's tables, every entry is allowed; what is stored is the fold.
      let state: InstanceState | null = null;
      for (const row of rows) {
        const entry = toLogged(row);
        if (state && entry.action !== 'open') {
          const party = PARTY[entry.actorKind] as WorkflowParty;
          const prior: InstanceState = state;
          const task = entry.taskId ? prior.tasks.find((t) => t.id === entry.taskId) : undefined;
          if (task) {
            const action = entry.action as TaskActionName;
            const allowed = taskTable[task.status][action] ?? [];
            expect(allowed, why(`${row.seq}:${action} by ${party} on a ${task.status} task`)).toContain(party);
            expect(
              guardTaskAction(prior, task, action, { departmentId: entry.departmentId, level: entry.level }),
              why(`guard of ${row.seq}:${action}`),
            ).toBeNull();
          } else {
            const action = entry.action as InstanceActionName;
            const allowed = instanceTable[prior.status][action] ?? [];
            expect(allowed, why(`${row.seq}:${action} by ${party} on a ${prior.status} instance`)).toContain(party);
            expect(guardInstanceAction(prior, action, { level: entry.level }), why(`guard of ${row.seq}`)).toBeNull();
          }
        }
        state = applyEntry(loaded.shape, state, entry);
      }
      const folded = loaded.state;
      expect(state, why('the stored log folds to the loaded state')).toEqual(folded);
      expect(loaded.row.last_seq, why('last_seq is the log length')).toBe(rows.length);
      expect(
        { status: loaded.row.status, escalation: loaded.row.escalation_level },
        why('the stored instance is the fold'),
      ).toEqual({ status: folded.status, escalation: folded.escalationLevel });
      expect(
        [...loaded.tasks.values()]
          .map((t) => ({ id: t.id, status: t.status, department: t.department_id }))
          .sort((a, b) => a.id.localeCompare(b.id)),
        why('the stored tasks are the fold'),
      ).toEqual(
        folded.tasks
          .map((t) => ({ id: t.id, status: t.status, department: t.departmentId }))
          .sort((a, b) => a.id.localeCompare(b.id)),
      );
      expect(application.status, why('the application follows its instance')).toBe(APPLICATION_STATUS[folded.status]);

      // Every success is exactly one workflow entry, one timeline entry and one audit entry; nothing more.
      const successes = run.outcomes.filter((o) => o.status < 300 && spec.effects[o.label]);
      const effects = successes.map((o) => spec.effects[o.label] as Effect);
      const sorted = (xs: string[]) => [...xs].sort();
      const raced = rows.filter((a) => a.seq > before.seq);
      expect(
        sorted(raced.filter((a) => a.actor_kind !== 'system').map((a) => `${a.action}:${a.actor_id}`)),
        why('one workflow entry per successful request'),
      ).toEqual(sorted(effects.filter((e) => e.workflow).map((e) => `${e.workflow}:${e.actor(p, r)}`)));
      const kinds = new Set(Object.values(spec.effects).map((e) => e.timeline));
      expect(
        sorted(timeline.filter((t) => t.seq > before.timeline && kinds.has(t.kind)).map((t) => t.kind)),
        why('one timeline entry per successful request'),
      ).toEqual(sorted(effects.map((e) => e.timeline)));
      expect(
        timeline.map((t) => t.seq),
        why('the timeline is numbered without gaps'),
      ).toEqual(timeline.map((_, i) => i + 1));
      expect(sorted(audits.map((a) => a.action)), why('one audit entry per successful request')).toEqual(
        sorted(effects.map((e) => e.audit)),
      );
      if (spec.exactlyOne) {
        const won = raced.filter((a) => spec.exactlyOne?.includes(a.action));
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
      const system = raced.filter((a) => a.actor_kind === 'system' && a.action !== 'open');
      expect(system.length, why('timers write at most one entry each')).toBeLessThanOrEqual(r.timers.length);

      const refused = run.outcomes.filter((o) => o.status >= 400).map((o) => `${o.label.split(':')[0]} ${o.code}`);
      // The order things happened in: the workflow log's, or the timeline's when a note (not in the log) took part.
      const withNotes = Object.values(spec.effects).some((e) => !e.workflow);
      const order = withNotes
        ? timeline.filter((t) => t.seq > before.timeline && kinds.has(t.kind)).map((t) => t.kind)
        : raced.filter((a) => a.action !== 'open').map((a) => a.action);
      return [order.join('→'), ...refused].join(', ');
    }

    for (const [index, spec] of races.entries()) {
      it(`${spec.name}: one winner, no lost update, nothing the workflow forbids`, async () => {
        const p = await people();
        const wins = new Tally();
        await inBatches(roundsOf(spec), spec.sequential ? 1 : width, async (n) => {
          const r = await newApplication(p.citizen);
          await spec.setup(p, r);
          const instance = await workflowDb(db())
            .selectFrom('workflow_instances')
            .select('last_seq')
            .where('id', '=', r.instanceId)
            .executeTakeFirstOrThrow();
          const timeline = await governmentDb(db())
            .selectFrom('application_log')
            .select((eb) => eb.fn.max('seq').as('seq'))
            .where('application_id', '=', r.id)
            .executeTakeFirstOrThrow();
          const audit = await db().selectFrom('audit_head').select('seq').executeTakeFirstOrThrow();
          const run = await race(roundRandom(SEED, index, n), await spec.contenders(p, r));
          const before = { seq: instance.last_seq, timeline: Number(timeline.seq ?? 0), audit: Number(audit.seq) };
          wins.add(await check(spec, n, p, r, before, run));
        });
        tallies.push(`${spec.name} — ${wins}`);
      });
    }
  },
  'demo',
);
