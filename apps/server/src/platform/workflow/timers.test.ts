/**
 * Time limits as durable timers, with a manual clock and two job workers on one database (on
 * PostgreSQL each with its own connection pool, as two processes): warning, then escalation to
 * the department's supervisors, then to the operations centre — each once; nothing for a task
 * already done; nothing at the old time of a deadline a pause moved.
 */
import type { Kysely } from 'kysely';
import pino from 'pino';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../testing/db.ts';
import type { Database } from '../db/schema.ts';
import { createJobSystem, type JobSystem } from '../jobs/index.ts';
import { ManualClock } from '../time/clock.ts';
import { actOnInstance, actOnTask, startWorkflow } from './engine.ts';
import { registerWorkflowJobs } from './jobs.ts';
import { getInstance } from './queries.ts';
import { publishDefinition } from './repository.ts';
import { workflowDb } from './schema.ts';
import { CITY, citizenActor, createWorkflowCity, DEPARTMENTS, inTransaction, staffOf } from './test-support.ts';

describeEachDialect('workflow timers across workers', (ctx) => {
  const clock = new ManualClock('2026-03-02T01:00:00Z');
  const deps = { clock };
  const logger = pino({ level: 'silent' });
  const db = () => ctx.handle().db;
  const clerk = staffOf('service', ['clerk']);
  const applicant = citizenActor();
  let workers: JobSystem[] = [];
  let second: Kysely<Database>;

  const worker = (on: Kysely<Database>, id: string) => {
    const jobs = createJobSystem({ db: on, clock, logger, intervalMs: 60_000, workerId: id });
    registerWorkflowJobs(jobs, deps);
    return jobs;
  };
  /** Both workers at once, a few rounds (a stage schedules the next one, due later). */
  const runWorkers = async () => {
    for (let round = 0; round < 3; round++) await Promise.all(workers.map((w) => w.runDue({ limit: 50 })));
  };
  const at = async (instant: string) => {
    clock.set(instant);
    await runWorkers();
  };
  const timerEntries = async (instanceId: string, taskId: string | null) => {
    const rows = await workflowDb(db())
      .selectFrom('workflow_actions')
      .select(['action', 'level', 'task_id', 'actor_kind'])
      .where('instance_id', '=', instanceId)
      .where('action', 'in', ['warn', 'escalate'])
      .orderBy('seq')
      .execute();
    return rows
      .filter((r) => r.task_id === taskId)
      .map((r) => (r.action === 'escalate' ? `escalate:${r.level}` : `${r.action}:${r.actor_kind}`));
  };
  const start = (at: string, limits = {}, code = 'timed') => {
    clock.set(at);
    return inTransaction(db(), (trx) =>
      startWorkflow(trx, deps, {
        cityId: CITY,
        definition: { code },
        subject: { type: 'application', id: at },
        applicant: { kind: 'citizen', id: applicant.id },
        departments: { service: DEPARTMENTS.service.id },
        limits,
      }),
    );
  };

  beforeAll(async () => {
    await createWorkflowCity(db());
    await publishDefinition(db(), clock, CITY, {
      code: 'timed',
      name: { zh: '限时审查', en: 'Timed review' },
      steps: [
        { code: 'review', name: { zh: '审查', en: 'Review' }, department: 'service', role: 'clerk', limitDays: 2 },
        { code: 'decide', name: { zh: '决定', en: 'Decide' }, department: 'service', role: 'supervisor', limitDays: 1 },
      ],
    });
    await publishDefinition(db(), clock, CITY, {
      code: 'untimed',
      name: { zh: '不限时审查', en: 'Review without step limits' },
      steps: [{ code: 'review', name: { zh: '审查', en: 'Review' }, department: 'service', role: 'clerk' }],
    });
    second = ctx.kind === 'postgres' ? (await ctx.openAnother()).db : db();
    workers = [worker(db(), 'worker-a'), worker(second, 'worker-b')];
  });

  it('warns one working day before, then escalates to supervisors and to the operations centre, each once', async () => {
    // Monday 2 March 09:00: review (2 working days) is due at the end of Wednesday 4 March.
    const started = await start('2026-03-02T01:00:00Z');
    const review = started.openedTasks[0]!;
    expect(review.dueOn).toBe('2026-03-04');
    const entries = () => timerEntries(started.instance.id, review.id);

    await at('2026-03-03T15:59:00Z');
    expect(await entries()).toEqual([]);
    await at('2026-03-03T16:00:01Z'); // Wednesday begins: one working day left
    expect(await entries()).toEqual(['warn:system']);

    // A worker started afresh (as after a restart) takes over the chain where it stands.
    workers = [worker(db(), 'worker-a-restarted'), worker(second, 'worker-b')];
    await at('2026-03-04T16:00:01Z'); // Wednesday over: overdue, Thursday is one working day too many
    expect(await entries()).toEqual(['warn:system', 'escalate:1']);
    const detail = await getInstance(db(), clock, CITY, started.instance.id);
    expect(detail?.tasks[0]).toMatchObject({ escalationLevel: 1, overdue: true, remainingWorkingDays: -1 });

    await at('2026-03-05T16:00:01Z'); // one more working day over
    await at('2026-03-12T16:00:00Z');
    expect(await entries()).toEqual(['warn:system', 'escalate:1', 'escalate:2']);

    const events = await db()
      .selectFrom('outbox_events')
      .select(['type', 'data'])
      .where('subject', '=', started.instance.id)
      .where('type', 'in', ['workflow.task.warned', 'workflow.task.escalated'])
      .orderBy('seq')
      .execute();
    expect(events.map((e) => [e.type, (e.data as { notify?: string }).notify ?? null])).toEqual([
      ['workflow.task.warned', null],
      ['workflow.task.escalated', 'department_supervisors'],
      ['workflow.task.escalated', 'operations_centre'],
    ]);
    expect((events[1]?.data as { departmentIds?: string[] } | undefined)?.departmentIds).toEqual([
      DEPARTMENTS.service.id,
    ]);
    const jobs = await db()
      .selectFrom('jobs')
      .select(['dedupe_key', 'status', 'attempts'])
      .where('dedupe_key', 'like', `workflow.task_deadline:${review.id}:%`)
      .orderBy('dedupe_key')
      .execute();
    expect(jobs).toEqual([
      { dedupe_key: `workflow.task_deadline:${review.id}:1:0`, status: 'done', attempts: 1 },
      { dedupe_key: `workflow.task_deadline:${review.id}:1:1`, status: 'done', attempts: 1 },
      { dedupe_key: `workflow.task_deadline:${review.id}:1:2`, status: 'done', attempts: 1 },
    ]);
  });

  it('times the instance’s promised and legal limits', async () => {
    // Monday 16 March: promised 3 → Thursday 19th, legal 5 → Monday 23rd.
    const started = await start('2026-03-16T01:00:00Z', { promisedDays: 3, legalDays: 5 }, 'untimed');
    expect(started.instance).toMatchObject({ promisedDueOn: '2026-03-19', legalDueOn: '2026-03-23' });
    const entries = () => timerEntries(started.instance.id, null);
    await at('2026-03-18T16:00:01Z');
    expect(await entries()).toEqual(['warn:system']);
    await at('2026-03-19T16:00:01Z');
    expect(await entries()).toEqual(['warn:system', 'escalate:1']);
    await at('2026-03-22T16:00:01Z'); // Monday 23rd still counts
    expect(await entries()).toEqual(['warn:system', 'escalate:1']);
    await at('2026-03-23T16:00:01Z');
    expect(await entries()).toEqual(['warn:system', 'escalate:1', 'escalate:2']);
    const detail = await getInstance(db(), clock, CITY, started.instance.id);
    expect(detail).toMatchObject({ escalationLevel: 2, warned: true, overdue: true });
  });

  it('does not fire for a task already done', async () => {
    const started = await start('2026-03-23T01:00:00Z');
    const review = started.openedTasks[0]!;
    clock.set('2026-03-23T02:00:00Z');
    const done = await inTransaction(db(), (trx) =>
      actOnTask(trx, deps, { cityId: CITY, taskId: review.id, actor: clerk, action: 'approve' }),
    );
    const decide = done.openedTasks[0]!;
    await at('2026-03-27T16:00:00Z');
    expect(await timerEntries(started.instance.id, review.id)).toEqual([]);
    // The next step's own limit (one working day from Monday) runs on its own timers.
    expect(await timerEntries(started.instance.id, decide.id)).toEqual(['warn:system', 'escalate:1', 'escalate:2']);
  });

  it('does not fire at the old time of a deadline a pause moved, and fires at the new one', async () => {
    // Monday 30 March 09:00: review due at the end of Wednesday 1 April.
    const started = await start('2026-03-30T01:00:00Z');
    const review = started.openedTasks[0]!;
    expect(review.dueOn).toBe('2026-04-01');
    clock.set('2026-03-30T02:00:00Z');
    await inTransaction(db(), (trx) =>
      actOnTask(trx, deps, {
        cityId: CITY,
        taskId: review.id,
        actor: clerk,
        action: 'request_material',
        message: '请补充身份证明',
        materials: [{ name: '身份证明' }],
      }),
    );
    clock.set('2026-03-31T01:00:00Z'); // Tuesday: answered; Tuesday is not counted
    const resumed = await inTransaction(db(), (trx) =>
      actOnInstance(trx, deps, {
        cityId: CITY,
        instanceId: started.instance.id,
        actor: applicant,
        action: 'supplement',
      }),
    );
    expect(resumed.tasks[0]?.dueOn).toBe('2026-04-02');
    const entries = () => timerEntries(started.instance.id, review.id);

    await at('2026-03-31T16:00:01Z'); // the old warning time
    expect(await entries()).toEqual([]);
    await at('2026-04-01T16:00:01Z'); // the old escalation time is the new warning time
    expect(await entries()).toEqual(['warn:system']);
    await at('2026-04-02T16:00:01Z');
    expect(await entries()).toEqual(['warn:system', 'escalate:1']);
  });

  it('stands still while paused: a deadline passing during a pause does not escalate', async () => {
    // Wednesday 8 April: review due at the end of Friday 10 April.
    const started = await start('2026-04-08T01:00:00Z');
    const review = started.openedTasks[0]!;
    clock.set('2026-04-08T02:00:00Z');
    await inTransaction(db(), (trx) =>
      actOnTask(trx, deps, {
        cityId: CITY,
        taskId: review.id,
        actor: clerk,
        action: 'request_material',
        message: '补正',
        materials: [{ name: '委托书' }],
      }),
    );
    await at('2026-04-14T16:00:01Z');
    expect(await timerEntries(started.instance.id, review.id)).toEqual([]);
    const detail = await getInstance(db(), clock, CITY, started.instance.id);
    expect(detail?.tasks[0]).toMatchObject({ status: 'waiting', dueOn: null, remainingWorkingDays: 2, overdue: false });
  });
});
