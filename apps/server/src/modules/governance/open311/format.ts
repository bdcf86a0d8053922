/**
 * The two formats GeoReport v2 speaks, chosen by the extension of the resource (`.json`,
 * `.xml`). Answers are built once as plain values in the JSON shape of the spec (the "Spark
 * convention": a list is an array) and turned into XML by naming each array's items
 * (`services` → `service`, `service_requests` → `request` …). XML is written by
 * fast-xml-parser's builder, which escapes markup; characters XML 1.0 cannot carry at all
 * (control characters, lone surrogates) are dropped before, so every answer is well-formed.
 */

import { XMLBuilder } from 'fast-xml-parser';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Locale } from '../../../config.ts';
import { AppError, errorMessage } from '../../../platform/http/errors.ts';

/** A response format of the spec. */
export type Format = 'json' | 'xml';

/** Content types of the two formats (as the spec gives them). */
export const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** The MIME types announced in discovery. */
export const FORMAT_MIME_TYPES = ['text/xml', 'application/json'] as const;

/** A JSON value in the spec's shape. */
export type SparkValue = string | number | boolean | null | undefined | SparkValue[] | { [key: string]: SparkValue };

/** The element name of one item of each list the spec defines. */
const ITEM_NAMES: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

/** The format of an extension, or null when the spec has no such format. */
export function formatOf(extension: string | undefined): Format | null {
  const e = extension?.toLowerCase();
  return e === 'json' || e === 'xml' ? e : null;
}

/** Splits `file` (`R260601-000001.json`) into its name and format at the last dot. */
export function splitFile(file: string): { name: string; format: Format | null } {
  const dot = file.lastIndexOf('.');
  if (dot <= 0) return { name: file, format: null };
  return { name: file.slice(0, dot), format: formatOf(file.slice(dot + 1)) };
}

/** The format to answer `request` in: its extension, else JSON when `Accept` asks for it, else XML (the spec's required format). */
export function answerFormat(request: FastifyRequest): Format {
  const params = (request.params ?? {}) as { format?: unknown; file?: unknown };
  const fromPath =
    typeof params.format === 'string'
      ? formatOf(params.format)
      : typeof params.file === 'string'
        ? splitFile(params.file).format
        : null;
  if (fromPath) return fromPath;
  const path = (request.url.split('?')[0] ?? '').toLowerCase();
  if (path.endsWith('.json')) return 'json';
  if (path.endsWith('.xml')) return 'xml';
  const accept = String(request.headers.accept ?? '');
  return /json/i.test(accept) ? 'json' : 'xml';
}

// Everything outside XML 1.0's Char production (tab, newline and carriage return are allowed).
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function xmlTree(value: SparkValue, name: string): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name] ?? 'item';
    return { [item]: value.map((v) => xmlTree(v, item)) };
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = xmlTree(v, key);
    return out;
  }
  if (typeof value === 'string') return value.replace(NOT_XML, '');
  return String(value);
}

const builder = new XMLBuilder({ format: false, suppressEmptyNode: true, processEntities: true });

/** `value` as an XML document with root element `root`. */
export function toXml(root: string, value: SparkValue): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ [root]: xmlTree(value, root) })}`;
}

/** Sends `value` (whose XML root is `root`) in `format`. */
export function sendDocument(reply: FastifyReply, format: Format, root: string, value: SparkValue, status = 200) {
  const body = format === 'json' ? JSON.stringify(value ?? null) : toXml(root, value);
  return reply.status(status).type(CONTENT_TYPES[format]).send(body);
}

/** Several errors answered together (the spec's error answer is a list). */
export class Open311Errors extends Error {
  readonly errors: AppError[];
  constructor(errors: AppError[]) {
    super(errors.map((e) => e.code).join(', '));
    this.name = 'Open311Errors';
    this.errors = errors;
  }
}

/**
 * The HTTP status of an error under the spec: 404 for what does not exist, 403 for a wrong or
 * missing key, 400 for any other request that cannot be fulfilled. Statuses a client acts on
 * differently (retry later: 409 while an Idempotency-Key is in use, 429, 503; a server fault:
 * 500) keep their meaning.
 */
export function open311Status(status: number): number {
  if (status === 401) return 403;
  if ([400, 403, 404, 409, 429].includes(status)) return status;
  if (status >= 500) return status === 503 ? 503 : 500;
  return 400;
}

/** Sends `errors` in the spec's error format, the status of the first one, descriptions in `locale`. */
export function sendErrors(reply: FastifyReply, format: Format, locale: Locale, errors: AppError[]) {
  const first = errors[0] ?? new AppError('BAD_REQUEST');
  const status = open311Status(first.status);
  for (const error of errors) if (error.headers) reply.headers(error.headers);
  const body = errors.map((e) => ({
    code: open311Status(e.status),
    description: errorMessage(e.code, locale, e.params),
  }));
  reply.header('content-language', locale);
  return sendDocument(reply, format, 'errors', body, status);
}
