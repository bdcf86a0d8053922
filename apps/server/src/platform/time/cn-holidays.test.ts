import { describe, expect, it } from 'vitest';
import { toDayNumber, weekdayOf } from './civil-date.ts';
import { CN_HOLIDAY_NOTICES, expandNotice } from './cn-holidays.ts';
import { WorkingCalendar } from './working-days.ts';

const calendar = new WorkingCalendar();
const weekday = (date: string) => weekdayOf(toDayNumber(date));

describe('the national holiday data', () => {
  it('covers 2024, 2025 and 2026, one notice each', () => {
    expect(CN_HOLIDAY_NOTICES.map((n) => n.year)).toEqual([2024, 2025, 2026]);
    expect(calendar.coveredYears).toEqual([2024, 2025, 2026]);
  });

  it('agrees with the totals the notices state (共N天)', () => {
    for (const notice of CN_HOLIDAY_NOTICES) {
      for (const h of notice.holidays) {
        const days = toDayNumber(h.off.to) - toDayNumber(h.off.from) + 1;
        if (h.statedDays !== null) expect(days, `${notice.year} ${h.key}`).toBe(h.statedDays);
        else expect(days, `${notice.year} ${h.key} joined to a weekend`).toBe(3);
      }
    }
  });

  it('puts every make-up working day on a weekend and outside every holiday', () => {
    for (const notice of CN_HOLIDAY_NOTICES) {
      const { daysOff, makeUpWorkdays } = expandNotice(notice);
      const off = new Set(daysOff.map((d) => d.date));
      for (const { date } of makeUpWorkdays) {
        expect([0, 6], date).toContain(weekday(date));
        expect(off.has(date), date).toBe(false);
      }
    }
  });

  it('matches the weekdays the notices print beside their dates', () => {
    // (date, weekday 0 = Sunday) pairs read off the notices: a mistyped date would land on another weekday.
    const printed: Array<[string, number]> = [
      ['2024-02-04', 0],
      ['2024-02-18', 0],
      ['2024-04-07', 0],
      ['2024-04-28', 0],
      ['2024-05-11', 6],
      ['2024-09-14', 6],
      ['2024-09-29', 0],
      ['2024-10-12', 6],
      ['2025-01-01', 3],
      ['2025-01-28', 2],
      ['2025-02-04', 2],
      ['2025-01-26', 0],
      ['2025-02-08', 6],
      ['2025-04-04', 5],
      ['2025-04-06', 0],
      ['2025-05-01', 4],
      ['2025-05-05', 1],
      ['2025-04-27', 0],
      ['2025-05-31', 6],
      ['2025-06-02', 1],
      ['2025-10-01', 3],
      ['2025-10-08', 3],
      ['2025-09-28', 0],
      ['2025-10-11', 6],
      ['2026-01-01', 4],
      ['2026-01-03', 6],
      ['2026-01-04', 0],
      ['2026-02-15', 0],
      ['2026-02-23', 1],
      ['2026-02-14', 6],
      ['2026-02-28', 6],
      ['2026-04-04', 6],
      ['2026-04-06', 1],
      ['2026-05-01', 5],
      ['2026-05-05', 2],
      ['2026-05-09', 6],
      ['2026-06-19', 5],
      ['2026-06-21', 0],
      ['2026-09-25', 5],
      ['2026-09-27', 0],
      ['2026-10-01', 4],
      ['2026-10-07', 3],
      ['2026-09-20', 0],
      ['2026-10-10', 6],
    ];
    for (const [date, day] of printed) expect(weekday(date), date).toBe(day);
  });

  it('gives the yearly working-day totals that follow from the law (weekdays minus 11 or 13 public holidays)', () => {
    // 2024: 262 weekdays − 11 public holidays; from 2025 the holidays are 13 (除夕 and 2 May added).
    expect(calendar.workingDaysBetween('2023-12-31', '2024-12-31')).toBe(251);
    expect(calendar.workingDaysBetween('2024-12-31', '2025-12-31')).toBe(248);
    expect(calendar.workingDaysBetween('2025-12-31', '2026-12-31')).toBe(248);
  });

  it('names every holiday in Chinese and English', () => {
    for (const notice of CN_HOLIDAY_NOTICES) {
      for (const h of notice.holidays) {
        expect(h.name.zh.length).toBeGreaterThan(0);
        expect(h.name.en.length).toBeGreaterThan(0);
      }
    }
    expect(calendar.describe('2025-10-08').name).toEqual({
      zh: '国庆节、中秋节',
      en: 'National Day and Mid-Autumn Festival',
    });
  });
});
