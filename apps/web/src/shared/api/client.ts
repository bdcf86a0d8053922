/**
 * The typed API client: fetch with the session cookie, the request's language as
 * `Accept-Language` (so that problem+json titles come back in the user's language) and, on
 * writes, the session's CSRF token as `X-CSRF-Token`. Failures become {@link ApiError}.
 */
import { getSettings } from '../settings.ts';

/** One wrong field of a 400 answer. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** A failed call: the server's problem+json, or a network failure (`status` 0, code `NETWORK`). */
export class ApiError extends Error {
  override name = 'ApiError';
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  /** The server's stable error code (`GOV_SERVICE_NOT_FOUND`), or `NETWORK` / `UNEXPECTED_RESPONSE`. */
  readonly code: string;
  /** The server's message in the user's language; empty when the server sent none. */
  readonly title: string;
  readonly requestId: string | null;
  readonly errors: FieldProblem[];

  constructor(init: {
    status: number;
    code: string;
    title?: string;
    requestId?: string | null;
    errors?: FieldProblem[];
  }) {
    super(init.title || init.code);
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? '';
    this.requestId = init.requestId ?? null;
    this.errors = init.errors ?? [];
  }
}

let csrfToken: string | null = null;

/** How calls reach the API: the browser's fetch, or the server's own when it draws a page first. */
let transport: (url: string, init: RequestInit) => Promise<Response> = (url, init) => fetch(url, init);

/** Replaces how calls reach the API (the server's first render answers them in process). */
export function setTransport(next: (url: string, init: RequestInit) => Promise<Response>): void {
  transport = next;
}

/** Remembers the session's CSRF token (from sign-in or `GET /session`); null when signed out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Options of one call. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Query parameters; undefined and empty values are left out. */
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Extra request headers (an `Idempotency-Key`, say). */
  headers?: Record<string, string>;
}

function withQuery(path: string, query: CallOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The session's CSRF token as last seen (for writes made without {@link call}, such as uploads). */
export function currentCsrfToken(): string | null {
  return csrfToken;
}

async function problemOf(response: Response): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await response.json()) as {
        code?: string;
        title?: string;
        requestId?: string;
        errors?: FieldProblem[];
      };
      return new ApiError({
        status: response.status,
        code: body.code ?? 'UNEXPECTED_RESPONSE',
        title: body.title ?? '',
        requestId: body.requestId ?? response.headers.get('x-request-id'),
        errors: Array.isArray(body.errors) ? body.errors : [],
      });
    } catch {
      // Fall through: a body that is not the JSON it claims to be.
    }
  }
  return new ApiError({
    status: response.status,
    code: 'UNEXPECTED_RESPONSE',
    requestId: response.headers.get('x-request-id'),
  });
}

/** Calls the API; resolves with the JSON answer (undefined for 204), rejects with {@link ApiError}. */
export async function call<T>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
  const headers = new Headers({ Accept: 'application/json', 'Accept-Language': getSettings().language });
  if (body !== undefined) headers.set('Content-Type', 'application/json');
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers.set('X-CSRF-Token', csrfToken);
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  let response: Response;
  try {
    response = await transport(withQuery(path, options.query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError({ status: 0, code: 'NETWORK' });
  }
  if (!response.ok) throw await problemOf(response);
  if (response.status === 204) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError({ status: response.status, code: 'UNEXPECTED_RESPONSE' });
  }
}

/** The API's verbs. */
export const api = {
  get: <T>(path: string, options?: CallOptions) => call<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: CallOptions) => call<T>('POST', path, body ?? {}, options),
  put: <T>(path: string, body: unknown, options?: CallOptions) => call<T>('PUT', path, body, options),
  patch: <T>(path: string, body: unknown, options?: CallOptions) => call<T>('PATCH', path, body, options),
  delete: <T>(path: string, options?: CallOptions) => call<T>('DELETE', path, undefined, options),
};
