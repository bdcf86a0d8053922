/**
 * Shedding load: when more arrives than a process can answer in good time, the excess is
 * refused at once with 503 `OVERLOADED` and a `Retry-After`, so that the requests admitted
 * keep a bounded latency and the process never falls over (a citizen's app retries; an
 * idempotent write retried later is stored once).
 *
 * Two signals, either enough:
 * - requests in flight: one process works on at most `maxInFlight` at once (waiting for the
 *   database included) — the bound on how long an admitted request can queue; live-update
 *   streams (server-sent events) stay open as long as someone watches and take no slot;
 * - event-loop delay (@fastify/under-pressure): when the loop lags more than
 *   `maxEventLoopDelayMs` (CPU saturated), new requests are refused until it recovers; not in
 *   the first seconds after start, when loading the database stalls the loop by design.
 * Health, readiness and metrics are never refused: operators and load balancers need them most
 * when the process is busiest. Refusals are counted in `onecity_http_shed_total`.
 */
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import { AppError } from './errors.ts';
import { sendProblem } from './problem.ts';

/** What the plugin takes. */
export interface OverloadOptions {
  /** Requests one process works on at once; 0 turns the limit off. */
  maxInFlight: number;
  /** Event-loop delay in milliseconds beyond which new requests are refused; 0 turns it off. */
  maxEventLoopDelayMs: number;
  /** Seconds a refused client is asked to wait. */
  retryAfterSeconds?: number;
}

const EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);

function exempt(request: FastifyRequest): boolean {
  return EXEMPT.has(request.url.split('?')[0] ?? '');
}

/** A live-update stream (server-sent events): open for as long as someone watches, so it holds no slot. */
function longLived(request: FastifyRequest): boolean {
  return /\btext\/event-stream\b/.test(String(request.headers.accept ?? ''));
}

/** How long after the server starts listening the event-loop check waits: the start itself stalls the loop. */
const SETTLE_MS = 2_000;

/** Registers load shedding for every route of `app`. */
export const overloadProtection = fp(
  async (app: FastifyInstance, options: OverloadOptions) => {
    const retryAfter = String(options.retryAfterSeconds ?? 2);
    const shed = new Counter({
      name: 'onecity_http_shed_total',
      help: 'Requests refused with 503 because the process was overloaded, by reason',
      labelNames: ['reason'] as const,
      registers: app.hasDecorator('metrics') ? [app.metrics] : [],
    });
    // One error for every refusal: it is never changed, and a new one per refusal would capture a
    // stack trace each time, which a flood makes the process do thousands of times a second.
    const overloaded = new AppError('OVERLOADED', {}, { headers: { 'retry-after': retryAfter } });
    const refuse = (request: FastifyRequest, reply: FastifyReply, reason: string) => {
      shed.inc({ reason });
      request.log.warn({ reason }, 'request refused: overloaded');
      return sendProblem(request, reply, overloaded);
    };

    if (options.maxEventLoopDelayMs > 0) {
      // Migrations, seeding and loading the embedded database block the loop before the server
      // listens; what the sampler saw then is no overload.
      let armedAt = Number.POSITIVE_INFINITY;
      app.addHook('onListen', async () => {
        armedAt = Date.now() + SETTLE_MS;
      });
      app.addHook('onReady', async () => {
        // Served without listening (inject): armed once ready.
        if (armedAt === Number.POSITIVE_INFINITY) armedAt = Date.now() + SETTLE_MS;
      });
      await app.register(underPressure, {
        maxEventLoopDelay: options.maxEventLoopDelayMs,
        retryAfter: Number(retryAfter),
        sampleInterval: 250,
        pressureHandler: (request: FastifyRequest, reply: FastifyReply, type: string) => {
          // Returning nothing lets the request through.
          if (exempt(request) || Date.now() < armedAt) return;
          refuse(request, reply, type);
        },
      });
    }

    if (options.maxInFlight > 0) {
      let inFlight = 0;
      app.addHook('onRequest', (request, reply, done) => {
        if (exempt(request) || longLived(request)) return done();
        if (inFlight >= options.maxInFlight) {
          refuse(request, reply, 'inFlight');
          return;
        }
        inFlight += 1;
        // 'close' comes once for every response, answered, failed or abandoned by the client.
        reply.raw.once('close', () => {
          inFlight -= 1;
        });
        done();
      });
    }
  },
  { name: 'onecity-overload', dependencies: ['onecity-metrics'] },
);
