/** The generic workflow machinery, the definitions' rules and the day boundaries deadlines end on. */
import { describe, expect, it } from 'vitest';
import { AppError, errorMessage } from '../http/errors.ts';
import { endOfCivilDay, startOfCivilDay } from './deadlines.ts';
import { contentHash, stagesOf, validateDefinition, type WorkflowStep } from './definition.ts';
import { workflowActionList } from './labels.ts';
import { type ActionTable, actionNotAllowed, allowedByTable, foldLog, tableAllows } from './machine.ts';

type S = 'draft' | 'sent' | 'done';
type A = 'send' | 'recall' | 'finish';
type P = 'author' | 'reader';
const table: ActionTable<S, A, P> = {
  draft: { send: ['author'] },
  sent: { recall: ['author'], finish: ['reader'] },
  done: {},
};

describe('action tables', () => {
  it('allow an action only to the parties its status row names', () => {
    expect(tableAllows(table, 'draft', 'send', new Set<P>(['author']))).toBe(true);
    expect(tableAllows(table, 'draft', 'send', new Set<P>(['reader']))).toBe(false);
    expect(tableAllows(table, 'done', 'send', new Set<P>(['author', 'reader']))).toBe(false);
  });

  it('list allowed actions in the table’s order, without those a guard refuses', () => {
    expect(allowedByTable(table, 'sent', new Set<P>(['author', 'reader']))).toEqual(['recall', 'finish']);
    expect(allowedByTable(table, 'sent', new Set<P>(['author', 'reader']), (a) => a === 'recall')).toEqual(['finish']);
    expect(allowedByTable(table, 'done', new Set<P>(['author']))).toEqual([]);
  });

  it('fold a log in order and refuse an empty one', () => {
    const apply = (state: string[] | null, entry: string, seq: number) => [...(state ?? []), `${seq}:${entry}`];
    expect(foldLog(apply, ['a', 'b', 'c'])).toEqual(['1:a', '2:b', '3:c']);
    expect(() => foldLog(apply, [])).toThrow(/empty log/);
  });

  it('answer a forbidden action with a 409 naming the status and what is allowed, for people and programs', () => {
    const error = actionNotAllowed({
      code: 'WORKFLOW_ACTION_NOT_ALLOWED',
      status: 'approved',
      action: 'approve',
      allowed: ['transfer'],
      statusLabel: { 'zh-CN': '已通过', en: 'approved' },
      actionList: workflowActionList,
      extensions: { taskId: 't1' },
    });
    expect(error).toBeInstanceOf(AppError);
    expect(error.status).toBe(409);
    expect(error.extensions).toEqual({ taskId: 't1', currentStatus: 'approved', allowedActions: ['transfer'] });
    expect(errorMessage(error.code, 'en', error.params)).toBe(
      'The current status is "approved": "approve" is not possible; you can now: transfer',
    );
    expect(errorMessage(error.code, 'zh-CN', error.params)).toBe(
      '当前状态为“已通过”，不能执行“通过”；您现在可以执行：转办',
    );
  });
});

const step = (code: string, extra: Partial<WorkflowStep> = {}): WorkflowStep => ({
  code,
  name: { zh: code, en: code },
  department: 'service',
  role: 'clerk',
  ...extra,
});

describe('definitions', () => {
  it('group consecutive steps of one parallel group into one stage', () => {
    const steps = [step('a'), step('b', { parallelGroup: 'g' }), step('c', { parallelGroup: 'g' }), step('d')];
    expect(stagesOf(steps)).toEqual([[0], [1, 2], [3]]);
    expect(stagesOf([step('a', { parallelGroup: 'x' }), step('b', { parallelGroup: 'y' })])).toEqual([[0], [1]]);
  });

  it('name every problem of a definition by its path', () => {
    const problems = validateDefinition({
      code: 'bad code!',
      name: { zh: '', en: 'x' },
      steps: [
        step('a', { parallelGroup: 'g' }),
        step('a', { role: 'boss' as never, limitDays: -1 }),
        step('c', { parallelGroup: 'g', department: '' }),
      ],
    });
    expect(problems.map((p) => p.field)).toEqual([
      'code',
      'name.zh',
      'steps.1.code',
      'steps.1.role',
      'steps.1.limitDays',
      'steps.2.department',
      'steps.2.parallelGroup',
    ]);
    expect(validateDefinition({ code: 'x', name: { zh: '甲', en: 'A' }, steps: [] })).toEqual([
      { field: 'steps', message: 'a workflow has at least one step' },
    ]);
  });

  it('hash content, not spelling: absent and null optional members are the same definition', () => {
    const name = { zh: '审批', en: 'Approval' };
    expect(contentHash({ name, steps: [step('a')] })).toBe(
      contentHash({ name, steps: [step('a', { parallelGroup: null, limitDays: null })] }),
    );
    expect(contentHash({ name, steps: [step('a')] })).not.toBe(
      contentHash({ name, steps: [step('a', { limitDays: 3 })] }),
    );
  });
});

describe('day boundaries in the city’s time zone', () => {
  it('start and end a civil day at local midnight', () => {
    expect(startOfCivilDay('2026-02-27', 'Asia/Shanghai').toISOString()).toBe('2026-02-26T16:00:00.000Z');
    expect(endOfCivilDay('2026-02-27', 'Asia/Shanghai').toISOString()).toBe('2026-02-27T16:00:00.000Z');
    expect(startOfCivilDay('2026-01-01', 'Asia/Urumqi').toISOString()).toBe('2025-12-31T18:00:00.000Z');
    // Across a daylight-saving change the day still starts at its own local midnight.
    expect(startOfCivilDay('2026-03-09', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(startOfCivilDay('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
  });
});
