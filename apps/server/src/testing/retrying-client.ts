/**
 * An HTTP client that behaves the way a careful app does against a city's API behind a load
 * balancer: it spreads requests over every API process, retries what may be retried (network
 * failures, timeouts, 5xx, 429, and 409 IDEMPOTENCY_KEY_IN_USE) with exponential backoff that
 * honours Retry-After, and sends every retry of a POST with the same Idempotency-Key, so that a
 * write is done once however many times it is sent. It counts what it saw, for fault tests.
 */
import { randomUUID } from 'node:crypto';

/** One try of a request. */
export interface Attempt {
  url: string;
  /** HTTP status, or what happened instead of one. */
  status: number | 'network' | 'timeout';
  code?: string;
  ms: number;
  retryAfterS?: number;
}

/** A request as the caller means it (one logical request, however many tries). */
export interface LogicalRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** JSON body, or raw bytes sent with `contentType`. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Idempotency-Key for a POST; generated when absent. `null` sends none. */
  idempotencyKey?: string | null;
}

/** The final answer of a logical request and how it was reached. */
export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  attempts: Attempt[];
  /** The key sent with every try (POST). */
  key: string | null;
  /** Milliseconds from the first try to the final answer. */
  ms: number;
}

/** Raised when a logical request gets no final answer before its deadline. */
export class GaveUpError extends Error {
  readonly attempts: Attempt[];
  constructor(request: LogicalRequest, attempts: Attempt[]) {
    const last = attempts.at(-1);
    super(`gave up on ${request.method} ${request.path} after ${attempts.length} tries (last: ${last?.status})`);
    this.name = 'GaveUpError';
    this.attempts = attempts;
  }
}

/** Tuning of a {@link RetryingClient}. */
export interface RetryOptions {
  /** Per-try timeout. */
  timeoutMs: number;
  /** A logical request gives up after this long. */
  deadlineMs: number;
  /** First backoff delay; it doubles per retry (with jitter) up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

const DEFAULTS: RetryOptions = { timeoutMs: 15_000, deadlineMs: 120_000, baseDelayMs: 100, maxDelayMs: 3_000 };

/** Counters across every request of a client (or of several sharing one). */
export class ClientStats {
  /** Tries by outcome: "201", "503", "network", "timeout" … */
  readonly tries = new Map<string, number>();
  /** Error codes of problem answers that were retried or final. */
  readonly codes = new Map<string, number>();
  /** Longest try that ended in a 5xx, a network error or a timeout. */
  slowestFailureMs = 0;
  retries = 0;
  gaveUp = 0;

  record(attempt: Attempt) {
    const key = String(attempt.status);
    this.tries.set(key, (this.tries.get(key) ?? 0) + 1);
    if (attempt.code) this.codes.set(attempt.code, (this.codes.get(attempt.code) ?? 0) + 1);
    const failed = typeof attempt.status !== 'number' || attempt.status >= 500;
    if (failed) this.slowestFailureMs = Math.max(this.slowestFailureMs, attempt.ms);
  }

  count(status: string | number): number {
    return this.tries.get(String(status)) ?? 0;
  }

  /** Starts a fresh set of counters (per fault scenario). */
  reset() {
    this.tries.clear();
    this.codes.clear();
    this.slowestFailureMs = 0;
    this.retries = 0;
    this.gaveUp = 0;
  }
}

let spread = 0;

/**
 * A client for one caller (its own headers: session cookie, CSRF token, X-Forwarded-For). Every
 * try goes to the next API process in turn, so that a retry after a process died lands on another.
 */
export class RetryingClient {
  readonly #urls: () => readonly string[];
  readonly #headers: Record<string, string>;
  readonly #options: RetryOptions;
  readonly stats: ClientStats;

  constructor(
    urls: readonly string[] | (() => readonly string[]),
    options: { headers?: Record<string, string>; stats?: ClientStats; retry?: Partial<RetryOptions> } = {},
  ) {
    this.#urls = typeof urls === 'function' ? urls : () => urls;
    this.#headers = options.headers ?? {};
    this.#options = { ...DEFAULTS, ...options.retry };
    this.stats = options.stats ?? new ClientStats();
  }

  /** The same caller with more headers (e.g. after signing in). */
  with(headers: Record<string, string>): RetryingClient {
    return new RetryingClient(this.#urls, {
      headers: { ...this.#headers, ...headers },
      stats: this.stats,
      retry: this.#options,
    });
  }

  /** Sends `request` until it gets a final answer (anything not worth retrying) or its deadline passes. */
  async send<T = unknown>(request: LogicalRequest): Promise<Answer<T>> {
    const key =
      request.method === 'POST' && request.idempotencyKey !== null ? (request.idempotencyKey ?? randomUUID()) : null;
    const attempts: Attempt[] = [];
    const began = Date.now();
    for (let n = 0; ; n++) {
      const urls = this.#urls();
      const url = `${urls[spread++ % urls.length]}${request.path}`;
      const attempt = await this.#try(url, request, key);
      attempts.push(attempt.attempt);
      this.stats.record(attempt.attempt);
      if (attempt.answer && !retryable(attempt.attempt)) {
        return { ...attempt.answer, body: attempt.answer.body as T, attempts, key, ms: Date.now() - began };
      }
      const backoff = Math.min(this.#options.maxDelayMs, this.#options.baseDelayMs * 2 ** n);
      const jittered = backoff / 2 + Math.random() * (backoff / 2);
      const delay = Math.max(jittered, (attempt.attempt.retryAfterS ?? 0) * 1000);
      if (Date.now() + delay - began > this.#options.deadlineMs) {
        this.stats.gaveUp += 1;
        throw new GaveUpError(request, attempts);
      }
      this.stats.retries += 1;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async #try(
    url: string,
    request: LogicalRequest,
    key: string | null,
  ): Promise<{ attempt: Attempt; answer?: { status: number; body: unknown; headers: Headers } }> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.#headers, ...request.headers };
    let body: BodyInit | undefined;
    if (request.body !== undefined) {
      if (Buffer.isBuffer(request.body)) {
        body = new Uint8Array(request.body);
        headers['content-type'] = request.contentType ?? 'application/octet-stream';
      } else {
        body = JSON.stringify(request.body);
        headers['content-type'] = 'application/json';
      }
    }
    if (key) headers['idempotency-key'] = key;
    const started = performance.now();
    try {
      const res = await fetch(url, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      const text = await res.text();
      const ms = Math.round(performance.now() - started);
      let parsed: unknown = text;
      if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
      const code =
        res.status >= 400 && parsed && typeof parsed === 'object' ? (parsed as { code?: string }).code : undefined;
      const retryAfter = Number(res.headers.get('retry-after'));
      const attempt: Attempt = { url, status: res.status, ms };
      if (code) attempt.code = code;
      if (Number.isFinite(retryAfter) && retryAfter > 0) attempt.retryAfterS = retryAfter;
      return { attempt, answer: { status: res.status, body: parsed, headers: res.headers } };
    } catch (error) {
      const ms = Math.round(performance.now() - started);
      const name = (error as Error).name;
      return { attempt: { url, status: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network', ms } };
    }
  }
}

/** Whether an outcome is worth another try with the same key. */
function retryable(attempt: Attempt): boolean {
  const { status } = attempt;
  if (typeof status !== 'number') return true;
  if (status >= 500 || status === 429) return true;
  return status === 409 && attempt.code === 'IDEMPOTENCY_KEY_IN_USE';
}
