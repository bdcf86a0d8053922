/**
 * Random sequences of actions by random actors (the right staff, the wrong staff, the applicant,
 * a stranger, the timers) on a countersign workflow: whatever happens, every entry of the log
 * was allowed by the tables when it was made, no state the tables forbid is ever reached, and
 * the stored projection always equals the fold of the log.
 */
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../testing/db.ts';
import { AppError } from '../http/errors.ts';
import { ManualClock } from '../time/clock.ts';
import { stagesOf } from './definition.ts';
import { actOnInstance, actOnTask, applyTimerAction, loadInstance, startWorkflow, toLogged } from './engine.ts';
import {
  applyEntry,
  FINAL_INSTANCE_STATUSES,
  type InstanceState,
  instanceTable,
  type LoggedAction,
  taskTable,
  type WorkflowParty,
} from './model.ts';
import { mayHandleTask, type WorkflowActor } from './policy.ts';
import { publishDefinition } from './repository.ts';
import { workflowDb } from './schema.ts';
import {
  CITY,
  citizenActor,
  countersignDefinition,
  createWorkflowCity,
  DEPARTMENTS,
  inTransaction,
  staffOf,
} from './test-support.ts';

const applicant = citizenActor();
const ACTORS: WorkflowActor[] = [
  staffOf('service', ['clerk']),
  staffOf('service', ['supervisor']),
  staffOf('planning', ['clerk']),
  staffOf('planning', ['supervisor']),
  staffOf('fire', ['clerk']),
  staffOf('water', ['clerk']),
  staffOf('water', ['field_crew']),
  applicant,
  citizenActor(),
];
const staffById = new Map(ACTORS.flatMap((a) => (a.kind === 'staff' ? [[a.id, a] as const] : [])));
const departmentKeys = Object.keys(DEPARTMENTS) as (keyof typeof DEPARTMENTS)[];

type Command =
  | {
      kind: 'task';
      pick: number;
      actor: number;
      action: 'approve' | 'reject' | 'request_material' | 'transfer';
      to: number;
    }
  | { kind: 'instance'; actor: number; action: 'supplement' | 'withdraw' }
  | { kind: 'timer'; pick: number; action: 'warn' | 'escalate'; level: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('task' as const),
      pick: fc.nat(7),
      // Half the time someone entitled acts, so that runs get far, not only refused.
      actor: fc.oneof(fc.constant(-1), fc.nat(ACTORS.length - 1)),
      // Rejection ends everything: rarer, so that runs reach the later stages too.
      action: fc.constantFrom(
        'approve' as const,
        'approve' as const,
        'approve' as const,
        'request_material' as const,
        'request_material' as const,
        'transfer' as const,
        'reject' as const,
      ),
      to: fc.nat(departmentKeys.length - 1),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('instance' as const),
      actor: fc.nat(ACTORS.length - 1),
      action: fc.constantFrom('supplement' as const, 'withdraw' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('timer' as const),
      pick: fc.integer({ min: -1, max: 7 }),
      action: fc.constantFrom('warn' as const, 'escalate' as const),
      level: fc.integer({ min: 1, max: 2 }),
    }),
  },
);

const shape = { stages: stagesOf(countersignDefinition.steps) };

/** Invariants that hold after every entry of a log. */
function checkInvariants(state: InstanceState) {
  const waiting = state.tasks.some((t) => t.status === 'waiting');
  expect(state.status === 'paused').toBe(waiting);
  expect(state.pauses.filter((p) => p.to === null).length).toBe(state.status === 'paused' ? 1 : 0);
  expect(state.tasks.every((t) => t.stage <= state.stage)).toBe(true);
  if (FINAL_INSTANCE_STATUSES.includes(state.status)) {
    expect(state.tasks.filter((t) => t.status === 'open' || t.status === 'waiting')).toEqual([]);
    expect(state.pauses.every((p) => p.to !== null)).toBe(true);
  }
  if (state.status === 'approved') {
    countersignDefinition.steps.forEach((_, i) => {
      expect(state.tasks.some((t) => t.stepIndex === i && t.status === 'approved')).toBe(true);
    });
  }
}

/** Invariants of a committed state (between commands): every step of a live stage has exactly one live task. */
function checkCommitted(state: InstanceState) {
  if (FINAL_INSTANCE_STATUSES.includes(state.status)) return;
  for (const step of shape.stages[state.stage] ?? []) {
    expect(state.tasks.filter((t) => t.stepIndex === step && t.status !== 'cancelled')).toHaveLength(1);
  }
}

/** The party a log entry's actor played, checked against who they are. */
function partyOf(entry: LoggedAction, state: InstanceState): WorkflowParty | null {
  if (entry.actorKind === 'system') return 'system';
  if (entry.actorKind === 'citizen') return entry.actorId === applicant.id ? 'applicant' : null;
  const staff = staffById.get(entry.actorId ?? '');
  const task = state.tasks.find((t) => t.id === entry.taskId);
  if (!staff || !task) return null;
  const role = countersignDefinition.steps[task.stepIndex]!.role;
  return mayHandleTask(staff, { cityId: CITY, departmentId: task.departmentId, role }) ? 'handler' : null;
}

describeEachDialect('workflow under random actions', (ctx) => {
  const clock = new ManualClock('2026-03-02T01:00:00Z');
  const deps = { clock };
  const db = () => ctx.handle().db;

  beforeAll(async () => {
    await createWorkflowCity(db());
    await publishDefinition(db(), clock, CITY, countersignDefinition);
  });

  /** Replays the stored log entry by entry, checking each against the tables, then compares the projection. */
  async function checkStored(instanceId: string) {
    const wdb = workflowDb(db());
    const [row, tasks, actions] = await Promise.all([
      wdb.selectFrom('workflow_instances').selectAll().where('id', '=', instanceId).executeTakeFirstOrThrow(),
      wdb.selectFrom('workflow_tasks').selectAll().where('instance_id', '=', instanceId).execute(),
      wdb.selectFrom('workflow_actions').selectAll().where('instance_id', '=', instanceId).orderBy('seq').execute(),
    ]);
    let state: InstanceState | null = null;
    // Steps whose task must open next: a new stage opens all of its tasks before anything else happens.
    let toOpen: number[] = [];
    for (const action of actions.map(toLogged)) {
      if (action.action === 'open') {
        expect(toOpen, 'a task opens only when its stage begins').toContain(action.stepIndex);
        toOpen = toOpen.filter((i) => i !== action.stepIndex);
      } else {
        expect(toOpen, 'every task of a new stage opens before anything else happens').toEqual([]);
      }
      if (state && action.action !== 'open') {
        const party = partyOf(action, state);
        expect(party, `${action.action} by ${action.actorKind}`).not.toBeNull();
        if (action.taskId) {
          const task = state.tasks.find((t) => t.id === action.taskId)!;
          const allowed = (taskTable[task.status] as Record<string, readonly WorkflowParty[]>)[action.action] ?? [];
          expect(allowed, `${action.action} on a ${task.status} task`).toContain(party);
        } else {
          const allowed =
            (instanceTable[state.status] as Record<string, readonly WorkflowParty[]>)[action.action] ?? [];
          expect(allowed, `${action.action} on a ${state.status} instance`).toContain(party);
        }
      }
      const stageBefore: number | null = state?.stage ?? null;
      state = applyEntry(shape, state, action);
      checkInvariants(state);
      if (state.stage !== stageBefore && !FINAL_INSTANCE_STATUSES.includes(state.status)) {
        toOpen = [...(shape.stages[state.stage] ?? [])];
      }
    }
    expect(toOpen).toEqual([]);
    const folded = state as InstanceState;
    checkCommitted(folded);
    expect(row.last_seq).toBe(actions.length);
    expect({
      status: row.status,
      stage: row.stage,
      epoch: row.clock_epoch,
      escalation: row.escalation_level,
      warned: row.warned,
      transfers: row.transfer_count,
      pauses: row.pauses.map((p) => [new Date(p.from).getTime(), p.to ? new Date(p.to).getTime() : null]),
      completedAt: row.completed_at?.getTime() ?? null,
    }).toEqual({
      status: folded.status,
      stage: folded.stage,
      epoch: folded.clockEpoch,
      escalation: folded.escalationLevel,
      warned: folded.warned,
      transfers: folded.transferCount,
      pauses: folded.pauses.map((p) => [p.from.getTime(), p.to?.getTime() ?? null]),
      completedAt: folded.completedAt?.getTime() ?? null,
    });
    const stored = tasks
      .map((t) => ({
        id: t.id,
        step: t.step_index,
        department: t.department_id,
        status: t.status,
        escalation: t.escalation_level,
        warned: t.warned,
        transfers: t.transfer_count,
        completedBy: t.completed_by,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
    const expected = folded.tasks
      .map((t) => ({
        id: t.id,
        step: t.stepIndex,
        department: t.departmentId,
        status: t.status,
        escalation: t.escalationLevel,
        warned: t.warned,
        transfers: t.transferCount,
        completedBy: t.completedBy,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(stored).toEqual(expected);
    return folded;
  }

  async function run(instanceId: string, cmd: Command) {
    const loaded = await loadInstance(db(), CITY, instanceId, false);
    const tasks = loaded!.state.tasks;
    const task = tasks.length > 0 ? tasks[Math.abs(cmd.kind === 'instance' ? 0 : cmd.pick) % tasks.length] : undefined;
    try {
      await inTransaction(db(), async (trx) => {
        if (cmd.kind === 'task' && task) {
          const role = countersignDefinition.steps[task.stepIndex]!.role;
          const entitled = ACTORS.find(
            (a) => a.kind === 'staff' && mayHandleTask(a, { cityId: CITY, departmentId: task.departmentId, role }),
          );
          const actor = (cmd.actor < 0 ? entitled : ACTORS[cmd.actor]) ?? applicant;
          const base = { cityId: CITY, taskId: task.id, actor };
          if (cmd.action === 'approve') await actOnTask(trx, deps, { ...base, action: 'approve' });
          else if (cmd.action === 'reject')
            await actOnTask(trx, deps, { ...base, action: 'reject', reason: '不符合条件' });
          else if (cmd.action === 'transfer') {
            const to = DEPARTMENTS[departmentKeys[cmd.to]!].id;
            await actOnTask(trx, deps, { ...base, action: 'transfer', toDepartmentId: to, reason: '职责调整' });
          } else {
            await actOnTask(trx, deps, {
              ...base,
              action: 'request_material',
              message: '补正',
              materials: [{ name: '材料' }],
            });
          }
        } else if (cmd.kind === 'instance') {
          const actor = ACTORS[cmd.actor]!;
          await actOnInstance(trx, deps, { cityId: CITY, instanceId, actor, action: cmd.action });
        } else if (cmd.kind === 'timer') {
          const locked = await loadInstance(trx, CITY, instanceId, true);
          await applyTimerAction(trx, deps, locked!, {
            taskId: cmd.pick < 0 ? null : (task?.id ?? null),
            action: cmd.action,
            level: cmd.action === 'escalate' ? cmd.level : null,
          });
        }
      });
    } catch (error) {
      // Refusals are answers, not failures: a 4xx from the catalog and nothing written.
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      expect([400, 403, 404, 409]).toContain(error.status);
    }
    clock.advance(3 * 60 * 60_000);
  }

  it('never reaches a state the tables forbid, and the projection always equals the fold of the log', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 20 }), async (commands) => {
        n += 1;
        const started = await inTransaction(db(), (trx) =>
          startWorkflow(trx, deps, {
            cityId: CITY,
            definition: { code: 'countersign-decide' },
            subject: { type: 'application', id: `prop-${n}` },
            applicant: { kind: 'citizen', id: applicant.id },
            departments: { service: DEPARTMENTS.service.id },
            limits: { promisedDays: 10, legalDays: 20 },
          }),
        );
        await checkStored(started.instance.id);
        for (const cmd of commands) {
          await run(started.instance.id, cmd);
          await checkStored(started.instance.id);
        }
      }),
      { numRuns: 15 },
    );
  }, 120_000);

  it('reaches every outcome along some path', async () => {
    // The countersign happy path, a rejection and a withdrawal, driven by the same runner.
    const outcomes = new Set<string>();
    const paths: Command[][] = [
      [
        { kind: 'task', pick: 0, actor: 0, action: 'approve', to: 0 },
        { kind: 'task', pick: 1, actor: 2, action: 'request_material', to: 0 },
        { kind: 'instance', actor: 7, action: 'supplement' },
        { kind: 'task', pick: 1, actor: 2, action: 'approve', to: 0 },
        { kind: 'task', pick: 2, actor: 4, action: 'approve', to: 0 },
        { kind: 'task', pick: 3, actor: 1, action: 'approve', to: 0 },
      ],
      [
        { kind: 'task', pick: 0, actor: 0, action: 'approve', to: 0 },
        { kind: 'task', pick: 2, actor: 4, action: 'reject', to: 0 },
      ],
      [{ kind: 'instance', actor: 7, action: 'withdraw' }],
    ];
    for (const [i, path] of paths.entries()) {
      const started = await inTransaction(db(), (trx) =>
        startWorkflow(trx, deps, {
          cityId: CITY,
          definition: { code: 'countersign-decide' },
          subject: { type: 'application', id: `path-${i}` },
          applicant: { kind: 'citizen', id: applicant.id },
          departments: { service: DEPARTMENTS.service.id },
        }),
      );
      for (const cmd of path) await run(started.instance.id, cmd);
      outcomes.add((await checkStored(started.instance.id)).status);
    }
    expect([...outcomes].sort()).toEqual(['approved', 'rejected', 'withdrawn']);
  });
});
