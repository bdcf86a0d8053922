/**
 * Time limits of instances and tasks in working days, on the city's calendar (national holidays,
 * make-up working days, the city's own changes): the last working day of a limit, the instant
 * it ends in the city's time zone, what is left of it today, and the warning and escalation
 * times the timers fire at.
 *
 * Counting follows platform/time: the day of acceptance is not counted (受理次日起算), a filing
 * on a day off counts as received the next working day, and a pause (补正) stops the clock for
 * the days after the request up to and including the day the material arrives.
 */
import { addCalendarDays, toDayNumber } from '../time/civil-date.ts';
import type { Pause, WorkingCalendar } from '../time/working-days.ts';
import type { PauseSpan } from './model.ts';

/** The instant a civil date begins in `timeZone` (China has no daylight saving; others are handled too). */
export function startOfCivilDay(date: string, timeZone: string): Date {
  const utcMidnight = toDayNumber(date) * 86_400_000;
  // Two rounds settle the offset even across a daylight-saving change.
  let t = utcMidnight - offsetMs(new Date(utcMidnight), timeZone);
  t = utcMidnight - offsetMs(new Date(t), timeZone);
  return new Date(t);
}

/** The instant a civil date ends (the next one begins) in `timeZone`: when a limit whose last day it is runs out. */
export function endOfCivilDay(date: string, timeZone: string): Date {
  return startOfCivilDay(addCalendarDays(date, 1), timeZone);
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in milliseconds. */
function offsetMs(instant: Date, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The day a limit counts from: the civil day of `at`, or the next working day when `at` falls on a day off. */
export function countingStart(calendar: WorkingCalendar, at: Date): string {
  return calendar.firstWorkingDayFrom(calendar.dateOf(at));
}

/** Pauses as civil-date pauses of the calendar (days in (from, to] not counted). */
export function civilPauses(calendar: WorkingCalendar, pauses: readonly PauseSpan[]): Pause[] {
  return pauses.map((p) => ({ from: calendar.dateOf(p.from), to: p.to ? calendar.dateOf(p.to) : null }));
}

/** A limit's end: its last working day and the instant that day ends; both null while the clock stands still. */
export interface Due {
  dueOn: string | null;
  dueAt: Date | null;
}

/** The end of a limit of `days` working days counted from `start` with the clock stopped during `pauses`. */
export function dueOf(calendar: WorkingCalendar, start: string, days: number, pauses: readonly Pause[]): Due {
  const { due } = calendar.deadline(start, days, pauses);
  return due === null ? { dueOn: null, dueAt: null } : { dueOn: due, dueAt: endOfCivilDay(due, calendar.timeZone) };
}

/**
 * Working days of a limit left after today (0: today is the last day; negative: overdue by
 * that many working days). While the clock stands still it says what will be left when it runs again.
 */
export function remainingWorkingDays(
  calendar: WorkingCalendar,
  start: string,
  days: number,
  pauses: readonly Pause[],
  now: Date,
): number {
  const today = calendar.dateOf(now);
  if (toDayNumber(today) <= toDayNumber(start)) return days;
  return days - calendar.usedWorkingDays(start, today, pauses);
}

/** What a timer stage does: warn, or escalate to a level. */
export interface DeadlineStage {
  kind: 'warn' | 'escalate';
  /** For `escalate`: 1 the department's supervisors, 2 the operations centre. */
  level: number;
}

/**
 * The stages of a limit whose last working day is `dueOn`: a warning when that day begins (one
 * working day left), escalation to the department's supervisors when it ends, and to the
 * operations centre when `finalOn` ends (default: one working day later).
 */
export function deadlineStages(
  calendar: WorkingCalendar,
  dueOn: string,
  finalOn?: string | null,
): Array<DeadlineStage & { runAt: Date }> {
  const tz = calendar.timeZone;
  const last = finalOn && toDayNumber(finalOn) > toDayNumber(dueOn) ? finalOn : calendar.addWorkingDays(dueOn, 1);
  return [
    { kind: 'warn', level: 0, runAt: startOfCivilDay(dueOn, tz) },
    { kind: 'escalate', level: 1, runAt: endOfCivilDay(dueOn, tz) },
    { kind: 'escalate', level: 2, runAt: endOfCivilDay(last, tz) },
  ];
}
