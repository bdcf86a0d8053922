/**
 * `Idempotency-Key` for every POST: the first request with a key runs and its answer is kept
 * for 24 hours; a repeat gets that same answer (marked `idempotent-replayed: true`); the same
 * key with a different body is a 422; a repeat while the first is still running is a 409.
 * Keys are scoped to the caller, so one caller can never receive another's stored answer.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { canonicalJson } from '../json/canonical.ts';
import { AppError } from './errors.ts';

/** How long an answer is kept for replay. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** A reservation older than this whose request never finished (a crashed process) may be retried. */
const ABANDONED_AFTER_MS = 2 * 60 * 1000;
const KEY = /^[\x21-\x7e]{1,255}$/;
/** Response headers worth replaying. */
const KEPT_HEADERS = ['content-type', 'location', 'content-language'];

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `false` for routes whose answer must not be stored or replayed: ones that reveal a secret
     * once (an initial password, an API key) or set a session cookie. A repeat runs again.
     */
    replay?: boolean;
  }
  interface FastifyRequest {
    /** Who the caller is for idempotency purposes; the identity layer replaces the default. */
    idempotencyScope(): string;
    idempotencyReservation: { scope: string; key: string } | null;
  }
}

function requestHash(request: FastifyRequest): string {
  const body = Buffer.isBuffer(request.body) ? request.body.toString('base64') : canonicalJson(request.body ?? null);
  return createHash('sha256').update(`${request.method}\n${request.url}\n${body}`).digest('hex');
}

async function beforeHandler(request: FastifyRequest, reply: FastifyReply) {
  if (request.method !== 'POST' || request.routeOptions.config.replay === false) return;
  const header = request.headers['idempotency-key'];
  if (header === undefined) return;
  const key = Array.isArray(header) ? header[0] : header;
  if (!key || !KEY.test(key) || Array.isArray(header)) throw new AppError('IDEMPOTENCY_KEY_INVALID');
  const { db, clock } = request.server.platform;
  const scope = request.idempotencyScope();
  const hash = requestHash(request);
  const now = clock.now();

  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({
        scope,
        key,
        method: request.method,
        // Without the query string: a client may put a secret there (Open311's api_key).
        path: (request.url.split('?')[0] ?? '').slice(0, 2000),
        request_hash: hash,
        state: 'processing',
        created_at: now,
        expires_at: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      })
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) {
      request.idempotencyReservation = { scope, key };
      return;
    }
    const existing = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!existing) continue; // deleted in between: try again
    const abandoned =
      existing.state === 'processing' && now.getTime() - existing.created_at.getTime() > ABANDONED_AFTER_MS;
    if (existing.expires_at.getTime() <= now.getTime() || abandoned) {
      await db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where('created_at', '=', existing.created_at)
        .execute();
      continue;
    }
    if (existing.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    if (existing.state === 'processing') {
      throw new AppError('IDEMPOTENCY_KEY_IN_USE', {}, { headers: { 'retry-after': '1' } });
    }
    reply.headers(existing.response_headers ?? {});
    reply.header('idempotent-replayed', 'true');
    return reply.status(existing.response_status ?? 200).send(existing.response_body ?? '');
  }
  throw new AppError('IDEMPOTENCY_KEY_IN_USE', {}, { headers: { 'retry-after': '1' } });
}

async function afterHandler(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  const reservation = request.idempotencyReservation;
  if (!reservation) return payload;
  request.idempotencyReservation = null;
  const { db } = request.server.platform;
  const where = db
    .deleteFrom('idempotency_keys')
    .where('scope', '=', reservation.scope)
    .where('key', '=', reservation.key);
  const storable = typeof payload === 'string' || Buffer.isBuffer(payload) || payload === null || payload === undefined;
  if (reply.statusCode >= 500 || !storable) {
    // The request failed without a definite answer: let the client's retry run it again.
    await where.execute();
    return payload;
  }
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = reply.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  await db
    .updateTable('idempotency_keys')
    .set({
      state: 'done',
      response_status: reply.statusCode,
      response_headers: JSON.stringify(headers),
      response_body: payload == null ? '' : Buffer.isBuffer(payload) ? payload.toString('utf8') : payload,
    })
    .where('scope', '=', reservation.scope)
    .where('key', '=', reservation.key)
    .execute();
  return payload;
}

/** Removes expired keys; the job system calls it periodically. Returns how many were removed. */
export async function purgeExpiredIdempotencyKeys(db: FastifyInstance['platform']['db'], now: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Installs Idempotency-Key handling for every POST route of the app. */
export const idempotencyPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('idempotencyReservation', null);
    app.decorateRequest('idempotencyScope', function (this: FastifyRequest) {
      // The signed-in account or API key (set by the identity layer); anonymous callers by address.
      const p = (this as { principal?: { kind: string; id?: string } }).principal;
      return p && p.kind !== 'anonymous' && p.id ? `${p.kind}:${p.id}` : `ip:${this.ip}`;
    });
    app.addHook('preHandler', beforeHandler);
    app.addHook('onSend', afterHandler);
  },
  { name: 'onecity-idempotency' },
);
