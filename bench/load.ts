/**
 * HTTP load for benchmarks: autocannon runs in a worker thread of the benchmark process, so
 * that the load generator has its own event loop and never competes with the server under
 * test for the main thread (they still share the machine's cores).
 *
 * Below the load itself: the fixtures several benchmarks share (scratch database, the minimal
 * Fastify + pg server of B1F/B2/B3, OneCity's benchmark configuration, warm-up-then-measure).
 */

import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type Config, loadConfig } from '../apps/server/src/config.ts';

/** One request of a planned sequence (see {@link LoadSpec.requests}). */
export interface PlannedRequest {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** What kind of request it is: the open loop reports the 2xx latency of each kind apart. */
  kind?: string;
}

/** One load run: where to send what, how hard and for how long. */
export interface LoadSpec {
  /** Base URL of the server, e.g. `http://127.0.0.1:40123`. */
  url: string;
  connections: number;
  durationSeconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Request paths, one picked at random for every request (default `/`). */
  paths?: string[];
  /** Instead of `paths`: `prefix` followed by a random integer in [1, max] for every request. */
  randomId?: { prefix: string; max: number };
  /**
   * Instead of `paths`: whole requests, taken in this order across all connections, each once
   * (their headers go over `headers`). The list wraps around when it runs out, so make it long
   * enough; {@link LoadResult.requestsUsed} says how many were taken.
   */
  requests?: PlannedRequest[];
  /**
   * Open-loop load at this many requests per second for all connections together, evenly spaced
   * (a Node HTTP client instead of autocannon; at most `connections` sockets). Latency counts
   * from when each request was due, so time spent waiting for a free socket counts too.
   * Without it: closed loop, each connection sends its next request as soon as the answer came.
   */
  rate?: number;
  /**
   * Also answer a per-second timeline of the run ({@link LoadResult.timeline}): what was sent and
   * answered in each second, by status class, with latencies. Works for both loops.
   */
  timeline?: boolean;
  /**
   * Open loop: before the run, open every one of `connections` sockets with a GET of this path
   * (all at once), so that the run measures requests on open connections rather than how fast
   * the server accepts new ones.
   */
  preconnect?: string;
}

/** One second of a run (see {@link LoadSpec.timeline}): responses that ended in it, by status class. */
export interface LoadSecond {
  /** Seconds since the run began: this entry counts what ended in [second, second + 1). */
  second: number;
  /** Requests sent in that second (open loop only; autocannon does not say). */
  sent?: number;
  /** Open loop: the most requests at once that waited for a socket (all `connections` busy) in that second. */
  waitingForSocket?: number;
  /** 2xx responses. */
  ok: number;
  /** 503 responses (a process shedding load). */
  refused: number;
  /** 429 responses (a rate limit). */
  limited: number;
  /** Any other status. */
  other: number;
  /** Socket errors other than timeouts, and timeouts. */
  errors: number;
  timeouts: number;
  /** Latency of the 2xx responses and of the others, in milliseconds (0 when there were none). */
  okP50Ms: number;
  okP99Ms: number;
  non2xxP50Ms: number;
  non2xxP99Ms: number;
}

/** What one run measured. Latency counts 2xx responses only (autocannon's rule), at 1 ms resolution. */
export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses received (all status codes). */
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Responses by status code. */
  statusCodes: Record<string, number>;
  /** With `requests`: how many entries were taken (sent, or prepared for sending when the run ended). */
  requestsUsed?: number;
  /** CPU time of the load generator's thread during the run, in milliseconds. */
  loadGeneratorCpuMs: number;
  /** Latency of the non-2xx responses, in milliseconds (open loop, or with `timeline`). */
  non2xxP50Ms?: number;
  non2xxP99Ms?: number;
  /** Open loop: how late the latest request was sent after it was due, in milliseconds (the generator falling behind). */
  maxSendLagMs?: number;
  /** With {@link LoadSpec.timeline}: every second of the run, from the first. */
  timeline?: LoadSecond[];
  /** With {@link LoadSpec.timeline}: when the timeline's second 0 began (`Date.now()` time, ms). */
  startedAt?: number;
  /** Open loop: when the last request was sent (`Date.now()` time, ms); answers may still be arriving. */
  sendingEndedAt?: number;
  /** Open loop, with planned requests of a `kind`: their 2xx answers' count and latency by kind. */
  okByKind?: Record<string, { ok: number; p50Ms: number; p99Ms: number }>;
}

/**
 * Runs `spec` with autocannon in a fresh worker thread and resolves with its summary. An open
 * loop calls `onSendingEnded` the moment it has sent its last request (with its `Date.now()` time),
 * before the answers still on their way have arrived.
 */
export function runLoad(spec: LoadSpec, onSendingEnded?: (at: number) => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.ts', import.meta.url), { workerData: spec });
    let settled = false;
    worker.on('message', (message: { result?: LoadResult; error?: string; sendingEndedAt?: number }) => {
      if (message.sendingEndedAt !== undefined) {
        onSendingEnded?.(message.sendingEndedAt);
        return;
      }
      settled = true;
      if (message.result) resolve(message.result);
      else reject(new Error(`load generator failed: ${message.error ?? 'unknown error'}`));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with code ${code} before reporting`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Fixtures shared by the benchmarks

/** How long a benchmark loads a server, and with how many connections. */
export interface RunOptions {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
}

/** Warms the server up (JIT, pools, caches), then measures; progress goes to `log`. */
export async function measure(
  label: string,
  spec: Omit<LoadSpec, 'durationSeconds' | 'connections'>,
  options: RunOptions,
  log: (message: string) => void,
): Promise<LoadResult> {
  log(`${label}: warm-up ${options.warmupSeconds} s, then ${options.durationSeconds} s × ${options.connections} conn`);
  await runLoad({ ...spec, connections: options.connections, durationSeconds: options.warmupSeconds });
  const result = await runLoad({ ...spec, connections: options.connections, durationSeconds: options.durationSeconds });
  log(`${label}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`);
  return result;
}

/** Undo steps (drop the scratch database, remove temp dirs), run last-first whatever happened. */
export class Cleanups {
  readonly #steps: { name: string; run: () => Promise<unknown> }[] = [];
  readonly #log: (message: string) => void;
  constructor(log: (message: string) => void) {
    this.#log = log;
  }
  add(name: string, run: () => Promise<unknown>) {
    this.#steps.push({ name, run });
  }
  async runAll() {
    while (this.#steps.length > 0) {
      const step = this.#steps.pop()!;
      try {
        await step.run();
      } catch (error) {
        this.#log(`cleanup "${step.name}" failed: ${(error as Error).message}`);
      }
    }
  }
}

/** The base URL of a listening server. */
export function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** `url` pointing at another database of the same server. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Creates a scratch database `onecity_bench_<random>` on the server of `adminUrl` (whose user
 * may create databases) and registers its removal with `cleanups`.
 */
export async function createScratchDatabase(
  adminUrl: string,
  cleanups: Cleanups,
  log: (message: string) => void,
): Promise<{ name: string; url: string; serverVersion: string }> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const name = `onecity_bench_${Math.random().toString(36).slice(2, 10)}`;
  let serverVersion: string;
  try {
    serverVersion = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  log(`scratch database ${name} on PostgreSQL ${serverVersion}`);
  cleanups.add(`drop database ${name}`, async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      log(`dropped ${name}`);
    } finally {
      await client.end();
    }
  });
  return { name, url: withDatabase(adminUrl, name), serverVersion };
}

/** Pool size of the minimal Fastify + pg server: OneCity's default ONECITY_DATABASE_POOL_SIZE, for a fair match. */
export const MINIMAL_POOL_SIZE = 10;

const CREATE_BENCH_TABLE = `
  CREATE TABLE bench_items (
    id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    value       integer NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
  )`;

async function* copyLines(rows: number) {
  const batch = 1_000;
  for (let start = 1; start <= rows; start += batch) {
    let chunk = '';
    for (let id = start; id < start + batch && id <= rows; id++) chunk += `${id}\titem ${id}\t${id % 1000}\n`;
    yield chunk;
  }
}

/**
 * Creates `bench_items` (the table of B2 and B3) and fills it with `rows` rows by one COPY into
 * the empty, indexed table (B4); answers how long the COPY took, in seconds.
 */
export async function createBenchTable(pool: pg.Pool, rows: number): Promise<number> {
  await pool.query(CREATE_BENCH_TABLE);
  const client = await pool.connect();
  let seconds: number;
  try {
    const began = performance.now();
    await pipeline(
      Readable.from(copyLines(rows)),
      client.query(copyFrom('COPY bench_items (id, name, value) FROM STDIN')),
    );
    seconds = (performance.now() - began) / 1000;
  } finally {
    client.release();
  }
  await pool.query(`SELECT setval(pg_get_serial_sequence('bench_items', 'id'), $1)`, [rows]);
  await pool.query('VACUUM ANALYZE bench_items');
  return seconds;
}

/**
 * The minimal Fastify + pg server, listening on a free port: `GET /ping` (B1F), `GET /items/:id`
 * (B2), `POST /items` (B3, see {@link B3_REQUEST}).
 */
export async function minimalFastify(pool: pg.Pool): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/ping', async () => ({ status: 'ok' }));
  app.get<{ Params: { id: string } }>('/items/:id', async (request, reply) => {
    const { rows } = await pool.query('SELECT id, name, value, created_at FROM bench_items WHERE id = $1', [
      Number(request.params.id),
    ]);
    if (!rows[0]) return reply.code(404).send({ error: 'not found' });
    return rows[0];
  });
  app.post<{ Body: { name: string; value: number } }>('/items', async (request, reply) => {
    const { rows } = await pool.query('INSERT INTO bench_items (name, value) VALUES ($1, $2) RETURNING id', [
      request.body.name,
      request.body.value,
    ]);
    return reply.code(201).send({ id: rows[0].id });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return app;
}

/** B3's request to {@link minimalFastify}: one single-row INSERT … RETURNING id (autocommit). */
export const B3_REQUEST = {
  method: 'POST',
  paths: ['/items'],
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'bench item', value: 42 }),
} as const satisfies Omit<LoadSpec, 'url' | 'durationSeconds' | 'connections'>;

/**
 * OneCity's configuration for a benchmark: a clean environment (not process.env, so that the
 * shell's ONECITY_* settings cannot leak in), production mode, silent log, a free port, fresh
 * keys; `databaseUrl` undefined means embedded PGlite in `dataDir`. `extra` adds settings.
 */
export function oneCityConfig(
  dataDir: string,
  databaseUrl: string | undefined,
  extra: Record<string, string> = {},
): Config {
  return loadConfig({
    ONECITY_ENV: 'production',
    ONECITY_HOST: '127.0.0.1',
    ONECITY_PORT: '0',
    ONECITY_LOG_LEVEL: 'silent',
    ONECITY_DATA_DIR: dataDir,
    ONECITY_DATABASE_URL: databaseUrl,
    // Production refuses the built-in development keys: fresh random ones for this run.
    ONECITY_PII_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    ONECITY_BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    ONECITY_AUDIT_KEY: randomBytes(32).toString('base64'),
    ...extra,
  });
}

/** Options of a benchmark run. */
export interface Options {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  quick: boolean;
  writeDocs: boolean;
}

/** The command line every benchmark script takes; `script` and `figures` name it in the help text. */
export function parseOptions(argv: string[], script: string, figures: string): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      connections: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'write-docs': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      `Usage: npm run ${script} -- [--duration <s>] [--connections <n>] [--quick] [--write-docs]\n` +
        '  --duration     seconds of load per benchmark (default 10; 3 with --quick)\n' +
        '  --connections  concurrent HTTP connections (default 50)\n' +
        '  --quick        a smoke run: 3 s per benchmark, 1 s warm-up\n' +
        `  --write-docs   also replace ${figures} in docs/BENCHMARKS.md\n`,
    );
    process.exit(0);
  }
  const positive = (name: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1 (got "${text}")`);
    return n;
  };
  const quick = values.quick;
  const durationSeconds = positive('duration', values.duration, quick ? 3 : 10);
  return {
    durationSeconds,
    warmupSeconds: quick ? 1 : Math.min(3, Math.max(1, Math.round(durationSeconds / 5))),
    connections: positive('connections', values.connections, 50),
    quick,
    writeDocs: values['write-docs'],
  };
}

/** A point uniformly within `radius` metres of (lat, lon). */
export function near(random: () => number, lat: number, lon: number, radius: number): { lat: number; lon: number } {
  const r = radius * Math.sqrt(random());
  const angle = 2 * Math.PI * random();
  const metresPerDegree = 111_320;
  return {
    lat: Number((lat + (r * Math.cos(angle)) / metresPerDegree).toFixed(6)),
    lon: Number((lon + (r * Math.sin(angle)) / (metresPerDegree * Math.cos((lat * Math.PI) / 180))).toFixed(6)),
  };
}
