/**
 * Deadlines on the city's working calendar: across Spring Festival 2026 and National Day 2025
 * with their make-up working days (调休), a filing on a holiday, a city's own day off, and a
 * request for more material (补正) that moves every deadline by the working days it stood still.
 */
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../../testing/db.ts';
import { saveCalendarDay } from '../time/calendar-repository.ts';
import { ManualClock } from '../time/clock.ts';
import type { WorkingCalendar } from '../time/working-days.ts';
import { actOnInstance, actOnTask, cityCalendar, startWorkflow } from './engine.ts';
import { getInstance, listTasks } from './queries.ts';
import { publishDefinition } from './repository.ts';
import { CITY, citizenActor, createWorkflowCity, DEPARTMENTS, inTransaction, staffOf } from './test-support.ts';

describeEachDialect('workflow deadlines in working days', (ctx) => {
  const clock = new ManualClock('2026-02-13T02:00:00Z');
  const deps = { clock };
  const db = () => ctx.handle().db;
  const clerk = staffOf('service', ['clerk']);
  const applicant = citizenActor();
  let calendar: WorkingCalendar;

  beforeAll(async () => {
    await createWorkflowCity(db());
    await publishDefinition(db(), clock, CITY, {
      code: 'review',
      name: { zh: '审查', en: 'Review' },
      steps: [
        { code: 'review', name: { zh: '审查', en: 'Review' }, department: 'service', role: 'clerk', limitDays: 3 },
      ],
    });
    await publishDefinition(db(), clock, CITY, {
      code: 'long-review',
      name: { zh: '审查', en: 'Review' },
      steps: [
        { code: 'review', name: { zh: '审查', en: 'Review' }, department: 'service', role: 'clerk', limitDays: 8 },
      ],
    });
    calendar = await cityCalendar(db(), CITY);
  });

  const start = (at: string, limits: { promisedDays?: number; legalDays?: number }, code = 'review') => {
    clock.set(at);
    return inTransaction(db(), (trx) =>
      startWorkflow(trx, deps, {
        cityId: CITY,
        definition: { code },
        subject: { type: 'application', id: at },
        applicant: { kind: 'citizen', id: applicant.id },
        departments: { service: DEPARTMENTS.service.id },
        limits,
        actor: applicant,
      }),
    );
  };

  it('counts across Spring Festival 2026 from the next working day, make-up Saturdays included', async () => {
    // Friday 13 February 2026, 10:00. Saturday the 14th is a make-up working day (day 1); 15–23 are the holiday.
    const started = await start('2026-02-13T02:00:00Z', { promisedDays: 5, legalDays: 20 });
    expect(started.instance).toMatchObject({
      startedOn: '2026-02-13',
      promisedDueOn: '2026-02-27',
      legalDueOn: '2026-03-19',
      remainingWorkingDays: 5,
    });
    expect(started.instance.promisedDueAt?.toISOString()).toBe('2026-02-27T16:00:00.000Z');
    expect(started.openedTasks[0]).toMatchObject({ dueOn: '2026-02-25', remainingWorkingDays: 3 });
    // The legal limit runs over the second make-up Saturday, 28 February.
    expect(calendar.describe('2026-02-28')).toMatchObject({ working: true, reason: 'make-up' });

    clock.set('2026-02-27T02:00:00Z');
    let detail = await getInstance(db(), clock, CITY, started.instance.id);
    expect(detail).toMatchObject({ remainingWorkingDays: 0, overdue: false });
    clock.set('2026-02-28T02:00:00Z'); // the make-up Saturday: one working day over
    detail = await getInstance(db(), clock, CITY, started.instance.id);
    expect(detail).toMatchObject({ remainingWorkingDays: -1, overdue: true });
    expect(detail?.tasks[0]).toMatchObject({ remainingWorkingDays: -3, overdue: true });
  });

  it('treats a filing during the holiday as received on the first working day after it', async () => {
    const started = await start('2026-02-17T03:00:00Z', { promisedDays: 5 });
    // Received Tuesday 24 February; day 4 is the make-up Saturday 28 February.
    expect(started.instance).toMatchObject({ startedOn: '2026-02-24', promisedDueOn: '2026-03-02', legalDueOn: null });
  });

  it('counts across National Day 2025 with the make-up Sunday before and the make-up Saturday after', async () => {
    // Friday 26 September 2025: day 1 is Sunday the 28th, then 29, 30, 9, 10 October and Saturday the 11th.
    const started = await start('2025-09-26T02:00:00Z', { promisedDays: 6, legalDays: 6 });
    expect(started.instance).toMatchObject({ promisedDueOn: '2025-10-11', legalDueOn: '2025-10-11' });
    expect(started.openedTasks[0]).toMatchObject({ dueOn: '2025-09-30' });
  });

  it('honours the city’s own day off', async () => {
    await saveCalendarDay(db(), CITY, {
      date: '2026-03-03',
      kind: 'off',
      name: { zh: '台风停工', en: 'Typhoon closure' },
    });
    const started = await start('2026-03-02T02:00:00Z', { promisedDays: 1 });
    expect(started.instance.promisedDueOn).toBe('2026-03-04');
  });

  it('moves every deadline by the working days a request for more material stood still', async () => {
    // Monday 22 September 2025. Without a pause: promised 10 → 11 October, legal 20 → 24 October, the step's 8 → 9 October.
    const started = await start('2025-09-22T02:00:00Z', { promisedDays: 10, legalDays: 20 }, 'long-review');
    expect(started.instance).toMatchObject({ promisedDueOn: '2025-10-11', legalDueOn: '2025-10-24' });
    const task = started.openedTasks[0]!;
    expect(task.dueOn).toBe('2025-10-09');

    clock.set('2025-09-25T02:00:00Z'); // Thursday: asked for more material (the day itself still counts)
    const asked = await inTransaction(db(), (trx) =>
      actOnTask(trx, deps, {
        cityId: CITY,
        taskId: task.id,
        actor: clerk,
        action: 'request_material',
        message: '请补充营业执照副本',
        materials: [{ name: '营业执照副本' }],
      }),
    );
    expect(asked.instance).toMatchObject({ status: 'paused', promisedDueOn: null, legalDueOn: null });

    clock.set('2025-10-05T02:00:00Z'); // in the middle of the holiday, still paused: 3 of 10 days used
    const during = await getInstance(db(), clock, CITY, started.instance.id);
    expect(during).toMatchObject({ paused: true, remainingWorkingDays: 7, overdue: false });
    expect(during?.tasks[0]).toMatchObject({ status: 'waiting', remainingWorkingDays: 5, paused: true });
    const queue = await listTasks(db(), clock, { cityId: CITY, departmentIds: [DEPARTMENTS.service.id] });
    const queued = queue.items.find((t) => t.id === task.id);
    expect(queued).toMatchObject({ dueOn: null, paused: true, remainingWorkingDays: 5 });

    clock.set('2025-10-10T02:00:00Z'); // Friday 10 October: the material arrives
    const resumed = await inTransaction(db(), (trx) =>
      actOnInstance(trx, deps, {
        cityId: CITY,
        instanceId: started.instance.id,
        actor: applicant,
        action: 'supplement',
        payload: { licence: 'file-9' },
      }),
    );
    // Stood still on 26, 28, 29, 30 September, 9 and 10 October: six working days.
    expect(resumed.instance).toMatchObject({ promisedDueOn: '2025-10-20', legalDueOn: '2025-11-03' });
    expect(calendar.workingDaysBetween('2025-10-11', '2025-10-20')).toBe(6);
    expect(calendar.workingDaysBetween('2025-10-24', '2025-11-03')).toBe(6);
    expect(resumed.tasks[0]).toMatchObject({ status: 'open', dueOn: '2025-10-16', remainingWorkingDays: 5 });
    expect(calendar.workingDaysBetween('2025-10-09', '2025-10-16')).toBe(6);
    expect(resumed.instance.pauses).toEqual([
      { from: new Date('2025-09-25T02:00:00Z'), to: new Date('2025-10-10T02:00:00Z') },
    ]);
    expect(resumed.instance.remainingWorkingDays).toBe(7);
  });
});
