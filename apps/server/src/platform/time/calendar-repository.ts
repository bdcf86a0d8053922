/**
 * A city's working calendar from the database: the national holiday data merged with the
 * city's own rows in `holiday_calendar`, read in the city's time zone. Plain Kysely functions,
 * the database handle first, every query scoped by the city.
 */

import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { findTenant } from '../tenancy/repository.ts';
import { toDayNumber } from './civil-date.ts';
import { type CalendarOverride, WorkingCalendar, type WorkingCalendarOptions } from './working-days.ts';

/** The city's own days off and working days, by date. */
export async function listCalendarDays(db: Kysely<Database>, cityId: string): Promise<CalendarOverride[]> {
  const rows = await db
    .selectFrom('holiday_calendar')
    .select(['day', 'kind', 'name_zh', 'name_en'])
    .where('city_id', '=', cityId)
    .orderBy('day')
    .execute();
  return rows.map((r) => ({ date: r.day, kind: r.kind, name: { zh: r.name_zh, en: r.name_en } }));
}

/** Records a city's day off or working day; a day already recorded is replaced (one answer per day). */
export async function saveCalendarDay(db: Kysely<Database>, cityId: string, day: CalendarOverride): Promise<void> {
  toDayNumber(day.date); // a bad date is the caller's error, not a database error
  const row = { kind: day.kind, name_zh: day.name.zh, name_en: day.name.en };
  await db
    .insertInto('holiday_calendar')
    .values({ city_id: cityId, day: day.date, ...row })
    .onConflict((oc) => oc.columns(['city_id', 'day']).doUpdateSet(row))
    .execute();
}

/** Removes a city's change on `date`, giving the day back to the national calendar; false if there was none. */
export async function deleteCalendarDay(db: Kysely<Database>, cityId: string, date: string): Promise<boolean> {
  toDayNumber(date);
  const result = await db
    .deleteFrom('holiday_calendar')
    .where('city_id', '=', cityId)
    .where('day', '=', date)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * The working calendar of a city (national data, the city's rows, the city's time zone), or
 * null for an unknown city. Read it per computation rather than caching it for long: a typhoon
 * closure is decided on the day.
 */
export async function calendarFor(
  db: Kysely<Database>,
  cityId: string,
  options: Pick<WorkingCalendarOptions, 'notices' | 'outsideCoverage'> = {},
): Promise<WorkingCalendar | null> {
  const city = await findTenant(db, cityId);
  if (!city) return null;
  const overrides = await listCalendarDays(db, cityId);
  return new WorkingCalendar({ ...options, timeZone: city.timeZone, overrides });
}
