/**
 * Bad input at every operation of the OpenAPI document, thousands of cases each — the long form
 * of apps/server/src/app.fuzz.test.ts (same generators, callers and checks: testing/bad-input).
 * Every case is checked for: no 5xx, no crash (an uncaught exception or unhandled rejection
 * counts as a failure of the case running), every refusal problem+json in the language asked
 * for, the database unchanged by every refused request, Idempotency-Keys kept to their word.
 *
 * Usage: npm run bench:fuzz -- [--cases 10000] [--seed N] [--route <text>] [--shard K/N] [--start I] [--pglite]
 *        npm run bench:fuzz -- --route "<METHOD> <path>" --seed N --replay <case seed>
 *
 *   --cases    cases per operation (default 10,000)
 *   --seed     the run's seed (default: random, printed)
 *   --route    only operations whose "METHOD /path" contains this text
 *   --shard    only the K-th of N interleaved shares of the operations (1/2 and 2/2 in two processes
 *              with the same --seed cover every operation once, on a world of their own each)
 *   --start    skip the first I operations of that list (to go on with a long run that was stopped:
 *              the log numbers each operation; with the same --seed the cases are the same)
 *   --pglite   on embedded PGlite instead of PostgreSQL (ONECITY_TEST_DATABASE_URL's server)
 *   --replay   sends the one case of that seed (printed with every failure) and shows its answers
 *
 * Prints one line per operation (cases, answers by status class, failures, time) as it goes,
 * then the totals and every failure with the command that sends its case again; exits 1 on
 * any failure. A replayed case starts from a fresh world, so a failure that needed the
 * cases before it may not show again alone: run the operation with the same seed then.
 * See "Bad input" in docs/RELIABILITY.md.
 */
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../apps/server/src/app.ts';
import { loadTestServices } from '../apps/server/src/config.ts';
import { seedDemo } from '../apps/server/src/flows/seed-demo.ts';
import { createPglite, type DatabaseHandle, openDatabase } from '../apps/server/src/platform/db/database.ts';
import { migrate } from '../apps/server/src/platform/db/migrate.ts';
import { ManualClock } from '../apps/server/src/platform/time/clock.ts';
import { type Failure, prepareBadInput, type Tally } from '../apps/server/src/testing/bad-input/index.ts';
import { testConfig } from '../apps/server/src/testing/config.ts';
import { Cleanups, createScratchDatabase } from './load.ts';
import { describeMachine, formatCount, markdownTable } from './report.ts';

const log = (message: string) => process.stderr.write(`[fuzz] ${message}\n`);

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    cases: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    route: { type: 'string' },
    shard: { type: 'string' },
    start: { type: 'string', default: '0' },
    replay: { type: 'string' },
    pglite: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(
    'Usage: npm run bench:fuzz -- [--cases 10000] [--seed N] [--route <text>] [--shard K/N] [--start I] [--pglite] [--replay <case seed>]\n',
  );
  process.exit(0);
}
const cases = Number(values.cases);
if (!Number.isInteger(cases) || cases < 1)
  throw new Error(`--cases must be a whole number ≥ 1 (got "${values.cases}")`);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number (got "${values.seed}")`);
const shardMatch = values.shard === undefined ? null : /^(\d+)\/(\d+)$/.exec(values.shard);
const shard = shardMatch ? { k: Number(shardMatch[1]), n: Number(shardMatch[2]) } : { k: 1, n: 1 };
if ((values.shard !== undefined && !shardMatch) || shard.k < 1 || shard.k > shard.n) {
  throw new Error(`--shard must be K/N with 1 ≤ K ≤ N, e.g. 1/2 (got "${values.shard}")`);
}
const startAt = Number(values.start);
if (!Number.isInteger(startAt) || startAt < 0)
  throw new Error(`--start must be a whole number ≥ 0 (got "${values.start}")`);

/** What went wrong outside any answer: an uncaught exception or unhandled rejection is a crash. */
const crashes: string[] = [];
process.on('uncaughtException', (error) => crashes.push(`uncaught exception: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) =>
  crashes.push(`unhandled rejection: ${String((reason as Error)?.stack ?? reason)}`),
);

async function openWorld(cleanups: Cleanups): Promise<{ app: FastifyInstance; database: string }> {
  let handle: DatabaseHandle;
  let overrides: Record<string, string> = {};
  let database: string;
  if (values.pglite) {
    handle = await openDatabase(testConfig(), { pglite: await createPglite(undefined) });
    database = 'PGlite (in memory)';
  } else {
    const scratch = await createScratchDatabase(loadTestServices(process.env).postgresUrl, cleanups, log);
    overrides = { ONECITY_DATABASE_URL: scratch.url };
    handle = await openDatabase(testConfig(overrides));
    database = `PostgreSQL ${scratch.serverVersion}`;
  }
  cleanups.add('close the database', () => handle.close());
  await migrate(handle);
  await seedDemo(handle.db);
  const clock = new ManualClock('2026-06-01T02:00:00Z');
  const app = await buildApp(testConfig(overrides), { database: handle, clock });
  cleanups.add('close the app', () => app.close());
  await app.ready();
  return { app, database };
}

function describeFailure(f: Failure): string {
  const again = `npm run bench:fuzz -- --route "${f.operation}" --seed ${seed} --replay ${f.caseSeed}`;
  return (
    `✗ ${f.operation} — case seed ${f.caseSeed} (${f.caller}, Accept-Language ${f.locale})\n` +
    f.requests.map((r) => `    ${r}\n`).join('') +
    f.problems.map((p) => `    → ${p}\n`).join('') +
    `    again: ${again}\n`
  );
}

async function main() {
  const cleanups = new Cleanups(log);
  // Ctrl-C: the case running finishes, the totals so far are printed, then everything is cleaned up.
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted: finishing the case running, then the totals so far');
  });
  const machine = describeMachine();
  log(`${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load average ${machine.loadAverage.toFixed(2)}`);
  let failed = false;
  try {
    const { app, database } = await openWorld(cleanups);
    const clock = app.platform.clock;
    const bad = await prepareBadInput(app, clock);
    const operations = bad.operations
      .filter((op) => !values.route || op.key.includes(values.route))
      .filter((_, i) => i % shard.n === shard.k - 1);
    if (operations.length === 0) throw new Error(`no operation matches --route "${values.route}"`);

    if (values.replay !== undefined) {
      const op = operations.find((o) => o.key === values.route) ?? operations[0]!;
      const tally: Tally = {
        operation: op.key,
        cases: 0,
        statuses: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
        callers: { anonymous: 0, citizen: 0, staff: 0, admin: 0 },
        codes: {},
        failures: [],
        milliseconds: 0,
      };
      const c = bad.runner.caseFor(op, Number(values.replay));
      log(`replaying case ${values.replay} of ${op.key}: ${c.caller}, ${c.requests.length} request(s)`);
      await bad.runner.runCase(op, Number(values.replay), tally);
      process.stdout.write(`${JSON.stringify({ case: c, tally }, null, 2).slice(0, 20_000)}\n`);
      failed = tally.failures.length > 0 || crashes.length > 0;
      for (const f of tally.failures) process.stdout.write(describeFailure(f));
      return;
    }

    log(
      `${database}; seed ${seed}; ${formatCount(cases)} cases × ${operations.length - Math.min(startAt, operations.length)} operations` +
        (shard.n > 1 ? ` (shard ${shard.k}/${shard.n})` : '') +
        (startAt > 0 ? ` from operation ${startAt + 1}` : ''),
    );
    const began = performance.now();
    const tallies: Tally[] = [];
    for (const [i, op] of operations.entries()) {
      if (interrupted) break;
      if (i < startAt) continue;
      const before = crashes.length;
      const tally = await bad.runner.runOperation(op, { seed, count: cases, stop: () => interrupted });
      for (const crash of crashes.slice(before)) {
        tally.failures.push({
          operation: op.key,
          caseSeed: 0,
          caller: 'anonymous',
          locale: '',
          requests: ['(while this operation ran)'],
          problems: [crash],
        });
      }
      tallies.push(tally);
      const s = tally.statuses;
      log(
        `${String(i + 1).padStart(3)}/${operations.length} ${op.key.padEnd(72)} ${formatCount(tally.cases).padStart(7)} ` +
          `2xx ${s['2xx']} 3xx ${s['3xx']} 4xx ${s['4xx']} 5xx ${s['5xx']}  ` +
          `${tally.failures.length ? `${tally.failures.length} FAILED` : 'ok'}  ${(tally.milliseconds / 1000).toFixed(1)} s`,
      );
      for (const f of tally.failures.slice(0, 5)) process.stderr.write(describeFailure(f));
    }
    const seconds = (performance.now() - began) / 1000;

    const sum = (pick: (t: Tally) => number) => tallies.reduce((n, t) => n + pick(t), 0);
    const rows = tallies.map((t) => [
      t.operation,
      formatCount(t.cases),
      formatCount(t.statuses['2xx']),
      formatCount(t.statuses['3xx']),
      formatCount(t.statuses['4xx']),
      formatCount(t.statuses['5xx']),
      formatCount(t.failures.length),
      (t.milliseconds / 1000).toFixed(1),
    ]);
    rows.push([
      `**all ${tallies.length} operations**`,
      formatCount(sum((t) => t.cases)),
      formatCount(sum((t) => t.statuses['2xx'])),
      formatCount(sum((t) => t.statuses['3xx'])),
      formatCount(sum((t) => t.statuses['4xx'])),
      formatCount(sum((t) => t.statuses['5xx'])),
      formatCount(sum((t) => t.failures.length)),
      seconds.toFixed(0),
    ]);
    const callers: Record<string, number> = {};
    const codes: Record<string, number> = {};
    for (const t of tallies) {
      for (const [k, n] of Object.entries(t.callers)) callers[k] = (callers[k] ?? 0) + n;
      for (const [k, n] of Object.entries(t.codes)) codes[k] = (codes[k] ?? 0) + n;
    }
    const topCodes = Object.entries(codes)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([k, n]) => `${k} ${formatCount(n)}`)
      .join(', ');
    process.stdout.write(
      `\nBad input: ${database}, seed ${seed}, ${formatCount(cases)} cases per operation` +
        (shard.n > 1 ? ` (shard ${shard.k}/${shard.n})` : '') +
        ', ' +
        `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}\n\n` +
        `${markdownTable(
          ['operation', 'cases', '2xx', '3xx', '4xx', '5xx', 'failures', 's'],
          ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
          rows,
        )}\n\n` +
        `Cases by caller: ${Object.entries(callers)
          .map(([k, n]) => `${k} ${formatCount(n)}`)
          .join(', ')}\n` +
        `Most frequent refusals: ${topCodes}\n` +
        `Database looked at for changes: ${formatCount(bad.runner.watch.looks)} times; wall time ${(seconds / 60).toFixed(1)} min\n`,
    );
    const failures = tallies.flatMap((t) => t.failures);
    failed = failures.length > 0;
    if (failed) {
      process.stdout.write(`\n${failures.length} failing cases:\n\n`);
      for (const f of failures) process.stdout.write(describeFailure(f));
    } else {
      process.stdout.write('\nNo failures.\n');
    }
  } finally {
    await cleanups.runAll();
  }
  process.exit(interrupted ? 130 : failed ? 1 : 0);
}

await main();
