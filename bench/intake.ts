/**
 * Report intake (city governance) against the baseline, measured in one run on one machine:
 *
 *   B3  minimal Fastify + pg Pool, single-row INSERT (the baseline's B3)   req/s
 *   I1  POST /api/v1/cities/lingnan/reports, as fast as it answers        req/s   PostgreSQL
 *   I2  the same at half of I1's rate, evenly paced (open loop)           p99     PostgreSQL
 *   I3  the same as I1                                                    req/s   PGlite
 *
 * Goals: I1/B3 ≥ 0.4, I2's p99 ≤ 100 ms; I3/I1 is reported.
 *
 * Usage: npm run bench:intake -- [--duration 10] [--connections 50] [--quick] [--write-docs]
 *
 * The reports come from a pool of signed-in citizens and grid inspectors, each with an address
 * of their own (X-Forwarded-For behind a trusted proxy, so that the per-address limit applies
 * per phone as in production), at places spread over the city's grids and over every category;
 * some problems are reported by several people, so that part of the reports are linked as
 * duplicates. See "Report intake" in docs/BENCHMARKS.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../apps/server/src/app.ts';
import { loadTestServices } from '../apps/server/src/config.ts';
import { seedDemo } from '../apps/server/src/flows/seed-demo.ts';
import { reportLimits } from '../apps/server/src/modules/governance/report-routes.ts';
import { systemClock } from '../apps/server/src/platform/time/clock.ts';
import { signedInCitizen, signedInStaff } from '../apps/server/src/testing/identity.ts';
import { seededRandom } from '../apps/server/src/testing/races.ts';
import pkg from '../package.json' with { type: 'json' };
import {
  B3_REQUEST,
  Cleanups,
  createBenchTable,
  createScratchDatabase,
  type LoadResult,
  type LoadSpec,
  MINIMAL_POOL_SIZE,
  minimalFastify,
  near,
  type Options,
  oneCityConfig,
  type PlannedRequest,
  parseOptions,
  runLoad,
  urlOf,
} from './load.ts';
import { describeMachine, formatCount, formatRatio, markdownTable, writeSection } from './report.ts';

/** The demo city the reports are filed in. */
const DEMO_CITY = 'lingnan';
const REPORTS_PATH = `/api/v1/cities/${DEMO_CITY}/reports`;
/** Rows in B3's table when it runs (the baseline's B4 leaves that many). */
const TABLE_ROWS = 100_000;
/** Share of reports filed by signed-in citizens; grid inspectors file the rest. */
const CITIZEN_SHARE = 0.7;
/** Grid inspectors (field crew of urban management, each responsible for some grids). */
const INSPECTORS = 40;
/** Problems many people see: a fixed category at a fixed place. */
const HOTSPOTS = 200;
/** Share of reports about one of the hotspots; the others are about a random place. */
const HOTSPOT_SHARE = 0.15;
/** A random place: uniform over a disk of this radius around a grid's centre (grids are ≈ 1 km across). */
const PLACE_RADIUS_M = 400;
/** A hotspot's reports: uniform over a disk of this radius around it (well within the 50 m duplicate radius). */
const HOTSPOT_RADIUS_M = 15;
/** Reports sent one at a time through app.inject before the load: all must answer 201; queries are counted. */
const PROBE_REPORTS = 40;
/** Seed of the traffic's random choices, so that two runs send the same kind of traffic. */
const SEED = 20_261_122;
const DOCS_FILE = new URL('../docs/BENCHMARKS.md', import.meta.url);
const DOCS_SECTION = 'bench:intake';

const DESCRIPTIONS = [
  '已经好几天了，请尽快处理',
  '影响居民出行，麻烦派人看看',
  '晚上尤其明显',
  '多次反映，还没有解决',
  '就在路口旁边',
  '小区门口，很多人经过',
];

/** CPU time spent during a run, in milliseconds, by who. */
interface CpuSpent {
  /** The benchmark process's main thread: the server under test (with PGlite: the database too). */
  server: number;
  /**
   * Share of the run the server's event loop was busy (not waiting for I/O): near 1 means Node
   * is the bottleneck, whether running JavaScript or waiting for a core while doing so.
   */
  serverLoop: number;
  /** PostgreSQL's backends of the scratch database and its WAL writer (undefined on PGlite). */
  postgres: number | undefined;
  /** The load generator's worker thread. */
  loadGenerator: number;
}

/** One line of the results table. */
interface Row {
  id: string;
  name: string;
  database: 'PostgreSQL' | 'PGlite';
  result: LoadResult;
  seconds: number;
  cpu: CpuSpent;
  states: ConnectionStates | undefined;
  /** SQL statements one report sends (counted before the load, PostgreSQL only). */
  statementsPerReport?: number;
  notes: string[];
}

const log = (message: string) => process.stderr.write(`[intake] ${message}\n`);

// ---------------------------------------------------------------------------------------------
// CPU accounting: who spent the machine's time during a run

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU milliseconds so far of each PostgreSQL process that works for `database` (backends, WAL writer). */
async function postgresCpu(monitor: pg.Client, database: string): Promise<Map<number, number>> {
  const { rows } = await monitor.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
     WHERE (datname = $1 AND pid <> pg_backend_pid()) OR backend_type = 'walwriter'`,
    [database],
  );
  const spent = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      // Fields after "pid (comm) ": state is the 3rd field, utime the 14th and stime the 15th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      spent.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
    } catch {
      // Gone already, or not on this machine (a remote server): not counted.
    }
  }
  return spent;
}

/** Starts counting CPU time; the returned function stops and answers what was spent (load generator aside). */
async function startCpuCount(monitor: pg.Client | undefined, database: string | undefined) {
  const thread = process.threadCpuUsage();
  const loop = performance.eventLoopUtilization();
  const before = monitor && database ? await postgresCpu(monitor, database) : undefined;
  return async (): Promise<Omit<CpuSpent, 'loadGenerator'>> => {
    const used = process.threadCpuUsage(thread);
    const serverLoop = performance.eventLoopUtilization(loop).utilization;
    let postgres: number | undefined;
    if (monitor && database && before) {
      postgres = 0;
      for (const [pid, ms] of await postgresCpu(monitor, database)) postgres += ms - (before.get(pid) ?? 0);
    }
    return { server: (used.user + used.system) / 1000, serverLoop, postgres };
  };
}

/** What the server's database connections were doing during a run, on average (PostgreSQL only). */
interface ConnectionStates {
  /** Connections of the scratch database seen, on average. */
  connections: number;
  /** Waiting for a lock another transaction holds, by lock type (`transactionid` = a row another transaction changed). */
  lockWaits: Record<string, number>;
  /** Running a statement (or flushing WAL at commit: `walFlush`). */
  active: number;
  walFlush: number;
  /** Inside a transaction, waiting for the application's next statement. */
  idleInTransaction: number;
  /** Not in use. */
  idle: number;
}

/** How often the connection states are sampled. */
const SAMPLE_EVERY_MS = 50;

/** Samples pg_stat_activity for `database` until the returned function is called, which answers the averages. */
function sampleConnections(monitor: pg.Client, database: string): () => Promise<ConnectionStates> {
  const totals = { samples: 0, connections: 0, active: 0, walFlush: 0, idleInTransaction: 0, idle: 0 };
  const lockWaits: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await monitor.query<{
        state: string | null;
        wait_event_type: string | null;
        wait_event: string | null;
      }>(
        `SELECT state, wait_event_type, wait_event FROM pg_stat_activity
         WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
        [database],
      );
      totals.samples++;
      for (const row of rows) {
        totals.connections++;
        if (row.wait_event_type === 'Lock') {
          const kind = row.wait_event ?? 'lock';
          lockWaits[kind] = (lockWaits[kind] ?? 0) + 1;
        } else if (row.state === 'active') {
          totals.active++;
          if (row.wait_event === 'WALSync' || row.wait_event === 'WALWrite' || row.wait_event === 'WALInsert') {
            totals.walFlush++;
          }
        } else if (row.state?.startsWith('idle in transaction')) totals.idleInTransaction++;
        else totals.idle++;
      }
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
    }
  })();
  return async () => {
    running = false;
    await loop;
    const n = Math.max(1, totals.samples);
    return {
      connections: totals.connections / n,
      lockWaits: Object.fromEntries(Object.entries(lockWaits).map(([kind, count]) => [kind, count / n])),
      active: totals.active / n,
      walFlush: totals.walFlush / n,
      idleInTransaction: totals.idleInTransaction / n,
      idle: totals.idle / n,
    };
  };
}

function describeStates(states: ConnectionStates): string {
  const f = (n: number) => n.toFixed(1);
  const locks = Object.entries(states.lockWaits).sort((a, b) => b[1] - a[1]);
  const waiting = locks.reduce((sum, [, n]) => sum + n, 0);
  return (
    `database connections (average of ${f(states.connections)}): ` +
    `${f(waiting)} waiting for a lock${locks.length ? ` (${locks.map(([k, n]) => `${k} ${f(n)}`).join(', ')})` : ''}, ` +
    `${f(states.active)} running a statement (${f(states.walFlush)} of them flushing WAL), ` +
    `${f(states.idleInTransaction)} idle in transaction (waiting for Node), ${f(states.idle)} idle`
  );
}

/** Runs `spec` and counts the CPU time spent meanwhile (and on PostgreSQL samples what the connections do). */
async function runCounted(
  spec: LoadSpec,
  monitor: pg.Client | undefined,
  database: string | undefined,
): Promise<{ result: LoadResult; cpu: CpuSpent; seconds: number; states: ConnectionStates | undefined }> {
  const stop = await startCpuCount(monitor, database);
  const stopSampling = monitor && database ? sampleConnections(monitor, database) : undefined;
  const began = performance.now();
  const result = await runLoad(spec);
  const seconds = (performance.now() - began) / 1000;
  const states = await stopSampling?.();
  const cpu = await stop();
  return { result, cpu: { ...cpu, loadGenerator: result.loadGeneratorCpuMs }, seconds, states };
}

// ---------------------------------------------------------------------------------------------
// The traffic: who reports what where

interface Grid {
  id: string;
  lat: number;
  lon: number;
}

interface CategoryChoice {
  code: string;
  nameZh: string;
  attributes: { code: string; type: 'boolean' | 'number' | 'string'; required: boolean }[];
}

/** Someone who files reports, and how many more they may file in this run. */
interface Reporter {
  kind: 'citizen' | 'inspector';
  headers: Record<string, string>;
  left: number;
}

/**
 * The reports to send, and who sends them. Every reporter has an address of their own and a
 * budget: what the platform's limits let them file in an hour (citizens 60 per person,
 * inspectors 600 per address), so that no request of the run is refused for its rate. Requests
 * the load generator did not take are given back, so budgets hold across runs on one database.
 */
class Traffic {
  readonly #random = seededRandom(SEED);
  readonly #app: FastifyInstance;
  readonly #grids: Grid[];
  readonly #categories: CategoryChoice[];
  readonly #hotspots: { category: CategoryChoice; lat: number; lon: number }[];
  readonly #available: { citizen: Reporter[]; inspector: Reporter[] } = { citizen: [], inspector: [] };
  #addresses = 0;
  /** Reporters signed in, by kind. */
  readonly signedIn = { citizen: 0, inspector: 0 };

  private constructor(app: FastifyInstance, grids: Grid[], categories: CategoryChoice[]) {
    this.#app = app;
    this.#grids = grids;
    this.#categories = categories;
    this.#hotspots = Array.from({ length: HOTSPOTS }, () => {
      const grid = this.#pick(grids);
      return { category: this.#pick(categories), ...near(this.#random, grid.lat, grid.lon, PLACE_RADIUS_M) };
    });
  }

  /** Reads the city's grids and categories from the seeded database and signs the inspectors in. */
  static async create(app: FastifyInstance): Promise<Traffic> {
    const db = app.platform.db;
    const grids = await sql<{ id: string; center_lat: number; center_lon: number }>`
      SELECT id, center_lat, center_lon FROM zones
      WHERE city_id = ${DEMO_CITY} AND level = 'grid' ORDER BY code`.execute(db);
    const categories = await sql<{ code: string; name_zh: string; attributes: CategoryChoice['attributes'] }>`
      SELECT code, name_zh, attributes FROM report_categories
      WHERE city_id = ${DEMO_CITY} AND parent_id IS NOT NULL AND enabled ORDER BY code`.execute(db);
    if (grids.rows.length === 0 || categories.rows.length === 0) {
      throw new Error(`the demo city "${DEMO_CITY}" has no grids or no report categories after seedDemo`);
    }
    const traffic = new Traffic(
      app,
      grids.rows.map((g) => ({ id: g.id, lat: Number(g.center_lat), lon: Number(g.center_lon) })),
      categories.rows.map((c) => ({ code: c.code, nameZh: c.name_zh, attributes: c.attributes })),
    );
    await traffic.#signIn('inspector', INSPECTORS);
    return traffic;
  }

  get grids(): number {
    return this.#grids.length;
  }

  get categories(): number {
    return this.#categories.length;
  }

  #pick<T>(list: T[]): T {
    return list[Math.floor(this.#random() * list.length)]!;
  }

  #capacity(kind: Reporter['kind']): number {
    return this.#available[kind].reduce((sum, r) => sum + r.left, 0);
  }

  async #signIn(kind: Reporter['kind'], count: number) {
    const { db, config } = this.#app.platform;
    for (let i = 0; i < count; i++) {
      const who =
        kind === 'citizen'
          ? await signedInCitizen(db, config, systemClock)
          : await signedInStaff(db, config, systemClock, {
              cityId: DEMO_CITY,
              departmentCode: 'urban-management',
              roles: ['field_crew'],
              jurisdiction: [this.#pick(this.#grids).id],
            });
      const n = ++this.#addresses;
      this.#available[kind].push({
        kind,
        // Each phone its own address, as a reverse proxy in front of OneCity would pass it on.
        headers: { ...who.write, 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
        left: kind === 'citizen' ? reportLimits.perCitizen.max : reportLimits.perIp.max,
      });
      this.signedIn[kind]++;
    }
  }

  /** Makes sure reporters of `kind` may file at least `reports` more, signing more in if needed. */
  async #ensure(kind: Reporter['kind'], reports: number) {
    const missing = reports - this.#capacity(kind);
    const each = kind === 'citizen' ? reportLimits.perCitizen.max : reportLimits.perIp.max;
    if (missing > 0) await this.#signIn(kind, Math.ceil(missing / each));
  }

  #reporter(kind: Reporter['kind']): Reporter {
    const other = kind === 'citizen' ? 'inspector' : 'citizen';
    const pool = this.#available[kind].length > 0 ? this.#available[kind] : this.#available[other];
    if (pool.length === 0) throw new Error('every reporter has used up the hour’s limit: sign more in');
    const at = Math.floor(this.#random() * pool.length);
    const reporter = pool[at]!;
    if (--reporter.left === 0) {
      pool[at] = pool[pool.length - 1]!;
      pool.pop();
    }
    return reporter;
  }

  #body(): string {
    let category: CategoryChoice;
    let point: { lat: number; lon: number };
    if (this.#random() < HOTSPOT_SHARE) {
      const spot = this.#pick(this.#hotspots);
      category = spot.category;
      point = near(this.#random, spot.lat, spot.lon, HOTSPOT_RADIUS_M);
    } else {
      const grid = this.#pick(this.#grids);
      category = this.#pick(this.#categories);
      point = near(this.#random, grid.lat, grid.lon, PLACE_RADIUS_M);
    }
    const attributes: Record<string, boolean | number | string> = {};
    for (const a of category.attributes) {
      // Required questions answered (nobody hurt); optional yes/no questions half of the time.
      if (a.required) attributes[a.code] = a.type === 'boolean' ? false : a.type === 'number' ? 1 : '-';
      else if (a.type === 'boolean' && this.#random() < 0.5) attributes[a.code] = this.#random() < 0.3;
    }
    return JSON.stringify({
      categoryCode: category.code,
      description: `${category.nameZh}，${this.#pick(DESCRIPTIONS)}`,
      ...point,
      ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    });
  }

  /** The next `count` reports, each with its reporter's session and address. */
  async take(count: number): Promise<{ requests: PlannedRequest[]; reporters: Reporter[] }> {
    // Room for the expected share of each kind and some luck.
    await this.#ensure('citizen', Math.ceil(count * CITIZEN_SHARE * 1.1) + 60);
    await this.#ensure('inspector', Math.ceil(count * (1 - CITIZEN_SHARE) * 1.1) + 600);
    const requests: PlannedRequest[] = [];
    const reporters: Reporter[] = [];
    for (let i = 0; i < count; i++) {
      const reporter = this.#reporter(this.#random() < CITIZEN_SHARE ? 'citizen' : 'inspector');
      reporters.push(reporter);
      requests.push({
        method: 'POST',
        path: REPORTS_PATH,
        headers: { ...reporter.headers, 'content-type': 'application/json' },
        body: this.#body(),
      });
    }
    return { requests, reporters };
  }

  /** Gives back what the load generator did not take (`reporters` of a {@link take}, from `used` on). */
  giveBack(reporters: Reporter[], used: number) {
    for (const reporter of reporters.slice(used)) {
      if (reporter.left++ === 0) this.#available[reporter.kind].push(reporter);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The runs

/**
 * Reports in the database so far, and how many of them were linked to an open work order as
 * duplicates. Waits first until the count stands still: when autocannon stops, the requests it
 * had in flight are still being answered, and they belong to the run that sent them.
 */
async function reportCounts(app: FastifyInstance): Promise<{ reports: number; duplicates: number }> {
  const count = async () => {
    const { rows } = await sql<{ reports: string; duplicates: string }>`
      SELECT count(*)::text AS reports, count(*) FILTER (WHERE own_work_order_id IS NULL)::text AS duplicates
      FROM reports`.execute(app.platform.db);
    return { reports: Number(rows[0]?.reports ?? 0), duplicates: Number(rows[0]?.duplicates ?? 0) };
  };
  let last = await count();
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await count();
    if (now.reports === last.reports) return now;
    last = now;
  }
  return last;
}

/**
 * Files `PROBE_REPORTS` reports one at a time through app.inject: every one must answer 201
 * (else the run stops with the answer), and on PostgreSQL the statements each one sends are
 * counted. Answers the median time of one report on an idle server and the statements per report.
 */
async function probe(app: FastifyInstance, traffic: Traffic, countStatements: boolean) {
  const { requests } = await traffic.take(PROBE_REPORTS);
  let statements = 0;
  const original = pg.Client.prototype.query;
  if (countStatements) {
    // biome-ignore lint/suspicious/noExplicitAny: pg's query() is heavily overloaded
    pg.Client.prototype.query = function (this: pg.Client, ...args: any[]) {
      statements++;
      // biome-ignore lint/suspicious/noExplicitAny: see above
      return (original as any).apply(this, args);
    } as typeof original;
  }
  const times: number[] = [];
  try {
    for (const r of requests) {
      const began = performance.now();
      const answer = await app.inject({
        method: 'POST',
        url: r.path,
        headers: r.headers,
        payload: r.body,
      });
      times.push(performance.now() - began);
      if (answer.statusCode !== 201) {
        throw new Error(`POST ${r.path} answered ${answer.statusCode}, not 201: ${answer.body.slice(0, 300)}`);
      }
    }
  } finally {
    pg.Client.prototype.query = original;
  }
  // The first reports compile queries and warm caches: the median of the later half.
  const later = times.slice(times.length / 2).sort((a, b) => a - b);
  return {
    medianMs: later[Math.floor(later.length / 2)] ?? 0,
    statementsPerReport: countStatements ? statements / requests.length : undefined,
  };
}

/** One intake run: takes enough reports from `traffic` for `seconds` at `expectedRate`, runs, gives back the rest. */
async function intakeRun(
  url: string,
  traffic: Traffic,
  spec: { durationSeconds: number; connections: number; rate?: number },
  expectedRate: number,
  monitor: pg.Client | undefined,
  database: string | undefined,
) {
  const planned = Math.ceil(expectedRate * spec.durationSeconds * 1.6) + spec.connections * 2;
  const { requests, reporters } = await traffic.take(planned);
  const counted = await runCounted({ url, ...spec, requests }, monitor, database);
  const used = counted.result.requestsUsed ?? requests.length;
  if (used > requests.length) {
    throw new Error(`the load generator used ${used} planned reports of ${requests.length}: raise the margin`);
  }
  traffic.giveBack(reporters, used);
  return counted;
}

function describeDuplicates(before: { reports: number; duplicates: number }, after: typeof before): string {
  const reports = after.reports - before.reports;
  const duplicates = after.duplicates - before.duplicates;
  const share = reports > 0 ? (100 * duplicates) / reports : 0;
  return `${formatCount(reports)} reports filed, ${share.toFixed(1)} % linked as duplicates`;
}

/** I1 and I2 (PostgreSQL) or I3 (PGlite): OneCity's report intake. */
async function benchIntake(
  kind: 'PostgreSQL' | 'PGlite',
  databaseUrl: string | undefined,
  database: string | undefined,
  rateGuess: number,
  options: Options,
  cleanups: Cleanups,
  monitor: pg.Client | undefined,
): Promise<{ rows: Row[]; setup: string; serverVersion: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'onecity-bench-'));
  cleanups.add(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
  log(`OneCity on ${kind}: buildApp (opens and migrates the database), seedDemo`);
  // Behind a reverse proxy that passes the phone's address on (see the docs): the per-address limit is per phone.
  const app = await buildApp(oneCityConfig(dataDir, databaseUrl, { ONECITY_TRUST_PROXY: 'true' }));
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = urlOf(app.server);
    const version = await sql<{ server_version: string }>`SHOW server_version`.execute(app.platform.db);
    const serverVersion = version.rows[0]?.server_version ?? 'unknown';
    await seedDemo(app.platform.db);
    const traffic = await Traffic.create(app);
    const probed = await probe(app, traffic, kind === 'PostgreSQL');
    log(
      `${kind}: one report alone takes ${probed.medianMs.toFixed(1)} ms` +
        (probed.statementsPerReport ? `, ${probed.statementsPerReport.toFixed(1)} SQL statements` : ''),
    );
    const connections = options.connections;

    log(`I [${kind}]: warm-up ${options.warmupSeconds} s, then ${options.durationSeconds} s × ${connections} conn`);
    const warm = await intakeRun(
      url,
      traffic,
      { durationSeconds: options.warmupSeconds, connections },
      rateGuess,
      monitor,
      database,
    );
    const beforeMax = await reportCounts(app);
    const max = await intakeRun(
      url,
      traffic,
      { durationSeconds: options.durationSeconds, connections },
      // A short warm-up starts cold, so its rate understates the warm server's: leave room.
      Math.max(warm.result.requestsPerSecond * 2, 200),
      monitor,
      database,
    );
    const afterMax = await reportCounts(app);
    const rate = max.result.requestsPerSecond;
    log(`I [${kind}]: ${formatCount(rate)} req/s, p50 ${max.result.p50Ms} ms, p99 ${max.result.p99Ms} ms`);
    const probeNote =
      `one report alone (idle server, app.inject) ${probed.medianMs.toFixed(1)} ms` +
      (probed.statementsPerReport ? `, ${Math.round(probed.statementsPerReport)} SQL statements` : '');
    const rows: Row[] = [
      {
        id: kind === 'PostgreSQL' ? 'I1' : 'I3',
        name: 'OneCity report intake, as fast as it answers',
        database: kind,
        ...max,
        ...(probed.statementsPerReport ? { statementsPerReport: probed.statementsPerReport } : {}),
        notes: [describeDuplicates(beforeMax, afterMax), probeNote],
      },
    ];

    if (kind === 'PostgreSQL') {
      const half = Math.max(1, Math.floor(rate / 2));
      log(`I2 [${kind}]: ${half} req/s, evenly paced, ${options.durationSeconds} s, at most ${connections} conn`);
      const paced = await intakeRun(
        url,
        traffic,
        { durationSeconds: options.durationSeconds, connections, rate: half },
        half,
        monitor,
        database,
      );
      const afterHalf = await reportCounts(app);
      log(`I2 [${kind}]: ${formatCount(paced.result.requestsPerSecond)} req/s, p99 ${paced.result.p99Ms} ms`);
      rows.push({
        id: 'I2',
        name: 'OneCity report intake at half of I1’s rate, evenly paced',
        database: kind,
        ...paced,
        notes: [
          `${half} req/s offered (open loop); latency from when each request was due`,
          describeDuplicates(afterMax, afterHalf),
        ],
      });
    }
    const setup =
      `${traffic.grids} grids, ${traffic.categories} categories; ` +
      `${formatCount(traffic.signedIn.citizen)} citizens and ${traffic.signedIn.inspector} inspectors signed in`;
    return { rows, setup, serverVersion };
  } finally {
    await app.close();
  }
}

/** B3: the baseline's minimal Fastify + pg server, single-row INSERT per request. */
async function benchB3(scratchUrl: string, database: string, options: Options, monitor: pg.Client): Promise<Row> {
  const pool = new pg.Pool({ connectionString: scratchUrl, max: MINIMAL_POOL_SIZE });
  try {
    log(`B3: bench table with ${formatCount(TABLE_ROWS)} rows (COPY)`);
    await createBenchTable(pool, TABLE_ROWS);
    const app = await minimalFastify(pool);
    try {
      const url = urlOf(app.server);
      log(`B3: warm-up ${options.warmupSeconds} s, then ${options.durationSeconds} s × ${options.connections} conn`);
      await runLoad({ url, ...B3_REQUEST, connections: options.connections, durationSeconds: options.warmupSeconds });
      const counted = await runCounted(
        { url, ...B3_REQUEST, connections: options.connections, durationSeconds: options.durationSeconds },
        monitor,
        database,
      );
      log(`B3: ${formatCount(counted.result.requestsPerSecond)} req/s, p99 ${counted.result.p99Ms} ms`);
      return {
        id: 'B3',
        name: 'minimal Fastify + `pg` Pool: single-row INSERT (baseline)',
        database: 'PostgreSQL',
        ...counted,
        notes: [`POST /items, one INSERT … RETURNING id per request (autocommit), pool ${MINIMAL_POOL_SIZE}`],
      };
    } finally {
      await app.close();
    }
  } finally {
    await pool.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

/** Problems that make a run no result: any answer but 2xx, socket errors, timeouts. */
function problemsOf(row: Row): string[] {
  const r = row.result;
  const problems: string[] = [];
  if (r.non2xx > 0) {
    const codes = Object.entries(r.statusCodes)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, n]) => `${n} × ${code}`)
      .join(', ');
    problems.push(`${formatCount(r.non2xx)} non-2xx (${codes})`);
  }
  if (r.errors > 0) problems.push(`${formatCount(r.errors)} errors`);
  if (r.timeouts > 0) problems.push(`${formatCount(r.timeouts)} timeouts`);
  return problems;
}

function cpuColumns(row: Row): string[] {
  const completed = Math.max(1, row.result.total);
  const perRequest = (ms: number | undefined) => (ms === undefined ? '—' : (ms / completed).toFixed(2));
  const busy = (ms: number) => `${Math.round((100 * ms) / (row.seconds * 1000))} %`;
  return [
    `${Math.round(100 * row.cpu.serverLoop)} %`,
    `${perRequest(row.cpu.server)} (${busy(row.cpu.server)})`,
    row.cpu.postgres === undefined ? '—' : `${perRequest(row.cpu.postgres)} (${busy(row.cpu.postgres)})`,
    `${perRequest(row.cpu.loadGenerator)} (${busy(row.cpu.loadGenerator)})`,
  ];
}

function render(
  rows: Row[],
  options: Options,
  versions: { postgres: string; pglite: string },
  setup: { postgres: string; pglite: string },
  loadAtStart: number,
): string {
  const machine = describeMachine();
  const find = (id: string) => rows.find((r) => r.id === id);
  const rps = (id: string) => find(id)?.result.requestsPerSecond;
  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');

  const results = markdownTable(
    [
      'id',
      'benchmark',
      'database',
      'req/s',
      'p50 ms',
      'p99 ms',
      'server event loop busy',
      'server thread CPU ms/req (busy)',
      'PostgreSQL CPU ms/req (busy)',
      'load generator CPU ms/req (busy)',
      'notes',
    ],
    ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows.map((r) => [
      r.id,
      r.name,
      r.database,
      formatCount(r.result.requestsPerSecond),
      String(r.result.p50Ms),
      String(r.result.p99Ms),
      ...cpuColumns(r),
      [...r.notes, ...problemsOf(r)].join('; '),
    ]),
  );

  const i1b3 = ratio(rps('I1'), rps('B3'));
  const p99 = find('I2')?.result.p99Ms;
  const pglite = ratio(rps('I3'), rps('I1'));
  const statements = find('I1')?.statementsPerReport;
  const statementRate = statements === undefined ? undefined : (rps('I1') ?? 0) * statements;
  const verdict = (met: boolean | undefined) => (met === undefined ? '' : met ? 'met' : '**not met**');
  const goals = markdownTable(
    ['measure', 'value', 'goal', '', 'what it compares'],
    ['l', 'r', 'r', 'l', 'l'],
    [
      [
        'I1/B3',
        formatRatio(i1b3),
        '≥ 0.40',
        verdict(i1b3 === undefined ? undefined : i1b3 >= 0.4),
        'a report taken in vs one single-row INSERT through minimal Fastify + pg',
      ],
      [
        'I2 p99',
        p99 === undefined ? 'n/a' : `${p99} ms`,
        '≤ 100 ms',
        verdict(p99 === undefined ? undefined : p99 <= 100),
        'write latency at half of the maximum rate',
      ],
      ['I3/I1', formatRatio(pglite), '—', '', 'report intake on embedded PGlite vs PostgreSQL'],
      [
        'I1 × statements/B3',
        formatRatio(ratio(statementRate, rps('B3'))),
        '—',
        '',
        `SQL statements per second in I1 (${statements ? Math.round(statements) : '?'} per report) vs in B3 (one per request)`,
      ],
    ],
  );

  const kind = options.quick
    ? `**Quick run** (\`--quick\`: ${options.durationSeconds} s per benchmark after a ${options.warmupSeconds} s warm-up) — a smoke run, indicative only.`
    : `Full run: ${options.durationSeconds} s per benchmark after a ${options.warmupSeconds} s warm-up.`;
  return [
    '### Latest figures',
    '',
    `${kind} ${options.connections} connections. Run at ${when}.`,
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB RAM; Node ${machine.node}; ` +
      `PostgreSQL ${versions.postgres}; PGlite ${versions.pglite}. One-minute load average ${loadAtStart.toFixed(2)} at the start of the run, ` +
      `${machine.loadAverage.toFixed(2)} at its end (the run itself adds about 2).`,
    '',
    results,
    '',
    goals,
    '',
    'Server event loop busy: the share of the run the server’s event loop was not waiting for I/O ' +
      '(near 100 %: Node is the bottleneck, running JavaScript or waiting for a core to run it on). ' +
      `CPU columns: milliseconds of CPU per completed request, and in brackets how busy that part was during the run ` +
      `(100 % = one core of ${machine.cpus}). On PGlite the database runs on the server thread.`,
    '',
    `What the server's database connections did (pg_stat_activity sampled every ${SAMPLE_EVERY_MS} ms):`,
    '',
    ...rows.filter((r) => r.states).map((r) => `- ${r.id}: ${describeStates(r.states!)}.`),
    '',
    `Traffic on PostgreSQL: ${setup.postgres}. On PGlite: ${setup.pglite}.`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseOptions(process.argv.slice(2), 'bench:intake', 'the intake figures');
  const cleanups = new Cleanups(log);
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted: cleaning up');
    void cleanups.runAll().then(() => process.exit(130));
  });

  const machine = describeMachine();
  log(
    `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load average ${machine.loadAverage.toFixed(2)}; ` +
      'load generator, servers and PostgreSQL share this machine',
  );
  const adminUrl = loadTestServices(process.env).postgresUrl;
  try {
    const scratch = await createScratchDatabase(adminUrl, cleanups, log);
    const monitor = new pg.Client({ connectionString: adminUrl });
    await monitor.connect();
    cleanups.add('close the monitor connection', () => monitor.end());

    const rows: Row[] = [];
    const b3 = await benchB3(scratch.url, scratch.name, options, monitor);
    rows.push(b3);
    const onPostgres = await benchIntake(
      'PostgreSQL',
      scratch.url,
      scratch.name,
      b3.result.requestsPerSecond,
      options,
      cleanups,
      monitor,
    );
    rows.push(...onPostgres.rows);
    const onPglite = await benchIntake(
      'PGlite',
      undefined,
      undefined,
      onPostgres.rows[0]!.result.requestsPerSecond,
      options,
      cleanups,
      undefined,
    );
    rows.push(...onPglite.rows);

    const report = render(
      rows,
      options,
      { postgres: scratch.serverVersion, pglite: `${pgliteVersion()} (PostgreSQL ${onPglite.serverVersion})` },
      { postgres: onPostgres.setup, pglite: onPglite.setup },
      machine.loadAverage,
    );
    process.stdout.write(`${report}\n`);
    const failed = rows.filter((r) => problemsOf(r).length > 0);
    if (failed.length > 0) {
      log(`not a result: ${failed.map((r) => `${r.id} ${problemsOf(r).join(', ')}`).join('; ')}`);
      if (options.writeDocs) log('docs/BENCHMARKS.md left as it was');
      process.exitCode = 1;
    } else if (options.writeDocs) {
      await writeSection(DOCS_FILE, DOCS_SECTION, report);
      log('wrote the figures into docs/BENCHMARKS.md');
    }
  } finally {
    if (!interrupted) await cleanups.runAll();
  }
}

function pgliteVersion(): string {
  // The PGlite package pins the embedded PostgreSQL; its version is in the root package.json.
  return (pkg.dependencies?.['@electric-sql/pglite'] as string | undefined) ?? 'unknown';
}

await main();
