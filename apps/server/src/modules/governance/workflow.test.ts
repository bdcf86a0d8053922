/** The workflow table and the status fold: properties that hold for any sequence of actions. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  applyAction,
  deriveState,
  guard,
  type LoggedAction,
  MAX_ESCALATION,
  OPEN_STATUSES,
  type Party,
  REOPEN_WINDOW_MS,
  tableAllows,
  WorkOrderActionNames,
  type WorkOrderState,
  WorkOrderStatuses,
  workflow,
} from './workflow.ts';

const T0 = new Date('2026-06-01T00:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const PARTIES: Party[] = ['handler', 'supervisor', 'assignee', 'operations', 'reporter', 'system'];

function entry(action: LoggedAction['action'], extra: Partial<LoggedAction> = {}): LoggedAction {
  return {
    action,
    actorId: null,
    departmentId: null,
    assigneeId: null,
    rating: null,
    targetId: null,
    escalation: null,
    at: T0,
    ...extra,
  };
}

describe('workflow table', () => {
  it('names only known statuses and actions, and lets nobody act on invalid or merged work orders', () => {
    for (const status of WorkOrderStatuses) {
      for (const action of Object.keys(workflow[status])) expect(WorkOrderActionNames).toContain(action);
    }
    expect(Object.keys(workflow.invalid)).toEqual([]);
    expect(Object.keys(workflow.merged)).toEqual([]);
  });

  it('derives the status of the happy path from the log', () => {
    const log = [
      entry('submit', { departmentId: 'd1' }),
      entry('accept', { at: at(5) }),
      entry('assign', { assigneeId: 'crew', at: at(6) }),
      entry('start', { at: at(20) }),
      entry('resolve', { at: at(50) }),
      entry('confirm', { at: at(60) }),
      entry('rate', { actorId: 'c1', rating: 5, at: at(61) }),
    ];
    const state = deriveState(log);
    expect(state).toMatchObject({
      status: 'closed',
      departmentId: 'd1',
      assigneeId: 'crew',
      rating: 5,
      ratedBy: ['c1'],
    });
    expect(state.acceptedAt).toEqual(at(5));
    expect(state.resolvedAt).toEqual(at(50));
  });

  it('starts in manual dispatch when intake found no department', () => {
    expect(deriveState([entry('submit')]).status).toBe('awaiting_dispatch');
  });

  it('restarts the clock on transfer and reopen, and clears the escalation', () => {
    let s = deriveState([entry('submit', { departmentId: 'd1' }), entry('escalate', { escalation: 2, at: at(50) })]);
    expect(s.escalationLevel).toBe(2);
    s = applyAction(s, entry('transfer', { departmentId: 'd2', at: at(60) }), 3);
    expect(s).toMatchObject({
      status: 'dispatched',
      departmentId: 'd2',
      escalationLevel: 0,
      transferCount: 1,
      clockEpoch: 3,
    });
    expect(s.clockStartedAt).toEqual(at(60));
  });

  it('guards reopen by the 7-day window, rating by once per person, escalation by its top', () => {
    const resolved = deriveState([
      entry('submit', { departmentId: 'd' }),
      entry('accept'),
      entry('resolve', { at: at(0) }),
    ]);
    expect(guard(resolved, 'reopen', { now: new Date(T0.getTime() + REOPEN_WINDOW_MS), actorId: 'c' })).toBeNull();
    expect(guard(resolved, 'reopen', { now: new Date(T0.getTime() + REOPEN_WINDOW_MS + 1), actorId: 'c' })).toBe(
      'REOPEN_WINDOW_PASSED',
    );
    const rated = applyAction(
      applyAction(resolved, entry('confirm'), 4),
      entry('rate', { actorId: 'c', rating: 2 }),
      5,
    );
    expect(guard(rated, 'rate', { now: T0, actorId: 'c' })).toBe('ALREADY_RATED');
    expect(guard(rated, 'rate', { now: T0, actorId: 'other' })).toBeNull();
    const top = applyAction(resolved, entry('escalate', { escalation: MAX_ESCALATION }), 4);
    expect(guard(top, 'escalate', { now: T0, actorId: null })).toBe('ESCALATION_AT_TOP');
  });

  /** A random walk through the table: at each step one of the actions some party may take. */
  const walk = fc.array(fc.record({ pick: fc.nat(), party: fc.constantFrom(...PARTIES), minutes: fc.nat(600) }), {
    maxLength: 40,
  });

  it('keeps its invariants on any walk through the table', () => {
    fc.assert(
      fc.property(fc.boolean(), walk, (dispatched, steps) => {
        const log: LoggedAction[] = [entry('submit', dispatched ? { departmentId: 'd1' } : {})];
        let state: WorkOrderState = deriveState(log);
        let minutes = 0;
        for (const step of steps) {
          minutes += step.minutes;
          const now = at(minutes);
          const allowed = allowedActions(state, new Set([step.party]), { now, actorId: 'p' });
          for (const a of allowed) expect(tableAllows(state, a, new Set([step.party]))).toBe(true);
          if (allowed.length === 0) continue;
          const action = allowed[step.pick % allowed.length] as LoggedAction['action'];
          const next = entry(action, {
            at: now,
            actorId: step.party === 'reporter' ? `c${step.pick % 3}` : 'p',
            departmentId: ['dispatch', 'transfer'].includes(action) ? `d${(step.pick % 3) + 2}` : null,
            assigneeId: action === 'assign' ? 'crew' : null,
            rating: action === 'rate' ? (step.pick % 5) + 1 : null,
            targetId: action === 'merge' ? 'other' : null,
            escalation: action === 'escalate' ? Math.min(state.escalationLevel + 1, MAX_ESCALATION) : null,
          });
          log.push(next);
          const before = state;
          state = applyAction(state, next, log.length);
          // The fold of the whole log is the same as step by step.
          expect(deriveState(log)).toEqual(state);
          expect(state.escalationLevel).toBeGreaterThanOrEqual(0);
          expect(state.escalationLevel).toBeLessThanOrEqual(MAX_ESCALATION);
          // Open work orders have no closing time; a resolution is followed by its time.
          if (OPEN_STATUSES.includes(state.status)) expect(state.closedAt).toBeNull();
          if (state.status === 'resolved') expect(state.resolvedAt).not.toBeNull();
          // Terminal states stay terminal.
          if (before.status === 'invalid' || before.status === 'merged') expect(state.status).toBe(before.status);
          // Each person rates once.
          expect(new Set(state.ratedBy).size).toBe(state.ratedBy.length);
          // The clock epoch only moves forward and points at an entry of the log.
          expect(state.clockEpoch).toBeGreaterThanOrEqual(before.clockEpoch);
          expect(state.clockEpoch).toBeLessThanOrEqual(log.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses every action the table does not list, for every party', () => {
    const states = WorkOrderStatuses.map((status) => ({
      ...deriveState([entry('submit', { departmentId: 'd' })]),
      status,
    }));
    for (const state of states) {
      for (const party of PARTIES) {
        for (const action of WorkOrderActionNames) {
          const listed = (workflow[state.status][action] ?? []).includes(party);
          expect(tableAllows(state, action, new Set([party]))).toBe(listed);
        }
      }
    }
  });
});
