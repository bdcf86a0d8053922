/**
 * Application submission (digital government) against the baseline, measured in one run:
 *
 *   B3  minimal Fastify + pg Pool, single-row INSERT (the baseline's B3)         req/s
 *   S1  POST /api/v1/me/applications/{id}/submit, as fast as it answers          req/s   PostgreSQL
 *   S2  the same                                                                  req/s   PGlite
 *
 * Reported: S1/B3 (application submission as a ratio to the baseline) and S2/S1.
 *
 * A submission checks the answers against the service's form (JSON Schema) and every required
 * material, publishes (or finds) the service's workflow definition, starts the workflow
 * instance with its first task, deadline and timers in working days, gives a tracking number,
 * and writes the timeline entry, the outbox events and the audit entry — one transaction.
 * Each request submits a different draft, made complete beforehand through the API's own
 * functions (pre-filled from the applicant's profile, the rest of the form filled in).
 *
 * Usage: npm run bench:application -- [--duration 10] [--connections 50] [--quick] [--write-docs]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../apps/server/src/app.ts';
import { loadTestServices } from '../apps/server/src/config.ts';
import { seedDemo } from '../apps/server/src/flows/seed-demo.ts';
import { createDraft, saveAnswers } from '../apps/server/src/modules/government/applications.ts';
import { findService } from '../apps/server/src/modules/government/catalog.ts';
import { createPiiVault } from '../apps/server/src/platform/identity/pii.ts';
import { systemClock } from '../apps/server/src/platform/time/clock.ts';
import { signedInCitizen, type TestSignIn } from '../apps/server/src/testing/identity.ts';
import { sampleApplication } from '../demo/services.ts';
import {
  B3_REQUEST,
  Cleanups,
  createBenchTable,
  createScratchDatabase,
  type LoadResult,
  MINIMAL_POOL_SIZE,
  minimalFastify,
  type Options,
  oneCityConfig,
  type PlannedRequest,
  parseOptions,
  runLoad,
  urlOf,
} from './load.ts';
import { describeMachine, formatCount, formatRatio, markdownTable, writeSection } from './report.ts';

const CITY = 'lingnan';
/** A zero-visit citizen service of the demo catalog with no uploads: a form, one department, two steps. */
const SERVICE = 'fire-hazard-report';
const APPLICANTS = 200;
const TABLE_ROWS = 100_000;
const DOCS_FILE = new URL('../docs/BENCHMARKS.md', import.meta.url);
const DOCS_SECTION = 'bench:application';

const log = (message: string) => process.stderr.write(`[application] ${message}\n`);

interface Row {
  id: string;
  name: string;
  database: 'PostgreSQL' | 'PGlite';
  result: LoadResult;
  notes: string[];
}

/** Complete drafts ready to submit, as planned requests (one per draft, each sent once). */
async function prepareDrafts(app: FastifyInstance, count: number): Promise<PlannedRequest[]> {
  const db = app.platform.db;
  const config = app.platform.config;
  const vault = createPiiVault(config.secrets);
  const applicants: TestSignIn[] = [];
  for (let i = 0; i < APPLICANTS; i++) {
    const who = await signedInCitizen(db, config, systemClock, {
      name: `申请人${i}`,
      phone: `139${String(i).padStart(8, '0')}`,
    });
    await db
      .updateTable('citizens')
      .set({ address_enc: vault.encrypt(`岭南市越秀区测试路 ${i} 号`) })
      .where('id', '=', who.id)
      .execute();
    applicants.push(who);
  }
  const service = await findService(db, CITY, SERVICE);
  if (!service) throw new Error(`the demo catalog has no service ${SERVICE}`);
  const sample = sampleApplication(service.spec.form as unknown as Parameters<typeof sampleApplication>[0]);
  const requests: PlannedRequest[] = [];
  for (let i = 0; i < count; i++) {
    const who = applicants[i % applicants.length] as TestSignIn;
    const applicant = { citizenId: who.id, enterpriseId: null };
    const now = systemClock.now();
    const draft = await createDraft(db, app.platform.pii, { cityId: CITY, serviceCode: SERVICE, applicant, now });
    await saveAnswers(db, applicant, draft.id, { ...sample, ...draft.answers }, now);
    const id = draft.id;
    requests.push({ method: 'POST', path: `/api/v1/me/applications/${id}/submit`, headers: who.write });
    if ((i + 1) % 1000 === 0) log(`${i + 1} drafts ready`);
  }
  return requests;
}

async function benchSubmission(
  kind: 'PostgreSQL' | 'PGlite',
  databaseUrl: string | undefined,
  rateGuess: number,
  options: Options,
  cleanups: Cleanups,
): Promise<Row> {
  const dataDir = await mkdtemp(join(tmpdir(), 'onecity-bench-'));
  cleanups.add(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
  log(`OneCity on ${kind}: buildApp, seedDemo`);
  const app = await buildApp(oneCityConfig(dataDir, databaseUrl));
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    await seedDemo(app.platform.db);
    // Enough drafts for warm-up and measurement at the expected rate, with room to spare.
    const count = Math.ceil(rateGuess * (options.warmupSeconds + options.durationSeconds) * 1.6) + 200;
    log(`${kind}: preparing ${formatCount(count)} complete drafts of ${SERVICE}`);
    const requests = await prepareDrafts(app, count);
    const url = urlOf(app.server);
    const warm = requests.slice(0, Math.ceil(rateGuess * options.warmupSeconds * 1.6) + 50);
    const rest = requests.slice(warm.length);
    log(`${kind}: warm-up ${options.warmupSeconds} s, then ${options.durationSeconds} s × ${options.connections} conn`);
    await runLoad({ url, requests: warm, connections: options.connections, durationSeconds: options.warmupSeconds });
    const result = await runLoad({
      url,
      requests: rest,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
    });
    if ((result.requestsUsed ?? 0) >= rest.length) log(`${kind}: ran out of drafts: the rate is a lower bound`);
    const submitted = await sql<{
      n: string;
    }>`SELECT count(*) AS n FROM applications WHERE status = 'in_progress'`.execute(app.platform.db);
    log(`${kind}: ${formatCount(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`);
    return {
      id: kind === 'PostgreSQL' ? 'S1' : 'S2',
      name: 'OneCity application submission, as fast as it answers',
      database: kind,
      result,
      notes: [
        `${formatCount(Number(submitted.rows[0]?.n ?? 0))} applications submitted in all (warm-up included)`,
        `${SERVICE}: answers checked against its form, workflow started with its first task and deadline`,
      ],
    };
  } finally {
    await app.close();
  }
}

async function benchB3(scratchUrl: string, options: Options): Promise<Row> {
  const pool = new pg.Pool({ connectionString: scratchUrl, max: MINIMAL_POOL_SIZE });
  try {
    await createBenchTable(pool, TABLE_ROWS);
    const app = await minimalFastify(pool);
    try {
      const url = urlOf(app.server);
      log(`B3: warm-up ${options.warmupSeconds} s, then ${options.durationSeconds} s × ${options.connections} conn`);
      await runLoad({ url, ...B3_REQUEST, connections: options.connections, durationSeconds: options.warmupSeconds });
      const result = await runLoad({
        url,
        ...B3_REQUEST,
        connections: options.connections,
        durationSeconds: options.durationSeconds,
      });
      log(`B3: ${formatCount(result.requestsPerSecond)} req/s, p99 ${result.p99Ms} ms`);
      return {
        id: 'B3',
        name: 'minimal Fastify + `pg` Pool: single-row INSERT (baseline)',
        database: 'PostgreSQL',
        result,
        notes: [`POST /items, one INSERT … RETURNING id per request, pool ${MINIMAL_POOL_SIZE}`],
      };
    } finally {
      await app.close();
    }
  } finally {
    await pool.end();
  }
}

function render(rows: Row[], options: Options, loadAverage: number): string {
  const machine = describeMachine();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const rate = (id: string) => byId.get(id)?.result.requestsPerSecond;
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : undefined);
  const table = markdownTable(
    ['id', 'what', 'database', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'notes'],
    ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'],
    rows.map((r) => [
      r.id,
      r.name,
      r.database,
      formatCount(r.result.requestsPerSecond),
      String(r.result.p50Ms),
      String(r.result.p99Ms),
      formatCount(r.result.non2xx),
      formatCount(r.result.errors + r.result.timeouts),
      r.notes.join('; '),
    ]),
  );
  const ratios = markdownTable(
    ['ratio', 'value', 'what it compares'],
    ['l', 'r', 'l'],
    [
      ['S1/B3', formatRatio(ratio(rate('S1'), rate('B3'))), 'an application submitted vs one single-row INSERT'],
      ['S2/S1', formatRatio(ratio(rate('S2'), rate('S1'))), 'submission on embedded PGlite vs PostgreSQL'],
    ],
  );
  return [
    `Run of ${new Date().toISOString().slice(0, 10)}: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
      `load average ${loadAverage.toFixed(2)} at the start; ${options.durationSeconds} s per benchmark after ${options.warmupSeconds} s of warm-up, ` +
      `${options.connections} connections; load generator, server and PostgreSQL on the same machine.`,
    '',
    table,
    '',
    ratios,
  ].join('\n');
}

async function main() {
  const options = parseOptions(process.argv.slice(2), 'bench:application', 'the application figures');
  const cleanups = new Cleanups(log);
  const loadAverage = describeMachine().loadAverage;
  const adminUrl = loadTestServices(process.env).postgresUrl;
  try {
    const scratch = await createScratchDatabase(adminUrl, cleanups, log);
    const b3 = await benchB3(scratch.url, options);
    // Guess the rate for sizing the drafts: a submission costs a few of B3's inserts.
    const s1 = await benchSubmission(
      'PostgreSQL',
      scratch.url,
      Math.max(200, b3.result.requestsPerSecond / 15),
      options,
      cleanups,
    );
    const s2 = await benchSubmission(
      'PGlite',
      undefined,
      Math.max(100, s1.result.requestsPerSecond / 2),
      options,
      cleanups,
    );
    const rows = [b3, s1, s2];
    const report = render(rows, options, loadAverage);
    process.stdout.write(`${report}\n`);
    // Any answer but 200 is a fault of the measured code; on PGlite (one thread for the server and
    // the database, 50 connections queueing for it) a few requests can time out: reported, not fatal.
    const failed = rows.filter((r) => r.result.non2xx > 0 || (r.database === 'PostgreSQL' && r.result.errors > 0));
    if (failed.length) {
      log(
        `not a result: ${failed.map((r) => `${r.id} ${r.result.non2xx} non-2xx, ${r.result.errors} errors`).join('; ')}`,
      );
      process.exitCode = 1;
    } else if (options.writeDocs) {
      await writeSection(DOCS_FILE, DOCS_SECTION, report);
      log('wrote the figures into docs/BENCHMARKS.md');
    }
  } finally {
    await cleanups.runAll();
  }
}

await main();
