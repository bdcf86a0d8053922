/**
 * Turns every failure into an RFC 9457 `application/problem+json` answer in the request's
 * language, with a stable code and the request id. Bad input is a 4xx naming what is wrong;
 * anything unexpected is a 500 without a stack trace (the log has the details).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { $ZodIssue } from 'zod/v4/core';
import type { Locale } from '../../config.ts';
import { negotiateLocale } from '../i18n/locale.ts';
import { AppError, type ErrorCode, errorMessage, type FieldError } from './errors.ts';

/** The body of every error response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
}

const zodLocales = { 'zh-CN': z.locales.zhCN(), en: z.locales.en() } as const;

/** A zod issue in the request's language (zod ships the zh-CN and en texts). */
function localiseIssue(issue: $ZodIssue & { input?: unknown }, locale: Locale): string {
  const localeError = zodLocales[locale].localeError as (i: unknown) => string | { message: string } | undefined;
  const out = localeError(issue);
  const text = typeof out === 'string' ? out : out?.message;
  return text ?? issue.message;
}

/** Field errors from a validation failure; never echoes the submitted values. */
export function fieldErrors(validation: unknown[], context: string | undefined, locale: Locale): FieldError[] {
  return validation.slice(0, 50).map((raw) => {
    const issue = raw as $ZodIssue & { input?: unknown; instancePath?: string; message?: string };
    if (Array.isArray(issue.path)) {
      return {
        field: [context, ...issue.path.map(String)].filter(Boolean).join('.'),
        message: localiseIssue(issue, locale),
      };
    }
    // A JSON-schema (ajv) error from a route that does not use zod.
    const path = (issue.instancePath ?? '').split('/').filter(Boolean);
    return { field: [context, ...path].filter(Boolean).join('.'), message: String(issue.message ?? '') };
  });
}

/** The language the request asked for. */
export function requestLocale(request: FastifyRequest): Locale {
  const header = request.headers['accept-language'];
  return negotiateLocale(Array.isArray(header) ? header[0] : header, request.server.platform.config.defaultLocale);
}

/** Sends `error` as problem+json. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  const locale = requestLocale(request);
  const problem: Problem = {
    type: `https://onecity.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: errorMessage(error.code, locale, error.params),
    status: error.status,
    code: error.code,
    instance: request.url.split('?')[0] ?? '/',
    requestId: String(request.id),
  };
  if (error.errors?.length) problem.errors = error.errors;
  if (error.extensions) Object.assign(problem, error.extensions, { ...problem });
  if (error.headers) reply.headers(error.headers);
  return reply
    .status(error.status)
    .header('content-language', locale)
    .type('application/problem+json; charset=utf-8')
    .send(problem);
}

/** Maps any failure — Fastify's own (parsing, limits, validation), the database's, ours — to a catalog error. */
export function toAppError(error: FastifyError, request: FastifyRequest): AppError {
  if (error instanceof AppError) return error;
  const locale = requestLocale(request);
  if (error.validation) {
    return new AppError(
      'VALIDATION_FAILED',
      {},
      { errors: fieldErrors(error.validation, error.validationContext, locale) },
    );
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', { limit: request.routeOptions.bodyLimit ?? 0 });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', {
        contentType: String(request.headers['content-type'] ?? '').slice(0, 100),
      });
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', { contentType: '' });
    default:
      break;
  }
  // Any other 4xx from Fastify or a plugin: keep its status, speak our language.
  const status = error.statusCode ?? 500;
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE', { limit: request.routeOptions.bodyLimit ?? 0 });
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', { contentType: '' });
  if (status === 429) return new AppError('RATE_LIMITED');
  if (status === 503) return new AppError('SERVICE_UNAVAILABLE', {}, { headers: { 'retry-after': '5' } });
  if (status >= 400 && status < 500) return new AppError('BAD_REQUEST');
  if (isDataException(error)) {
    // The database could not take a value as given (NUL byte, malformed uuid, out-of-range
    // number): the input was bad, whichever route let it through.
    return new AppError('BAD_REQUEST', {}, { cause: error });
  }
  if (isDatabaseUnavailable(error)) {
    return new AppError('SERVICE_UNAVAILABLE', {}, { headers: { 'retry-after': '5' }, cause: error });
  }
  return new AppError('INTERNAL', {}, { cause: error });
}

/** SQLSTATE class 22 (data exception), from `pg` or PGlite. */
function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

/** Connection-level database failures: the client should retry, not report a bug. */
function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006'].includes(
      code,
    ) ||
    // pg's words for a client whose connection broke (a restart, a terminated backend): the
    // query fails with them, and so does the rollback that follows, replacing the first error.
    /Connection terminated|not queryable|timeout exceeded when trying to connect|embedded database busy/.test(message)
  );
}

/** Fastify's `frameworkErrors` option: router-level rejections (bad URL encoding, over-long parameters) as problems. */
export function frameworkProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const code = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'URI_TOO_LONG' : 'BAD_URL';
  // The router refuses before any hook runs, so the onRequest hook that names the request did not.
  reply.header('x-request-id', request.id);
  return sendProblem(request, reply, new AppError(code));
}

/** What may answer a request no route took before it becomes a 404 (the web app); null passes. */
export type NotFoundFallback = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | null>;

/** Installs the error and not-found handlers on `app`; `fallback` gets the first try at a would-be 404. */
export function installProblemHandlers(app: FastifyInstance, fallback?: NotFoundFallback) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error, request);
    if (appError.status >= 500) {
      request.log.error({ err: error, code: appError.code }, 'request failed');
    } else {
      request.log.info({ code: appError.code }, 'request rejected');
    }
    return sendProblem(request, reply, appError);
  });
  app.setNotFoundHandler(async (request, reply) => {
    // A Fastify reply is a thenable that settles with undefined once sent, so awaiting the
    // fallback's reply yields undefined: whether it answered is `reply.sent`.
    if (fallback) await fallback(request, reply);
    if (reply.sent) return reply;
    return sendProblem(
      request,
      reply,
      new AppError('ROUTE_NOT_FOUND', {
        method: request.method,
        path: (request.url.split('?')[0] ?? '/').slice(0, 200),
      }),
    );
  });
}
