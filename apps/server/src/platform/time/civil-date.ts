/**
 * Civil dates ('YYYY-MM-DD': a day on a wall calendar, with no time and no zone) and the only
 * bridge from an instant to one, which needs the city's time zone. Arithmetic is done on day
 * numbers counted in UTC, so nothing here depends on the machine's local time zone.
 */

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Raised for a string that is not a real 'YYYY-MM-DD' date (wrong shape, or a day like 2025-02-30). */
export class InvalidCivilDateError extends RangeError {
  readonly value: string;
  constructor(value: string) {
    super(`not a civil date (YYYY-MM-DD): ${JSON.stringify(value)}`);
    this.name = 'InvalidCivilDateError';
    this.value = value;
  }
}

/** Whether `value` is a real calendar date written 'YYYY-MM-DD' (years 0001–9999). */
export function isCivilDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  // Round-tripping through UTC rejects 2025-02-30 without a month-length table; setUTCFullYear,
  // unlike Date.UTC, does not turn years 0001–0099 into 1901–1999.
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  return t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** Days since 1970-01-01 of a civil date; throws {@link InvalidCivilDateError} if it is not one. */
export function toDayNumber(date: string): number {
  if (!isCivilDate(date)) throw new InvalidCivilDateError(date);
  const t = new Date(0);
  t.setUTCFullYear(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return Math.round(t.getTime() / DAY_MS);
}

/** The civil date of a day number (inverse of {@link toDayNumber}). */
export function fromDayNumber(day: number): string {
  const t = new Date(day * DAY_MS);
  const y = String(t.getUTCFullYear()).padStart(4, '0');
  const m = String(t.getUTCMonth() + 1).padStart(2, '0');
  const d = String(t.getUTCDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Day of the week of a day number: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The year of a day number. */
export function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** Adds `days` calendar days to a civil date. */
export function addCalendarDays(date: string, days: number): string {
  return fromDayNumber(toDayNumber(date) + days);
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * The civil date an instant falls on in `timeZone` (an IANA name such as 'Asia/Shanghai').
 * 2025-01-27T17:00:00Z is already 2025-01-28 in Shanghai: the zone decides, never the machine.
 */
export function civilDateOf(instant: Date, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    // A cached formatter per zone: constructing one costs far more than formatting with it.
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
}
