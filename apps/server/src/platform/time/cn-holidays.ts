/**
 * The national holiday arrangements of the State Council (国务院办公厅关于…年部分节假日安排的通知)
 * as data: for each year, each holiday's days off (放假) and the weekend days worked instead
 * (调休上班). These notices, not a rule, decide which days are working days: the dates are
 * announced each autumn for the next year and cannot be computed from the lunar calendar alone.
 *
 * Each period is written as the notice writes it (first and last day off, the stated total
 * 共N天, the make-up days), so a reviewer can hold it against the notice line by line; the tests
 * check that the ranges agree with the stated totals and that make-up days are weekend days.
 *
 * Sources: the notices as published by Xinhua / 中国政府网 (2024: 2023-10-25; 2025: 2024-11-12,
 * 国办发明电〔2024〕12号; 2026: 2025-11-04), checked against reproductions of their full text.
 * Adding a year: append its notice here; nothing else changes. A notice may name a day of the
 * previous year (the 2019 notice made 2018-12-29 a working day): write the full date, the
 * calendar looks dates up across all notices.
 */

import { fromDayNumber, toDayNumber } from './civil-date.ts';

/** A holiday's name in both languages OneCity speaks. */
export interface HolidayName {
  zh: string;
  en: string;
}

/** One holiday of one notice: its days off and the weekend days worked to make up for them. */
export interface HolidayPeriod {
  /** Stable identifier of the holiday, the same every year. */
  key: HolidayKey;
  name: HolidayName;
  /** First and last day off ('YYYY-MM-DD', inclusive), weekends included, as the notice gives them. */
  off: { from: string; to: string };
  /** The total the notice states (共N天), or null where it only says 与周末连休 (joined to the weekend). */
  statedDays: number | null;
  /** Saturdays or Sundays that are working days (调休上班). */
  makeUpWorkdays: readonly string[];
}

/** The holidays a notice can name; the combined one appears when Mid-Autumn falls in National Day week. */
export type HolidayKey =
  | 'new-year'
  | 'spring-festival'
  | 'qingming'
  | 'labour-day'
  | 'dragon-boat'
  | 'mid-autumn'
  | 'national-day'
  | 'national-day-mid-autumn';

/** One year's notice. */
export interface HolidayNotice {
  /** The year the notice arranges; the calendar "covers" exactly the years that have a notice. */
  year: number;
  /** The notice's title. */
  title: string;
  /** The day the notice was issued. */
  issued: string;
  holidays: readonly HolidayPeriod[];
}

const NAMES: Record<HolidayKey, HolidayName> = {
  'new-year': { zh: '元旦', en: "New Year's Day" },
  'spring-festival': { zh: '春节', en: 'Spring Festival' },
  qingming: { zh: '清明节', en: 'Qingming Festival' },
  'labour-day': { zh: '劳动节', en: 'Labour Day' },
  'dragon-boat': { zh: '端午节', en: 'Dragon Boat Festival' },
  'mid-autumn': { zh: '中秋节', en: 'Mid-Autumn Festival' },
  'national-day': { zh: '国庆节', en: 'National Day' },
  'national-day-mid-autumn': { zh: '国庆节、中秋节', en: 'National Day and Mid-Autumn Festival' },
};

function period(
  key: HolidayKey,
  from: string,
  to: string,
  statedDays: number | null,
  makeUpWorkdays: string[] = [],
): HolidayPeriod {
  return { key, name: NAMES[key], off: { from, to }, statedDays, makeUpWorkdays };
}

/** The notices OneCity knows, oldest first. Years not listed here are not covered. */
export const CN_HOLIDAY_NOTICES: readonly HolidayNotice[] = [
  {
    year: 2024,
    title: '国务院办公厅关于2024年部分节假日安排的通知',
    issued: '2023-10-25',
    holidays: [
      // "1月1日放假，与周末连休": the rest ran Sat 2023-12-30 to Mon 2024-01-01; no make-up day.
      period('new-year', '2023-12-30', '2024-01-01', null),
      // "2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。" New Year's Eve
      // (2月9日) was only encouraged as a day off, not declared one: it stays a working day here.
      period('spring-festival', '2024-02-10', '2024-02-17', 8, ['2024-02-04', '2024-02-18']),
      // "4月4日至6日放假调休，共3天。4月7日（星期日）上班。"
      period('qingming', '2024-04-04', '2024-04-06', 3, ['2024-04-07']),
      // "5月1日至5日放假调休，共5天。4月28日（星期日）、5月11日（星期六）上班。"
      period('labour-day', '2024-05-01', '2024-05-05', 5, ['2024-04-28', '2024-05-11']),
      // "6月10日放假，与周末连休": Sat 06-08 to Mon 06-10; no make-up day.
      period('dragon-boat', '2024-06-08', '2024-06-10', null),
      // "9月15日至17日放假调休，共3天。9月14日（星期六）上班。"
      period('mid-autumn', '2024-09-15', '2024-09-17', 3, ['2024-09-14']),
      // "10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。"
      period('national-day', '2024-10-01', '2024-10-07', 7, ['2024-09-29', '2024-10-12']),
    ],
  },
  {
    // The first year under the revised 全国年节及纪念日放假办法 (Nov 2024): New Year's Eve and
    // 2 May became public holidays, so Spring Festival now starts on New Year's Eve.
    year: 2025,
    title: '国务院办公厅关于2025年部分节假日安排的通知',
    issued: '2024-11-12',
    holidays: [
      // "1月1日（周三）放假1天，不调休。"
      period('new-year', '2025-01-01', '2025-01-01', 1),
      // "1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。"
      period('spring-festival', '2025-01-28', '2025-02-04', 8, ['2025-01-26', '2025-02-08']),
      // "4月4日（周五）至6日（周日）放假，共3天。"
      period('qingming', '2025-04-04', '2025-04-06', 3),
      // "5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。"
      period('labour-day', '2025-05-01', '2025-05-05', 5, ['2025-04-27']),
      // "5月31日（周六）至6月2日（周一）放假，共3天。"
      period('dragon-boat', '2025-05-31', '2025-06-02', 3),
      // "国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。"
      period('national-day-mid-autumn', '2025-10-01', '2025-10-08', 8, ['2025-09-28', '2025-10-11']),
    ],
  },
  {
    year: 2026,
    title: '国务院办公厅关于2026年部分节假日安排的通知',
    issued: '2025-11-04',
    holidays: [
      // "1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。"
      period('new-year', '2026-01-01', '2026-01-03', 3, ['2026-01-04']),
      // "2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。"
      period('spring-festival', '2026-02-15', '2026-02-23', 9, ['2026-02-14', '2026-02-28']),
      // "4月4日（周六）至6日（周一）放假，共3天。"
      period('qingming', '2026-04-04', '2026-04-06', 3),
      // "5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。"
      period('labour-day', '2026-05-01', '2026-05-05', 5, ['2026-05-09']),
      // "6月19日（周五）至21日（周日）放假，共3天。"
      period('dragon-boat', '2026-06-19', '2026-06-21', 3),
      // "9月25日（周五）至27日（周日）放假，共3天。"
      period('mid-autumn', '2026-09-25', '2026-09-27', 3),
      // "10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。"
      period('national-day', '2026-10-01', '2026-10-07', 7, ['2026-09-20', '2026-10-10']),
    ],
  },
];

/** One dated entry of a notice, expanded: the day and the holiday it belongs to. */
export interface HolidayDay {
  date: string;
  holiday: HolidayPeriod;
}

/** A notice expanded to the list of its days off (放假) and the list of its make-up working days (调休上班). */
export function expandNotice(notice: HolidayNotice): { daysOff: HolidayDay[]; makeUpWorkdays: HolidayDay[] } {
  const daysOff: HolidayDay[] = [];
  const makeUpWorkdays: HolidayDay[] = [];
  for (const holiday of notice.holidays) {
    const last = toDayNumber(holiday.off.to);
    for (let day = toDayNumber(holiday.off.from); day <= last; day++) {
      daysOff.push({ date: fromDayNumber(day), holiday });
    }
    for (const date of holiday.makeUpWorkdays) makeUpWorkdays.push({ date, holiday });
  }
  return { daysOff, makeUpWorkdays };
}
