/**
 * Baselines for every later benchmark, measured in one run on one machine:
 *
 *   B1  raw node:http hello world                      req/s
 *   B1F minimal Fastify GET /ping (JSON, no database)     req/s
 *   B2  minimal Fastify + pg Pool, SELECT by primary key  req/s
 *   B3  minimal Fastify + pg Pool, single-row INSERT      req/s
 *   B4  COPY ... FROM STDIN into the same table          rows/s
 *   O1  OneCity /healthz through buildApp                req/s   (PostgreSQL and PGlite)
 *   O2  one real OneCity read on the seeded demo city    req/s   (PostgreSQL and PGlite)
 *
 * Usage: npm run bench:baseline -- [--duration 10] [--connections 50] [--quick] [--write-docs]
 *
 * Servers run on this process's main thread; autocannon runs in a worker thread (load.ts);
 * PostgreSQL runs beside them. All of them share the machine's cores, so figures are for
 * comparison within one run (the ratios), not absolute capacity.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../apps/server/src/app.ts';
import { loadTestServices } from '../apps/server/src/config.ts';
import { seedDemo } from '../apps/server/src/flows/seed-demo.ts';
import type { Database } from '../apps/server/src/platform/db/schema.ts';
import { systemClock } from '../apps/server/src/platform/time/clock.ts';
import { signedInCitizen } from '../apps/server/src/testing/identity.ts';
import pkg from '../package.json' with { type: 'json' };
import {
  B3_REQUEST,
  Cleanups,
  createBenchTable,
  createScratchDatabase,
  type LoadResult,
  type LoadSpec,
  MINIMAL_POOL_SIZE,
  measure as measureLoad,
  minimalFastify,
  type Options,
  oneCityConfig,
  parseOptions,
  urlOf,
} from './load.ts';
import { describeMachine, formatCount, formatRatio, markdownTable, writeSection } from './report.ts';

/** Rows in the table B2 reads and B4 copies. */
const TABLE_ROWS = 100_000;
const POOL_SIZE = MINIMAL_POOL_SIZE;
/** The demo city O2 reads. */
const DEMO_CITY = 'lingnan';
/** How many grid zones O2 spreads its requests over. */
const O2_TARGETS = 500;
const DOCS_FILE = new URL('../docs/BENCHMARKS.md', import.meta.url);
const DOCS_SECTION = 'bench:baseline';

/** A grid zone of the demo city: its code and a point inside it. */
interface GridTarget {
  code: string;
  lat: number;
  lon: number;
}

/**
 * The OneCity reads O2 may use, in order of preference: the first one that answers 200 on
 * the seeded demo city is measured. To measure another endpoint, put it first.
 */
const O2_CANDIDATES: {
  name: string;
  path: (grid: GridTarget) => string;
  /** Whether a 200 answer for `grid` is the right one (checked on a sample before the run). */
  answers: (body: unknown, grid: GridTarget) => boolean;
}[] = [
  {
    name: 'resolve a point to district → street → grid',
    path: (g) => `/api/v1/cities/${DEMO_CITY}/geo/resolve?lat=${g.lat}&lon=${g.lon}`,
    answers: (body, g) => (body as { grid?: { code?: string } | null }).grid?.code === g.code,
  },
  {
    name: 'one zone by its code',
    path: (g) => `/api/v1/cities/${DEMO_CITY}/zones/${encodeURIComponent(g.code)}`,
    answers: (body, g) => JSON.stringify(body).includes(`"${g.code}"`),
  },
];

/** How many targets are checked against `answers` before O2 runs. */
const O2_SAMPLE = 20;

/** One line of the results table. */
interface Row {
  id: string;
  name: string;
  database: string;
  result?: LoadResult;
  rowsPerSecond?: number;
  note: string;
}

const log = (message: string) => process.stderr.write(`[baseline] ${message}\n`);

/** Warms the server up (JIT, pools, caches), then measures. */
function measure(
  label: string,
  spec: Omit<LoadSpec, 'durationSeconds' | 'connections'>,
  options: Options,
): Promise<LoadResult> {
  return measureLoad(label, spec, options, log);
}

// ---------------------------------------------------------------------------------------------
// B1: raw node:http

async function benchRawHttp(options: Options): Promise<Row> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('hello world');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const result = await measure('B1 node:http', { url: urlOf(server) }, options);
    return { id: 'B1', name: 'raw `node:http` hello world', database: '—', result, note: 'GET /' };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

// ---------------------------------------------------------------------------------------------
// B4, B2, B3: the bench table, minimal Fastify + pg

/** B4: COPY `TABLE_ROWS` rows into the (empty, indexed) bench table; this also seeds B2. */
async function benchCopy(pool: pg.Pool): Promise<Row> {
  log(`B4 COPY: ${formatCount(TABLE_ROWS)} rows`);
  const seconds = await createBenchTable(pool, TABLE_ROWS);
  const rowsPerSecond = TABLE_ROWS / seconds;
  log(`B4 COPY: ${formatCount(rowsPerSecond)} rows/s`);
  return {
    id: 'B4',
    name: '`COPY … FROM STDIN` (pg-copy-streams)',
    database: 'PostgreSQL',
    rowsPerSecond,
    note: `${formatCount(TABLE_ROWS)} rows into the empty table with its primary key, one COPY`,
  };
}

async function benchMinimalFastify(pool: pg.Pool, options: Options): Promise<Row[]> {
  const app = await minimalFastify(pool);
  try {
    const url = urlOf(app.server);
    const ping = await measure('B1F Fastify /ping', { url, paths: ['/ping'] }, options);
    const read = await measure(
      'B2 Fastify+pg read',
      { url, randomId: { prefix: '/items/', max: TABLE_ROWS } },
      options,
    );
    const insert = await measure('B3 Fastify+pg insert', { url, ...B3_REQUEST }, options);
    return [
      {
        id: 'B1F',
        name: 'minimal Fastify `GET /ping` (JSON, no database)',
        database: '—',
        result: ping,
        note: 'GET /ping → {"status":"ok"}, Fastify defaults, no logger',
      },
      {
        id: 'B2',
        name: 'minimal Fastify + `pg` Pool: SELECT by primary key',
        database: 'PostgreSQL',
        result: read,
        note: `GET /items/:id, random id of ${formatCount(TABLE_ROWS)} rows, pool ${POOL_SIZE}`,
      },
      {
        id: 'B3',
        name: 'minimal Fastify + `pg` Pool: single-row INSERT',
        database: 'PostgreSQL',
        result: insert,
        note: `POST /items, one INSERT … RETURNING id per request (autocommit), pool ${POOL_SIZE}`,
      },
    ];
  } finally {
    await app.close();
  }
}

// ---------------------------------------------------------------------------------------------
// O1, O2: OneCity through buildApp

async function gridTargets(db: Kysely<Database>): Promise<GridTarget[]> {
  const { rows } = await sql<{ code: string; center_lat: number; center_lon: number }>`
    SELECT code, center_lat, center_lon FROM zones
    WHERE city_id = ${DEMO_CITY} AND level = 'grid'
    ORDER BY code LIMIT ${O2_TARGETS}`.execute(db);
  return rows.map((r) => ({ code: r.code, lat: Number(r.center_lat), lon: Number(r.center_lon) }));
}

/** Picks the O2 endpoint: the first candidate answering 200 on the seeded data, or why there is none. */
async function chooseO2(
  app: FastifyInstance,
): Promise<{ name: string; paths: string[]; checked: string } | { missing: string }> {
  const targets = await gridTargets(app.platform.db);
  if (targets.length === 0) {
    return { missing: `no grid zones of "${DEMO_CITY}" after seedDemo (the demo data is not there yet)` };
  }
  const tried: string[] = [];
  for (const candidate of O2_CANDIDATES) {
    const first = candidate.path(targets[0]!);
    const response = await app.inject({ method: 'GET', url: first });
    if (response.statusCode !== 200) {
      tried.push(`GET ${first} → ${response.statusCode}`);
      continue;
    }
    const sample = targets.slice(0, O2_SAMPLE);
    let right = 0;
    for (const target of sample) {
      const answer = await app.inject({ method: 'GET', url: candidate.path(target) });
      if (answer.statusCode === 200 && candidate.answers(answer.json(), target)) right++;
    }
    log(`O2 uses GET ${first} → 200 ${response.body.slice(0, 160)}…`);
    const checked = `${right} of ${sample.length} sampled grids answered with their own grid`;
    return { name: candidate.name, paths: targets.map(candidate.path), checked };
  }
  return { missing: `no candidate endpoint answers 200 yet (${tried.join('; ')})` };
}

async function benchOneCity(
  kind: 'PostgreSQL' | 'PGlite',
  databaseUrl: string | undefined,
  options: Options,
  cleanups: Cleanups,
): Promise<{ rows: Row[]; serverVersion: string; seedNote: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'onecity-bench-'));
  cleanups.add(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
  log(`OneCity on ${kind}: buildApp (opens and migrates the database)`);
  const began = performance.now();
  const app = await buildApp(oneCityConfig(dataDir, databaseUrl));
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const startupMs = Math.round(performance.now() - began);
    const url = urlOf(app.server);
    const version = await sql<{ server_version: string }>`SHOW server_version`.execute(app.platform.db);
    const serverVersion = version.rows[0]?.server_version ?? 'unknown';
    const rows: Row[] = [];

    const health = await measure(`O1 OneCity /healthz [${kind}]`, { url, paths: ['/healthz'] }, options);
    rows.push({
      id: 'O1',
      name: 'OneCity `GET /healthz` (buildApp, all platform plugins)',
      database: kind,
      result: health,
      note: `startup (open + migrate + plugins) ${formatCount(startupMs)} ms`,
    });

    log(`OneCity on ${kind}: seedDemo`);
    const seeded = await seedDemo(app.platform.db);
    const seedNote = `seedDemo created ${seeded.tenants} tenants, ${seeded.departments} departments, ${seeded.zones} zones`;
    const o2 = await chooseO2(app);
    if ('missing' in o2) {
      log(`O2 [${kind}] not measured: ${o2.missing}`);
      rows.push({
        id: 'O2',
        name: 'OneCity read on the demo city',
        database: kind,
        note: `not measured: ${o2.missing}`,
      });
    } else {
      const read = await measure(`O2 OneCity read [${kind}]`, { url, paths: o2.paths }, options);
      const example = o2.paths[0]!.replace(/\?.*$/, '?…').replace(/zones\/[^/?]+$/, 'zones/:code');
      rows.push({
        id: 'O2',
        name: `OneCity read: ${o2.name}`,
        database: kind,
        result: read,
        note: `GET ${example} over ${o2.paths.length} grids of ${DEMO_CITY} (${o2.checked})`,
      });
    }

    // O3: an authenticated, authorised read — session lookup, access check, profile decryption.
    const me = await signedInCitizen(app.platform.db, app.platform.config, systemClock, {
      name: '李华',
      phone: '13800138000',
    });
    const profile = await measure(
      `O3 OneCity /me [${kind}]`,
      { url, paths: ['/api/v1/me'], headers: me.read },
      options,
    );
    rows.push({
      id: 'O3',
      name: 'OneCity `GET /api/v1/me` as a signed-in citizen',
      database: kind,
      result: profile,
      note: 'session cookie → principal → access check → profile with masked phone (decrypted, masked)',
    });
    return { rows, serverVersion, seedNote };
  } finally {
    await app.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
}

function render(
  rows: Row[],
  options: Options,
  versions: { postgres: string; pglite: string },
  seedNote: string,
  loadAtStart: number,
) {
  const machine = describeMachine();
  const find = (id: string, database = 'PostgreSQL') =>
    rows.find((r) => r.id === id && (r.database === database || r.database === '—'));
  const rps = (id: string, database?: string) => find(id, database)?.result?.requestsPerSecond;
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');

  const results = markdownTable(
    ['id', 'benchmark', 'database', 'req/s', 'p50 ms', 'p99 ms', 'rows/s', 'notes'],
    ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'l'],
    rows.map((r) => {
      const problems = r.result
        ? [r.result.non2xx && `${r.result.non2xx} non-2xx`, r.result.errors && `${r.result.errors} errors`]
        : [];
      const note = [r.note, ...problems.filter(Boolean)].join('; ');
      return [
        r.id,
        r.name,
        r.database,
        formatCount(r.result?.requestsPerSecond),
        r.result ? String(r.result.p50Ms) : '—',
        r.result ? String(r.result.p99Ms) : '—',
        r.rowsPerSecond !== undefined ? formatCount(r.rowsPerSecond) : r.id === 'B3' ? formatCount(rps('B3')) : '—',
        note,
      ];
    }),
  );

  const copyRate = find('B4')?.rowsPerSecond;
  const comparisons: [string, number | undefined, number | undefined, string][] = [
    ['B1F/B1', rps('B1F'), rps('B1'), 'minimal Fastify vs raw node:http'],
    ['B2/B1F', rps('B2'), rps('B1F'), 'a primary-key read through pg vs the same Fastify without a database'],
    ['B2/B1', rps('B2'), rps('B1'), 'minimal Fastify + pg read vs raw node:http'],
    ['B3/B2', rps('B3'), rps('B2'), 'single-row INSERT vs primary-key SELECT, same server'],
    ['B4/B3', copyRate, rps('B3'), 'rows/s by COPY vs by one INSERT per request'],
    ['O3/B2', rps('O3'), rps('B2'), 'authenticated OneCity /me vs minimal Fastify + pg read (goal ≥ 0.5)'],
    ['O3 PGlite/PostgreSQL', rps('O3', 'PGlite'), rps('O3'), 'OneCity /me, embedded PGlite vs PostgreSQL'],
    ['O1/B1', rps('O1'), rps('B1'), 'OneCity /healthz vs raw node:http'],
    ['O1/B1F', rps('O1'), rps('B1F'), 'OneCity /healthz vs minimal Fastify /ping: what the platform plugins cost'],
    ['O1/B2', rps('O1'), rps('B2'), 'OneCity /healthz (no database) vs minimal Fastify + pg read'],
    ['O2/B2', rps('O2'), rps('B2'), 'OneCity read vs minimal Fastify + pg read'],
    ['O2/O1', rps('O2'), rps('O1'), 'OneCity read vs OneCity /healthz'],
    ['O1 PGlite/PostgreSQL', rps('O1', 'PGlite'), rps('O1'), 'OneCity /healthz, embedded PGlite vs PostgreSQL'],
    ['O2 PGlite/PostgreSQL', rps('O2', 'PGlite'), rps('O2'), 'OneCity read, embedded PGlite vs PostgreSQL'],
    [
      'O2 PGlite/B2',
      rps('O2', 'PGlite'),
      rps('B2'),
      'OneCity read on PGlite vs minimal Fastify + pg read on PostgreSQL',
    ],
  ];
  const ratios = markdownTable(
    ['ratio', 'value', 'what it compares'],
    ['l', 'r', 'l'],
    comparisons.map(([label, a, b, what]) => [label, formatRatio(ratio(a, b)), what]),
  );

  const kind = options.quick
    ? `**Quick run** (\`--quick\`: ${options.durationSeconds} s per benchmark after a ${options.warmupSeconds} s warm-up) — a smoke run, indicative only.`
    : `Full run: ${options.durationSeconds} s per benchmark after a ${options.warmupSeconds} s warm-up.`;
  return [
    '## Latest figures',
    '',
    `${kind} ${options.connections} connections. Run at ${when}.`,
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB RAM; Node ${machine.node}; ` +
      `PostgreSQL ${versions.postgres}; PGlite ${versions.pglite}. One-minute load average ${loadAtStart.toFixed(2)} at the start of the run, ` +
      `${machine.loadAverage.toFixed(2)} at its end (the run itself adds about 2).`,
    '',
    'The load generator (autocannon, in a worker thread of the benchmark process), the servers under test (on the ' +
      `process's main thread) and PostgreSQL all share these ${machine.cpus} cores: compare the ratios, not the ` +
      'absolute figures with other machines. Latency is autocannon’s, over 2xx responses, at 1 ms resolution.',
    '',
    results,
    '',
    ratios,
    '',
    `Demo data: ${seedNote}.`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseOptions(process.argv.slice(2), 'bench:baseline', 'the latest figures');
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
      'load generator and servers share this machine (autocannon runs in a worker thread)',
  );

  const adminUrl = loadTestServices().postgresUrl;
  const scratch = await createScratchDatabase(adminUrl, cleanups, log);
  const postgresVersion = scratch.serverVersion;
  const scratchUrl = scratch.url;

  try {
    const rows: Row[] = [];
    rows.push(await benchRawHttp(options));

    const pool = new pg.Pool({ connectionString: scratchUrl, max: POOL_SIZE });
    try {
      const copy = await benchCopy(pool);
      rows.push(...(await benchMinimalFastify(pool, options)), copy);
    } finally {
      await pool.end();
    }

    const onPostgres = await benchOneCity('PostgreSQL', scratchUrl, options, cleanups);
    rows.push(...onPostgres.rows);
    const onPglite = await benchOneCity('PGlite', undefined, options, cleanups);
    rows.push(...onPglite.rows);

    const report = render(
      rows,
      options,
      { postgres: postgresVersion, pglite: `${pgliteVersion()} (PostgreSQL ${onPglite.serverVersion})` },
      onPostgres.seedNote,
      machine.loadAverage,
    );
    process.stdout.write(`${report}\n`);
    if (options.writeDocs) {
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
