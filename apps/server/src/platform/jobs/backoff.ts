/** Exponential retry delays shared by jobs, the outbox relay and event consumers. */

/** How retry delays grow: `baseMs` after the first failure, doubling up to `maxMs`. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * The delay before retry number `failures` (1 after the first failure). Deterministic on
 * purpose: tests drive time with a ManualClock, and a retry must land where they expect it.
 */
export function backoffMs(failures: number, options: BackoffOptions): number {
  const exponent = Math.max(0, Math.min(failures - 1, 30));
  return Math.min(options.maxMs, options.baseMs * 2 ** exponent);
}

/** An error's message, cut to a length that fits a `last_error` column and a log line. */
export function errorText(error: unknown, max = 2000): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
