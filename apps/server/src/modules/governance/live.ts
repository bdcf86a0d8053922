/**
 * Live updates of work orders for staff, without a message bus: the action log in PostgreSQL
 * is the bus. One poller per process (not per connection) reads the log's new rows once a
 * second and fans each change out to the connected staff whose queue scope covers it — so
 * several API processes sharing the database each serve their own connections and all see
 * every change, whichever process made it.
 *
 * Action ids are UUIDv7: they grow with (real) time, and PostgreSQL compares uuids byte by
 * byte, so "newer than" is an index range scan. Ids are taken before commit, though, so a
 * transaction can commit a row whose id is older than rows already seen; every poll therefore
 * looks back a lag window (30 s) and remembers which ids it has delivered.
 *
 * Also the staff map: the work orders of a caller's queue scope as GeoJSON.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { StaffPrincipal } from '../../platform/identity/principal.ts';
import type { BBox } from './public.ts';
import { governanceDb } from './schema.ts';
import { coversPlace, coversPlaceSql, toLogged } from './work-orders.ts';
import {
  applyAction,
  OPEN_STATUSES,
  type WorkOrderActionName,
  type WorkOrderState,
  type WorkOrderStatus,
} from './workflow.ts';

/** Timing and limits of the live feed. */
export interface LiveOptions {
  /** How often the poller reads the log (real time). */
  pollIntervalMs: number;
  /** How often a comment line keeps idle connections (and the proxies on the way) open. */
  heartbeatMs: number;
  /** The reconnection delay suggested to clients (`retry:`). */
  retryMs: number;
  /** How far back each poll looks for rows committed late (ids taken long before commit). */
  lagMs: number;
  /** Connections one staff member may hold open (several tabs, a wall screen). */
  maxPerStaff: number;
  /** Connections this process serves at most. */
  maxTotal: number;
  /** Missed events sent on reconnection at most; beyond that the client is told to reload. */
  replayLimit: number;
  /** Missed events older than this are not replayed (the client reloads instead). */
  replayMaxAgeMs: number;
  /** Live events held for one connection while its replay is being read. */
  pendingLimit: number;
}

/** The defaults: poll every second, heartbeat every 15 s. */
export const DEFAULT_LIVE_OPTIONS: Readonly<LiveOptions> = {
  pollIntervalMs: 1000,
  heartbeatMs: 15_000,
  retryMs: 3000,
  lagMs: 30_000,
  maxPerStaff: 5,
  maxTotal: 1000,
  replayLimit: 500,
  replayMaxAgeMs: 60 * 60_000,
  pendingLimit: 1000,
};

/** Rows one poll reads at most (a lag window of a very busy city). */
const SCAN_LIMIT = 20_000;
/** Ids per `IN (…)` list. */
const CHUNK = 500;

/** One change of a work order, as fanned out. */
export interface LiveEvent {
  /** The action's id: the SSE event id, and what `Last-Event-ID` names on reconnection. */
  eventId: string;
  cityId: string;
  workOrderId: string;
  seq: number;
  action: WorkOrderActionName;
  /** When the action happened (the platform clock's time, as logged). */
  at: Date;
  /** The status, department and escalation after the action. */
  status: WorkOrderStatus;
  departmentId: string | null;
  escalationLevel: number;
  /** The department before the action (differs after a transfer or dispatch). */
  previousDepartmentId: string | null;
  place: { district_id: string | null; street_id: string | null; grid_id: string | null };
}

/** What a connection needs to decide which events are its caller's. */
export interface LiveScope {
  staff: StaffPrincipal;
  /** Staff of the operations centre see every department's work orders. */
  operations: boolean;
}

/** A connected client. */
export interface LiveSubscriber extends LiveScope {
  /** Sends one event (only events within scope arrive here). */
  deliver(event: LiveEvent): void;
  /** Sends a heartbeat. */
  ping(): void;
  /** Ends the connection (the app is closing). */
  end(): void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The millisecond timestamp of a UUIDv7; null for anything else. */
export function uuidv7Time(id: string): number | null {
  if (!UUID.test(id) || id[14] !== '7') return null;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

/** The smallest UUID of millisecond `ms`: every UUIDv7 taken at or after `ms` compares greater or equal. */
export function uuidFloor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** Whether `event` is in the queue scope of `scope` (the same rule as the queue: department and jurisdiction, or operations). */
export function inScope(scope: LiveScope, event: LiveEvent): boolean {
  const { staff } = scope;
  if (staff.cityId !== event.cityId) return false;
  if (scope.operations) return true;
  const mine = event.departmentId === staff.departmentId || event.previousDepartmentId === staff.departmentId;
  return mine && coversPlace(staff, event.place);
}

/** The events of the actions `ids` (any order; missing ids are skipped), in id order. */
export async function eventsOf(db: Kysely<Database>, ids: readonly string[]): Promise<LiveEvent[]> {
  const gdb = governanceDb(db);
  const rows = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    rows.push(
      ...(await gdb
        .selectFrom('work_order_actions as a')
        .innerJoin('work_orders as w', 'w.id', 'a.work_order_id')
        .select([
          'a.id',
          'a.city_id',
          'a.work_order_id',
          'a.seq',
          'a.action',
          'a.created_at',
          'w.district_id',
          'w.street_id',
          'w.grid_id',
        ])
        .where('a.id', 'in', ids.slice(i, i + CHUNK))
        .execute()),
    );
  }
  if (rows.length === 0) return [];
  // The status after each action comes from folding the log up to it: the projection on
  // work_orders is only the latest state, and a poll can see several actions of one work order.
  const workOrderIds = [...new Set(rows.map((r) => r.work_order_id))];
  const states = new Map<string, { before: WorkOrderState | null; after: WorkOrderState }>();
  for (let i = 0; i < workOrderIds.length; i += CHUNK) {
    const log = await gdb
      .selectFrom('work_order_actions')
      .select([
        'work_order_id',
        'seq',
        'action',
        'actor_id',
        'department_id',
        'assignee_id',
        'rating',
        'target_id',
        'escalation',
        'created_at',
      ])
      .where('work_order_id', 'in', workOrderIds.slice(i, i + CHUNK))
      .orderBy('work_order_id')
      .orderBy('seq')
      .execute();
    let current: string | null = null;
    let state: WorkOrderState | null = null;
    let broken = false;
    for (const entry of log) {
      if (entry.work_order_id !== current) {
        current = entry.work_order_id;
        state = null;
        broken = false;
      }
      if (broken) continue;
      const before: WorkOrderState | null = state;
      try {
        state = applyAction(before, toLogged(entry), entry.seq);
      } catch {
        // A log that does not fold (never expected) yields no events rather than a broken poller.
        broken = true;
        continue;
      }
      states.set(`${entry.work_order_id}:${entry.seq}`, { before, after: state });
    }
  }
  const events: LiveEvent[] = [];
  for (const row of rows) {
    const state = states.get(`${row.work_order_id}:${row.seq}`);
    if (!state) continue;
    events.push({
      eventId: row.id,
      cityId: row.city_id,
      workOrderId: row.work_order_id,
      seq: row.seq,
      action: row.action as WorkOrderActionName,
      at: row.created_at,
      status: state.after.status,
      departmentId: state.after.departmentId,
      escalationLevel: state.after.escalationLevel,
      previousDepartmentId: state.before?.departmentId ?? null,
      place: { district_id: row.district_id, street_id: row.street_id, grid_id: row.grid_id },
    });
  }
  return events.sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
}

/**
 * The events after `afterId` within `scope`, oldest first; null when they cannot be replayed
 * (an id that is no UUIDv7, older than the replay window, or more than the replay limit missed):
 * the client should then reload what it shows.
 */
export async function replayEvents(
  db: Kysely<Database>,
  scope: LiveScope,
  afterId: string,
  options: Pick<LiveOptions, 'replayLimit' | 'replayMaxAgeMs'>,
): Promise<LiveEvent[] | null> {
  const at = uuidv7Time(afterId);
  if (at === null || at < Date.now() - options.replayMaxAgeMs) return null;
  const { staff } = scope;
  let q = governanceDb(db).selectFrom('work_orders as w').where('w.city_id', '=', staff.cityId);
  if (!scope.operations) q = q.where((eb) => coversPlaceSql(eb, staff.jurisdiction));
  let actions = q
    .innerJoin('work_order_actions as a', 'a.work_order_id', 'w.id')
    .select('a.id')
    .where('a.id', '>', afterId);
  if (!scope.operations) {
    // Up to that action the work order was ours at some point (inScope below decides exactly).
    actions = actions.where((eb) =>
      eb.exists(
        eb
          .selectFrom('work_order_actions as p')
          .select('p.id')
          .whereRef('p.work_order_id', '=', 'a.work_order_id')
          .whereRef('p.seq', '<=', 'a.seq')
          .where('p.department_id', '=', staff.departmentId),
      ),
    );
  }
  const rows = await actions
    .orderBy('a.id')
    .limit(options.replayLimit + 1)
    .execute();
  if (rows.length > options.replayLimit) return null;
  return (
    await eventsOf(
      db,
      rows.map((r) => r.id),
    )
  ).filter((event) => inScope(scope, event));
}

/**
 * The process's fan-out of work-order changes: connections subscribe; the first starts the
 * poller and the heartbeat, the last stops them. Polling uses real timers; the platform clock
 * only ever appears in the timestamps the log already carries.
 */
export class LiveFeed {
  readonly #db: Kysely<Database>;
  readonly #log: FastifyBaseLogger;
  #options: LiveOptions;
  readonly #subscribers = new Set<LiveSubscriber>();
  #pollTimer: NodeJS.Timeout | null = null;
  #heartbeatTimer: NodeJS.Timeout | null = null;
  /** Bumped at every stop, so that a poll still running then discards what it read. */
  #generation = 0;
  /** Polls still running (one normally; an abandoned one may finish after a restart). */
  readonly #inFlight = new Set<Promise<void>>();
  /** When the poller started (real ms); older rows seen by the first poll are history, not news. */
  #startedAt = 0;
  #primed = false;
  /** Ids delivered (or judged history) within the lag window, with their time. */
  readonly #seen = new Map<string, number>();
  #newest = 0;
  #closed = false;
  #running = false;

  constructor(db: Kysely<Database>, log: FastifyBaseLogger, options: Partial<LiveOptions> = {}) {
    this.#db = db;
    this.#log = log;
    this.#options = { ...DEFAULT_LIVE_OPTIONS, ...options };
  }

  /** The options in force. */
  get options(): Readonly<LiveOptions> {
    return this.#options;
  }

  /** Changes options (tests shorten the intervals); timers pick them up at their next round. */
  configure(options: Partial<LiveOptions>): void {
    this.#options = { ...this.#options, ...options };
    if (this.#heartbeatTimer) {
      clearInterval(this.#heartbeatTimer);
      this.#heartbeatTimer = null;
      this.#startHeartbeat();
    }
  }

  /** Open connections. */
  get size(): number {
    return this.#subscribers.size;
  }

  /** Whether the poller runs. */
  get polling(): boolean {
    return this.#running;
  }

  /** Throws LIVE_STREAMS_EXCEEDED (this staff member holds enough) or SERVICE_UNAVAILABLE (this process is full). */
  admit(staffId: string): void {
    if (this.#closed || this.#subscribers.size >= this.#options.maxTotal) {
      throw new AppError('SERVICE_UNAVAILABLE', {}, { headers: { 'retry-after': '30' } });
    }
    let mine = 0;
    for (const s of this.#subscribers) if (s.staff.id === staffId) mine++;
    if (mine >= this.#options.maxPerStaff) {
      throw new AppError('LIVE_STREAMS_EXCEEDED', { max: this.#options.maxPerStaff });
    }
  }

  /** Adds a connection (after {@link admit}); returns its unsubscribe function. */
  subscribe(subscriber: LiveSubscriber): () => void {
    this.admit(subscriber.staff.id);
    this.#subscribers.add(subscriber);
    if (this.#subscribers.size === 1) this.#start();
    return () => {
      if (!this.#subscribers.delete(subscriber)) return;
      if (this.#subscribers.size === 0) this.#stop();
    };
  }

  /** Ends every connection (before the server closes: open streams would keep it waiting). */
  endAll(): void {
    for (const s of [...this.#subscribers]) {
      try {
        s.end();
      } catch (error) {
        this.#log.warn({ err: error }, 'live: ending a connection failed');
      }
    }
    this.#subscribers.clear();
    this.#stop();
  }

  /** Stops for good: ends connections, stops the timers and waits for a poll in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    this.endAll();
    await Promise.all([...this.#inFlight]);
  }

  #start(): void {
    this.#running = true;
    this.#startedAt = Date.now();
    this.#primed = false;
    this.#seen.clear();
    this.#newest = this.#startedAt;
    this.#schedule();
    this.#startHeartbeat();
  }

  #stop(): void {
    this.#running = false;
    this.#generation++;
    if (this.#pollTimer) clearTimeout(this.#pollTimer);
    if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
    this.#pollTimer = null;
    this.#heartbeatTimer = null;
    this.#seen.clear();
  }

  #startHeartbeat(): void {
    this.#heartbeatTimer = setInterval(() => {
      for (const s of [...this.#subscribers]) s.ping();
    }, this.#options.heartbeatMs);
    this.#heartbeatTimer.unref();
  }

  #schedule(): void {
    const generation = this.#generation;
    this.#pollTimer = setTimeout(() => {
      this.#pollTimer = null;
      const run = this.#poll(generation)
        .catch((error: unknown) => {
          // A database hiccup must not end the feed: the next round reads the same window again.
          this.#log.warn({ err: error }, 'live: polling the work-order log failed');
        })
        .finally(() => {
          this.#inFlight.delete(run);
          if (generation === this.#generation && this.#subscribers.size > 0) this.#schedule();
        });
      this.#inFlight.add(run);
    }, this.#options.pollIntervalMs);
    this.#pollTimer.unref();
  }

  /** One round: read the lag window's ids, fold the new ones into events, fan them out. */
  async #poll(generation: number): Promise<void> {
    const floor = Math.min(Date.now(), this.#newest) - this.#options.lagMs;
    const rows = await governanceDb(this.#db)
      .selectFrom('work_order_actions')
      .select('id')
      .where('id', '>=', uuidFloor(floor))
      .orderBy('id')
      .limit(SCAN_LIMIT)
      .execute();
    if (generation !== this.#generation) return;
    if (rows.length === SCAN_LIMIT)
      this.#log.warn({ rows: rows.length }, 'live: the lag window holds more actions than one poll reads');
    const fresh: string[] = [];
    for (const { id } of rows) {
      if (this.#seen.has(id)) continue;
      const at = uuidv7Time(id) ?? floor;
      this.#seen.set(id, at);
      if (at > this.#newest) this.#newest = at;
      // The first round only learns what is history: rows taken before the poller started.
      if (!this.#primed && at < this.#startedAt) continue;
      fresh.push(id);
    }
    this.#primed = true;
    for (const [id, at] of this.#seen) if (at < floor) this.#seen.delete(id);
    if (fresh.length === 0) return;
    const events = await eventsOf(this.#db, fresh);
    if (generation !== this.#generation) return;
    for (const event of events) {
      for (const s of [...this.#subscribers]) {
        if (!inScope(s, event)) continue;
        try {
          s.deliver(event);
        } catch (error) {
          this.#log.warn({ err: error }, 'live: delivering an event failed');
        }
      }
    }
  }
}

/** How long before its limit a work order counts as breaching. */
export const BREACHING_WITHIN_MS = 15 * 60_000;

/** Filters of the staff map. */
export interface StaffMapFilter {
  statuses: readonly WorkOrderStatus[];
  categoryCode?: string;
  bbox?: BBox;
  limit: number;
}

/** The limit a work order's next step must meet: accepting it while undispatched or dispatched, resolving it while being worked on. */
export function nextDueAt(w: { status: string; accept_due_at: Date | null; resolve_due_at: Date | null }): Date | null {
  if (w.status === 'awaiting_dispatch' || w.status === 'dispatched') return w.accept_due_at;
  if (w.status === 'accepted' || w.status === 'assigned' || w.status === 'in_progress') return w.resolve_due_at;
  return null;
}

/**
 * The work orders of `staff`'s queue scope (their department's within their jurisdiction;
 * the operations centre every department's) for a map: escalated first, then newest, at most
 * `filter.limit` (`truncated` when there were more).
 */
export async function staffMapItems(db: Kysely<Database>, scope: LiveScope, filter: StaffMapFilter, now: Date) {
  const { staff } = scope;
  let q = governanceDb(db).selectFrom('work_orders as w').where('w.city_id', '=', staff.cityId);
  if (!scope.operations) {
    q = q.where('w.department_id', '=', staff.departmentId).where((eb) => coversPlaceSql(eb, staff.jurisdiction));
  }
  q = q.where('w.status', 'in', filter.statuses.length ? [...filter.statuses] : [...OPEN_STATUSES]);
  if (filter.categoryCode) q = q.where('w.category_code', '=', filter.categoryCode);
  const bbox = filter.bbox;
  if (bbox) {
    q = q
      .where('w.lon', '>=', bbox.minLon)
      .where('w.lon', '<=', bbox.maxLon)
      .where('w.lat', '>=', bbox.minLat)
      .where('w.lat', '<=', bbox.maxLat);
  }
  const rows = await q
    .leftJoin('departments as d', 'd.id', 'w.department_id')
    .select([
      'w.id',
      'w.category_code',
      'w.priority',
      'w.status',
      'w.lat',
      'w.lon',
      'w.escalation_level',
      'w.accept_due_at',
      'w.resolve_due_at',
      'w.assignee_id',
      'w.report_count',
      'w.created_at',
      'w.updated_at',
      'd.code as department_code',
    ])
    .select((eb) =>
      eb
        .selectFrom('reports as r')
        .select('r.tracking_no')
        .whereRef('r.work_order_id', '=', 'w.id')
        .whereRef('r.own_work_order_id', '=', 'w.id')
        .limit(1)
        .as('tracking_no'),
    )
    .orderBy('w.escalation_level', 'desc')
    .orderBy('w.created_at', 'desc')
    .orderBy('w.id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const horizon = now.getTime() + BREACHING_WITHIN_MS;
  return {
    truncated: rows.length > filter.limit,
    items: rows.slice(0, filter.limit).map((w) => {
      const due = nextDueAt(w);
      return { ...w, next_due_at: due, breaching: due !== null && due.getTime() <= horizon };
    }),
  };
}
