/**
 * What of a report the public Open311 feed may show. `GET requests` answers anyone, so:
 * - a reporter's name, e-mail, phone, device and account are never read at all;
 * - free text (description, address) is shown only for categories that are not sensitive,
 *   and only after {@link maskContactDetails} has blanked what looks like a phone number, an
 *   ID number or an e-mail address — citizens type their number into descriptions ("call me
 *   at 138…"), and the masking is deliberately greedy (a long order number is masked too);
 * - locations are rounded to about 10 m, and those of sensitive categories (a noisy
 *   neighbour, an extension on a roof) moved to the centre of their H3 resolution-7 cell
 *   (about 5 km²), so that the feed never points at one household.
 */
import { cellToLatLng, latLngToCell } from 'h3-js';

/** Resolution of the cell a sensitive report is shown at (edge ≈ 1.2 km). */
export const SENSITIVE_H3_RESOLUTION = 7;

const DIGIT = '[0-9０-９]';
/** Between two digits of one number: a space, dash, dot, slash or bracket (at most two). */
const JOIN = '[ \\t\\u3000\\-－.．/()（）]{0,2}';
/**
 * A run of at least 7 digits, possibly broken up the way people write numbers
 * (`138 1234 5678`, `020-8888 8888`, `(020)88888888`), optionally led by `+`/`＋` and ended by
 * the check letter of an ID number. 7 digits is the shortest local phone number.
 */
const NUMBER_RUN = new RegExp(`[+＋]?${DIGIT}(?:${JOIN}${DIGIT}){6,}(?:[Xx](?![A-Za-z]))?`, 'g');
/** A calendar date (2026-06-01, 2026/6/1, 2026.06.01): not personal, left alone. */
const DATE = /((?<![0-9０-９])(?:19|20)[0-9]{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12][0-9]|3[01])(?![0-9０-９]))/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}/g;

/**
 * `text` with phone-number-like and ID-number-like digit runs and e-mail addresses masked:
 * every digit (and the ID check letter) becomes `*`, separators stay, so a reader sees that a
 * number was there but not which.
 */
export function maskContactDetails(text: string): string {
  return text
    .replace(EMAIL, '***@***')
    .split(DATE)
    .map((part, i) => (i % 2 ? part : part.replace(NUMBER_RUN, (run) => run.replace(/[0-9０-９Xx]/g, '*'))))
    .join('');
}

/** A location as the public may see it. */
export interface PublicLocation {
  lat: number;
  lon: number;
}

const round = (value: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

/** The point to publish for a report at (`lat`, `lon`): ~10 m rounding, or the cell centre for sensitive categories. */
export function publicLocation(lat: number, lon: number, sensitive: boolean): PublicLocation {
  if (sensitive) {
    const [cLat, cLon] = cellToLatLng(latLngToCell(lat, lon, SENSITIVE_H3_RESOLUTION));
    return { lat: round(cLat, 6), lon: round(cLon, 6) };
  }
  // Four decimals: 11 m north–south, about 10 m east–west at the latitudes of southern China.
  return { lat: round(lat, 4), lon: round(lon, 4) };
}
