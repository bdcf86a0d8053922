/**
 * What every answer to bad input must be: never a 5xx; a 4xx is application/problem+json
 * (RFC 9457) with a catalog code whose status it carries, a title in the language asked for
 * (the catalog's text with its placeholders filled), field errors in that language too, the
 * request id, and no stack trace. Open311 answers errors in its standard's own formats.
 */
import { type ErrorCode, errorCatalog } from '../../platform/http/errors.ts';

/** The parts of an answer the checks read. */
export interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

const CJK = /[\u3400-\u9fff]/;
const STACK = /\n\s+at [^\n]*:\d+:\d+|node_modules\/|\/apps\/server\/src\//;

/** The catalog titles as patterns: placeholders match anything. */
const titlePatterns = new Map<string, RegExp>();
function titlePattern(code: ErrorCode, locale: 'zh-CN' | 'en'): RegExp {
  const id = `${code}:${locale}`;
  let pattern = titlePatterns.get(id);
  if (!pattern) {
    const template = errorCatalog[code].title[locale];
    const source = template
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[\\s\\S]*');
    pattern = new RegExp(`^${source}$`);
    titlePatterns.set(id, pattern);
  }
  return pattern;
}

/** Whether a field error's message is in `locale`: Chinese has Chinese in it, English has none outside quotes. */
function fieldMessageIn(message: string, locale: 'zh-CN' | 'en'): boolean {
  if (!message.trim()) return false;
  if (locale === 'zh-CN') return CJK.test(message);
  return !CJK.test(message.replace(/"[^"]*"|“[^”]*”|'[^']*'/g, ''));
}

/** The problems with `answer` to a request for `route` that asked for `locale`; empty when all is well. */
export function problemsWith(answer: Answer, route: string, locale: 'zh-CN' | 'en'): string[] {
  const problems: string[] = [];
  const status = answer.statusCode;
  if (status >= 500) problems.push(`answered ${status}: ${answer.body.slice(0, 300)}`);
  if (status < 400) return problems;
  if (STACK.test(answer.body))
    problems.push(`a stack trace or source path in the answer: ${answer.body.slice(0, 300)}`);
  const type = String(answer.headers['content-type'] ?? '');
  if (route.startsWith('/api/open311/') && !type.startsWith('application/problem+json')) {
    // Open311's own errors follow its standard (a JSON or XML list); the platform's (an unknown
    // path, a body over the limit) are problems like everywhere else.
    if (!/^(application\/json|text\/xml)/.test(type)) problems.push(`Open311 error as ${type}`);
    return problems;
  }
  if (!type.startsWith('application/problem+json')) {
    problems.push(`${status} as ${type || 'no content type'}, not problem+json: ${answer.body.slice(0, 200)}`);
    return problems;
  }
  let problem: { code?: string; status?: number; title?: string; requestId?: string; errors?: unknown };
  try {
    problem = JSON.parse(answer.body);
  } catch {
    problems.push(`problem+json that does not parse: ${answer.body.slice(0, 200)}`);
    return problems;
  }
  const code = problem.code as ErrorCode | undefined;
  if (!code || !(code in errorCatalog)) {
    problems.push(`code ${String(problem.code)} is not in the catalog`);
    return problems;
  }
  if (problem.status !== status || errorCatalog[code].status !== status) {
    problems.push(
      `${code} answered ${status}, its problem says ${problem.status}, the catalog ${errorCatalog[code].status}`,
    );
  }
  if (answer.headers['content-language'] !== locale) {
    problems.push(`asked for ${locale}, Content-Language is ${String(answer.headers['content-language'])}`);
  }
  if (typeof problem.title !== 'string' || !titlePattern(code, locale).test(problem.title)) {
    problems.push(`asked for ${locale}, the title of ${code} is ${JSON.stringify(problem.title)}`);
  }
  // A replay is the first answer as it was, request id included.
  const replayed = answer.headers['idempotent-replayed'] === 'true';
  if (!problem.requestId || (!replayed && problem.requestId !== answer.headers['x-request-id'])) {
    problems.push(
      `the problem's request id ${JSON.stringify(problem.requestId)} is not X-Request-Id ${JSON.stringify(answer.headers['x-request-id'])} (${code})`,
    );
  }
  if (problem.errors !== undefined) {
    const errors = Array.isArray(problem.errors) ? (problem.errors as { field?: unknown; message?: unknown }[]) : null;
    if (!errors) problems.push('errors is not a list');
    for (const e of errors ?? []) {
      if (typeof e.field !== 'string' || typeof e.message !== 'string' || !fieldMessageIn(e.message, locale)) {
        problems.push(`asked for ${locale}, a field error says ${JSON.stringify(e).slice(0, 200)}`);
        break;
      }
    }
  }
  return problems;
}

/** `2xx`, `3xx`, `4xx` or `5xx`. */
export function statusClass(status: number): '2xx' | '3xx' | '4xx' | '5xx' {
  return status >= 500 ? '5xx' : status >= 400 ? '4xx' : status >= 300 ? '3xx' : '2xx';
}
