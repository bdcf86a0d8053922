/**
 * The JSON body parser: Fastify's own (with its prototype-poisoning protection), after a check
 * that the text is not nested deeper than {@link MAX_JSON_DEPTH}. Code that walks a body
 * recursively (the canonical hash behind Idempotency-Key, validation, jsonb in the database)
 * would otherwise run out of stack on `[[[[…]]]]` a few thousand deep, a few kilobytes that
 * fit any body limit, and answer 500 instead of refusing the request.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.ts';

/** The deepest nesting a JSON body may have; OneCity's deepest (a service specification) has 7 levels. */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON `text` opens more than `limit` arrays or objects inside each other (brackets in strings do not count). */
export function jsonNestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** Replaces `app`'s JSON body parser (before any plugin registers, so that all inherit it). */
export function installJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonNestedDeeperThan(text, MAX_JSON_DEPTH)) {
      done(new AppError('JSON_TOO_DEEP', { limit: MAX_JSON_DEPTH }), undefined);
      return;
    }
    parse(request, text, done);
  });
}
