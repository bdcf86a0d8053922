/**
 * Canonical JSON: object keys sorted, undefined members left out, so that equal values give
 * equal text whatever order they were built in. Hashes over request bodies (idempotency) and
 * over audit entries depend on it.
 */

/** The canonical JSON text of `value`. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
