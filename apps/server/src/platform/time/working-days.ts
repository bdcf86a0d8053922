/**
 * Working days as Chinese government offices count them (工作日): Monday to Friday, minus the
 * State Council's public holidays, plus the weekend days declared working days (调休上班), plus
 * a city's own changes (a local holiday, a typhoon closure, a day worked in its place).
 *
 * Dates are civil dates, 'YYYY-MM-DD' strings, everywhere in this API. An instant becomes one
 * only through {@link WorkingCalendar.dateOf}, in the calendar's time zone (the city's, default
 * Asia/Shanghai), so results never depend on the machine's time zone.
 *
 * How a time limit counts (受理次日起计算, as 民法典 art. 201 and 行政许可法 art. 82 read
 * together): the day of acceptance is never counted, whatever time of day it happened; day 1 is
 * the first working day after it; a limit of n working days ends at the end of the n-th. So
 * `addWorkingDays(start, n)` is the n-th working day strictly after `start`, and
 * `workingDaysBetween(a, b)` counts the working days in (a, b]; the two are inverse.
 *
 * Pauses (补正, 听证, 鉴定 …: time that by law is not counted) use the same half-open rule: a
 * pause from `from` to `to` stops the clock after `from` (the day the applicant is asked for
 * more material still counts, the office worked on it) and restarts it the day after `to` (the
 * day the material arrives is treated like a day of acceptance). So the days in (from, to] are
 * not counted.
 *
 * A year without a notice in the data is answered with weekends only, never silently: `covers`
 * says which years are known, {@link Deadline.uncoveredYears} lists the unknown years a
 * computation went through, and `outsideCoverage: 'throw'` turns them into an
 * {@link UncoveredYearError}. Callers decide whether a provisional deadline is good enough.
 */

import { civilDateOf, fromDayNumber, toDayNumber, weekdayOf, yearOf } from './civil-date.ts';
import { CN_HOLIDAY_NOTICES, type HolidayName, type HolidayNotice } from './cn-holidays.ts';

/** The time zone a calendar uses when none is given: the cities OneCity starts with are in China. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** A city's change to the national calendar on one day. */
export interface CalendarOverride {
  date: string;
  /** 'off': no work that day (local holiday, typhoon or flood closure); 'work': a working day (a local make-up day). */
  kind: 'off' | 'work';
  name: HolidayName;
}

/** How a {@link WorkingCalendar} is built. */
export interface WorkingCalendarOptions {
  /** IANA time zone of the city, used only to turn instants into civil dates. Default Asia/Shanghai. */
  timeZone?: string;
  /** The national notices; default {@link CN_HOLIDAY_NOTICES}. */
  notices?: readonly HolidayNotice[];
  /** The city's own days off and working days; they win over the national data. */
  overrides?: readonly CalendarOverride[];
  /** What to do with a day in a year no notice covers: count weekends only (default), or throw. */
  outsideCoverage?: 'weekends' | 'throw';
}

/** Why a day is or is not a working day. */
export type DayReason = 'weekday' | 'weekend' | 'holiday' | 'make-up' | 'city-off' | 'city-work';

/** What the calendar says about one day. */
export interface DayInfo {
  date: string;
  working: boolean;
  reason: DayReason;
  /** The holiday or city change the day belongs to; null for ordinary weekdays and weekends. */
  name: HolidayName | null;
  /** False when no notice covers the day's year: the answer is then weekends only (plus city changes). */
  covered: boolean;
}

/** A stretch in which the clock is stopped: the days in (from, to] are not counted; `to` null = still stopped. */
export interface Pause {
  from: string;
  to: string | null;
}

/** The end of a time limit, and how sure it is. */
export interface Deadline {
  /** The last working day of the limit ('YYYY-MM-DD'; the limit ends when that day ends), or null while an open pause has stopped the clock. */
  due: string | null;
  /** Working days counted so far: the limit itself when `due` is set, fewer when the clock is stopped. */
  counted: number;
  /** Years the computation went through that no notice covers, counted with weekends only: the deadline is provisional. */
  uncoveredYears: number[];
}

/** Raised by a calendar built with `outsideCoverage: 'throw'` when asked about a year no notice covers. */
export class UncoveredYearError extends Error {
  readonly year: number;
  constructor(year: number) {
    super(`no holiday arrangement for ${year}: working days in ${year} are unknown`);
    this.name = 'UncoveredYearError';
    this.year = year;
  }
}

/** Raised when holiday data or city changes contradict themselves (a day both off and worked, a weekday "make-up" day). */
export class CalendarDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarDataError';
  }
}

/** Raised for a bad argument to a working-day computation (a negative count, a pause ending before it starts). */
export class WorkingDaysArgumentError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'WorkingDaysArgumentError';
  }
}

interface Special {
  working: boolean;
  reason: DayReason;
  name: HolidayName;
}

/** Disjoint, sorted day-number ranges [first, last] in which the clock is stopped. */
type PausedRanges = Array<{ first: number; last: number }>;

/** A calendar of working days for one city: national data, the city's changes, its time zone. */
export class WorkingCalendar {
  /** The IANA time zone instants are read in. */
  readonly timeZone: string;
  readonly #covered: ReadonlySet<number>;
  readonly #national = new Map<number, Special>();
  readonly #city = new Map<number, Special>();
  readonly #strict: boolean;

  constructor(options: WorkingCalendarOptions = {}) {
    this.timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
    civilDateOf(new Date(0), this.timeZone); // throws RangeError now for an unknown zone, not at first use
    this.#strict = options.outsideCoverage === 'throw';
    const notices = options.notices ?? CN_HOLIDAY_NOTICES;
    const years = new Set<number>();
    for (const notice of notices) {
      if (years.has(notice.year)) throw new CalendarDataError(`two notices for ${notice.year}`);
      years.add(notice.year);
      for (const holiday of notice.holidays) {
        const last = toDayNumber(holiday.off.to);
        for (let day = toDayNumber(holiday.off.from); day <= last; day++) {
          this.#set(this.#national, day, { working: false, reason: 'holiday', name: holiday.name });
        }
        for (const date of holiday.makeUpWorkdays) {
          const day = toDayNumber(date);
          // A make-up day only makes sense on a weekend; a weekday here is a typo in the data.
          if (!isWeekend(day)) throw new CalendarDataError(`make-up working day ${date} is not a weekend day`);
          this.#set(this.#national, day, { working: true, reason: 'make-up', name: holiday.name });
        }
      }
    }
    this.#covered = years;
    for (const o of options.overrides ?? []) {
      const working = o.kind === 'work';
      this.#set(this.#city, toDayNumber(o.date), { working, reason: working ? 'city-work' : 'city-off', name: o.name });
    }
  }

  #set(map: Map<number, Special>, day: number, special: Special): void {
    const existing = map.get(day);
    if (existing && existing.working !== special.working) {
      throw new CalendarDataError(`${fromDayNumber(day)} is both a day off and a working day`);
    }
    if (!existing) map.set(day, special);
  }

  /** Whether a notice covers `year`; outside covered years only weekends (and city changes) are known. */
  covers(year: number): boolean {
    return this.#covered.has(year);
  }

  /** The years with a notice, ascending. */
  get coveredYears(): number[] {
    return [...this.#covered].sort((a, b) => a - b);
  }

  /** The civil date ('YYYY-MM-DD') of an instant in this calendar's time zone. */
  dateOf(instant: Date): string {
    return civilDateOf(instant, this.timeZone);
  }

  /** What the calendar says about one day, with the reason and the holiday's name. */
  describe(date: string): DayInfo {
    return this.#info(toDayNumber(date));
  }

  /** Whether `date` is a working day. */
  isWorkingDay(date: string): boolean {
    return this.#working(toDayNumber(date));
  }

  /** The first working day on or after `date` (for rules that deem a filing on a day off received on the next working day). */
  firstWorkingDayFrom(date: string): string {
    const day = toDayNumber(date);
    return this.#working(day) ? date : this.addWorkingDays(date, 1);
  }

  /**
   * The n-th working day strictly after `start` (the day of acceptance is not counted, 受理次日起计算);
   * `start` itself for n = 0. A limit of n working days ends when this day ends.
   */
  addWorkingDays(start: string, n: number): string {
    return this.deadline(start, n).due as string;
  }

  /** The working days in (a, b]: `a` not counted, `b` counted; negative when b is before a. Inverse of addWorkingDays. */
  workingDaysBetween(a: string, b: string): number {
    const from = toDayNumber(a);
    const to = toDayNumber(b);
    if (to < from) return 0 - this.workingDaysBetween(b, a); // 0 - 0 is +0; -0 would fail equality checks
    let count = 0;
    for (let day = from + 1; day <= to; day++) if (this.#working(day)) count++;
    return count;
  }

  /**
   * The end of a limit of n working days from `start`, with the clock stopped during `pauses`
   * (each pause's days (from, to] are not counted; overlapping pauses are merged). With an open
   * pause (to = null) that stops the clock before the limit is reached, `due` is null.
   */
  deadline(start: string, n: number, pauses: readonly Pause[] = []): Deadline {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new WorkingDaysArgumentError(`a time limit is a whole number of working days ≥ 0, not ${n}`);
    }
    const paused = pausedRanges(pauses);
    const uncovered = new Set<number>();
    let day = toDayNumber(start);
    let counted = 0;
    let p = 0;
    while (counted < n) {
      day++;
      while (p < paused.length && paused[p]!.last < day) p++;
      const pause = paused[p];
      if (pause && pause.first <= day) {
        if (pause.last === Number.POSITIVE_INFINITY) return { due: null, counted, uncoveredYears: sorted(uncovered) };
        day = pause.last; // the loop's day++ resumes counting the day after the pause
        continue;
      }
      if (this.#working(day, uncovered)) counted++;
    }
    return { due: fromDayNumber(day), counted, uncoveredYears: sorted(uncovered) };
  }

  /** Working days of a limit used up by the end of `asOf`: those in (start, asOf] outside `pauses` (for 80 % warnings). */
  usedWorkingDays(start: string, asOf: string, pauses: readonly Pause[] = []): number {
    const paused = pausedRanges(pauses);
    const last = toDayNumber(asOf);
    let count = 0;
    let p = 0;
    for (let day = toDayNumber(start) + 1; day <= last; day++) {
      while (p < paused.length && paused[p]!.last < day) p++;
      const pause = paused[p];
      if (pause && pause.first <= day) continue;
      if (this.#working(day)) count++;
    }
    return count;
  }

  /** The years between two dates (inclusive) that no notice covers. */
  uncoveredYears(from: string, to: string): number[] {
    const first = yearOf(toDayNumber(from));
    const last = yearOf(toDayNumber(to));
    const years: number[] = [];
    for (let y = Math.min(first, last); y <= Math.max(first, last); y++) if (!this.#covered.has(y)) years.push(y);
    return years;
  }

  #info(day: number): DayInfo {
    const working = this.#working(day);
    const date = fromDayNumber(day);
    const covered = this.#covered.has(yearOf(day));
    const special = this.#city.get(day) ?? this.#national.get(day);
    if (special) return { date, covered, ...special };
    return { date, working, reason: working ? 'weekday' : 'weekend', name: null, covered };
  }

  /** The hot path of every count: no objects, no strings. Records (or refuses) days in uncovered years. */
  #working(day: number, uncovered?: Set<number>): boolean {
    const year = yearOf(day);
    if (!this.#covered.has(year)) {
      if (this.#strict) throw new UncoveredYearError(year);
      uncovered?.add(year);
    }
    const special = this.#city.get(day) ?? this.#national.get(day);
    return special ? special.working : !isWeekend(day);
  }
}

function isWeekend(day: number): boolean {
  const weekday = weekdayOf(day);
  return weekday === 0 || weekday === 6;
}

function sorted(years: Set<number>): number[] {
  return [...years].sort((a, b) => a - b);
}

/** Pauses as merged day ranges [from + 1, to]; an open pause runs to infinity. */
function pausedRanges(pauses: readonly Pause[]): PausedRanges {
  const ranges: PausedRanges = [];
  for (const pause of pauses) {
    const first = toDayNumber(pause.from) + 1;
    const last = pause.to === null ? Number.POSITIVE_INFINITY : toDayNumber(pause.to);
    if (last < first - 1) {
      throw new WorkingDaysArgumentError(`a pause cannot end (${pause.to}) before it starts (${pause.from})`);
    }
    if (last >= first) ranges.push({ first, last }); // from = to stops the clock for no day at all
  }
  ranges.sort((a, b) => a.first - b.first);
  const merged: PausedRanges = [];
  for (const r of ranges) {
    const previous = merged.at(-1);
    if (previous && r.first <= previous.last + 1) previous.last = Math.max(previous.last, r.last);
    else merged.push({ ...r });
  }
  return merged;
}
