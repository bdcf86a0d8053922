/**
 * Catalog search (digital government) against the baseline, measured in one run on one machine,
 * over the demo city's catalog expanded to 2,500 services (`generateCatalog`):
 *
 *   B3  minimal Fastify + pg Pool, single-row INSERT (the baseline's B3)           req/s
 *   S1  GET /api/v1/cities/lingnan/services/search, 50 connections, closed loop    req/s, p50/p99   PostgreSQL
 *   S2  the same at half of S1's rate, evenly paced (open loop)                    p99              PostgreSQL
 *   S3  the same searches as S1 with nothing from memory (every one runs the statement) req/s, p50/p99 PostgreSQL
 *   S4  S1 on embedded PGlite                                                      req/s, p50/p99   PGlite
 *   S5  S1's searches through this script's route, answer cache on (search alone)  req/s, p50/p99   PostgreSQL
 *   S6  S1 right after a change to the catalog (every answer dropped), no warm-up  req/s, p50/p99   PostgreSQL
 *
 * Goal: S1's p99 ≤ 20 ms (issue 5: catalog search p99 at 50 connections over 2,500 services).
 *
 * Usage: npm run bench:search -- [--duration 10] [--connections 50] [--quick] [--write-docs]
 *
 * The searches: what people type (colloquial and official Chinese, English, typos, and the
 * empty query that lists the catalog), 40 % of them with one or two facet filters, 10 % asking
 * for the second page; how often each distinct request comes follows Zipf's law (s = 1), as
 * query logs do. S1, S2, S4 and S6 go through the government module's route (the search, whose
 * hits carry the services' summaries); S3 goes through a route of this script that calls
 * platform/search's `searchDocuments` with `cache: false, inMemory: false`, so that every request
 * runs the search statement.
 * See "Catalog search" in docs/BENCHMARKS.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../apps/server/src/app.ts';
import { loadTestServices } from '../apps/server/src/config.ts';
import { seedDemo } from '../apps/server/src/flows/seed-demo.ts';
import { importCatalog } from '../apps/server/src/modules/government/index.ts';
import { requestLocale } from '../apps/server/src/platform/http/problem.ts';
import { access } from '../apps/server/src/platform/identity/access.ts';
import {
  answerCacheCounts,
  defineCollection,
  type SearchOptions,
  type SearchRequest,
  searchDocuments,
} from '../apps/server/src/platform/search/index.ts';
import { seededRandom } from '../apps/server/src/testing/races.ts';
import { demoDepartments } from '../demo/departments.ts';
import { demoCertificateTypes, demoLifeEvents, demoServiceThemes, generateCatalog } from '../demo/services.ts';
import pkg from '../package.json' with { type: 'json' };
import {
  B3_REQUEST,
  Cleanups,
  createBenchTable,
  createScratchDatabase,
  type LoadResult,
  type LoadSpec,
  MINIMAL_POOL_SIZE,
  measure,
  minimalFastify,
  type Options,
  oneCityConfig,
  parseOptions,
  runLoad,
  urlOf,
} from './load.ts';
import { describeMachine, formatCount, formatRatio, formatWithBiome, markdownTable, writeSection } from './report.ts';

const CITY = 'lingnan';
const SERVICES = 2_500;
const SEARCH_PATH = `/api/v1/cities/${CITY}/services/search`;
/** The routes of this script for S3 and S5: the search alone (no route around it), nothing from memory and all of it. */
const UNCACHED_PATH = '/bench/search-uncached';
const CACHED_PATH = '/bench/search-cached';
/** The collection the government module indexes services into (modules/government/search.ts). */
const servicesCollection = defineCollection('services', {
  facets: ['department', 'theme', 'lifeEvent', 'audience', 'visits'],
});
/** Rows in B3's table (as in the baseline). */
const TABLE_ROWS = 100_000;
/** Distinct requests of the mix, and entries of the list the load generator picks from. */
const DISTINCT = 3_000;
const PICKS = 30_000;
/** Searches run one at a time without the cache before the load, for the latency of one search alone. */
const ALONE = 300;
const SEED = 20_261_122;
const GOAL_P99_MS = 20;
const DOCS_FILE = new URL('../docs/BENCHMARKS.md', import.meta.url);
const DOCS_SECTION = 'bench:search';

const log = (message: string) => process.stderr.write(`[search] ${message}\n`);

/** What people type into the catalog's search box; the first ones are the most frequent. */
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
  '办身份证',
  '社保卡丢了',
  '生孩子',
  '结婚登记',
  '退休',
  '失业金怎么领',
  '低保',
  '开无犯罪记录证明',
  '异地就医备案',
  '医保报销',
  '营业执照丢了',
  '开公司',
  '养狗要办什么',
  '二手车过户',
  '租房提取公积金',
  '幼儿园报名',
  '小升初',
  '个税汇算',
  '居住证',
  '出生证明',
  '工伤认定',
  '公租房申请',
  '网约车司机证',
  '港澳通行证',
  '驾照到期换证',
  '居民身份证补领',
  '食品经营许可',
  '住房公积金缴存证明',
  '不动产登记',
  '买房',
  '残疾人补贴',
  '老年人优待证',
  '食品摊贩',
  '排污许可',
  '施工许可证',
  '消防检查',
  '发票',
  '个体户注册',
  '人才引进入户',
  '新生儿医保',
  'passport',
  'lost id card',
  'marriage registration',
  'renew driving licence',
  'unemployment benefit',
  'open a restaurant',
  'housing fund withdrawal for rent',
  'dog registration',
  'birth certificate',
  'business licence',
  'social security card',
  'medical insurance',
  'pension',
  'public rental housing',
  'certificate of no criminal record',
  'residence permit',
  'tax',
  'construction permit',
  '身分证补领',
  'pasport',
  'marrige registration',
  'restuarant',
  'unemploymnet benefit',
  '社保咔补办',
  '公积金题取',
  '驾驶正',
];

/** One request of the mix, as the route's query string takes it. */
interface SearchParams {
  q: string;
  department?: string;
  theme?: string;
  lifeEvent?: string;
  audience?: 'citizen' | 'enterprise';
  zeroVisit?: 'true' | 'false';
  page: number;
}

/** `DISTINCT` different requests: queries weighted towards the popular ones, facets, pages. */
function distinctRequests(): SearchParams[] {
  const random = seededRandom(SEED);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  // Popular queries more often: the i-th query is chosen with weight 1 / (i + 1).
  const weights = QUERIES.map((_, i) => 1 / (i + 1));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const query = () => {
    let r = random() * totalWeight;
    for (let i = 0; i < QUERIES.length; i++) {
      r -= weights[i] ?? 0;
      if (r <= 0) return QUERIES[i] as string;
    }
    return QUERIES[0] as string;
  };
  const filters: ((p: SearchParams) => void)[] = [
    (p) => {
      p.department = pick(demoDepartments).code;
    },
    (p) => {
      p.theme = pick(demoServiceThemes).code;
    },
    (p) => {
      p.lifeEvent = pick(demoLifeEvents).code;
    },
    (p) => {
      p.audience = random() < 0.6 ? 'citizen' : 'enterprise';
    },
    (p) => {
      p.zeroVisit = random() < 0.8 ? 'true' : 'false';
    },
  ];
  const seen = new Set<string>();
  const out: SearchParams[] = [];
  for (let tries = 0; out.length < DISTINCT && tries < DISTINCT * 50; tries++) {
    const p: SearchParams = { q: query(), page: random() < 0.1 ? 2 : 1 };
    const r = random();
    if (r < 0.25) pick(filters)(p);
    else if (r < 0.4) {
      pick(filters)(p);
      pick(filters)(p);
    }
    const key = pathOf(SEARCH_PATH, p);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

function pathOf(base: string, p: SearchParams): string {
  const params = new URLSearchParams();
  if (p.q !== '') params.set('q', p.q);
  for (const key of ['department', 'theme', 'lifeEvent', 'audience', 'zeroVisit'] as const) {
    const value = p[key];
    if (value) params.set(key, value);
  }
  if (p.page !== 1) params.set('page', String(p.page));
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

/** `PICKS` paths in which the distinct requests occur by Zipf's law (s = 1), in random order. */
function zipfPaths(requests: readonly SearchParams[], base: string): string[] {
  const random = seededRandom(SEED + 1);
  const weights = requests.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const paths: string[] = [];
  requests.forEach((r, i) => {
    const n = Math.max(1, Math.round(((weights[i] ?? 0) / total) * PICKS));
    for (let k = 0; k < n; k++) paths.push(pathOf(base, r));
  });
  for (let i = paths.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [paths[i], paths[j]] = [paths[j] as string, paths[i] as string];
  }
  return paths;
}

/** The search request the uncached route makes of a query string (what the government route does, without the cache). */
function searchRequestOf(query: Record<string, string | undefined>, locale: SearchRequest['locale']): SearchRequest {
  const filters: Record<string, string[]> = {};
  for (const key of ['department', 'theme', 'lifeEvent'] as const) {
    const v = query[key];
    if (v) filters[key] = v.split(',');
  }
  if (query.audience) filters.audience = [query.audience];
  if (query.zeroVisit) filters.visits = [query.zeroVisit === 'true' ? '0' : '1'];
  return {
    cityId: CITY,
    collection: servicesCollection,
    query: query.q ?? '',
    locale,
    filters,
    facets: servicesCollection.facets,
    page: Number(query.page ?? 1),
    pageSize: 10,
  };
}

/** One line of the results table. */
interface Row {
  id: string;
  name: string;
  database: 'PostgreSQL' | 'PGlite';
  result: LoadResult;
  notes: string[];
}

/** OneCity with the demo city and its catalog expanded to `SERVICES` services, listening. */
async function oneCity(databaseUrl: string | undefined, cleanups: Cleanups, kind: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'onecity-bench-'));
  cleanups.add(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
  log(`OneCity on ${kind}: buildApp (opens and migrates the database), seedDemo`);
  const app = await buildApp(oneCityConfig(dataDir, databaseUrl));
  for (const [path, options] of [
    [UNCACHED_PATH, STATEMENT],
    [CACHED_PATH, {}],
  ] as const) {
    app.get(path, { config: { access: access.public() } }, async (request) =>
      searchDocuments(
        app.platform.db,
        searchRequestOf(request.query as Record<string, string>, requestLocale(request)),
        options,
      ),
    );
  }
  try {
    await seedDemo(app.platform.db);
    const began = performance.now();
    const catalog = generateCatalog(SERVICES);
    const imported = await app.platform.db.transaction().execute((trx) =>
      importCatalog(
        trx,
        CITY,
        {
          themes: demoServiceThemes,
          lifeEvents: demoLifeEvents,
          certificateTypes: demoCertificateTypes,
          services: catalog,
          bundles: [],
        },
        { note: 'Search benchmark', createdBy: null, now: new Date() },
      ),
    );
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM search_documents WHERE city_id = ${CITY} AND collection = 'services'`.execute(
      app.platform.db,
    );
    const indexed = rows[0]?.n ?? 0;
    log(
      `${kind}: catalog of ${catalog.length} services imported and indexed in ${((performance.now() - began) / 1000).toFixed(1)} s ` +
        `(${imported.services.created} new); ${indexed} documents in the index`,
    );
    if (indexed < SERVICES) throw new Error(`only ${indexed} services are in the search index, not ${SERVICES}`);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const version = await sql<{ server_version: string }>`SHOW server_version`.execute(app.platform.db);
    return {
      app,
      url: urlOf(app.server),
      serverVersion: version.rows[0]?.server_version ?? 'unknown',
      indexed,
      catalog,
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** Every request of a sample must answer 200 through the route; answers the share with results. */
async function probe(app: FastifyInstance, requests: readonly SearchParams[]): Promise<number> {
  let withResults = 0;
  for (const r of requests.slice(0, 200)) {
    const answer = await app.inject({ method: 'GET', url: pathOf(SEARCH_PATH, r) });
    if (answer.statusCode !== 200) {
      throw new Error(`GET ${pathOf(SEARCH_PATH, r)} answered ${answer.statusCode}: ${answer.body.slice(0, 300)}`);
    }
    if ((answer.json() as { total: number }).total > 0) withResults++;
  }
  return withResults / Math.min(200, requests.length);
}

/** Searches that run the search statement every time: no answer, hit set or browse table from memory. */
const STATEMENT: SearchOptions = { cache: false, inMemory: false };

/**
 * Median and 99th percentile of `ALONE` searches without the answer cache run one at a time on an
 * idle server: the statement every time, or (`inMemory`) from the hit sets of the queries asked.
 */
async function searchAlone(app: FastifyInstance, requests: readonly SearchParams[], inMemory: boolean) {
  const times: number[] = [];
  for (let i = 0; i < ALONE; i++) {
    const r = requests[i % requests.length] as SearchParams;
    const began = performance.now();
    await searchDocuments(
      app.platform.db,
      searchRequestOf(Object.fromEntries(new URLSearchParams(pathOf('', r).slice(1))), 'zh-CN'),
      inMemory ? { cache: false } : STATEMENT,
    );
    times.push(performance.now() - began);
  }
  const later = times.slice(ALONE / 3).sort((a, b) => a - b);
  const at = (q: number) => later[Math.min(later.length - 1, Math.floor(q * later.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}

/** One search at a time on the idle server: running the statement, and in memory. */
interface Alone {
  statement: { p50: number; p99: number };
  inMemory: { p50: number; p99: number };
}

/** What the answer cache did during a measured run, and what it keeps at its end. */
interface CacheUse {
  hitRate: number;
  kept: number;
  megabytes: number;
}

/** The answer cache's use from `before` until now. */
function cacheUseSince(before: ReturnType<typeof answerCacheCounts>): CacheUse {
  const after = answerCacheCounts();
  const hits = after.hits - before.hits;
  const misses = after.misses - before.misses;
  return {
    hitRate: hits + misses > 0 ? hits / (hits + misses) : 0,
    kept: after.kept,
    megabytes: after.bytes / 2 ** 20,
  };
}

/**
 * Runs a load after a warm-up (none with `cold`) and counts the answers served from memory during
 * the measured part.
 */
async function counted(
  label: string,
  spec: Omit<LoadSpec, 'durationSeconds' | 'connections'>,
  options: Options,
  cold = false,
): Promise<{ result: LoadResult } & CacheUse> {
  const base = { ...spec, connections: options.connections };
  if (!cold) {
    log(`${label}: warm-up ${options.warmupSeconds} s`);
    await runLoad({ ...base, durationSeconds: options.warmupSeconds });
  }
  log(`${label}: ${options.durationSeconds} s × ${options.connections} conn`);
  const before = answerCacheCounts();
  const result = await runLoad({ ...base, durationSeconds: options.durationSeconds });
  const use = cacheUseSince(before);
  log(
    `${label}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; ` +
      `${pct(use.hitRate)} from memory, ${formatCount(use.kept)} answers kept (${use.megabytes.toFixed(0)} MB)`,
  );
  return { result, ...use };
}

/** The note on the answer cache of a row. */
const cacheNote = (use: CacheUse) =>
  `${pct(use.hitRate)} answered from the search's memory (${formatCount(use.kept)} answers kept, about ${use.megabytes.toFixed(0)} MB)`;

const pct = (x: number) => `${Math.round(100 * x)} %`;
const ms = (x: number) => x.toFixed(1);

async function benchOneCity(
  kind: 'PostgreSQL' | 'PGlite',
  databaseUrl: string | undefined,
  requests: readonly SearchParams[],
  options: Options,
  cleanups: Cleanups,
): Promise<{ rows: Row[]; serverVersion: string; alone: Alone; answered: number }> {
  const { app, url, serverVersion, catalog } = await oneCity(databaseUrl, cleanups, kind);
  try {
    const answered = await probe(app, requests);
    const alone = {
      statement: await searchAlone(app, requests, false),
      inMemory: await searchAlone(app, requests, true),
    };
    log(
      `${kind}: one search alone (idle server): the statement p50 ${ms(alone.statement.p50)} ms, p99 ${ms(alone.statement.p99)} ms; ` +
        `in memory p50 ${ms(alone.inMemory.p50)} ms, p99 ${ms(alone.inMemory.p99)} ms`,
    );
    const paths = zipfPaths(requests, SEARCH_PATH);
    const rows: Row[] = [];
    const s1 = await counted(`S ${kind}`, { url, paths }, options);
    const zipf = `${formatCount(requests.length)} distinct requests, Zipf s = 1`;
    rows.push({
      id: kind === 'PostgreSQL' ? 'S1' : 'S4',
      name: 'catalog search through the government route, as fast as it answers',
      database: kind,
      result: s1.result,
      notes: [
        `${zipf}; ${cacheNote(s1)}` +
          // One process runs both servers: the PostgreSQL server's answers are kept until pushed out.
          (kind === 'PGlite' ? ', the PostgreSQL server’s answers still among them' : ''),
      ],
    });
    if (kind === 'PostgreSQL') {
      const half = Math.max(1, Math.floor(s1.result.requestsPerSecond / 2));
      log(`S2: ${half} req/s, evenly paced, ${options.durationSeconds} s`);
      const before = answerCacheCounts();
      const s2 = await runLoad({
        url,
        paths,
        connections: options.connections,
        durationSeconds: options.durationSeconds,
        rate: half,
      });
      const after = answerCacheCounts();
      const hits = after.hits - before.hits;
      const hitRate = hits / Math.max(1, hits + after.misses - before.misses);
      log(`S2: ${formatCount(s2.requestsPerSecond)} req/s, p99 ${s2.p99Ms} ms`);
      rows.push({
        id: 'S2',
        name: 'the same at half of S1’s rate, evenly paced',
        database: kind,
        result: s2,
        notes: [
          `${half} req/s offered (open loop); latency from when each request was due; ${pct(hitRate)} from memory`,
        ],
      });
      const s3 = await counted('S3 uncached', { url, paths: zipfPaths(requests, UNCACHED_PATH) }, options);
      rows.push({
        id: 'S3',
        name: 'the same searches with nothing from memory (`searchDocuments`, `cache: false, inMemory: false`)',
        database: kind,
        result: s3.result,
        notes: ['every request runs the search statement; the route of this script'],
      });
      const s5 = await counted('S5 search alone', { url, paths: zipfPaths(requests, CACHED_PATH) }, options);
      rows.push({
        id: 'S5',
        name: 'S1’s searches alone (`searchDocuments` with its cache, no route around it)',
        database: kind,
        result: s5.result,
        notes: [`the route of this script, answers serialised by Fastify each time; ${cacheNote(s5)}`],
      });
      // A change to one service drops every answer of the city: S6 measures the load from then on.
      const first = catalog[0] as (typeof catalog)[number];
      await app.platform.db.transaction().execute((trx) =>
        importCatalog(
          trx,
          CITY,
          {
            themes: demoServiceThemes,
            lifeEvents: demoLifeEvents,
            certificateTypes: demoCertificateTypes,
            services: [
              { ...first, summary: { zh: `${first.summary.zh}（已更新）`, en: `${first.summary.en} (updated)` } },
            ],
            bundles: [],
          },
          { note: 'Search benchmark: a change', createdBy: null, now: new Date() },
        ),
      );
      const s6 = await counted('S6 after a change', { url, paths }, options, true);
      rows.push({
        id: 'S6',
        name: 'S1 from the moment a service changes (every answer of the city dropped), no warm-up',
        database: kind,
        result: s6.result,
        notes: [cacheNote(s6)],
      });
    }
    return { rows, serverVersion, alone, answered };
  } finally {
    await app.close();
  }
}

/** B3: the baseline's minimal Fastify + pg server, single-row INSERT per request. */
async function benchB3(scratchUrl: string, options: Options): Promise<Row> {
  const pool = new pg.Pool({ connectionString: scratchUrl, max: MINIMAL_POOL_SIZE });
  try {
    log(`B3: bench table with ${formatCount(TABLE_ROWS)} rows (COPY)`);
    await createBenchTable(pool, TABLE_ROWS);
    const app = await minimalFastify(pool);
    try {
      const result = await measure('B3 Fastify+pg insert', { url: urlOf(app.server), ...B3_REQUEST }, options, log);
      return {
        id: 'B3',
        name: 'minimal Fastify + `pg` Pool: single-row INSERT (baseline)',
        database: 'PostgreSQL',
        result,
        notes: [`POST /items, one INSERT … RETURNING id per request (autocommit), pool ${MINIMAL_POOL_SIZE}`],
      };
    } finally {
      await app.close();
    }
  } finally {
    await pool.end();
  }
}

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

function render(
  rows: Row[],
  options: Options,
  versions: { postgres: string; pglite: string },
  alone: { postgres: Alone; pglite: Alone },
  answered: number,
  distinct: number,
  loadAtStart: number,
): string {
  const machine = describeMachine();
  const find = (id: string) => rows.find((r) => r.id === id)?.result;
  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const results = markdownTable(
    ['id', 'benchmark', 'database', 'req/s', 'p50 ms', 'p99 ms', 'notes'],
    ['l', 'l', 'l', 'r', 'r', 'r', 'l'],
    rows.map((r) => [
      r.id,
      r.name,
      r.database,
      formatCount(r.result.requestsPerSecond),
      String(r.result.p50Ms),
      String(r.result.p99Ms),
      [...r.notes, ...problemsOf(r)].join('; '),
    ]),
  );
  const verdict = (met: boolean | undefined) => (met === undefined ? '' : met ? 'met' : '**not met**');
  const p99 = find('S1')?.p99Ms;
  const goals = markdownTable(
    ['measure', 'value', 'goal', '', 'what it compares'],
    ['l', 'r', 'r', 'l', 'l'],
    [
      [
        'S1 p99',
        p99 === undefined ? 'n/a' : `${p99} ms`,
        `≤ ${GOAL_P99_MS} ms`,
        verdict(p99 === undefined ? undefined : p99 <= GOAL_P99_MS),
        `catalog search at ${options.connections} connections over ${formatCount(SERVICES)} services`,
      ],
      ['S2 p99', `${find('S2')?.p99Ms ?? 'n/a'} ms`, '—', '', 'search latency at half of the maximum rate'],
      [
        'S6 p99',
        `${find('S6')?.p99Ms ?? 'n/a'} ms`,
        '—',
        '',
        `S1's load from the moment a service changes (no answer in memory), over ${options.durationSeconds} s`,
      ],
      [
        'S1/B3',
        formatRatio(ratio(find('S1')?.requestsPerSecond, find('B3')?.requestsPerSecond)),
        '—',
        '',
        'a catalog search vs one single-row INSERT through minimal Fastify + pg',
      ],
      [
        'S3/B3',
        formatRatio(ratio(find('S3')?.requestsPerSecond, find('B3')?.requestsPerSecond)),
        '—',
        '',
        'a search that always runs SQL vs the same INSERT',
      ],
      [
        'S5/S1',
        formatRatio(ratio(find('S5')?.requestsPerSecond, find('S1')?.requestsPerSecond)),
        '—',
        '',
        'the search alone (its answer serialised every time) vs the government route (answers kept as bytes)',
      ],
      [
        'S4/S1',
        formatRatio(ratio(find('S4')?.requestsPerSecond, find('S1')?.requestsPerSecond)),
        '—',
        '',
        'catalog search on embedded PGlite vs PostgreSQL',
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
    `One search alone (\`searchDocuments\` without the answer cache, one at a time on the idle server, ${ALONE} searches of the mix), ` +
      `running the statement: PostgreSQL p50 ${ms(alone.postgres.statement.p50)} ms, p99 ${ms(alone.postgres.statement.p99)} ms; ` +
      `PGlite p50 ${ms(alone.pglite.statement.p50)} ms, p99 ${ms(alone.pglite.statement.p99)} ms. ` +
      `In memory (the hit sets of queries asked before): PostgreSQL p50 ${ms(alone.postgres.inMemory.p50)} ms, ` +
      `p99 ${ms(alone.postgres.inMemory.p99)} ms; PGlite p50 ${ms(alone.pglite.inMemory.p50)} ms, p99 ${ms(alone.pglite.inMemory.p99)} ms. ` +
      `${pct(answered)} of a sample of the ${formatCount(distinct)} distinct requests find at least one service.`,
  ].join('\n');
}

async function main() {
  const options = parseOptions(process.argv.slice(2), 'bench:search', 'the search figures');
  const cleanups = new Cleanups(log);
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted: cleaning up');
    void cleanups.runAll().then(() => process.exit(130));
  });
  const machine = describeMachine();
  log(`${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load average ${machine.loadAverage.toFixed(2)}`);
  const adminUrl = loadTestServices(process.env).postgresUrl;
  const requests = distinctRequests();
  log(`${requests.length} distinct search requests`);
  try {
    const scratch = await createScratchDatabase(adminUrl, cleanups, log);
    const rows: Row[] = [await benchB3(scratch.url, options)];
    const onPostgres = await benchOneCity('PostgreSQL', scratch.url, requests, options, cleanups);
    rows.push(...onPostgres.rows);
    const onPglite = await benchOneCity('PGlite', undefined, requests, options, cleanups);
    rows.push(...onPglite.rows);
    const report = render(
      rows,
      options,
      {
        postgres: scratch.serverVersion,
        pglite: `${pkg.dependencies['@electric-sql/pglite']} (PostgreSQL ${onPglite.serverVersion})`,
      },
      { postgres: onPostgres.alone, pglite: onPglite.alone },
      onPostgres.answered,
      requests.length,
      machine.loadAverage,
    );
    process.stdout.write(`${report}\n`);
    const failed = rows.filter((r) => problemsOf(r).length > 0);
    if (failed.length > 0) {
      log(`not a result: ${failed.map((r) => `${r.id} ${problemsOf(r).join(', ')}`).join('; ')}`);
      if (options.writeDocs) log('docs/BENCHMARKS.md left as it was');
      process.exitCode = 1;
    } else if (options.writeDocs) {
      await writeSection(DOCS_FILE, DOCS_SECTION, formatWithBiome(report, 'docs/BENCHMARKS.md', log));
      log('wrote the figures into docs/BENCHMARKS.md');
    }
  } finally {
    if (!interrupted) await cleanups.runAll();
  }
}

await main();
