import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  civilDateOf,
  fromDayNumber,
  InvalidCivilDateError,
  isCivilDate,
  toDayNumber,
  weekdayOf,
} from './civil-date.ts';

describe('civil dates', () => {
  it('accepts real dates only', () => {
    expect(isCivilDate('2024-02-29')).toBe(true);
    expect(isCivilDate('2025-02-29')).toBe(false);
    expect(isCivilDate('2025-13-01')).toBe(false);
    expect(isCivilDate('2025-1-01')).toBe(false);
    expect(isCivilDate('2025-01-01T00:00')).toBe(false);
    expect(isCivilDate('0000-01-01')).toBe(false);
    expect(() => toDayNumber('2025-02-30')).toThrow(InvalidCivilDateError);
  });

  it('numbers days from 1970-01-01, a Thursday', () => {
    expect(toDayNumber('1970-01-01')).toBe(0);
    expect(weekdayOf(0)).toBe(4);
    expect(weekdayOf(toDayNumber('2025-01-26'))).toBe(0);
    expect(weekdayOf(toDayNumber('1969-12-27'))).toBe(6);
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2025-12-31', 1)).toBe('2026-01-01');
  });

  it('round-trips every day number', () => {
    fc.assert(
      fc.property(fc.integer({ min: -700_000, max: 2_900_000 }), (day) => {
        const date = fromDayNumber(day);
        expect(isCivilDate(date)).toBe(true);
        expect(toDayNumber(date)).toBe(day);
      }),
    );
  });

  it('reads an instant in the given zone, never the machine’s', () => {
    const instant = new Date('2025-01-27T16:30:00Z');
    expect(civilDateOf(instant, 'Asia/Shanghai')).toBe('2025-01-28');
    expect(civilDateOf(instant, 'UTC')).toBe('2025-01-27');
    expect(civilDateOf(new Date('2025-01-28T03:00:00Z'), 'America/New_York')).toBe('2025-01-27');
    // China has kept UTC+8 without summer time since 1991: the civil date is the UTC date 8 hours later.
    const from = Date.UTC(1992, 0, 1);
    const to = Date.UTC(2040, 0, 1);
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), (ms) => {
        expect(civilDateOf(new Date(ms), 'Asia/Shanghai')).toBe(
          new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10),
        );
      }),
    );
  });
});
