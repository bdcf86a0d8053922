/**
 * `Idempotency-Key` for every POST: the first request with a key runs and its answer is kept
 * for 24 hours; a repeat gets that same answer (marked `idempotent-replayed: true`); the same
 * key with a different body is a 422; a repeat while the first is still running is a 409.
 * Keys are scoped to the caller, so one caller can never receive another's stored answer.
 *
 * Surviving crashes: a reservation names the process holding it, and every transaction the
 * request commits marks it `committed` in that same transaction (a commit guard). A retry may
 * take a reservation over at once when its process is gone (no PostgreSQL session of that name
 * is left), or is this process and no longer working on it; a takeover makes the first
 * request's commit fail, so only one of the two ever commits. A reservation found `committed`
 * without an answer belongs to a request that was carried out but whose process died before
 * answering: it is never run again (409 IDEMPOTENCY_KEY_ANSWER_LOST, once its process has shown
 * no session for a few seconds: after a database restart a live one stores its answer late).
 * 5xx and 429 answers are not kept (the client should retry with the same key); when the
 * database is unreachable at the end of a request, the key is settled once it is back.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CompiledQuery, sql } from 'kysely';
import { type CommitGuard, commitGuards } from '../db/database.ts';
import { canonicalJson } from '../json/canonical.ts';
import { AppError } from './errors.ts';

/** How long an answer is kept for replay. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A reservation older than this whose request never finished may be taken over even when its
 * process seems alive (its answer could not be stored, or its liveness cannot be told).
 */
const ABANDONED_AFTER_MS = 2 * 60 * 1000;
/** Pause between tries to settle a reservation while the database is unreachable. */
const SETTLE_RETRY_MS = 1_000;
/**
 * How long a committed reservation whose process shows no session is still waited for: right
 * after a database restart a live process has none until its next query, and it stores its
 * answer within a second or two; a process that died never does.
 */
const ANSWER_GRACE_MS = 10_000;
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
    idempotencyReservation: Reservation | null;
    /** The request as sent (method, URL, body before validation), for telling a repeat from another request. */
    idempotencyHash: string | null;
  }
}

/** A key this process reserved for a request in flight. */
interface Reservation {
  scope: string;
  key: string;
  owner: string;
  id: string;
  /** The commit guard applies while the request runs (not to work it left behind). */
  active: boolean;
}

/**
 * Per running app (by instance id): the ids of the reservations it is still working on. An app
 * in this map runs in this process; a reservation of it that is not in its set is over.
 */
const working = new Map<string, Set<string>>();

/** The guard that marks `reservation` committed in every transaction the request commits. */
function commitGuard(reservation: Reservation): CommitGuard {
  return async (execute) => {
    if (!reservation.active) return;
    const marked = await execute(
      CompiledQuery.raw(
        "UPDATE idempotency_keys SET state = 'committed' WHERE scope = $1 AND key = $2 AND reservation = $3 " +
          "AND state <> 'done' RETURNING key",
        [reservation.scope, reservation.key, reservation.id],
      ),
    );
    // Another request took the key over (this one was thought dead): it, not this one, commits.
    if (marked.rows.length === 0) {
      throw new AppError('IDEMPOTENCY_KEY_IN_USE', {}, { headers: { 'retry-after': '1' } });
    }
  };
}

/**
 * Whether the process holding a reservation still works on it: `working`, `over` (it is this
 * process, or one in it, and the request ended; or the reservation is too old), or `unseen`
 * (another process, with no database session left: gone, or between a restart and its next query).
 */
async function holderOf(
  request: FastifyRequest,
  row: { owner: string | null; reservation: string | null; created_at: Date },
  now: Date,
): Promise<'working' | 'over' | 'unseen'> {
  if (now.getTime() - row.created_at.getTime() > ABANDONED_AFTER_MS) return 'over';
  if (!row.owner) return 'working';
  const own = working.get(row.owner);
  if (own) return row.reservation !== null && !own.has(row.reservation) ? 'over' : 'working';
  const { database } = request.server.platform;
  // One process at a time opens a PGlite directory: an owner that is not running here is gone.
  if (database.kind === 'pglite') return 'over';
  // A process's sessions carry its instance id as application_name (app.ts): none, no process.
  // (Behind a connection pooler the name may outlive the process: the reservation's age decides.)
  const { rows } = await sql<{ alive: boolean }>`
    SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = ${row.owner}) AS alive`.execute(database.db);
  return rows[0]?.alive === false ? 'unseen' : 'working';
}

/**
 * What tells a repeat from another request under the same key: the method, the URL and the body
 * as sent — taken before validation, which drops fields a route does not read, so that a body
 * with other fields is another request, not a repeat. No body, a body of JSON null and raw
 * bytes are three different requests.
 */
function requestHash(request: FastifyRequest): string {
  const body =
    request.body === undefined
      ? 'none'
      : Buffer.isBuffer(request.body)
        ? `bytes:${request.body.toString('base64')}`
        : `json:${canonicalJson(request.body)}`;
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
  const hash = request.idempotencyHash ?? requestHash(request);
  const now = clock.now();

  const owner = request.server.platform.instanceId;
  for (let attempt = 0; attempt < 3; attempt++) {
    const reservation: Reservation = { scope, key, owner, id: randomUUID(), active: true };
    const mine = working.get(owner);
    // Known as in progress before it exists: nobody may take it for abandoned in between.
    mine?.add(reservation.id);
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
        owner,
        reservation: reservation.id,
      })
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst()
      .catch((error: unknown) => {
        mine?.delete(reservation.id);
        throw error;
      });
    if (inserted) {
      request.idempotencyReservation = reservation;
      return;
    }
    mine?.delete(reservation.id);
    const existing = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!existing) continue; // deleted in between: try again
    const expired = existing.expires_at.getTime() <= now.getTime();
    const unfinished = existing.state !== 'done';
    const holder = unfinished ? await holderOf(request, existing, now) : 'over';
    if (expired || (existing.state === 'processing' && holder !== 'working')) {
      // Only while it is still that reservation, and nothing of it committed: a commit in
      // progress holds the row, and this waits for it and then finds it committed.
      await db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', scope)
        .where('key', '=', key)
        .where((eb) =>
          existing.reservation
            ? eb('reservation', '=', existing.reservation)
            : eb('created_at', '=', existing.created_at),
        )
        .where((eb) => (expired ? eb.val(true) : eb('state', '=', 'processing')))
        .execute();
      continue;
    }
    if (existing.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    const young = now.getTime() - existing.created_at.getTime() < ANSWER_GRACE_MS;
    if (existing.state === 'committed' && (holder === 'over' || (holder === 'unseen' && !young))) {
      throw new AppError('IDEMPOTENCY_KEY_ANSWER_LOST');
    }
    if (unfinished) {
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
  reservation.active = false;
  const { db } = request.server.platform;
  const storable = typeof payload === 'string' || Buffer.isBuffer(payload) || payload === null || payload === undefined;
  const done = () => working.get(reservation.owner)?.delete(reservation.id);
  let settle: () => Promise<unknown>;
  const release = reply.statusCode >= 500 || reply.statusCode === 429 || !storable;
  if (release) {
    // No definite answer (or one to try again later): a retry with the key runs again — unless
    // the request committed its effects, which must not happen twice.
    settle = () =>
      db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', reservation.scope)
        .where('key', '=', reservation.key)
        .where('reservation', '=', reservation.id)
        .where('state', '=', 'processing')
        .execute();
  } else {
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    settle = () =>
      db
        .updateTable('idempotency_keys')
        .set({
          state: 'done',
          response_status: reply.statusCode,
          response_headers: JSON.stringify(headers),
          response_body: payload == null ? '' : Buffer.isBuffer(payload) ? payload.toString('utf8') : payload,
        })
        .where('scope', '=', reservation.scope)
        .where('key', '=', reservation.key)
        .where('reservation', '=', reservation.id)
        .execute();
  }
  // A released key is free at once for a retry that reaches this process (it takes the key
  // over); a stored answer is awaited by retries until it is written.
  if (release) done();
  try {
    await settle();
    done();
  } catch (error) {
    // The database went away: answer anyway, and settle the key once it is back (until then a
    // retry hears 409 IDEMPOTENCY_KEY_IN_USE from other processes, never runs a second time).
    request.log.warn({ err: error }, 'idempotency key not settled; retrying in the background');
    settleLater(settle, done, Date.now() + ABANDONED_AFTER_MS);
  }
  return payload;
}

/** Retries `settle` until it succeeds or `deadline` passes, then calls `done`. */
function settleLater(settle: () => Promise<unknown>, done: () => void, deadline: number) {
  setTimeout(() => {
    settle().then(done, () => {
      if (Date.now() < deadline) settleLater(settle, done, deadline);
      else done();
    });
  }, SETTLE_RETRY_MS).unref();
}

/** Removes expired keys; the job system calls it periodically. Returns how many were removed. */
export async function purgeExpiredIdempotencyKeys(db: FastifyInstance['platform']['db'], now: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Installs Idempotency-Key handling for every POST route of the app. */
export const idempotencyPlugin = fp(
  async (app: FastifyInstance) => {
    const instance = app.platform.instanceId;
    working.set(instance, new Set());
    app.addHook('onClose', async () => {
      working.delete(instance);
    });
    app.decorateRequest('idempotencyReservation', null);
    app.decorateRequest('idempotencyScope', function (this: FastifyRequest) {
      // The signed-in account or API key (set by the identity layer); anonymous callers by address.
      const p = (this as { principal?: { kind: string; id?: string } }).principal;
      return p && p.kind !== 'anonymous' && p.id ? `${p.kind}:${p.id}` : `ip:${this.ip}`;
    });
    app.decorateRequest('idempotencyHash', null);
    app.addHook('preValidation', (request, _reply, done) => {
      if (request.method === 'POST' && request.headers['idempotency-key'] !== undefined) {
        request.idempotencyHash = requestHash(request);
      }
      done();
    });
    app.addHook('preHandler', beforeHandler);
    // The handler (and every hook after this one) runs inside the reservation's commit guard.
    app.addHook('preHandler', (request, _reply, done) => {
      const reservation = request.idempotencyReservation;
      if (!reservation) return done();
      commitGuards.run(commitGuard(reservation), done);
    });
    app.addHook('onSend', afterHandler);
  },
  { name: 'onecity-idempotency' },
);
