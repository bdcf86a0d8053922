/**
 * Reading what an Open311 client sends: query strings and form (or JSON) bodies, where every
 * value is text and "empty" means "not given" (the spec's rule for optional arguments). Each
 * reader collects every problem it finds, so that a client learns all of them at once in the
 * spec's list of errors.
 */
import { isValidLatLon } from '../../../platform/geo/geometry.ts';
import { AppError } from '../../../platform/http/errors.ts';
import type { Category } from '../repository.ts';
import { Open311Errors } from './format.ts';
import type { RequestFilter } from './queries.ts';

/** Longest span `GET requests` covers, and its default (the spec's 90 days). */
export const MAX_SPAN_MS = 90 * 24 * 60 * 60 * 1000;
/** `page_size` default and maximum (a common GeoReport extension). */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
/** Most ids or codes one comma list may name. */
const MAX_LIST = 200;

/** Limits of the fields of `POST requests` (description: the spec's 4,000 characters). */
const LIMITS = {
  description: 4000,
  address_string: 500,
  email: 254,
  phone: 40,
  first_name: 100,
  last_name: 100,
  device_id: 200,
  account_id: 200,
  media_url: 2000,
  service_code: 64,
} as const;

type Source = Record<string, unknown>;

/** Problems found so far. */
class Problems {
  readonly list: AppError[] = [];
  add(error: AppError) {
    this.list.push(error);
  }
  throwIfAny() {
    if (this.list.length) throw new Open311Errors(this.list);
  }
}

/**
 * The text of `name` in `source`: the first value of a repeated one, trimmed; undefined when
 * absent or empty. A value that is not text (an object, a NUL byte) is a problem.
 */
function field(source: Source, name: string, problems: Problems, max?: number): string | undefined {
  let value = Object.hasOwn(source, name) ? source[name] : undefined;
  if (Array.isArray(value)) value = value[0];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
  if (typeof value !== 'string' || value.includes('\u0000')) {
    problems.add(new AppError('OPEN311_FIELD_INVALID', { field: name }));
    return undefined;
  }
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (max !== undefined && trimmed.length > max) {
    problems.add(new AppError('OPEN311_TEXT_TOO_LONG', { field: name, max }));
    return undefined;
  }
  return trimmed;
}

/** A comma list (`a,b,c`, or the parameter repeated), without empty items. */
function list(source: Source, name: string, problems: Problems): string[] | undefined {
  const raw = Object.hasOwn(source, name) ? source[name] : undefined;
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const items: string[] = [];
  for (const value of values) {
    if (typeof value !== 'string' || value.includes('\u0000')) {
      problems.add(new AppError('OPEN311_FIELD_INVALID', { field: name }));
      return undefined;
    }
    items.push(
      ...value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    );
  }
  if (items.length > MAX_LIST) {
    problems.add(new AppError('OPEN311_LIST_TOO_LONG', { field: name, max: MAX_LIST }));
    return undefined;
  }
  return items.length ? [...new Set(items)] : undefined;
}

/** The jurisdiction a request names (undefined: not given). */
export function jurisdictionOf(...sources: Source[]): string | undefined {
  const problems = new Problems();
  for (const source of sources) {
    const value = field(source, 'jurisdiction_id', problems);
    problems.throwIfAny();
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The language a request asks for with `locale=` (an extension; Accept-Language otherwise). */
export function localeParam(query: Source): string | undefined {
  const value = Object.hasOwn(query, 'locale') ? query.locale : undefined;
  return typeof value === 'string' && value.length <= 35 ? value : undefined;
}

const W3C_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const W3C_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Minutes east of UTC of `timeZone` at `at`. */
function offsetMinutes(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((local - Math.floor(at / 1000) * 1000) / 60_000);
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * A W3C date-time (`2026-06-01T08:00:00+08:00`, `…Z`; the zone is required as the spec says),
 * or a bare date (`2026-06-01`), taken as the start of that day in the city's time zone (or,
 * for an end, the end of that day). Null when it is neither.
 */
export function parseW3cDate(value: string, timeZone: string, end = false): Date | null {
  const date = W3C_DATE.exec(value);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    if (!validDay(y, m, d)) return null;
    const utc = Date.UTC(y, m - 1, d + (end ? 1 : 0));
    const local = utc - offsetMinutes(utc, timeZone) * 60_000;
    return new Date(local - (end ? 1 : 0));
  }
  const m = W3C_DATETIME.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  let offset = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) return null;
    offset = (oh * 60 + om) * (m[8]?.startsWith('-') ? -1 : 1);
  }
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000);
}

/** A positive whole number, or undefined when not given. */
function positiveInt(source: Source, name: string, problems: Problems): number | undefined {
  const value = field(source, name, problems);
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) {
    problems.add(new AppError('OPEN311_FIELD_INVALID', { field: name }));
    return undefined;
  }
  return Number(value);
}

/** The filter of `GET requests` from its query string; unknown parameters are ignored. */
export function requestFilter(query: Source, now: Date, timeZone: string): RequestFilter {
  const problems = new Problems();
  const page = positiveInt(query, 'page', problems) ?? 1;
  const size = Math.min(positiveInt(query, 'page_size', problems) ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const ids = list(query, 'service_request_id', problems);
  const serviceCodes = list(query, 'service_code', problems);
  const statuses = list(query, 'status', problems);
  const startText = field(query, 'start_date', problems);
  const endText = field(query, 'end_date', problems);
  let status: 'open' | 'closed' | undefined;
  if (statuses) {
    if (statuses.some((s) => s !== 'open' && s !== 'closed')) {
      problems.add(new AppError('OPEN311_FIELD_INVALID', { field: 'status' }));
    } else if (statuses.length === 1) {
      status = statuses[0] as 'open' | 'closed';
    }
  }
  let from = startText === undefined ? undefined : parseW3cDate(startText, timeZone);
  let to = endText === undefined ? undefined : parseW3cDate(endText, timeZone, true);
  if (from === null) problems.add(new AppError('OPEN311_DATE_INVALID', { field: 'start_date' }));
  if (to === null) problems.add(new AppError('OPEN311_DATE_INVALID', { field: 'end_date' }));
  if (from && to && (to.getTime() < from.getTime() || to.getTime() - from.getTime() > MAX_SPAN_MS)) {
    problems.add(new AppError('OPEN311_DATE_RANGE_INVALID', { days: MAX_SPAN_MS / 86_400_000 }));
  }
  problems.throwIfAny();
  // The spec's default: the most recent 90 days; one end given, the 90 days beside it.
  if (!from && !to) {
    to = now;
    from = new Date(now.getTime() - MAX_SPAN_MS);
  } else if (from && !to) {
    to = new Date(from.getTime() + MAX_SPAN_MS);
  } else if (to && !from) {
    from = new Date(to.getTime() - MAX_SPAN_MS);
  }
  const offset = (page - 1) * size;
  return {
    ...(ids ? { ids } : {}),
    ...(serviceCodes ? { serviceCodes } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(status ? { status } : {}),
    limit: size,
    offset: Math.min(offset, 1_000_000_000),
  };
}

/** A service request as posted, before its category's attributes are typed. */
export interface Submission {
  serviceCode: string | undefined;
  lat: number | undefined;
  lon: number | undefined;
  address: string | undefined;
  description: string;
  email: string | undefined;
  phone: string | undefined;
  name: string | undefined;
  deviceId: string | undefined;
  /** `attribute[code]` values as sent (text, or a list for `attribute[code][]`). */
  attributes: Map<string, unknown>;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const ATTRIBUTE_KEY = /^attribute\[([^\]]{1,64})\](\[\])?$/;

/** A person's full name from the spec's first and last name (family name first, unspaced, for Chinese names). */
export function fullName(first: string | undefined, last: string | undefined): string | undefined {
  if (!first && !last) return undefined;
  if (!first || !last) return first ?? last;
  return CJK.test(first) || CJK.test(last) ? `${last}${first}` : `${first} ${last}`;
}

/** A coordinate: whether it was sent at all, and its value when it is a number. */
function coordinate(source: Source, name: 'lat' | 'long', problems: Problems): { given: boolean; value?: number } {
  const before = problems.list.length;
  const value = field(source, name, problems, 40);
  if (value === undefined) return { given: problems.list.length > before };
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(value)) {
    problems.add(new AppError('OPEN311_FIELD_INVALID', { field: name }));
    return { given: true };
  }
  return { given: true, value: Number(value) };
}

/**
 * The fields of `POST requests`. A location must be a point (lat and long): OneCity places
 * every report in its city's zones and does not geocode `address_string` or `address_id`, so
 * an address alone is refused with that explanation; an address sent with a point is kept.
 */
export function readSubmission(body: Source): Submission {
  const problems = new Problems();
  const serviceCode = field(body, 'service_code', problems, LIMITS.service_code);
  if (serviceCode === undefined && !problems.list.length) {
    problems.add(new AppError('OPEN311_FIELD_REQUIRED', { field: 'service_code' }));
  }
  const latitude = coordinate(body, 'lat', problems);
  const longitude = coordinate(body, 'long', problems);
  const lat = latitude.value;
  const lon = longitude.value;
  if (!latitude.given && !longitude.given) {
    problems.add(new AppError('OPEN311_LOCATION_REQUIRED'));
  } else if (!latitude.given || !longitude.given) {
    problems.add(new AppError('OPEN311_FIELD_REQUIRED', { field: latitude.given ? 'long' : 'lat' }));
  } else if (lat !== undefined && lon !== undefined && !isValidLatLon(lat, lon)) {
    problems.add(new AppError('INVALID_COORDINATES'));
  }
  const address = field(body, 'address_string', problems, LIMITS.address_string);
  field(body, 'address_id', problems, 200);
  const description = field(body, 'description', problems, LIMITS.description) ?? '';
  const email = field(body, 'email', problems, LIMITS.email);
  if (email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(email)) problems.add(new AppError('EMAIL_INVALID'));
  const phone = field(body, 'phone', problems, LIMITS.phone);
  if (phone !== undefined && !/^[+＋]?[0-9０-９][0-9０-９ ()\-.]{2,}$/.test(phone)) {
    problems.add(new AppError('OPEN311_FIELD_INVALID', { field: 'phone' }));
  }
  const name = fullName(
    field(body, 'first_name', problems, LIMITS.first_name),
    field(body, 'last_name', problems, LIMITS.last_name),
  );
  const deviceId = field(body, 'device_id', problems, LIMITS.device_id);
  // Read for their limits only: OneCity keeps no third-party account ids and fetches no remote media.
  field(body, 'account_id', problems, LIMITS.account_id);
  field(body, 'media_url', problems, LIMITS.media_url);

  const attributes = new Map<string, unknown>();
  for (const [key, value] of Object.entries(body)) {
    const match = ATTRIBUTE_KEY.exec(key);
    if (match?.[1]) attributes.set(match[1], value);
  }
  // A JSON client may send `"attribute": {"code": value}` instead.
  const nested = Object.hasOwn(body, 'attribute') ? body.attribute : undefined;
  if (nested !== undefined) {
    if (nested === null || typeof nested !== 'object' || Array.isArray(nested)) {
      problems.add(new AppError('OPEN311_FIELD_INVALID', { field: 'attribute' }));
    } else {
      for (const [code, value] of Object.entries(nested)) {
        if (code.length <= 64) attributes.set(code, value);
        else problems.add(new AppError('REPORT_ATTRIBUTE_INVALID', { attribute: code.slice(0, 64) }));
      }
    }
  }
  problems.throwIfAny();
  return { serviceCode, lat, lon, address, description, email, phone, name, deviceId, attributes };
}

const TRUE = new Set(['true', '1', 'yes', 'y', 'on', '是']);
const FALSE = new Set(['false', '0', 'no', 'n', 'off', '否']);

/**
 * `attribute[code]` values typed per the category's questions: booleans (sent as `true`/`false`,
 * the keys of their singlevaluelist), numbers, text. Unknown codes and values of the wrong type
 * are problems; whether required ones are there is checked by the intake.
 */
export function typedAttributes(
  category: Category,
  given: Map<string, unknown>,
): Record<string, boolean | number | string> {
  const problems = new Problems();
  const known = new Map(category.attributes.map((a) => [a.code, a]));
  const out: Record<string, boolean | number | string> = {};
  for (const [code, raw] of given) {
    const attribute = known.get(code);
    let value = Array.isArray(raw) ? (raw.length === 1 ? raw[0] : undefined) : raw;
    if (typeof value === 'string') value = value.trim();
    if (!attribute || value === undefined || value === null || typeof value === 'object') {
      problems.add(new AppError('REPORT_ATTRIBUTE_INVALID', { attribute: code }));
      continue;
    }
    if (value === '') continue;
    const textValue = String(value);
    if (textValue.includes('\u0000')) {
      problems.add(new AppError('REPORT_ATTRIBUTE_INVALID', { attribute: code }));
      continue;
    }
    if (attribute.type === 'boolean') {
      const lower = textValue.toLowerCase();
      if (TRUE.has(lower)) out[code] = true;
      else if (FALSE.has(lower)) out[code] = false;
      else problems.add(new AppError('REPORT_ATTRIBUTE_INVALID', { attribute: code }));
    } else if (attribute.type === 'number') {
      const n =
        typeof value === 'number'
          ? value
          : /^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(textValue)
            ? Number(textValue)
            : Number.NaN;
      if (Number.isFinite(n)) out[code] = n;
      else problems.add(new AppError('REPORT_ATTRIBUTE_INVALID', { attribute: code }));
    } else if (textValue.length <= 500) {
      out[code] = textValue;
    } else {
      problems.add(new AppError('REPORT_ATTRIBUTE_INVALID', { attribute: code }));
    }
  }
  problems.throwIfAny();
  return out;
}
