/**
 * What OneCity promises under overload and over time, measured in one run on one machine, on
 * PostgreSQL with the demo city seeded, OneCity in a process of its own (bench/overload-server.ts)
 * and a realistic mix of requests:
 *
 *   C   capacity: the mix in a closed loop at a few connection counts; the best is "capacity"    req/s, p50/p99
 *   F   flood: the mix in an open loop at twice the capacity, for --flood-seconds               per second: admitted,
 *       (the excess must be refused at once with 503, the admitted keep a bounded latency,      refused, latencies,
 *       nothing else may fail, the process stays up, health is answered throughout)             RSS, loop delay
 *   R   recovery: right after the flood, the closed loop of the capacity; the time until        seconds
 *       throughput is back to ≥ 90 % of capacity with no refusal
 *   K   soak: the mix in an open loop at 60 % of capacity for --soak-seconds, in one-minute      errors, RSS and heap
 *       parts; memory after a full garbage collection between them                              growth, p99 drift
 *
 * The baseline is the capacity measured in the same run: the flood, the recovery and the soak
 * are stated as shares of it. The flood's sockets are opened before it starts (as a reverse
 * proxy's pool would be): a burst of new connections to a saturated process waits in the
 * kernel, where no limit of the process can answer it. The goals are the GOAL_* constants below.
 *
 * The mix: 60 % catalog searches (answered from the search's memory; Zipf-distributed queries,
 * some with facets or a second page), 20 % a service's full detail (a database read), 17 % the
 * public reports feed (a database read with a count; some filtered by status, category or
 * area), 3 % a citizen's report (signed in, with an Idempotency-Key, each citizen within the
 * hour's limit). Languages: 80 % zh-CN, 20 % en.
 *
 * Usage: npm run bench:overload -- [--soak-seconds 300] [--flood-seconds 60] [--quick] [--write-docs] [--json <file>]
 *        (--help lists every option). See "Overload and soak" in docs/RELIABILITY.md.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadTestServices } from '../apps/server/src/config.ts';
import { reportLimits } from '../apps/server/src/modules/governance/report-routes.ts';
import { seededRandom } from '../apps/server/src/testing/races.ts';
import {
  Cleanups,
  createScratchDatabase,
  type LoadResult,
  type LoadSecond,
  type LoadSpec,
  near,
  type PlannedRequest,
  runLoad,
} from './load.ts';
import type { CategoryChoice, Probe, Ready, ServerRequest } from './overload-server.ts';
import { describeMachine, formatCount, formatWithBiome, markdownTable, writeSection } from './report.ts';

const CITY = 'lingnan';
const DOCS_FILE = new URL('../docs/RELIABILITY.md', import.meta.url);
const DOCS_SECTION = 'bench:overload';
const SEED = 20_261_206;

/** Shares of the mix (the rest: citizens' reports). */
const SEARCH_SHARE = 0.6;
const SERVICE_SHARE = 0.2;
const FEED_SHARE = 0.17;
const WRITE_SHARE = 1 - SEARCH_SHARE - SERVICE_SHARE - FEED_SHARE;
/** Reports filed before the measurements, so that the public feed has pages to show. */
const PREFILL_REPORTS = 2_000;
const PREFILL_RATE = 200;
/** A random place: uniform over a disk of this radius around a grid's centre. */
const PLACE_RADIUS_M = 400;

/** Goals: back to capacity within a minute of a flood's end. */
const GOAL_RECOVERY_S = 60;
/** Memory over the soak grows less than this share. */
const GOAL_GROWTH = 0.1;
/** A refusal reaches the client well within the Retry-After it carries (2 s), so that the retry is worth it. */
const GOAL_REFUSAL_P99_MS = 500;
/** The admitted requests' latency stays bounded through the flood. */
const GOAL_ADMITTED_P99_MS = 2_000;
/** The flood does not take service away from the admitted: at least this share of capacity is served. */
const GOAL_GOODPUT = 0.5;
/** A second counts as recovered with no refusal and at least this share of capacity. */
const RECOVERED_SHARE = 0.9;
/** … this many seconds in a row. */
const RECOVERED_RUN = 3;

const log = (message: string) => process.stderr.write(`[overload] ${message}\n`);

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  capacityConnections: number[];
  capacitySeconds: number;
  warmupSeconds: number;
  floodFactor: number;
  /** An absolute flood rate instead of `floodFactor` × capacity (to compare settings at the same load). */
  floodRate: number | undefined;
  floodSeconds: number;
  floodSockets: number;
  recoverySeconds: number;
  soakSeconds: number;
  soakShare: number;
  soakPartSeconds: number;
  /** Settings passed to the server (ONECITY_MAX_IN_FLIGHT, ONECITY_MAX_EVENT_LOOP_DELAY_MS); empty: its defaults. */
  server: Record<string, string>;
  quick: boolean;
  writeDocs: boolean;
  /** Where to write the goals and the counts as JSON (for the suite's short form), if anywhere. */
  json: string | undefined;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      'capacity-connections': { type: 'string' },
      'capacity-seconds': { type: 'string' },
      'flood-factor': { type: 'string' },
      'flood-rate': { type: 'string' },
      'flood-seconds': { type: 'string' },
      'flood-sockets': { type: 'string' },
      'recovery-seconds': { type: 'string' },
      'soak-seconds': { type: 'string' },
      'soak-share': { type: 'string' },
      'max-in-flight': { type: 'string' },
      'max-event-loop-delay': { type: 'string' },
      quick: { type: 'boolean', default: false },
      'write-docs': { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'Usage: npm run bench:overload -- [options]\n' +
        '  --capacity-connections <list>  closed-loop connection counts for capacity (default 16,64,192)\n' +
        '  --capacity-seconds <s>         seconds per connection count (default 10; 3 with --quick)\n' +
        '  --flood-factor <x>             the flood offers this multiple of capacity (default 2)\n' +
        '  --flood-rate <req/s>           the flood offers this rate instead (to compare settings at one load)\n' +
        '  --flood-seconds <s>            length of the flood (default 60; 10 with --quick)\n' +
        '  --flood-sockets <n>            sockets the flood may open at once (default 1024)\n' +
        '  --recovery-seconds <s>         length of the load after the flood (default 60; 20 with --quick)\n' +
        '  --soak-seconds <s>             length of the soak (default 300; 30 with --quick; 3600 for the documented hour)\n' +
        '  --soak-share <x>               the soak offers this share of capacity (default 0.6)\n' +
        '  --max-in-flight <n>            ONECITY_MAX_IN_FLIGHT for the server (default: its own, 256)\n' +
        '  --max-event-loop-delay <ms>    ONECITY_MAX_EVENT_LOOP_DELAY_MS for the server (default: its own, 500)\n' +
        '  --quick                        a smoke run with the short lengths above\n' +
        '  --write-docs                   also replace the figures in docs/RELIABILITY.md\n' +
        '  --json <file>                  also write the goals and counts there as JSON\n',
    );
    process.exit(0);
  }
  const number = (name: string, text: string | undefined, fallback: number, min: number, integer = true) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
      throw new Error(`--${name} must be a ${integer ? 'whole ' : ''}number ≥ ${min} (got "${text}")`);
    }
    return n;
  };
  const quick = values.quick;
  const connections = (values['capacity-connections'] ?? '16,64,192').split(',').map((c) => {
    const n = Number(c.trim());
    if (!Number.isInteger(n) || n < 1) throw new Error(`--capacity-connections: "${c}" is not a whole number ≥ 1`);
    return n;
  });
  const soakSeconds = number('soak-seconds', values['soak-seconds'], quick ? 30 : 300, 1);
  const server: Record<string, string> = {};
  if (values['max-in-flight'] !== undefined) {
    server.ONECITY_MAX_IN_FLIGHT = String(number('max-in-flight', values['max-in-flight'], 0, 0));
  }
  if (values['max-event-loop-delay'] !== undefined) {
    server.ONECITY_MAX_EVENT_LOOP_DELAY_MS = String(
      number('max-event-loop-delay', values['max-event-loop-delay'], 0, 0),
    );
  }
  return {
    capacityConnections: connections,
    capacitySeconds: number('capacity-seconds', values['capacity-seconds'], quick ? 3 : 10, 1),
    warmupSeconds: quick ? 2 : 5,
    floodFactor: number('flood-factor', values['flood-factor'], 2, 1, false),
    floodRate: values['flood-rate'] === undefined ? undefined : number('flood-rate', values['flood-rate'], 0, 1),
    floodSeconds: number('flood-seconds', values['flood-seconds'], quick ? 10 : 60, 1),
    floodSockets: number('flood-sockets', values['flood-sockets'], 1024, 1),
    recoverySeconds: number('recovery-seconds', values['recovery-seconds'], quick ? 20 : 60, RECOVERED_RUN),
    soakSeconds,
    soakShare: number('soak-share', values['soak-share'], 0.6, 0.01, false),
    soakPartSeconds: Math.min(soakSeconds, quick ? 10 : 60),
    server,
    quick,
    writeDocs: values['write-docs'],
    json: values.json,
  };
}

// ---------------------------------------------------------------------------------------------
// The server process

/** A request to the server process, before it is numbered. */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** OneCity in its own process (bench/overload-server.ts), asked over IPC. */
class ServerProcess {
  readonly #child;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #next = 1;
  /** How the process ended, once it has. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor() {
    this.#child = fork(fileURLToPath(new URL('./overload-server.ts', import.meta.url)), [], {
      execArgv: [...process.execArgv, '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const waiting = this.#pending.get(message.id);
      if (!waiting) return;
      this.#pending.delete(message.id);
      if (message.error !== undefined) waiting.reject(new Error(`server: ${message.error}`));
      else waiting.resolve(message.result);
    });
    this.#child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      for (const waiting of this.#pending.values()) {
        waiting.reject(new Error(`the server process exited (code ${code}, signal ${signal})`));
      }
      this.#pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  ask<T>(request: WithoutId<ServerRequest>): Promise<T> {
    if (this.exit) return Promise.reject(new Error('the server process is gone'));
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#child.send({ ...request, id });
    });
  }

  probe(gc: boolean): Promise<Probe> {
    return this.ask<Probe>({ type: 'probe', gc });
  }

  async stop(): Promise<void> {
    if (this.exit) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    await this.ask({ type: 'stop' }).catch(() => undefined);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (!this.exit) this.#child.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------------------------------------
// The traffic

/** Picks from `items` by Zipf's law (s = 1) on their order: the first most often. */
function zipf<T>(items: readonly T[], random: () => number): () => T {
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    total += 1 / (i + 1);
    cumulative.push(total);
  }
  return () => {
    const r = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < r) lo = mid + 1;
      else hi = mid;
    }
    return items[lo] as T;
  };
}

/** What people type into the catalog's search box, the most frequent first. */
const QUERIES = [
  '',
  '身份证',
  '社保',
  '公积金提取',
  '开餐馆',
  '营业执照',
  '医保',
  '户口',
  '护照',
  '驾照',
  '社保卡丢了',
  '生孩子',
  '结婚登记',
  '退休',
  '失业金怎么领',
  '低保',
  '无犯罪记录证明',
  '异地就医备案',
  '开公司',
  '养狗要办什么',
  '居住证',
  '出生证明',
  '公租房申请',
  '不动产登记',
  '消防检查',
  'passport',
  'lost id card',
  'marriage registration',
  'business licence',
  'social security card',
  'residence permit',
  'pasport',
  '社保咔补办',
];

const DESCRIPTIONS = ['已经好几天了，请尽快处理', '影响居民出行，麻烦派人看看', '晚上尤其明显', '就在路口旁边'];

/** The requests of the mix; citizens are signed in as their reports need them. */
class Traffic {
  readonly #random = seededRandom(SEED);
  readonly #server: ServerProcess;
  readonly #ready: Ready;
  readonly #search: () => string;
  readonly #service: () => string;
  /** Headers of signed-in citizens, each with the reports it may still file this hour. */
  readonly #citizens: { headers: Record<string, string>; left: number }[] = [];
  #address = 0;
  readonly #zh = { 'accept-language': 'zh-CN' };
  readonly #en = { 'accept-language': 'en' };
  /** Reports planned so far, and citizens signed in. */
  writes = 0;
  signedIn = 0;

  constructor(server: ServerProcess, ready: Ready) {
    this.#server = server;
    this.#ready = ready;
    const base = `/api/v1/cities/${CITY}/services/search`;
    const searches: string[] = [];
    // Plain queries first (the most frequent), then the same with a facet or asking for a second page.
    for (const extra of ['', 'audience=citizen', 'zeroVisit=true', 'page=2']) {
      for (const q of QUERIES) {
        const params = new URLSearchParams(extra);
        if (q) params.set('q', q);
        const query = params.toString();
        searches.push(query ? `${base}?${query}` : base);
      }
    }
    this.#search = zipf(searches, this.#random);
    this.#service = zipf(
      ready.services.map((code) => `/api/v1/cities/${CITY}/services/${code}`),
      this.#random,
    );
  }

  #pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.#random() * list.length)] as T;
  }

  #feed(): string {
    const base = `/api/v1/cities/${CITY}/public/reports`;
    const r = this.#random();
    if (r < 0.7) return base;
    if (r < 0.85) return `${base}?page=${2 + Math.floor(this.#random() * 4)}`;
    if (r < 0.9) return `${base}?status=open`;
    if (r < 0.95) return `${base}?category=${this.#pick(this.#ready.categories).code}`;
    return `${base}?zone=${this.#pick(this.#ready.zones)}`;
  }

  #report(): PlannedRequest {
    const citizen = this.#citizens[this.#citizens.length - 1];
    if (!citizen) throw new Error('no citizen left to report: sign more in first');
    if (--citizen.left === 0) this.#citizens.pop();
    const category: CategoryChoice = this.#pick(this.#ready.categories);
    const grid = this.#pick(this.#ready.grids);
    const attributes: Record<string, boolean | number | string> = {};
    for (const a of category.attributes) {
      if (a.required) attributes[a.code] = a.type === 'boolean' ? false : a.type === 'number' ? 1 : '-';
    }
    this.writes++;
    return {
      kind: 'report',
      method: 'POST',
      path: `/api/v1/cities/${CITY}/reports`,
      headers: {
        ...citizen.headers,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
        ...(this.#random() < 0.8 ? this.#zh : this.#en),
      },
      body: JSON.stringify({
        categoryCode: category.code,
        description: `${category.nameZh}，${this.#pick(DESCRIPTIONS)}`,
        ...near(this.#random, grid.lat, grid.lon, PLACE_RADIUS_M),
        ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
      }),
    };
  }

  /** Makes sure the citizens signed in may file `reports` more within the hour's limit. */
  async #ensure(reports: number) {
    const left = this.#citizens.reduce((sum, c) => sum + c.left, 0);
    if (left >= reports) return;
    const each = reportLimits.perCitizen.max;
    const count = Math.ceil((reports - left) / each);
    const headers = await this.#server.ask<Record<string, string>[]>({ type: 'citizens', count });
    for (const h of headers) {
      const n = ++this.#address;
      // Each phone its own address, as a reverse proxy passes it on: the per-address limit is per phone.
      this.#citizens.unshift({
        headers: { ...h, 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` },
        left: each,
      });
    }
    this.signedIn += headers.length;
  }

  /** `count` requests of the mix (`writeShare` of them reports). */
  async take(count: number, writeShare = WRITE_SHARE): Promise<PlannedRequest[]> {
    await this.#ensure(Math.ceil(count * writeShare * 1.2) + 20);
    const requests: PlannedRequest[] = [];
    for (let i = 0; i < count; i++) {
      const r = this.#random();
      const language = this.#random() < 0.8 ? this.#zh : this.#en;
      if (r >= 1 - writeShare) requests.push(this.#report());
      else if (r < (SEARCH_SHARE * (1 - writeShare)) / (1 - WRITE_SHARE)) {
        requests.push({ kind: 'search', path: this.#search(), headers: language });
      } else if (r < ((SEARCH_SHARE + SERVICE_SHARE) * (1 - writeShare)) / (1 - WRITE_SHARE)) {
        requests.push({ kind: 'service', path: this.#service(), headers: language });
      } else requests.push({ kind: 'feed', path: this.#feed(), headers: language });
    }
    return requests;
  }
}

// ---------------------------------------------------------------------------------------------
// The runs

/** A closed-loop run (autocannon) of the mix, with its per-second timeline. */
async function closedLoop(
  url: string,
  traffic: Traffic,
  connections: number,
  seconds: number,
  expectedRate: number,
): Promise<LoadResult> {
  const requests = await traffic.take(Math.ceil(expectedRate * seconds * 2) + connections * 4);
  const result = await runLoad({ url, connections, durationSeconds: seconds, requests, timeline: true });
  if ((result.requestsUsed ?? 0) > requests.length) {
    throw new Error(
      `the load generator used ${result.requestsUsed} planned requests of ${requests.length}: raise the margin`,
    );
  }
  return result;
}

/** An open-loop run of the mix at `rate` requests per second. */
async function openLoop(
  url: string,
  traffic: Traffic,
  rate: number,
  seconds: number,
  sockets: number,
  writeShare?: number,
): Promise<LoadResult> {
  const requests = await traffic.take(Math.max(1, Math.round(rate * seconds)) + 10, writeShare);
  return runLoad({ url, connections: sockets, durationSeconds: seconds, rate, requests, timeline: true });
}

/** One GET of /healthz: its status (0: no answer) and latency. */
async function health(url: string): Promise<{ status: number; ms: number }> {
  const began = performance.now();
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - began };
  } catch {
    return { status: 0, ms: performance.now() - began };
  }
}

/** Refusals counted by the server (`onecity_http_shed_total`), by reason. */
async function shedCounts(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^onecity_http_shed_total\{reason="([^"]+)"\} (\d+)/gm)) {
    counts[match[1] as string] = Number(match[2]);
  }
  return counts;
}

/** Every second while `until` is pending: the server's health answer and its state. */
/** `Date.now()` time with a fraction: comparable with the load generator's `startedAt`. */
const now = () => performance.timeOrigin + performance.now();

/** Every second while `until` is pending: the server's health answer and its state. */
async function watch(url: string, server: ServerProcess, until: Promise<unknown>) {
  const samples: { at: number; health: { status: number; ms: number }; probe: Probe | undefined }[] = [];
  let done = false;
  void until.finally(() => {
    done = true;
  });
  while (!done) {
    const at = now();
    const [healthAnswer, probe] = await Promise.all([health(url), server.probe(false).catch(() => undefined)]);
    samples.push({ at, health: healthAnswer, probe });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (now() - at))));
  }
  return samples;
}

/** What the server's database connections are doing at one moment. */
interface DatabaseSample {
  at: number;
  /** Running a statement. */
  active: number;
  /** Waiting for a lock another transaction holds. */
  lockWait: number;
  /** Inside a transaction, waiting for the server's next statement. */
  idleInTransaction: number;
  idle: number;
}

/** Samples pg_stat_activity for `database` every 100 ms until the returned function is called. */
function sampleDatabase(monitor: pg.Client, database: string): () => Promise<DatabaseSample[]> {
  const samples: DatabaseSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = now();
      const { rows } = await monitor.query<{ state: string | null; wait_event_type: string | null }>(
        `SELECT state, wait_event_type FROM pg_stat_activity
         WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
        [database],
      );
      const sample: DatabaseSample = { at, active: 0, lockWait: 0, idleInTransaction: 0, idle: 0 };
      for (const row of rows) {
        if (row.wait_event_type === 'Lock') sample.lockWait++;
        else if (row.state === 'active') sample.active++;
        else if (row.state?.startsWith('idle in transaction')) sample.idleInTransaction++;
        else sample.idle++;
      }
      samples.push(sample);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return samples;
  };
}

interface CapacityRow {
  connections: number;
  result: LoadResult;
  /** 2xx answers per second. */
  okRate: number;
  /** The server process's CPU time per answer, in milliseconds. */
  cpuPerAnswerMs: number;
  loopUtilization: number;
}

interface Flood {
  rate: number;
  result: LoadResult;
  samples: Awaited<ReturnType<typeof watch>>;
  database: DatabaseSample[];
  shed: Record<string, number>;
  before: Probe;
  after: Probe;
  healthAfter: { status: number; ms: number };
  alive: boolean;
  /** The machine's one-minute load average when the flood began and ended. */
  load: [number, number];
}

interface Recovery {
  result: LoadResult;
  /** Seconds after the flood's end until the first of RECOVERED_RUN good seconds in a row ended; undefined: never. */
  seconds: number | undefined;
  startedAfterMs: number;
}

interface SoakPart {
  index: number;
  result: LoadResult;
  probe: Probe;
  /** The server process's CPU time per answer during the part, in milliseconds. */
  cpuPerAnswerMs: number;
  /** The machine's one-minute load average at the part's end. */
  loadAverage: number;
}

interface Soak {
  rate: number;
  start: Probe;
  parts: SoakPart[];
  seconds: number;
}

const isGood = (s: LoadSecond, capacity: number) =>
  s.refused + s.limited + s.other + s.errors + s.timeouts === 0 && s.ok >= RECOVERED_SHARE * capacity;

/** Seconds (from the start of `timeline`) until RECOVERED_RUN good seconds in a row have passed, counting the first. */
function recoveredAfter(timeline: LoadSecond[], capacity: number, durationSeconds: number): number | undefined {
  // The last entry may be a partial second (answers still arriving after the end): left out.
  const full = timeline.filter((s) => s.second < durationSeconds);
  for (let i = 0; i + RECOVERED_RUN <= full.length; i++) {
    if (full.slice(i, i + RECOVERED_RUN).every((s) => isGood(s, capacity))) return i + 1;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Report

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const ms1 = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(1));

/** Responses that are neither 2xx nor a refusal (503, 429), and socket errors and timeouts. */
function failures(result: LoadResult): { other: number; errors: number; timeouts: number; detail: string } {
  const other = Object.entries(result.statusCodes).filter(
    ([code]) => !code.startsWith('2') && code !== '503' && code !== '429',
  );
  const detail = [
    ...other.map(([code, n]) => `${n} × ${code}`),
    ...(result.errors > 0 ? [`${result.errors} socket errors`] : []),
    ...(result.timeouts > 0 ? [`${result.timeouts} timeouts`] : []),
  ].join(', ');
  return { other: other.reduce((sum, [, n]) => sum + n, 0), errors: result.errors, timeouts: result.timeouts, detail };
}

function refusedOf(result: LoadResult): number {
  return (result.statusCodes['503'] ?? 0) + (result.statusCodes['429'] ?? 0);
}

function okOf(result: LoadResult): number {
  return Object.entries(result.statusCodes)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
}

interface Report {
  options: Options;
  /** Whether the server runs autovacuum; when not, the script runs ANALYZE between phases. */
  autovacuum: boolean;
  ready: Ready;
  postgres: string;
  loadAtStart: number;
  capacity: CapacityRow[];
  best: CapacityRow;
  flood: Flood;
  recovery: Recovery;
  soak: Soak;
  traffic: { writes: number; signedIn: number };
  prefill: LoadResult;
}

/** What `--json` writes. */
export interface OverloadSummary {
  goals: GoalRow[];
  /** `other`: answers neither 2xx nor a refusal (503, 429); `errors`: socket errors; `timeouts`: no answer within 10 s. */
  flood: { admitted: number; refused: number; other: number; errors: number; timeouts: number };
  recovery: { admitted: number; refused: number; admittedInSecondHalf: number; refusedInSecondHalf: number };
  /** `failed`: answers neither 2xx nor a refusal (503, 429), socket errors and timeouts. */
  soak: { admitted: number; refused: number; failed: number };
}

/** One line of the goals table; `met` undefined: a figure without a goal. */
export interface GoalRow {
  key: string;
  measure: string;
  value: string;
  goal: string;
  met: boolean | undefined;
}

function render(r: Report): { markdown: string; goals: GoalRow[] } {
  const machine = describeMachine();
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const capacity = r.best.okRate;
  const verdict = (met: boolean) => (met ? 'met' : '**not met**');
  const settings =
    Object.keys(r.options.server).length === 0
      ? 'the server’s defaults (ONECITY_MAX_IN_FLIGHT 256, ONECITY_MAX_EVENT_LOOP_DELAY_MS 500)'
      : Object.entries(r.options.server)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ');

  // Capacity
  const capacityTable = markdownTable(
    [
      'connections',
      'req/s (2xx)',
      'p50 ms',
      'p99 ms',
      'slowest second',
      'server loop busy',
      'server CPU ms/answer',
      'not 2xx',
    ],
    ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    r.capacity.map((row) => {
      const full = (row.result.timeline ?? []).filter((s) => s.second < r.options.capacitySeconds);
      const slowest = full.length ? Math.min(...full.map((s) => s.ok)) : 0;
      const bad = row.result.total - okOf(row.result) + row.result.errors;
      return [
        String(row.connections) + (row === r.best ? ' (capacity)' : ''),
        formatCount(row.okRate),
        String(row.result.p50Ms),
        String(row.result.p99Ms),
        formatCount(slowest),
        pct(row.loopUtilization),
        row.cpuPerAnswerMs.toFixed(2),
        bad === 0 ? '0' : failures(row.result).detail || `${refusedOf(row.result)} refused`,
      ];
    }),
  );

  // Flood
  const f = r.flood;
  const floodFull = (f.result.timeline ?? []).filter((s) => s.second < r.options.floodSeconds);
  const admittedPerSecond = floodFull.reduce((sum, s) => sum + s.ok, 0) / Math.max(1, floodFull.length);
  const refusedPerSecond = floodFull.reduce((sum, s) => sum + s.refused + s.limited, 0) / Math.max(1, floodFull.length);
  const floodFailures = failures(f.result);
  const healthAnswers = f.samples.map((s) => s.health);
  const healthOk = healthAnswers.filter((h) => h.status === 200).length;
  const healthSorted = healthAnswers.map((h) => h.ms).sort((a, b) => a - b);
  const healthP99 = healthSorted[Math.min(healthSorted.length - 1, Math.ceil(0.99 * healthSorted.length) - 1)] ?? 0;
  const peakRss = Math.max(f.before.rssBytes, ...f.samples.map((s) => s.probe?.rssBytes ?? 0), f.after.rssBytes);
  const maxLoopDelay = Math.max(0, ...f.samples.map((s) => s.probe?.loopDelayMaxMs ?? 0));
  const shedTotal = Object.values(f.shed).reduce((a, b) => a + b, 0);
  const goodput = admittedPerSecond / capacity;
  // Per-second admitted p99 at the flood's start and end: growing would mean latency without bound.
  const medianOf = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  const edge = Math.min(10, Math.floor(floodFull.length / 3));
  const p99Early = medianOf(floodFull.slice(0, edge).map((s) => s.okP99Ms));
  const p99Late = medianOf(floodFull.slice(-edge).map((s) => s.okP99Ms));
  // The server's CPU over the flood's seconds, per answer; and what a refusal costs if an admitted answer costs what it did at capacity.
  const startedAt = f.result.startedAt ?? 0;
  const secondOf = (at: number) => Math.floor((at - startedAt) / 1000);
  const during = f.samples.filter((s) => s.probe && secondOf(s.at) >= 0 && secondOf(s.at) < r.options.floodSeconds);
  const cpuFirst = during[0];
  const cpuLast = during[during.length - 1];
  const answered = (f.result.timeline ?? []).filter(
    (s) => cpuFirst && cpuLast && s.second >= secondOf(cpuFirst.at) && s.second < secondOf(cpuLast.at),
  );
  const admittedIn = answered.reduce((sum, s) => sum + s.ok, 0);
  const refusedIn = answered.reduce((sum, s) => sum + s.refused + s.limited, 0);
  const floodCpu = cpuFirst?.probe && cpuLast?.probe ? cpuLast.probe.cpuMs - cpuFirst.probe.cpuMs : undefined;
  const refusalCpu =
    floodCpu !== undefined && refusedIn > 0 ? (floodCpu - admittedIn * r.best.cpuPerAnswerMs) / refusedIn : undefined;
  const bySecond = new Map(f.samples.map((s) => [secondOf(s.at), s]));
  const databaseIn = (second: number) => {
    const inSecond = f.database.filter((d) => secondOf(d.at) === second);
    if (inSecond.length === 0) return '—';
    const mean = (pick: (d: DatabaseSample) => number) =>
      (inSecond.reduce((sum, d) => sum + pick(d), 0) / inSecond.length).toFixed(1);
    return `${mean((d) => d.active)}, ${mean((d) => d.lockWait)}, ${mean((d) => d.idleInTransaction)}`;
  };
  const floodTable = markdownTable(
    [
      's',
      'sent',
      'waiting for a socket',
      'admitted (2xx)',
      'refused (503/429)',
      'other / errors',
      'admitted p50 ms',
      'admitted p99 ms',
      'refused p50 ms',
      'refused p99 ms',
      '/healthz ms',
      'server: connections, requests open (most)',
      'database connections: running, waiting for a lock, idle in transaction',
      'RSS',
      'loop delay max ms',
    ],
    ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    (f.result.timeline ?? []).map((s) => {
      const sample = bySecond.get(s.second);
      return [
        String(s.second),
        formatCount(s.sent),
        formatCount(s.waitingForSocket),
        formatCount(s.ok),
        formatCount(s.refused + s.limited),
        String(s.other + s.errors + s.timeouts),
        ms1(s.okP50Ms),
        ms1(s.okP99Ms),
        s.refused + s.limited > 0 ? ms1(s.non2xxP50Ms) : '—',
        s.refused + s.limited > 0 ? ms1(s.non2xxP99Ms) : '—',
        sample
          ? `${sample.health.status === 200 ? '' : `${sample.health.status || 'no answer'} `}${ms1(sample.health.ms)}`
          : '—',
        sample?.probe ? `${sample.probe.connections}, ${sample.probe.requestsOpenMax}` : '—',
        databaseIn(s.second),
        sample?.probe ? mb(sample.probe.rssBytes) : '—',
        sample?.probe ? ms1(sample.probe.loopDelayMaxMs) : '—',
      ];
    }),
  );

  // Recovery
  const rec = r.recovery;
  const recTimeline = rec.result.timeline ?? [];
  const recoveryTable = markdownTable(
    ['s after the flood', 'req/s (2xx)', 'of capacity', 'refused', 'other / errors', 'p50 ms', 'p99 ms'],
    ['r', 'r', 'r', 'r', 'r', 'r', 'r'],
    recTimeline
      .filter((s) => s.second < Math.min(r.options.recoverySeconds, 10))
      .map((s) => [
        String(s.second + 1),
        formatCount(s.ok),
        pct(s.ok / capacity),
        formatCount(s.refused + s.limited),
        String(s.other + s.errors + s.timeouts),
        ms1(s.okP50Ms),
        ms1(s.okP99Ms),
      ]),
  );
  const recoveryFull = recTimeline.filter((s) => s.second < r.options.recoverySeconds);
  const recoveryMean = recoveryFull.reduce((sum, s) => sum + s.ok, 0) / Math.max(1, recoveryFull.length);

  // Soak
  const soak = r.soak;
  const first = soak.parts[0];
  const last = soak.parts[soak.parts.length - 1];
  const soakTable = markdownTable(
    [
      'part',
      'req/s',
      'p50 ms',
      'p99 ms',
      'refused',
      'other / errors',
      'RSS',
      'heap used (after GC)',
      'server loop busy',
      'server CPU ms/answer',
      'machine load average',
      'load generator late at most, ms',
    ],
    ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    [
      ['start', '', '', '', '', '', mb(soak.start.rssBytes), mb(soak.start.heapUsedBytes), '', '', '', ''],
      ...soak.parts.map((p) => {
        const fail = failures(p.result);
        return [
          `${p.index + 1} (${r.options.soakPartSeconds} s)`,
          formatCount(p.result.requestsPerSecond),
          String(p.result.p50Ms),
          String(p.result.p99Ms),
          formatCount(refusedOf(p.result)),
          String(fail.other + fail.errors + fail.timeouts),
          mb(p.probe.rssBytes),
          mb(p.probe.heapUsedBytes),
          pct(p.probe.loopUtilization),
          p.cpuPerAnswerMs.toFixed(2),
          p.loadAverage.toFixed(2),
          formatCount(p.result.maxSendLagMs ?? 0),
        ];
      }),
    ],
  );
  const soakErrors = soak.parts.reduce((sum, p) => {
    const fail = failures(p.result);
    return sum + fail.other + fail.errors + fail.timeouts + refusedOf(p.result);
  }, 0);
  const end = last?.probe ?? soak.start;
  const rssGrowth = end.rssBytes / soak.start.rssBytes - 1;
  const heapGrowth = end.heapUsedBytes / soak.start.heapUsedBytes - 1;
  // Growth over the second half alone: the first minutes fill caches (answers, prepared statements) on purpose.
  const middle = soak.parts[Math.floor((soak.parts.length - 1) / 2)]?.probe ?? soak.start;
  const heapGrowthLate = end.heapUsedBytes / middle.heapUsedBytes - 1;
  const drift = first && last ? last.result.p99Ms / Math.max(1, first.result.p99Ms) : undefined;

  const refusalP99 = f.result.non2xxP99Ms ?? 0;
  const recoveryMet = rec.seconds !== undefined && rec.seconds <= GOAL_RECOVERY_S;
  const goalRows: GoalRow[] = [
    {
      key: 'floodFailures',
      measure: 'flood: responses neither 2xx nor 503/429, socket errors, timeouts',
      value: String(floodFailures.other + floodFailures.errors + floodFailures.timeouts),
      goal: '0',
      met: floodFailures.other + floodFailures.errors + floodFailures.timeouts === 0,
    },
    {
      key: 'floodAlive',
      measure: 'flood: the process stayed up (`/healthz` 200 after it)',
      value: f.alive && f.healthAfter.status === 200 ? 'yes' : 'no',
      goal: 'yes',
      met: f.alive && f.healthAfter.status === 200,
    },
    {
      key: 'floodHealth',
      measure: 'flood: `/healthz` answered during it',
      value: `${healthOk} of ${healthAnswers.length}, p99 ${ms1(healthP99)} ms`,
      goal: 'all',
      met: healthOk === healthAnswers.length,
    },
    {
      key: 'refusalP99',
      measure: 'flood: refusals’ p99 latency',
      value: `${ms1(refusalP99)} ms`,
      goal: `≤ ${GOAL_REFUSAL_P99_MS} ms`,
      met: refusalP99 <= GOAL_REFUSAL_P99_MS,
    },
    {
      key: 'admittedP99',
      measure: `flood: admitted requests’ p99 latency (per second, median of the first and of the last ${edge} s)`,
      value: `${f.result.p99Ms} ms (${ms1(p99Early)} → ${ms1(p99Late)} ms)`,
      goal: `≤ ${GOAL_ADMITTED_P99_MS} ms`,
      met: f.result.p99Ms <= GOAL_ADMITTED_P99_MS,
    },
    {
      key: 'goodput',
      measure: 'flood: admitted req/s ÷ capacity',
      value: goodput.toFixed(2),
      goal: `≥ ${GOAL_GOODPUT.toFixed(2)}`,
      met: goodput >= GOAL_GOODPUT,
    },
    {
      key: 'recovery',
      measure: `recovery: time to ≥ ${RECOVERED_SHARE * 100} % of capacity with no refusal (${RECOVERED_RUN} s in a row)`,
      value: rec.seconds === undefined ? `not within ${r.options.recoverySeconds} s` : `${rec.seconds} s`,
      goal: `≤ ${GOAL_RECOVERY_S} s`,
      met: recoveryMet,
    },
    {
      key: 'soakErrors',
      measure: 'soak: responses not 2xx, socket errors, timeouts',
      value: String(soakErrors),
      goal: '0',
      met: soakErrors === 0,
    },
    {
      key: 'rssGrowth',
      measure: 'soak: RSS growth, start → end',
      value: pct(rssGrowth),
      goal: `< ${GOAL_GROWTH * 100} %`,
      met: rssGrowth < GOAL_GROWTH,
    },
    {
      key: 'heapGrowth',
      measure: 'soak: heap growth (after a full GC), start → end',
      value: pct(heapGrowth),
      goal: `< ${GOAL_GROWTH * 100} %`,
      met: heapGrowth < GOAL_GROWTH,
    },
    {
      key: 'drift',
      measure: 'soak: p99 drift, last part ÷ first part',
      value: drift === undefined ? 'n/a' : `${drift.toFixed(2)} (${first?.result.p99Ms} → ${last?.result.p99Ms} ms)`,
      goal: '—',
      met: undefined,
    },
  ];
  const goals = markdownTable(
    ['measure', 'value', 'goal', ''],
    ['l', 'r', 'r', 'l'],
    goalRows.map((g) => [g.measure, g.value, g.goal, g.met === undefined ? '' : verdict(g.met)]),
  );

  const kind = r.options.quick
    ? '**Quick run** (`--quick`) — a smoke run, indicative only.'
    : `Full run: capacity ${r.options.capacitySeconds} s per connection count after a ${r.options.warmupSeconds} s warm-up, ` +
      `flood ${r.options.floodSeconds} s, recovery ${r.options.recoverySeconds} s, soak ${r.options.soakSeconds} s.`;
  const shed = Object.entries(f.shed)
    .map(([reason, n]) => `${formatCount(n)} for ${reason === 'inFlight' ? 'requests in flight' : reason}`)
    .join(', ');
  const markdown = [
    '### Latest figures',
    '',
    `${kind} Run at ${when}.`,
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB RAM; Node ${machine.node}; ` +
      `PostgreSQL ${r.postgres}. One-minute load average ${r.loadAtStart.toFixed(2)} at the start of the run, ` +
      `${machine.loadAverage.toFixed(2)} at its end (the run itself adds about 2). Server settings: ${settings}; ` +
      `OneCity started, migrated and seeded in ${(r.ready.startupMs / 1000).toFixed(1)} s; ` +
      `${formatCount(okOf(r.prefill))} reports filed before the measurements (the public feed's pages). ` +
      (r.autovacuum
        ? ''
        : 'This PostgreSQL runs with autovacuum off: the script runs ANALYZE after the prefill and before each part ' +
          'of the soak, as autovacuum would. ') +
      `Over the run ${formatCount(r.traffic.writes)} reports were planned, by ${formatCount(r.traffic.signedIn)} signed-in citizens.`,
    '',
    goals,
    '',
    `**Capacity** (the mix, closed loop, ${r.options.capacitySeconds} s each): **${formatCount(capacity)} req/s** at ` +
      `${r.best.connections} connections. "Slowest second": the fewest 2xx answers in one second of the run.`,
    '',
    capacityTable,
    '',
    `**Flood**: ${formatCount(f.rate)} req/s offered (${(f.rate / capacity).toFixed(2)} × capacity, open loop, at most ` +
      `${r.options.floodSockets} sockets) for ${r.options.floodSeconds} s. Admitted ${formatCount(admittedPerSecond)} req/s ` +
      `(${goodput.toFixed(2)} × capacity), refused ${formatCount(refusedPerSecond)} req/s; ` +
      `${formatCount(okOf(f.result))} admitted, ${formatCount(refusedOf(f.result))} refused in all. ` +
      `Admitted p50 ${f.result.p50Ms} ms, p99 ${f.result.p99Ms} ms; refused p50 ${ms1(f.result.non2xxP50Ms)} ms, ` +
      `p99 ${ms1(f.result.non2xxP99Ms)} ms (latency from when each request was due)` +
      (f.result.okByKind
        ? `; admitted by kind: ${Object.entries(f.result.okByKind)
            .map(([kind, k]) => `${kind} ${formatCount(k.ok)}, p50 ${ms1(k.p50Ms)} ms, p99 ${ms1(k.p99Ms)} ms`)
            .join('; ')}. `
        : '. ') +
      `Other statuses and socket errors: ${floodFailures.detail || 'none'}. ` +
      `The server counted ${formatCount(shedTotal)} refusals (${shed || 'none'}). ` +
      (floodCpu !== undefined
        ? `Server CPU during the flood: ${(floodCpu / Math.max(1, admittedIn + refusedIn)).toFixed(2)} ms per answer` +
          (refusalCpu !== undefined
            ? `, about ${refusalCpu.toFixed(2)} ms per refusal if an admitted request costs what it did at capacity ` +
              `(${r.best.cpuPerAnswerMs.toFixed(2)} ms). `
            : '. ')
        : '') +
      `The load generator sent its latest request ${formatCount(f.result.maxSendLagMs)} ms after it was due and ` +
      `used ${formatCount(f.result.loadGeneratorCpuMs)} ms of CPU. The machine's load average: ` +
      `${f.load[0].toFixed(2)} when the flood began, ${f.load[1].toFixed(2)} after the recovery. ` +
      `Server RSS ${mb(f.before.rssBytes)} before, ${mb(peakRss)} at most, ${mb(f.after.rssBytes)} after ` +
      `(heap after a full GC ${mb(f.before.heapUsedBytes)} → ${mb(f.after.heapUsedBytes)}); event-loop delay at most ` +
      `${ms1(maxLoopDelay)} ms. \`/healthz\` after the flood: ${f.healthAfter.status || 'no answer'} in ${ms1(f.healthAfter.ms)} ms.`,
    '',
    '<details><summary>The flood, second by second</summary>',
    '',
    floodTable,
    '',
    '</details>',
    '',
    `**Recovery**: the closed loop of the capacity (${r.best.connections} connections) started ` +
      `${formatCount(rec.startedAfterMs)} ms after the flood's last request was sent, while the flood's last answers ` +
      `were still arriving. ${
        rec.seconds === undefined
          ? `It did not reach ${RECOVERED_SHARE * 100} % of capacity without refusals for ${RECOVERED_RUN} s in a row within ${r.options.recoverySeconds} s`
          : `From second ${rec.seconds} on it served ≥ ${RECOVERED_SHARE * 100} % of capacity with no refusal (${RECOVERED_RUN} s in a row)`
      }; over its ${r.options.recoverySeconds} s it averaged ${formatCount(recoveryMean)} req/s ` +
      `(${pct(recoveryMean / capacity)} of capacity), p99 ${rec.result.p99Ms} ms, ${formatCount(refusedOf(rec.result))} refused. First seconds:`,
    '',
    recoveryTable,
    '',
    `**Soak**: ${formatCount(soak.rate)} req/s offered (${r.options.soakShare} × capacity, open loop) for ` +
      `${soak.seconds} s, in parts of ${r.options.soakPartSeconds} s (a new load-generator thread each; the server's ` +
      `memory taken after a full garbage collection between parts). RSS ${mb(soak.start.rssBytes)} → ${mb(end.rssBytes)} ` +
      `(${pct(rssGrowth)}), heap used ${mb(soak.start.heapUsedBytes)} → ${mb(end.heapUsedBytes)} (${pct(heapGrowth)}; ` +
      `${pct(heapGrowthLate)} over the second half).`,
    '',
    soakTable,
  ].join('\n');
  return { markdown, goals: goalRows };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const cleanups = new Cleanups(log);
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted: cleaning up');
    void cleanups.runAll().then(() => process.exit(130));
  });
  const machine = describeMachine();
  log(
    `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load average ${machine.loadAverage.toFixed(2)}` +
      (machine.loadAverage > 1 ? ' — the machine is busy: the figures will be low and noisy' : ''),
  );
  const adminUrl = loadTestServices(process.env).postgresUrl;
  try {
    const scratch = await createScratchDatabase(adminUrl, cleanups, log);
    const monitor = new pg.Client({ connectionString: adminUrl });
    await monitor.connect();
    cleanups.add('close the monitor connection', () => monitor.end());
    // A server with autovacuum off (as PostgreSQL on the development machines) never refreshes the
    // planner's statistics of tables that grow from nothing during the run, and plans a table of
    // thousands of rows as if it had a few: ANALYZE then stands in for autovacuum between phases.
    const autovacuum = (await monitor.query<{ autovacuum: string }>('SHOW autovacuum')).rows[0]?.autovacuum === 'on';
    const analyze = async (when: string) => {
      if (autovacuum) return;
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      try {
        await client.query('ANALYZE');
      } finally {
        await client.end();
      }
      log(`ANALYZE ${when} (autovacuum is off on this server)`);
    };
    const server = new ServerProcess();
    cleanups.add('stop the server process', () => server.stop());
    log(`OneCity in process ${server.pid}: buildApp (opens and migrates the database), seedDemo`);
    const ready = await server.ask<Ready>({
      type: 'start',
      city: CITY,
      databaseUrl: scratch.url,
      extra: options.server,
    });
    const url = ready.url;
    log(
      `listening at ${url} after ${(ready.startupMs / 1000).toFixed(1)} s: ${ready.services.length} services, ` +
        `${ready.categories.length} report categories, ${ready.grids.length} grids`,
    );
    const traffic = new Traffic(server, ready);

    // Reports first, so that the public feed has pages; the write path warms up meanwhile.
    log(`prefill: ${PREFILL_REPORTS} reports at ${PREFILL_RATE}/s`);
    const prefill = await openLoop(url, traffic, PREFILL_RATE, PREFILL_REPORTS / PREFILL_RATE, 64, 1);
    // A busy machine may make the server refuse a few (503): fewer reports, no harm. Anything else is a fault.
    if (okOf(prefill) + refusedOf(prefill) !== prefill.total || prefill.errors + prefill.timeouts > 0) {
      throw new Error(
        `prefill: ${JSON.stringify(prefill.statusCodes)}, ${prefill.errors} errors, ${prefill.timeouts} timeouts`,
      );
    }
    await analyze('after the prefill');

    // 1. Capacity
    log(`warm-up: ${options.warmupSeconds} s × 64 conn`);
    const warm = await closedLoop(url, traffic, 64, options.warmupSeconds, 5_000);
    log(`warm-up: ${formatCount(warm.requestsPerSecond)} req/s`);
    const capacity: CapacityRow[] = [];
    let expected = Math.max(2_000, warm.requestsPerSecond * 2);
    for (const connections of options.capacityConnections) {
      const began = await server.probe(false);
      const result = await closedLoop(url, traffic, connections, options.capacitySeconds, expected);
      const probe = await server.probe(false);
      const okRate = (result.requestsPerSecond * okOf(result)) / Math.max(1, result.total);
      const cpuPerAnswerMs = (probe.cpuMs - began.cpuMs) / Math.max(1, result.total);
      capacity.push({ connections, result, okRate, cpuPerAnswerMs, loopUtilization: probe.loopUtilization });
      expected = Math.max(expected, result.requestsPerSecond * 1.5);
      log(
        `capacity ${connections} conn: ${formatCount(okRate)} req/s (2xx), p50 ${result.p50Ms} ms, ` +
          `p99 ${result.p99Ms} ms, ${JSON.stringify(result.statusCodes)}, loop busy ${pct(probe.loopUtilization)}`,
      );
    }
    const best = capacity.reduce((a, b) => (b.okRate > a.okRate ? b : a));
    const rate = best.okRate;

    // 2. Flood, and 3. recovery right after it
    const before = await server.probe(true);
    const floodRate = options.floodRate ?? Math.round(options.floodFactor * rate);
    log(
      `flood: ${formatCount(floodRate)} req/s for ${options.floodSeconds} s, at most ${options.floodSockets} sockets`,
    );
    const floodRequests = await traffic.take(Math.round(floodRate * options.floodSeconds) + 10);
    // Planned before the flood starts: the recovery must begin the moment the flood stops sending.
    const recoveryRequests = await traffic.take(Math.ceil(rate * options.recoverySeconds * 2) + best.connections * 4);
    const floodSpec: LoadSpec = {
      url,
      connections: options.floodSockets,
      durationSeconds: options.floodSeconds,
      rate: floodRate,
      requests: floodRequests,
      timeline: true,
      // The flood's clients are connected already (as a reverse proxy's pool of connections would be).
      preconnect: '/healthz',
    };
    // The recovery starts the moment the flood has sent its last request, while its last answers are on their way.
    let recoveryRun: Promise<LoadResult> | undefined;
    let floodEnded = 0;
    const loadBefore = loadavg()[0] ?? 0;
    const floodRun = runLoad(floodSpec, (at) => {
      floodEnded = at;
      recoveryRun = runLoad({
        url,
        connections: best.connections,
        durationSeconds: options.recoverySeconds,
        requests: recoveryRequests,
        timeline: true,
      });
    });
    const samplesPromise = watch(url, server, floodRun);
    const stopSampling = sampleDatabase(monitor, scratch.name);
    const floodResult = await floodRun;
    const samples = await samplesPromise;
    const database = await stopSampling();
    if (!recoveryRun) throw new Error('the flood ended without saying when it stopped sending');
    log(
      `flood: ${JSON.stringify(floodResult.statusCodes)}, admitted p99 ${floodResult.p99Ms} ms, ` +
        `refused p99 ${floodResult.non2xxP99Ms} ms, ${floodResult.errors} errors, ${floodResult.timeouts} timeouts; ` +
        `load generator CPU ${Math.round(floodResult.loadGeneratorCpuMs)} ms; admitted by kind ${JSON.stringify(floodResult.okByKind)}`,
    );
    const recovered = await recoveryRun;
    if ((recovered.requestsUsed ?? 0) > recoveryRequests.length) {
      throw new Error('the recovery used more planned requests than it had: raise the margin');
    }
    const alive = server.exit === undefined;
    const healthAfter = await health(url);
    const shed = alive ? await shedCounts(url) : {};
    const after = alive ? await server.probe(true) : before;
    const startedAfterMs = Math.max(0, (recovered.startedAt ?? floodEnded) - floodEnded);
    const good = recoveredAfter(recovered.timeline ?? [], rate, options.recoverySeconds);
    const recovery: Recovery = {
      result: recovered,
      seconds: good === undefined ? undefined : Math.round((good + startedAfterMs / 1000) * 10) / 10,
      startedAfterMs,
    };
    log(
      `recovery: ${recovery.seconds === undefined ? 'not recovered' : `recovered ${recovery.seconds} s after the flood`}; ` +
        `${formatCount(recovered.requestsPerSecond)} req/s on average, ${JSON.stringify(recovered.statusCodes)}, ` +
        `${recovered.errors} errors, ${recovered.timeouts} timeouts, started ${Math.round(startedAfterMs)} ms after the flood`,
    );
    const flood: Flood = {
      load: [loadBefore, loadavg()[0] ?? 0],
      rate: floodRate,
      result: floodResult,
      samples,
      database,
      shed,
      before,
      after,
      healthAfter,
      alive,
    };
    if (!alive) throw new Error(`the server process died during the flood: ${JSON.stringify(server.exit)}`);

    // 4. Soak
    const soakRate = Math.max(1, Math.round(options.soakShare * rate));
    const start = await server.probe(true);
    const parts: SoakPart[] = [];
    const partCount = Math.ceil(options.soakSeconds / options.soakPartSeconds);
    log(`soak: ${formatCount(soakRate)} req/s for ${options.soakSeconds} s in ${partCount} parts`);
    for (let index = 0; index < partCount; index++) {
      const seconds = Math.min(options.soakPartSeconds, options.soakSeconds - index * options.soakPartSeconds);
      const before = parts[parts.length - 1]?.probe ?? start;
      await analyze(`before soak part ${index + 1}`);
      const result = await openLoop(url, traffic, soakRate, seconds, 256);
      const probe = await server.probe(true);
      const cpuPerAnswerMs = (probe.cpuMs - before.cpuMs) / Math.max(1, result.total);
      parts.push({ index, result, probe, cpuPerAnswerMs, loadAverage: loadavg()[0] ?? 0 });
      log(
        `soak ${index + 1}/${partCount}: ${formatCount(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, ` +
          `p99 ${result.p99Ms} ms, ${JSON.stringify(result.statusCodes)}, errors ${result.errors}, ` +
          `RSS ${mb(probe.rssBytes)}, heap ${mb(probe.heapUsedBytes)}, server CPU ${cpuPerAnswerMs.toFixed(2)} ms/answer, ` +
          `load average ${(loadavg()[0] ?? 0).toFixed(2)}, load generator late at most ${result.maxSendLagMs ?? 0} ms`,
      );
    }

    const { markdown, goals } = render({
      options,
      autovacuum,
      ready,
      postgres: scratch.serverVersion,
      loadAtStart: machine.loadAverage,
      capacity,
      best,
      flood,
      recovery,
      soak: { rate: soakRate, start, parts, seconds: options.soakSeconds },
      traffic: { writes: traffic.writes, signedIn: traffic.signedIn },
      prefill,
    });
    const report = formatWithBiome(markdown, 'docs/RELIABILITY.md', log);
    if (options.json) {
      const summary: OverloadSummary = {
        goals,
        flood: {
          admitted: okOf(flood.result),
          refused: refusedOf(flood.result),
          other: failures(flood.result).other,
          errors: flood.result.errors,
          timeouts: flood.result.timeouts,
        },
        recovery: {
          admitted: okOf(recovery.result),
          refused: refusedOf(recovery.result),
          admittedInSecondHalf: (recovery.result.timeline ?? [])
            .filter((s) => s.second >= options.recoverySeconds / 2)
            .reduce((sum, s) => sum + s.ok, 0),
          refusedInSecondHalf: (recovery.result.timeline ?? [])
            .filter((s) => s.second >= options.recoverySeconds / 2)
            .reduce((sum, s) => sum + s.refused + s.limited, 0),
        },
        soak: {
          admitted: parts.reduce((sum, p) => sum + okOf(p.result), 0),
          refused: parts.reduce((sum, p) => sum + refusedOf(p.result), 0),
          failed: parts.reduce((sum, p) => {
            const fail = failures(p.result);
            return sum + fail.other + fail.errors + fail.timeouts;
          }, 0),
        },
      };
      await writeFile(options.json, JSON.stringify(summary, null, 2));
    }
    process.stdout.write(`${report}\n`);
    if (options.writeDocs) {
      await writeSection(DOCS_FILE, DOCS_SECTION, report);
      log('wrote the figures into docs/RELIABILITY.md');
    }
  } finally {
    if (!interrupted) await cleanups.runAll();
  }
}

await main();
