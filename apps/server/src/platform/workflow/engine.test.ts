/**
 * The engine on a real database: a countersign (会签) from acceptance to decision with a request
 * for more material in the middle, who may act, what the tables forbid, rejection and withdrawal,
 * transfers, versioned definitions, queues, and concurrent actions on one instance.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../../testing/db.ts';
import { ManualClock } from '../time/clock.ts';
import { actOnInstance, actOnTask, startWorkflow, type WorkflowResult } from './engine.ts';
import { getInstance, listInstancesOfSubject, listTasks, listTasksForStaff } from './queries.ts';
import { findDefinition, listDefinitions, listDefinitionVersions, publishDefinition } from './repository.ts';
import {
  CITY,
  citizenActor,
  countersignDefinition,
  createWorkflowCity,
  DEPARTMENTS,
  failure,
  inTransaction,
  staffOf,
} from './test-support.ts';

describeEachDialect('workflow engine', (ctx) => {
  // Monday 2 March 2026, 09:00 in the city.
  const clock = new ManualClock('2026-03-02T01:00:00Z');
  const deps = { clock };
  const db = () => ctx.handle().db;
  const clerk = staffOf('service', ['clerk']);
  const supervisor = staffOf('service', ['supervisor']);
  const planningClerk = staffOf('planning', ['clerk']);
  const fireClerk = staffOf('fire', ['clerk']);
  const waterClerk = staffOf('water', ['clerk']);
  const applicant = citizenActor();

  beforeAll(async () => {
    await createWorkflowCity(db());
    await publishDefinition(db(), clock, CITY, countersignDefinition);
  });

  const start = (subjectId: string, who = applicant) =>
    inTransaction(db(), (trx) =>
      startWorkflow(trx, deps, {
        cityId: CITY,
        definition: { code: 'countersign-decide' },
        subject: { type: 'application', id: subjectId },
        applicant: { kind: 'citizen', id: who.id },
        departments: { service: DEPARTMENTS.service.id },
        limits: { promisedDays: 10, legalDays: 20 },
        actor: who,
      }),
    );
  const act = (input: Parameters<typeof actOnTask>[2]) => inTransaction(db(), (trx) => actOnTask(trx, deps, input));
  const actInstance = (input: Parameters<typeof actOnInstance>[2]) =>
    inTransaction(db(), (trx) => actOnInstance(trx, deps, input));
  const taskOf = (result: WorkflowResult, code: string) => {
    const task = result.tasks.find((t) => t.step.code === code && t.status !== 'cancelled');
    if (!task) throw new Error(`no task ${code}`);
    return task;
  };
  /** Accepts an application and returns the result with both countersign tasks open. */
  const acceptedCase = async (subjectId: string) => {
    const started = await start(subjectId);
    return act({ cityId: CITY, taskId: taskOf(started, 'accept').id, actor: clerk, action: 'approve' });
  };

  it('runs a countersign from acceptance through a request for more material to approval, with a full timeline', async () => {
    const started = await start('app-1');
    expect(started.instance).toMatchObject({ status: 'in_progress', stage: 0, stageCount: 3, startedOn: '2026-03-02' });
    expect(started.openedTasks.map((t) => [t.step.code, t.departmentId])).toEqual([['accept', DEPARTMENTS.service.id]]);
    // 受理次日起算: Tuesday 3 March is day 1 of the one-day limit.
    expect(started.openedTasks[0]).toMatchObject({ dueOn: '2026-03-03', remainingWorkingDays: 1, overdue: false });
    expect(started.instance).toMatchObject({ promisedDueOn: '2026-03-16', legalDueOn: '2026-03-30' });

    clock.advance(60 * 60_000);
    const accepted = await act({
      cityId: CITY,
      taskId: taskOf(started, 'accept').id,
      actor: clerk,
      action: 'approve',
      message: '材料齐全，予以受理',
    });
    expect(accepted.completed).toBeNull();
    expect(accepted.instance.stage).toBe(1);
    expect(accepted.closedTasks.map((t) => [t.step.code, t.status])).toEqual([['accept', 'approved']]);
    expect(accepted.openedTasks.map((t) => [t.step.code, t.departmentId])).toEqual([
      ['countersign-planning', DEPARTMENTS.planning.id],
      ['countersign-fire', DEPARTMENTS.fire.id],
    ]);

    clock.advance(24 * 60 * 60_000); // Tuesday
    const asked = await act({
      cityId: CITY,
      taskId: taskOf(accepted, 'countersign-planning').id,
      actor: planningClerk,
      action: 'request_material',
      message: '请补充总平面图',
      materials: [{ code: 'site-plan', name: '总平面图' }],
    });
    expect(asked.paused).toBe(true);
    expect(asked.instance).toMatchObject({ status: 'paused', paused: true, promisedDueOn: null, legalDueOn: null });
    expect(taskOf(asked, 'countersign-planning')).toMatchObject({ status: 'waiting', dueOn: null, paused: true });
    // The other department's clock stands still too.
    expect(taskOf(asked, 'countersign-fire')).toMatchObject({ status: 'open', dueOn: null, paused: true });

    clock.advance(2 * 24 * 60 * 60_000); // Thursday
    const supplemented = await actInstance({
      cityId: CITY,
      instanceId: started.instance.id,
      actor: applicant,
      action: 'supplement',
      payload: { sitePlan: 'file-123' },
      message: '已补充',
    });
    expect(supplemented.resumed).toBe(true);
    expect(supplemented.instance.status).toBe('in_progress');
    // Paused from Tuesday to Thursday: Wednesday and Thursday were not counted, so everything moves two working days.
    expect(supplemented.instance).toMatchObject({ promisedDueOn: '2026-03-18', legalDueOn: '2026-04-01' });
    // The countersign tasks (five working days from Monday) had used Tuesday: four more from Friday.
    expect(taskOf(supplemented, 'countersign-planning')).toMatchObject({ status: 'open', dueOn: '2026-03-11' });
    expect(taskOf(supplemented, 'countersign-fire')).toMatchObject({ status: 'open', dueOn: '2026-03-11' });

    const planningDone = await act({
      cityId: CITY,
      taskId: taskOf(accepted, 'countersign-planning').id,
      actor: planningClerk,
      action: 'approve',
    });
    expect(planningDone.instance.stage).toBe(1);
    expect(planningDone.openedTasks).toEqual([]);
    const fireDone = await act({
      cityId: CITY,
      taskId: taskOf(accepted, 'countersign-fire').id,
      actor: fireClerk,
      action: 'approve',
      message: '同意',
    });
    expect(fireDone.instance.stage).toBe(2);
    expect(fireDone.openedTasks.map((t) => [t.step.code, t.step.role])).toEqual([['decide', 'supervisor']]);

    const decided = await act({
      cityId: CITY,
      taskId: taskOf(fireDone, 'decide').id,
      actor: supervisor,
      action: 'approve',
      message: '准予许可',
    });
    expect(decided.completed).toBe('approved');
    expect(decided.instance).toMatchObject({ status: 'approved', remainingWorkingDays: null });
    expect(decided.tasks.every((t) => t.status === 'approved')).toBe(true);

    const detail = await getInstance(db(), clock, CITY, started.instance.id);
    expect(detail?.timeline.map((e) => [e.action, e.actor.kind, e.stepCode, e.message ?? e.reason ?? null])).toEqual([
      ['start', 'citizen', null, null],
      ['open', 'system', 'accept', null],
      ['approve', 'staff', 'accept', '材料齐全，予以受理'],
      ['open', 'system', 'countersign-planning', null],
      ['open', 'system', 'countersign-fire', null],
      ['request_material', 'staff', 'countersign-planning', '请补充总平面图'],
      ['supplement', 'citizen', null, '已补充'],
      ['approve', 'staff', 'countersign-planning', null],
      ['approve', 'staff', 'countersign-fire', '同意'],
      ['open', 'system', 'decide', null],
      ['approve', 'staff', 'decide', '准予许可'],
    ]);
    expect(detail?.timeline[5]?.details).toEqual({ materials: [{ code: 'site-plan', name: '总平面图', note: null }] });
    expect(detail?.timeline[6]?.details).toEqual({ payload: { sitePlan: 'file-123' } });
    expect(detail?.timeline.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(detail?.pauses).toHaveLength(1);

    const events = await db()
      .selectFrom('outbox_events')
      .select(['type', 'data'])
      .where('subject', '=', started.instance.id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.type)).toEqual([
      'workflow.instance.started',
      'workflow.task.opened',
      'workflow.task.opened',
      'workflow.task.opened',
      'workflow.task.completed',
      'workflow.task.material_requested',
      'workflow.instance.paused',
      'workflow.instance.resumed',
      'workflow.task.completed',
      'workflow.task.opened',
      'workflow.task.completed',
      'workflow.task.completed',
      'workflow.instance.completed',
    ]);
    expect(events.at(-1)?.data).toMatchObject({ outcome: 'approved', subjectType: 'application', subjectId: 'app-1' });
  });

  it('lets only staff of the task’s department with the step’s role act; a supervisor may do a clerk’s step', async () => {
    const started = await start('app-roles');
    const accept = taskOf(started, 'accept');
    for (const actor of [
      planningClerk,
      staffOf('service', ['field_crew']),
      applicant,
      { ...clerk, cityId: 'elsewhere' },
    ]) {
      const error = await failure(act({ cityId: CITY, taskId: accept.id, actor, action: 'approve' }));
      expect(error).toMatchObject({ code: 'WORKFLOW_NOT_YOUR_TASK', status: 403 });
    }
    const accepted = await act({ cityId: CITY, taskId: accept.id, actor: supervisor, action: 'approve' });
    const planning = taskOf(accepted, 'countersign-planning');
    const fire = taskOf(accepted, 'countersign-fire');
    await act({ cityId: CITY, taskId: planning.id, actor: planningClerk, action: 'approve' });
    const both = await act({ cityId: CITY, taskId: fire.id, actor: fireClerk, action: 'approve' });
    const decide = taskOf(both, 'decide');
    // 审核决定 is a supervisor's step: a clerk of the same department may not decide.
    expect(await failure(act({ cityId: CITY, taskId: decide.id, actor: clerk, action: 'approve' }))).toMatchObject({
      code: 'WORKFLOW_NOT_YOUR_TASK',
    });
    // Only the applicant supplements or withdraws.
    expect(
      await failure(
        actInstance({ cityId: CITY, instanceId: started.instance.id, actor: citizenActor(), action: 'withdraw' }),
      ),
    ).toMatchObject({ code: 'WORKFLOW_NOT_APPLICANT', status: 403 });
    expect(
      await failure(
        actInstance({ cityId: CITY, instanceId: started.instance.id, actor: supervisor, action: 'withdraw' }),
      ),
    ).toMatchObject({ code: 'WORKFLOW_NOT_APPLICANT' });
  });

  it('answers an action the tables forbid with a 409 naming the current status and the allowed actions', async () => {
    const accepted = await acceptedCase('app-409');
    const accept = taskOf(accepted, 'accept');
    const again = await failure(act({ cityId: CITY, taskId: accept.id, actor: clerk, action: 'approve' }));
    expect(again).toMatchObject({
      code: 'WORKFLOW_ACTION_NOT_ALLOWED',
      status: 409,
      extensions: { currentStatus: 'approved', allowedActions: [], taskId: accept.id },
    });
    const supplement = await failure(
      actInstance({ cityId: CITY, instanceId: accepted.instance.id, actor: applicant, action: 'supplement' }),
    );
    expect(supplement).toMatchObject({
      code: 'WORKFLOW_ACTION_NOT_ALLOWED',
      extensions: { currentStatus: 'in_progress', allowedActions: ['withdraw'] },
    });
    const planning = taskOf(accepted, 'countersign-planning');
    await act({
      cityId: CITY,
      taskId: planning.id,
      actor: planningClerk,
      action: 'request_material',
      message: '缺材料',
      materials: [{ name: '消防设计图' }],
    });
    const waiting = await failure(act({ cityId: CITY, taskId: planning.id, actor: planningClerk, action: 'approve' }));
    expect(waiting).toMatchObject({
      extensions: { currentStatus: 'waiting', allowedActions: [], instanceStatus: 'paused' },
    });
    const open = await failure(
      act({
        cityId: CITY,
        taskId: taskOf(accepted, 'countersign-fire').id,
        actor: fireClerk,
        action: 'approve',
        expectedVersion: 1,
      }),
    );
    expect(open).toMatchObject({ code: 'WORKFLOW_CHANGED', status: 409 });
  });

  it('refuses incomplete input with a 400 before anything changes', async () => {
    const accepted = await acceptedCase('app-400');
    const planning = taskOf(accepted, 'countersign-planning');
    const cases = [
      [{ action: 'reject', reason: '  ' }, 'WORKFLOW_REASON_REQUIRED'],
      [{ action: 'request_material', message: '补正', materials: [] }, 'WORKFLOW_MATERIALS_REQUIRED'],
      [{ action: 'request_material', message: '', materials: [{ name: '图' }] }, 'WORKFLOW_MATERIALS_REQUIRED'],
      [{ action: 'transfer', toDepartmentId: 'not-a-department', reason: '职责' }, 'WORKFLOW_DEPARTMENT_NOT_FOUND'],
      [{ action: 'approve', message: 'x'.repeat(5000) }, 'WORKFLOW_TEXT_TOO_LONG'],
    ] as const;
    for (const [input, code] of cases) {
      const error = await failure(act({ cityId: CITY, taskId: planning.id, actor: planningClerk, ...input } as never));
      expect(error).toMatchObject({ code, status: 400 });
    }
    expect(await failure(act({ cityId: CITY, taskId: 'nope', actor: planningClerk, action: 'approve' }))).toMatchObject(
      {
        code: 'WORKFLOW_TASK_NOT_FOUND',
        status: 404,
      },
    );
    const detail = await getInstance(db(), clock, CITY, accepted.instance.id);
    expect(detail?.version).toBe(accepted.instance.version);
  });

  it('rejects: the instance ends rejected and the parallel task is cancelled', async () => {
    const accepted = await acceptedCase('app-reject');
    const rejected = await act({
      cityId: CITY,
      taskId: taskOf(accepted, 'countersign-fire').id,
      actor: fireClerk,
      action: 'reject',
      reason: '不符合消防安全要求',
    });
    expect(rejected.completed).toBe('rejected');
    expect(rejected.instance.status).toBe('rejected');
    const byCode = Object.fromEntries(rejected.tasks.map((t) => [t.step.code, t.status]));
    expect(byCode).toEqual({ accept: 'approved', 'countersign-planning': 'cancelled', 'countersign-fire': 'rejected' });
    expect(rejected.closedTasks.map((t) => [t.step.code, t.status]).sort()).toEqual([
      ['countersign-fire', 'rejected'],
      ['countersign-planning', 'cancelled'],
    ]);
    const late = await failure(
      act({
        cityId: CITY,
        taskId: taskOf(accepted, 'countersign-planning').id,
        actor: planningClerk,
        action: 'approve',
      }),
    );
    expect(late).toMatchObject({ extensions: { currentStatus: 'cancelled', allowedActions: [] } });
  });

  it('lets the applicant withdraw before completion, also while asked for more material, and not after', async () => {
    const accepted = await acceptedCase('app-withdraw');
    await act({
      cityId: CITY,
      taskId: taskOf(accepted, 'countersign-planning').id,
      actor: planningClerk,
      action: 'request_material',
      message: '补正',
      materials: [{ name: '图纸' }],
    });
    const withdrawn = await actInstance({
      cityId: CITY,
      instanceId: accepted.instance.id,
      actor: applicant,
      action: 'withdraw',
      reason: '不再需要',
    });
    expect(withdrawn.completed).toBe('withdrawn');
    expect(withdrawn.instance.pauses.every((p) => p.to !== null)).toBe(true);
    expect(withdrawn.tasks.filter((t) => t.status === 'cancelled').map((t) => t.step.code)).toEqual([
      'countersign-planning',
      'countersign-fire',
    ]);
    const again = await failure(
      actInstance({ cityId: CITY, instanceId: accepted.instance.id, actor: applicant, action: 'withdraw' }),
    );
    expect(again).toMatchObject({ extensions: { currentStatus: 'withdrawn', allowedActions: [] } });
  });

  it('lets an enterprise act through a member acting for it', async () => {
    const enterpriseId = 'ent-1';
    const member = citizenActor(undefined, enterpriseId);
    const started = await inTransaction(db(), (trx) =>
      startWorkflow(trx, deps, {
        cityId: CITY,
        definition: { code: 'countersign-decide' },
        subject: { type: 'application', id: 'app-ent' },
        applicant: { kind: 'enterprise', id: enterpriseId },
        departments: { service: DEPARTMENTS.service.id },
      }),
    );
    expect(started.instance.remainingWorkingDays).toBeNull();
    expect(
      await failure(
        actInstance({ cityId: CITY, instanceId: started.instance.id, actor: citizenActor(), action: 'withdraw' }),
      ),
    ).toMatchObject({ code: 'WORKFLOW_NOT_APPLICANT' });
    const withdrawn = await actInstance({
      cityId: CITY,
      instanceId: started.instance.id,
      actor: member,
      action: 'withdraw',
    });
    expect(withdrawn.completed).toBe('withdrawn');
  });

  it('transfers a task to another department, counted; only the new department may act on it', async () => {
    const accepted = await acceptedCase('app-transfer');
    const planning = taskOf(accepted, 'countersign-planning');
    const same = await failure(
      act({
        cityId: CITY,
        taskId: planning.id,
        actor: planningClerk,
        action: 'transfer',
        toDepartmentId: DEPARTMENTS.planning.id,
        reason: '—',
      }),
    );
    expect(same).toMatchObject({ code: 'WORKFLOW_TRANSFER_SAME_DEPARTMENT', status: 409 });
    const moved = await act({
      cityId: CITY,
      taskId: planning.id,
      actor: planningClerk,
      action: 'transfer',
      toDepartmentId: DEPARTMENTS.water.id,
      reason: '涉及供水管线，由水务部门会签',
    });
    expect(taskOf(moved, 'countersign-planning')).toMatchObject({
      departmentId: DEPARTMENTS.water.id,
      transferCount: 1,
      status: 'open',
      dueOn: planning.dueOn,
    });
    expect(
      await failure(act({ cityId: CITY, taskId: planning.id, actor: planningClerk, action: 'approve' })),
    ).toMatchObject({
      code: 'WORKFLOW_NOT_YOUR_TASK',
    });
    const queue = await listTasksForStaff(db(), clock, waterClerk);
    expect(queue.items.map((t) => t.id)).toContain(planning.id);
    await act({ cityId: CITY, taskId: planning.id, actor: waterClerk, action: 'approve' });
    const detail = await getInstance(db(), clock, CITY, accepted.instance.id);
    expect(detail?.timeline.find((e) => e.action === 'transfer')).toMatchObject({
      departmentId: DEPARTMENTS.water.id,
      reason: '涉及供水管线，由水务部门会签',
      actor: { kind: 'staff', id: planningClerk.id },
    });
  });

  it('keeps an instance on the version it started with after a new version is published', async () => {
    const v1 = {
      code: 'permit',
      name: { zh: '许可', en: 'Permit' },
      steps: [
        { code: 'accept', name: { zh: '受理', en: 'Accept' }, department: 'service', role: 'clerk' as const },
        { code: 'decide', name: { zh: '决定', en: 'Decide' }, department: 'service', role: 'supervisor' as const },
      ],
    };
    const first = await publishDefinition(db(), clock, CITY, v1);
    expect(first).toMatchObject({ created: true, definition: { version: 1 } });
    expect(await publishDefinition(db(), clock, CITY, structuredClone(v1))).toMatchObject({
      created: false,
      definition: { version: 1, id: first.definition.id },
    });
    const startPermit = (id: string) =>
      inTransaction(db(), (trx) =>
        startWorkflow(trx, deps, {
          cityId: CITY,
          definition: { code: 'permit' },
          subject: { type: 'application', id },
          applicant: { kind: 'citizen', id: applicant.id },
          departments: { service: DEPARTMENTS.service.id },
        }),
      );
    const onV1 = await startPermit('app-v1');
    const v2 = {
      ...v1,
      steps: [
        v1.steps[0]!,
        {
          code: 'inspect',
          name: { zh: '现场核查', en: 'Inspect' },
          department: 'other:wf-fire',
          role: 'clerk' as const,
        },
        v1.steps[1]!,
      ],
    };
    expect(await publishDefinition(db(), clock, CITY, v2)).toMatchObject({ created: true, definition: { version: 2 } });
    expect((await listDefinitionVersions(db(), CITY, 'permit')).map((d) => d.version)).toEqual([1, 2]);
    expect((await findDefinition(db(), CITY, 'permit'))?.steps.map((s) => s.code)).toEqual([
      'accept',
      'inspect',
      'decide',
    ]);
    expect((await listDefinitions(db(), CITY)).find((d) => d.code === 'permit')?.version).toBe(2);

    const accepted = await act({ cityId: CITY, taskId: taskOf(onV1, 'accept').id, actor: clerk, action: 'approve' });
    expect(accepted.openedTasks.map((t) => t.step.code)).toEqual(['decide']);
    const done = await act({
      cityId: CITY,
      taskId: taskOf(accepted, 'decide').id,
      actor: supervisor,
      action: 'approve',
    });
    expect(done.completed).toBe('approved');
    expect(done.instance.definition).toMatchObject({ code: 'permit', version: 1 });
    const detail = await getInstance(db(), clock, CITY, onV1.instance.id);
    expect(detail?.steps.map((s) => s.code)).toEqual(['accept', 'decide']);

    const onV2 = await startPermit('app-v2');
    expect(onV2.instance.definition.version).toBe(2);
    const next = await act({ cityId: CITY, taskId: taskOf(onV2, 'accept').id, actor: clerk, action: 'approve' });
    expect(next.openedTasks.map((t) => [t.step.code, t.departmentId])).toEqual([['inspect', DEPARTMENTS.fire.id]]);
  });

  it('refuses definitions and starts that cannot work', async () => {
    expect(
      await failure(
        publishDefinition(db(), clock, CITY, { code: 'empty', name: { zh: '空', en: 'Empty' }, steps: [] }),
      ),
    ).toMatchObject({ code: 'WORKFLOW_DEFINITION_INVALID', status: 400 });
    const base = {
      cityId: CITY,
      subject: { type: 'application', id: 'x' },
      applicant: { kind: 'citizen' as const, id: applicant.id },
    };
    const tryStart = (input: Partial<Parameters<typeof startWorkflow>[2]>) =>
      failure(
        inTransaction(db(), (trx) =>
          startWorkflow(trx, deps, { ...base, definition: { code: 'countersign-decide' }, ...input }),
        ),
      );
    expect(await tryStart({ definition: { code: 'unknown' } })).toMatchObject({
      code: 'WORKFLOW_DEFINITION_NOT_FOUND',
      status: 404,
    });
    expect(await tryStart({ departments: {} })).toMatchObject({ code: 'WORKFLOW_DEPARTMENT_UNRESOLVED', status: 400 });
    expect(await tryStart({ departments: { service: 'abc' } })).toMatchObject({
      code: 'WORKFLOW_DEPARTMENT_NOT_FOUND',
    });
    expect(
      await tryStart({ departments: { service: DEPARTMENTS.service.id }, limits: { promisedDays: 30, legalDays: 20 } }),
    ).toMatchObject({ code: 'WORKFLOW_LIMITS_INVALID' });
    expect(await tryStart({ cityId: 'nowhere', departments: { service: DEPARTMENTS.service.id } })).toMatchObject({
      status: 404,
    });
  });

  it('lists a staff member’s queue by due time, with filters and paging, and the instances of a subject', async () => {
    const a = await start('queue-a');
    clock.advance(24 * 60 * 60_000);
    const b = await start('queue-b');
    const queue = await listTasksForStaff(db(), clock, clerk, { subjectType: 'application', pageSize: 100 });
    const ids = queue.items.map((t) => t.instanceId);
    expect(ids.indexOf(a.instance.id)).toBeLessThan(ids.indexOf(b.instance.id));
    const dues = queue.items.map((t) => t.dueAt?.getTime() ?? Number.POSITIVE_INFINITY);
    expect([...dues].sort((x, y) => x - y)).toEqual(dues);
    expect(queue.items.every((t) => t.departmentId === DEPARTMENTS.service.id && t.step.role === 'clerk')).toBe(true);
    // The supervisor sees the clerk steps of the department as well.
    const supervisorQueue = await listTasksForStaff(db(), clock, supervisor, { pageSize: 100 });
    expect(supervisorQueue.total).toBeGreaterThanOrEqual(queue.total);
    const soon = await listTasks(db(), clock, {
      cityId: CITY,
      departmentIds: [DEPARTMENTS.service.id],
      dueWithinWorkingDays: 0,
    });
    expect(soon.items.map((t) => t.instanceId)).toContain(a.instance.id);
    expect(soon.items.every((t) => t.remainingWorkingDays !== null && t.remainingWorkingDays <= 0)).toBe(true);
    const page = await listTasks(db(), clock, {
      cityId: CITY,
      departmentIds: [DEPARTMENTS.service.id],
      roles: ['clerk'],
      subjectType: 'application',
      pageSize: 1,
      page: 2,
    });
    expect(page).toMatchObject({ page: 2, pageSize: 1, total: queue.total });
    expect(page.items[0]?.id).toBe(queue.items[1]?.id);
    expect(await listTasks(db(), clock, { cityId: CITY, departmentIds: [] })).toMatchObject({ total: 0 });

    const again = await start('queue-a');
    const of = await listInstancesOfSubject(db(), clock, CITY, { type: 'application', id: 'queue-a' });
    expect(of.map((i) => i.id)).toEqual([a.instance.id, again.instance.id]);
    expect(await getInstance(db(), clock, CITY, 'not-an-id')).toBeNull();
    expect(await getInstance(db(), clock, 'other-city', a.instance.id)).toBeNull();
  });

  it('serialises concurrent actions on one instance: parallel approvals both count, a double approval is refused', async () => {
    const accepted = await acceptedCase('app-concurrent');
    const other = ctx.kind === 'postgres' ? (await ctx.openAnother()).db : db();
    const planning = taskOf(accepted, 'countersign-planning');
    const fire = taskOf(accepted, 'countersign-fire');
    await Promise.all([
      inTransaction(db(), (trx) =>
        actOnTask(trx, deps, { cityId: CITY, taskId: planning.id, actor: planningClerk, action: 'approve' }),
      ),
      inTransaction(other, (trx) =>
        actOnTask(trx, deps, { cityId: CITY, taskId: fire.id, actor: fireClerk, action: 'approve' }),
      ),
    ]);
    const detail = await getInstance(db(), clock, CITY, accepted.instance.id);
    expect(detail?.stage).toBe(2);
    expect(detail?.tasks.map((t) => [t.step.code, t.status])).toEqual([
      ['accept', 'approved'],
      ['countersign-planning', 'approved'],
      ['countersign-fire', 'approved'],
      ['decide', 'open'],
    ]);
    const decide = detail?.tasks.find((t) => t.step.code === 'decide');
    const outcomes = await Promise.allSettled([
      inTransaction(db(), (trx) =>
        actOnTask(trx, deps, { cityId: CITY, taskId: decide!.id, actor: supervisor, action: 'approve' }),
      ),
      inTransaction(other, (trx) =>
        actOnTask(trx, deps, {
          cityId: CITY,
          taskId: decide!.id,
          actor: supervisor,
          action: 'reject',
          reason: '不予许可',
        }),
      ),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'WORKFLOW_ACTION_NOT_ALLOWED' });
    const final = await getInstance(db(), clock, CITY, accepted.instance.id);
    expect(['approved', 'rejected']).toContain(final?.status);
    expect(final?.timeline.filter((e) => e.taskId === decide!.id && e.action !== 'open')).toHaveLength(1);
  });
});

describe('test support', () => {
  it('names four distinct departments', () => {
    expect(new Set(Object.values(DEPARTMENTS).map((d) => d.id)).size).toBe(4);
  });
});
