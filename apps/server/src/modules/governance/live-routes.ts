/**
 * Staff map feed and live updates (mounted under /api/v1): the work orders of the caller's
 * queue scope as GeoJSON, and a server-sent events stream of their changes. The stream is fed
 * by this process's {@link LiveFeed} (see live.ts); a client that reconnects with
 * `Last-Event-ID` first gets what it missed.
 */
import type { ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Platform } from '../../app.ts';
import { AppError } from '../../platform/http/errors.ts';
import { access } from '../../platform/identity/access.ts';
import { staffOfCity } from '../../platform/identity/auth.ts';
import { CityParams, cityOf, cityScope } from '../../platform/tenancy/scope.ts';
import {
  BREACHING_WITHIN_MS,
  type LiveEvent,
  LiveFeed,
  type LiveOptions,
  type LiveScope,
  type LiveSubscriber,
  replayEvents,
  staffMapItems,
  uuidFloor,
} from './live.ts';
import { iso } from './present.ts';
import { MAP_FEATURE_CAP, parseBBox } from './public.ts';
import { operationsDepartmentId } from './work-orders.ts';
import { WorkOrderActionNames, WorkOrderStatuses } from './workflow.ts';

/** A connection whose client reads slower than this much is waiting in its buffer is dropped. */
const MAX_BUFFERED_BYTES = 1 << 20;

/** Each app's live feed (one per process and app), for tests and diagnostics. */
const feeds = new WeakMap<Platform, LiveFeed>();

/** The live feed of the app whose platform is `platform` (undefined before its routes are registered). */
export function liveFeedOf(platform: Platform): LiveFeed | undefined {
  return feeds.get(platform);
}

const code = z.string().trim().min(1).max(64);

const MapQuery = z.object({
  status: z
    .string()
    .max(200)
    .optional()
    .describe('Comma-separated statuses, e.g. `dispatched,accepted` (default: every open status)'),
  category: code.optional(),
  bbox: z.string().max(200).optional().describe('Only inside `minLon,minLat,maxLon,maxLat` (WGS 84)'),
  limit: z
    .string()
    .regex(/^\d{1,5}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAP_FEATURE_CAP))
    .optional()
    .meta({ type: 'integer', minimum: 1, maximum: MAP_FEATURE_CAP })
    .describe(`At most this many features (default and cap ${MAP_FEATURE_CAP}), escalated first, then newest`),
});

const Feature = z.object({
  type: z.literal('Feature'),
  id: z.string(),
  geometry: z.object({
    type: z.literal('Point'),
    coordinates: z.tuple([z.number(), z.number()]).describe('[longitude, latitude]'),
  }),
  properties: z.object({
    id: z.string(),
    trackingNo: z.string().nullable(),
    status: z.enum(WorkOrderStatuses),
    priority: z.string(),
    categoryCode: z.string(),
    departmentCode: z.string().nullable(),
    assigneeId: z.string().nullable(),
    escalationLevel: z.number().int(),
    reportCount: z.number().int(),
    acceptDueAt: z.iso.datetime().nullable(),
    resolveDueAt: z.iso.datetime().nullable(),
    nextDueAt: z.iso.datetime().nullable().describe('The limit the next step must meet (accepting or resolving)'),
    breaching: z
      .boolean()
      .describe(`The next limit passes within ${BREACHING_WITHIN_MS / 60_000} minutes or has passed`),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  }),
});

const FeatureCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(Feature),
  truncated: z.boolean().describe('true: more matched than the limit'),
});

const LiveQuery = z.object({
  lastEventId: z
    .string()
    .max(100)
    .optional()
    .describe('For clients that cannot send the `Last-Event-ID` header: the id of the last event received'),
});

/** What `event: work_order` carries (its `data` line, JSON). */
const LiveEventData = z.object({
  id: z.string().describe('The work order'),
  status: z.enum(WorkOrderStatuses),
  seq: z.number().int().describe('Position in its log: a later event of a work order has a higher seq'),
  action: z.enum(WorkOrderActionNames),
  escalationLevel: z.number().int(),
  departmentId: z.string().nullable(),
  at: z.iso.datetime(),
});

/** The queue scope of the caller: the operations centre sees every department's work orders. */
async function scopeOf(request: FastifyRequest, platform: Platform): Promise<LiveScope> {
  const city = cityOf(request);
  const staff = staffOfCity(request, city.id);
  return { staff, operations: staff.departmentId === (await operationsDepartmentId(platform.db, city.id)) };
}

/** One `event: work_order` block. */
function formatEvent(event: LiveEvent): string {
  const data: z.infer<typeof LiveEventData> = {
    id: event.workOrderId,
    status: event.status,
    seq: event.seq,
    action: event.action,
    escalationLevel: event.escalationLevel,
    departmentId: event.departmentId,
    at: event.at.toISOString(),
  };
  return `id: ${event.eventId}\nevent: work_order\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * The `event: reset` block: what the client missed cannot be replayed (too many, too old, or
 * an id this server does not know); it should reload the map. Its id is "now", so that the
 * next reconnection replays from here on.
 */
function formatReset(reason: 'replay_unavailable' | 'overflow'): string {
  return `id: ${uuidFloor(Date.now())}\nevent: reset\ndata: ${JSON.stringify({ reason })}\n\n`;
}

/**
 * Whether the request came over a real connection. `app.inject` (tests, the fuzzer) uses a
 * mock socket; a stream there answers what it has (the retry hint, the replay) and ends, so
 * that inject returns.
 */
function overRealSocket(request: FastifyRequest): boolean {
  return request.raw.socket instanceof Socket;
}

/** One open event stream. */
class EventStream implements LiveSubscriber {
  readonly staff: LiveScope['staff'];
  readonly operations: boolean;
  readonly #res: ServerResponse;
  readonly #pendingLimit: number;
  /** Live events held while the replay is read; null once streaming. */
  #pending: LiveEvent[] | null = [];
  #overflowed = false;
  /** Ids sent by the replay, which the poller may still bring. */
  readonly #replayed = new Set<string>();
  #ended = false;
  /** Nothing is written before the answer's head: until then (replay being read) writes wait or drop. */
  #opened = false;
  onEnd: () => void = () => {};

  constructor(res: ServerResponse, scope: LiveScope, pendingLimit: number) {
    this.staff = scope.staff;
    this.operations = scope.operations;
    this.#res = res;
    this.#pendingLimit = pendingLimit;
  }

  get ended(): boolean {
    return this.#ended || this.#res.destroyed || this.#res.writableEnded;
  }

  #write(chunk: string): void {
    if (!this.#opened || this.ended) return;
    const flushed = this.#res.write(chunk);
    // A client that does not read is dropped before its buffer grows without bound.
    if (!flushed && this.#res.writableLength > MAX_BUFFERED_BYTES) this.end();
  }

  open(retryMs: number): void {
    this.#opened = true;
    this.#write(`retry: ${retryMs}\n: connected\n\n`);
  }

  replay(events: LiveEvent[] | null): void {
    if (events === null) {
      this.#write(formatReset('replay_unavailable'));
      return;
    }
    for (const event of events) {
      this.#replayed.add(event.eventId);
      this.#write(formatEvent(event));
    }
  }

  /** Sends what arrived during the replay and streams from now on. */
  flush(): void {
    const pending = this.#pending ?? [];
    this.#pending = null;
    if (this.#overflowed) this.#write(formatReset('overflow'));
    for (const event of pending) this.deliver(event);
  }

  deliver(event: LiveEvent): void {
    if (this.#pending) {
      if (this.#pending.length < this.#pendingLimit) this.#pending.push(event);
      else this.#overflowed = true;
      return;
    }
    if (this.#replayed.has(event.eventId)) return;
    this.#write(formatEvent(event));
  }

  ping(): void {
    this.#write(': heartbeat\n\n');
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    // Before the head is written the reply is still Fastify's: the handler sees `ended` and answers.
    if (this.#opened && !this.#res.writableEnded) this.#res.end();
    this.onEnd();
  }
}

/** Starts the stream's answer: the headers Fastify's hooks set, and those of an event stream. */
function writeHead(reply: FastifyReply): void {
  const headers: Record<string, string | string[] | number> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
  reply.raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-store, no-transform',
    // nginx and friends: pass events through as they come.
    'x-accel-buffering': 'no',
    // A stream's connection is not reused: once it ends (the app closing, say) the socket goes
    // too, rather than idling on keep-alive and holding up the server's close.
    connection: 'close',
  });
}

/** Registers the staff GeoJSON feed and the server-sent events stream. */
export async function liveRoutes(app: FastifyInstance, options: Partial<LiveOptions> = {}) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const platform = () => app.platform;
  const feed = new LiveFeed(app.platform.db, app.log, options);
  feeds.set(app.platform, feed);
  // Open streams would keep the server from closing: end them first, then stop the poller.
  app.addHook('preClose', async () => {
    feed.endAll();
  });
  app.addHook('onClose', async () => {
    await feed.close();
  });

  r.get(
    '/cities/:city/work-orders/map',
    {
      config: { access: access.staff() },
      schema: {
        tags: ['governance'],
        summary:
          'My queue on a map: the work orders of my department within my jurisdiction (the operations centre: ' +
          'every department’s) as a GeoJSON FeatureCollection, open ones unless status says otherwise, with ' +
          'their time limits and whether they are breaching.',
        params: CityParams,
        querystring: MapQuery,
        response: { 200: FeatureCollection },
      },
    },
    async (request, reply) => {
      const scope = await scopeOf(request, platform());
      const q = request.query;
      const statuses = q.status
        ? q.status.split(',').map((s) => {
            const parsed = z.enum(WorkOrderStatuses).safeParse(s.trim());
            if (!parsed.success) throw new AppError('VALIDATION_FAILED');
            return parsed.data;
          })
        : [];
      const bbox = q.bbox === undefined ? undefined : parseBBox(q.bbox);
      if (bbox === null) throw new AppError('BBOX_INVALID');
      const { items, truncated } = await staffMapItems(
        platform().db,
        scope,
        {
          statuses,
          ...(q.category ? { categoryCode: q.category } : {}),
          ...(bbox ? { bbox } : {}),
          limit: q.limit ?? MAP_FEATURE_CAP,
        },
        platform().clock.now(),
      );
      reply.header('cache-control', 'private, no-store');
      reply.type('application/geo+json; charset=utf-8');
      return {
        type: 'FeatureCollection' as const,
        features: items.map((w) => ({
          type: 'Feature' as const,
          id: w.id,
          geometry: { type: 'Point' as const, coordinates: [w.lon, w.lat] as [number, number] },
          properties: {
            id: w.id,
            trackingNo: w.tracking_no,
            status: w.status as (typeof WorkOrderStatuses)[number],
            priority: w.priority,
            categoryCode: w.category_code,
            departmentCode: w.department_code,
            assigneeId: w.assignee_id,
            escalationLevel: w.escalation_level,
            reportCount: w.report_count,
            acceptDueAt: iso(w.accept_due_at),
            resolveDueAt: iso(w.resolve_due_at),
            nextDueAt: iso(w.next_due_at),
            breaching: w.breaching,
            createdAt: w.created_at.toISOString(),
            updatedAt: w.updated_at.toISOString(),
          },
        })),
        truncated,
      };
    },
  );

  r.get(
    '/cities/:city/work-orders/live',
    {
      config: { access: access.staff() },
      schema: {
        tags: ['governance'],
        summary:
          'Server-sent events (text/event-stream) of changes to the work orders in my queue scope: `event: work_order` ' +
          'with JSON data {id, status, seq, action, escalationLevel, departmentId, at} and the action as the event id; a ' +
          'heartbeat comment every 15 s. Reconnecting with `Last-Event-ID` first sends what was missed (up to 500 ' +
          'events of the last hour), or `event: reset` when that is not possible: reload the map then. At most 5 ' +
          'connections per person (429 LIVE_STREAMS_EXCEEDED).',
        params: CityParams,
        querystring: LiveQuery,
        response: {
          200: {
            description: 'An event stream',
            content: { 'text/event-stream': { schema: z.string().describe('Server-sent events') } },
          },
        },
      },
    },
    async (request, reply) => {
      const scope = await scopeOf(request, platform());
      const header = request.headers['last-event-id'];
      const lastEventId = (typeof header === 'string' ? header : request.query.lastEventId)?.trim().slice(0, 100);
      const live = overRealSocket(request) && request.method === 'GET';
      const opts = feed.options;
      const stream = new EventStream(reply.raw, scope, opts.pendingLimit);

      // Subscribed before the replay is read, so that nothing falls between the two; what
      // arrives meanwhile waits in the stream and is sent after the replay.
      let unsubscribe = () => {};
      if (live) {
        unsubscribe = feed.subscribe(stream);
      }
      let replay: LiveEvent[] | null = [];
      try {
        if (lastEventId) replay = await replayEvents(platform().db, scope, lastEventId, opts);
      } catch (error) {
        unsubscribe();
        throw error;
      }
      // The app began closing (or the client left) while the replay was read.
      if (stream.ended) {
        unsubscribe();
        throw new AppError('SERVICE_UNAVAILABLE');
      }

      reply.hijack();
      stream.onEnd = unsubscribe;
      reply.raw.on('close', () => stream.end());
      reply.raw.on('error', () => stream.end());
      writeHead(reply);
      stream.open(opts.retryMs);
      stream.replay(replay);
      if (!live || stream.ended) {
        stream.end();
        return reply;
      }
      request.raw.socket.setNoDelay(true);
      request.raw.socket.setTimeout(0);
      stream.flush();
      return reply;
    },
  );
}
