import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCalendarDays, fromDayNumber, InvalidCivilDateError, toDayNumber } from './civil-date.ts';
import {
  CalendarDataError,
  type Pause,
  UncoveredYearError,
  WorkingCalendar,
  WorkingDaysArgumentError,
} from './working-days.ts';

const calendar = new WorkingCalendar();
const typhoon = { zh: '台风停工', en: 'Typhoon closure' };

describe('a working day', () => {
  it('is a weekday outside the holidays, or a make-up weekend day', () => {
    expect(calendar.isWorkingDay('2025-01-27')).toBe(true); // Monday before Spring Festival
    expect(calendar.isWorkingDay('2025-01-28')).toBe(false); // New Year's Eve, a Tuesday
    expect(calendar.isWorkingDay('2025-02-04')).toBe(false); // last day off, a Tuesday
    expect(calendar.isWorkingDay('2025-01-26')).toBe(true); // make-up Sunday
    expect(calendar.isWorkingDay('2025-02-08')).toBe(true); // make-up Saturday
    expect(calendar.isWorkingDay('2025-02-09')).toBe(false); // ordinary Sunday
    expect(calendar.isWorkingDay('2024-02-09')).toBe(true); // 2024's New Year's Eve was not declared a day off
  });

  it('says why', () => {
    expect(calendar.describe('2025-02-08')).toEqual({
      date: '2025-02-08',
      working: true,
      reason: 'make-up',
      name: { zh: '春节', en: 'Spring Festival' },
      covered: true,
    });
    expect(calendar.describe('2025-10-03').reason).toBe('holiday');
    expect(calendar.describe('2025-10-13').reason).toBe('weekday');
    expect(calendar.describe('2025-10-12').reason).toBe('weekend');
    expect(calendar.describe('2030-01-01')).toMatchObject({ working: true, reason: 'weekday', covered: false });
  });

  it('refuses what is not a date', () => {
    expect(() => calendar.isWorkingDay('2025-02-30')).toThrow(InvalidCivilDateError);
    expect(() => calendar.isWorkingDay('25-02-03')).toThrow(InvalidCivilDateError);
  });
});

describe('counting a time limit', () => {
  it('starts the day after acceptance (受理次日起计算)', () => {
    // Accepted on a Monday: day 1 is Tuesday, whatever time of day it was accepted.
    expect(calendar.addWorkingDays('2025-03-03', 1)).toBe('2025-03-04');
    expect(calendar.addWorkingDays('2025-03-03', 5)).toBe('2025-03-10');
    // Accepted on Friday or on Saturday: day 1 is Monday either way.
    expect(calendar.addWorkingDays('2025-03-07', 1)).toBe('2025-03-10');
    expect(calendar.addWorkingDays('2025-03-08', 1)).toBe('2025-03-10');
    expect(calendar.addWorkingDays('2025-03-03', 0)).toBe('2025-03-03');
    expect(calendar.firstWorkingDayFrom('2025-03-08')).toBe('2025-03-10');
    expect(calendar.firstWorkingDayFrom('2025-03-07')).toBe('2025-03-07');
  });

  it('skips Spring Festival 2025 and counts its make-up Saturday', () => {
    // From the day before Spring Festival (Mon 27 Jan): 28 Jan–4 Feb off; Wed 5, Thu 6, Fri 7, Sat 8 (make-up), Mon 10.
    expect(calendar.addWorkingDays('2025-01-27', 5)).toBe('2025-02-10');
    expect(calendar.addWorkingDays('2025-01-27', 4)).toBe('2025-02-08');
    // From Friday 24 Jan: Sun 26 (make-up) and Mon 27 count, then Wed 5 Feb.
    expect(calendar.addWorkingDays('2025-01-24', 3)).toBe('2025-02-05');
    expect(calendar.workingDaysBetween('2025-01-27', '2025-02-04')).toBe(0);
    expect(calendar.workingDaysBetween('2025-01-24', '2025-02-10')).toBe(7);
  });

  it('skips Spring Festival 2024 and 2026', () => {
    // 2024: Sun 4 Feb is worked, 10–17 Feb off, Sun 18 Feb worked.
    expect(calendar.addWorkingDays('2024-02-08', 2)).toBe('2024-02-18');
    expect(calendar.addWorkingDays('2024-02-02', 1)).toBe('2024-02-04');
    // 2026: Sat 14 Feb worked, 15–23 Feb off, Sat 28 Feb worked.
    expect(calendar.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(calendar.addWorkingDays('2026-02-14', 1)).toBe('2026-02-24');
    expect(calendar.addWorkingDays('2026-02-24', 4)).toBe('2026-02-28');
  });

  it('skips National Day 2025 (eight days, with Mid-Autumn) and counts Sun 28 Sep and Sat 11 Oct', () => {
    // From Fri 26 Sep: Sun 28, Mon 29, Tue 30, then 1–8 Oct off, Thu 9, Fri 10, Sat 11, Mon 13.
    expect(calendar.addWorkingDays('2025-09-26', 7)).toBe('2025-10-13');
    expect(calendar.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    expect(calendar.workingDaysBetween('2025-09-26', '2025-10-13')).toBe(7);
  });

  it('crosses year boundaries', () => {
    expect(calendar.addWorkingDays('2024-12-31', 1)).toBe('2025-01-02');
    // 2026 begins with three days off and a make-up Sunday, 4 Jan.
    expect(calendar.addWorkingDays('2025-12-31', 1)).toBe('2026-01-04');
    expect(calendar.addWorkingDays('2025-12-31', 2)).toBe('2026-01-05');
    expect(calendar.workingDaysBetween('2025-12-30', '2026-01-05')).toBe(3);
  });

  it('counts backwards as a negative number', () => {
    expect(calendar.workingDaysBetween('2025-02-10', '2025-01-27')).toBe(-5);
    expect(calendar.workingDaysBetween('2025-02-10', '2025-02-10')).toBe(0);
  });

  it('refuses a negative or fractional limit', () => {
    expect(() => calendar.addWorkingDays('2025-03-03', -1)).toThrow(WorkingDaysArgumentError);
    expect(() => calendar.addWorkingDays('2025-03-03', 1.5)).toThrow(WorkingDaysArgumentError);
  });
});

describe('years without a notice', () => {
  it('are answered with weekends only and reported', () => {
    expect(calendar.covers(2025)).toBe(true);
    expect(calendar.covers(2027)).toBe(false);
    expect(calendar.covers(2023)).toBe(false);
    // 1 Jan 2027 is a Friday: surely a holiday, but unknown without the 2027 notice.
    expect(calendar.isWorkingDay('2027-01-01')).toBe(true);
    expect(calendar.deadline('2026-12-31', 1)).toEqual({ due: '2027-01-01', counted: 1, uncoveredYears: [2027] });
    expect(calendar.deadline('2026-12-30', 1)).toEqual({ due: '2026-12-31', counted: 1, uncoveredYears: [] });
    expect(calendar.deadline('2023-12-29', 1)).toEqual({ due: '2024-01-02', counted: 1, uncoveredYears: [2023] });
    expect(calendar.uncoveredYears('2023-06-01', '2028-01-01')).toEqual([2023, 2027, 2028]);
  });

  it('throw a typed error when the calendar is asked to be strict', () => {
    const strict = new WorkingCalendar({ outsideCoverage: 'throw' });
    expect(strict.addWorkingDays('2026-12-30', 1)).toBe('2026-12-31');
    expect(() => strict.addWorkingDays('2026-12-31', 1)).toThrow(UncoveredYearError);
    try {
      strict.isWorkingDay('2023-05-01');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UncoveredYearError);
      expect((error as UncoveredYearError).year).toBe(2023);
    }
  });
});

describe('pauses (补正: the clock stops while the applicant supplies material)', () => {
  // Accepted Mon 22 Sep 2025, 20 working days. Without pauses: … 30 Sep (7), 9 Oct (8) … 24 Oct (20).
  const start = '2025-09-22';

  it('change nothing when there are none', () => {
    expect(calendar.deadline(start, 20)).toEqual({ due: '2025-10-24', counted: 20, uncoveredYears: [] });
  });

  it('stop the clock across National Day', () => {
    // Asked for material on Thu 25 Sep (day 3, still counted), material received Fri 10 Oct (not counted):
    // counting resumes on Sat 11 Oct (make-up day, day 4) … Mon 3 Nov is day 20.
    const pause: Pause = { from: '2025-09-25', to: '2025-10-10' };
    expect(calendar.deadline(start, 20, [pause])).toEqual({ due: '2025-11-03', counted: 20, uncoveredYears: [] });
    // The six working days inside the pause (26, 28, 29, 30 Sep, 9, 10 Oct) push the deadline six working days.
    expect(calendar.addWorkingDays('2025-10-24', 6)).toBe('2025-11-03');
    expect(calendar.usedWorkingDays(start, '2025-10-10', [pause])).toBe(3);
    expect(calendar.usedWorkingDays(start, '2025-10-11', [pause])).toBe(4);
    expect(calendar.usedWorkingDays(start, '2025-11-03', [pause])).toBe(20);
  });

  it('leave the deadline open while the applicant has not answered', () => {
    expect(calendar.deadline(start, 20, [{ from: '2025-09-25', to: null }])).toEqual({
      due: null,
      counted: 3,
      uncoveredYears: [],
    });
    // A pause opened after the limit ran out does not reopen it.
    expect(calendar.deadline(start, 20, [{ from: '2025-10-24', to: null }]).due).toBe('2025-10-24');
  });

  it('merge when they overlap, and ignore days before the start', () => {
    const a = calendar.deadline(start, 20, [
      { from: '2025-09-25', to: '2025-10-01' },
      { from: '2025-09-30', to: '2025-10-10' },
      { from: '2025-09-01', to: '2025-09-10' },
    ]);
    expect(a.due).toBe('2025-11-03');
    // A pause ending on the day it starts stops the clock for no day.
    expect(calendar.deadline(start, 20, [{ from: '2025-10-01', to: '2025-10-01' }]).due).toBe('2025-10-24');
  });

  it('refuse a pause that ends before it starts', () => {
    expect(() => calendar.deadline(start, 20, [{ from: '2025-10-10', to: '2025-10-09' }])).toThrow(
      WorkingDaysArgumentError,
    );
  });
});

describe('city overrides', () => {
  it('add days off and working days that win over the national data', () => {
    const city = new WorkingCalendar({
      overrides: [
        { date: '2025-09-24', kind: 'off', name: typhoon }, // a Wednesday closed for a typhoon
        { date: '2025-09-27', kind: 'work', name: { zh: '调休上班', en: 'Make-up working day' } }, // a Saturday
        { date: '2025-10-08', kind: 'work', name: { zh: '本市工作日', en: 'City working day' } }, // a national holiday
      ],
    });
    expect(calendar.addWorkingDays('2025-09-22', 2)).toBe('2025-09-24');
    expect(city.addWorkingDays('2025-09-22', 2)).toBe('2025-09-25');
    expect(city.describe('2025-09-24')).toMatchObject({ working: false, reason: 'city-off', name: typhoon });
    expect(city.addWorkingDays('2025-09-25', 2)).toBe('2025-09-27');
    expect(city.addWorkingDays('2025-09-30', 1)).toBe('2025-10-08');
    expect(calendar.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
  });

  it('refuse a day that is both off and worked', () => {
    expect(
      () =>
        new WorkingCalendar({
          overrides: [
            { date: '2025-09-24', kind: 'off', name: typhoon },
            { date: '2025-09-24', kind: 'work', name: typhoon },
          ],
        }),
    ).toThrow(CalendarDataError);
  });

  it('refuse national data with a make-up day on a weekday', () => {
    const notices = [
      {
        year: 2030,
        title: 'test',
        issued: '2029-11-01',
        holidays: [
          {
            key: 'new-year' as const,
            name: { zh: '元旦', en: "New Year's Day" },
            off: { from: '2030-01-01', to: '2030-01-01' },
            statedDays: 1,
            makeUpWorkdays: ['2030-01-02'],
          },
        ],
      },
    ];
    expect(() => new WorkingCalendar({ notices })).toThrow(CalendarDataError);
  });
});

describe('time zones', () => {
  it('turn instants into the city’s civil dates', () => {
    // 00:30 on 28 Jan in Shanghai is still 27 Jan in UTC and in New York.
    const instant = new Date('2025-01-27T16:30:00Z');
    expect(calendar.timeZone).toBe('Asia/Shanghai');
    expect(calendar.dateOf(instant)).toBe('2025-01-28');
    expect(calendar.isWorkingDay(calendar.dateOf(instant))).toBe(false);
    expect(new WorkingCalendar({ timeZone: 'America/New_York' }).dateOf(instant)).toBe('2025-01-27');
    expect(new WorkingCalendar({ timeZone: 'UTC' }).dateOf(instant)).toBe('2025-01-27');
  });

  it('refuse an unknown zone when the calendar is built', () => {
    expect(() => new WorkingCalendar({ timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});

describe('properties', () => {
  // Days from mid-2023 to mid-2027: across all covered years and into both uncovered neighbours.
  const day = fc.integer({ min: toDayNumber('2023-07-01'), max: toDayNumber('2027-06-30') }).map(fromDayNumber);
  const limit = fc.integer({ min: 0, max: 80 });
  const city = new WorkingCalendar({
    overrides: [
      { date: '2025-09-24', kind: 'off', name: typhoon },
      { date: '2025-07-19', kind: 'work', name: typhoon },
    ],
  });
  const calendars = fc.constantFrom(calendar, city);

  it('addWorkingDays lands on a working day for n ≥ 1', () => {
    fc.assert(
      fc.property(calendars, day, fc.integer({ min: 1, max: 80 }), (c, d, n) => {
        expect(c.isWorkingDay(c.addWorkingDays(d, n))).toBe(true);
      }),
    );
  });

  it('addWorkingDays is strictly increasing in n, with no working day skipped between steps', () => {
    fc.assert(
      fc.property(calendars, day, limit, (c, d, n) => {
        const a = c.addWorkingDays(d, n);
        const b = c.addWorkingDays(d, n + 1);
        expect(a < b).toBe(true);
        for (let x = addCalendarDays(a, 1); x < b; x = addCalendarDays(x, 1)) expect(c.isWorkingDay(x)).toBe(false);
      }),
    );
  });

  it('workingDaysBetween undoes addWorkingDays', () => {
    fc.assert(
      fc.property(calendars, day, limit, (c, d, n) => {
        expect(c.workingDaysBetween(d, c.addWorkingDays(d, n))).toBe(n);
      }),
    );
  });

  it('adding m then n working days is adding m + n', () => {
    fc.assert(
      fc.property(calendars, day, limit, limit, (c, d, m, n) => {
        expect(c.addWorkingDays(c.addWorkingDays(d, m), n)).toBe(c.addWorkingDays(d, m + n));
      }),
    );
  });

  it('workingDaysBetween adds up over consecutive stretches', () => {
    fc.assert(
      fc.property(calendars, day, day, day, (c, a, b, x) => {
        expect(c.workingDaysBetween(a, b) + c.workingDaysBetween(b, x)).toBe(c.workingDaysBetween(a, x));
        expect(c.workingDaysBetween(a, b) + c.workingDaysBetween(b, a)).toBe(0);
      }),
    );
  });

  it('a deadline with closed pauses is n counted working days, none inside a pause, and never earlier', () => {
    const pause = fc
      .tuple(day, fc.integer({ min: 0, max: 40 }))
      .map(([from, length]): Pause => ({ from, to: addCalendarDays(from, length) }));
    fc.assert(
      fc.property(calendars, day, fc.integer({ min: 1, max: 60 }), fc.array(pause, { maxLength: 4 }), (c, d, n, ps) => {
        const { due, counted } = c.deadline(d, n, ps);
        expect(due).not.toBeNull();
        const end = due as string;
        expect(counted).toBe(n);
        expect(c.isWorkingDay(end)).toBe(true);
        expect(ps.some((p) => p.from < end && end <= (p.to as string))).toBe(false);
        expect(c.usedWorkingDays(d, end, ps)).toBe(n);
        expect(c.usedWorkingDays(d, addCalendarDays(end, -1), ps)).toBe(n - 1);
        expect(end >= c.addWorkingDays(d, n)).toBe(true);
      }),
    );
  });

  it('a deadline without pauses is addWorkingDays', () => {
    fc.assert(
      fc.property(calendars, day, limit, (c, d, n) => {
        expect(c.deadline(d, n, []).due).toBe(c.addWorkingDays(d, n));
      }),
    );
  });
});
