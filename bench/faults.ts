/**
 * Faults on a real deployment, the long form of apps/server/src/faults.test.ts: two API
 * processes and a worker of the `onecity` command against a PostgreSQL cluster and a NATS
 * JetStream server of their own (temporary, on free ports), under a stream of reports (some
 * with photos), applications and acceptances sent by signed-in citizens and clerks through a
 * retrying client with idempotency keys, spread over both API processes. The scenarios:
 *
 *   a  kill -9 of each API process and of the worker, in turn, `--rounds` times, mid-stream
 *   b  PostgreSQL stopped (`fast`: sessions ended; `immediate`: as a crash) and started again
 *   c  NATS stopped and started again: events wait in the outbox
 *   d  work-order timers due while every worker is down; two workers come back at once
 *
 * Each prints what the clients were told against what the database holds, what reached the
 * event stream and what was done as a consequence (lost, duplicates, side effects twice: all
 * must be 0), the answers the clients saw (503s, retries), and recovery times.
 *
 * Usage: npm run bench:faults -- [--load 8] [--down 5] [--rounds 2] [--concurrency 8]
 *          [--citizens 120] [--timers 100] [--only abcd] [--keep] [--write-docs]
 * Needs PostgreSQL's server programs (/usr/lib/postgresql/<v>/bin) and nats-server. See the
 * "Faults" section of docs/RELIABILITY.md.
 */
import { parseArgs } from 'node:util';
import { Cluster, clusterUnavailable } from '../apps/server/src/testing/cluster.ts';
import {
  describeFigures,
  type Figures,
  natsRestart,
  postgresRestart,
  processKills,
  type ScenarioContext,
  StreamWitness,
  timerWhileWorkersDown,
  Workload,
} from '../apps/server/src/testing/faults.ts';
import { describeMachine, formatCount, markdownTable, writeSection } from './report.ts';

const DOCS_FILE = new URL('../docs/RELIABILITY.md', import.meta.url);
const DOCS_SECTION = 'bench:faults';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    load: { type: 'string', default: '8' },
    down: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '8' },
    citizens: { type: 'string', default: '120' },
    timers: { type: 'string', default: '100' },
    only: { type: 'string', default: 'abcd' },
    keep: { type: 'boolean', default: false },
    'write-docs': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(
    'Usage: npm run bench:faults -- [options]\n' +
      '  --load <s>         seconds of load before, between and after faults (default 8)\n' +
      '  --down <s>         seconds a killed process, PostgreSQL or NATS stays down (default 5)\n' +
      '  --rounds <n>       times each process is killed in scenario a (default 2)\n' +
      '  --concurrency <n>  writes in flight at once (default 8)\n' +
      '  --citizens <n>     signed-in citizens sending them (default 120; each may file 60 reports an hour)\n' +
      '  --timers <n>       work-order timers due while the workers are down, scenario d (default 100)\n' +
      '  --only <letters>   scenarios to run, of abcd (default all)\n' +
      '  --keep             keep the temporary directory (logs, data) afterwards\n' +
      '  --write-docs       replace the generated figures in docs/RELIABILITY.md\n',
  );
  process.exit(0);
}
const number = (name: string, text: string) => {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number (got "${text}")`);
  return n;
};

const missing = clusterUnavailable();
if (missing) {
  process.stderr.write(`bench:faults needs PostgreSQL's server programs and nats-server: ${missing}\n`);
  process.exit(1);
}

const machine = describeMachine();
const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 23)}  ${line}\n`);
log(
  `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, load average ${machine.loadAverage.toFixed(1)}`,
);
const began = Date.now();
const cluster = await Cluster.start({ apis: 2, workers: 1, keep: values.keep });
log(`cluster ready in ${((Date.now() - began) / 1000).toFixed(1)} s: ${cluster.dir}`);
const figures: Figures[] = [];
let failed = false;
try {
  const workload = new Workload(cluster, {
    citizens: number('citizens', values.citizens),
    concurrency: number('concurrency', values.concurrency),
  });
  await workload.prepare();
  const witness = cluster.nats ? await StreamWitness.start(cluster.nats.url) : null;
  const ctx: ScenarioContext = {
    cluster,
    workload,
    witness,
    timing: {
      loadMs: number('load', values.load) * 1000,
      downMs: number('down', values.down) * 1000,
      rounds: number('rounds', values.rounds),
    },
    log,
  };
  const run = async (scenario: () => Promise<Figures>) => {
    const f = await scenario();
    figures.push(f);
    process.stdout.write(`\n${describeFigures(f)}\n\n`);
  };
  try {
    if (values.only.includes('a')) await run(() => processKills(ctx));
    if (values.only.includes('b')) {
      await run(() => postgresRestart(ctx, 'fast'));
      await run(() => postgresRestart(ctx, 'immediate'));
    }
    if (values.only.includes('c')) await run(() => natsRestart(ctx));
    if (values.only.includes('d')) await run(() => timerWhileWorkersDown(ctx, number('timers', values.timers)));
  } finally {
    await witness?.stop();
  }
} catch (error) {
  failed = true;
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  for (const p of cluster.processes.values()) process.stderr.write(`--- ${p.name}\n${p.logTail(15)}\n`);
} finally {
  await cluster.close();
}

const sum = (f: Figures) => f.acknowledged.reports + f.acknowledged.applications + f.acknowledged.accepts;
const table = markdownTable(
  [
    'scenario',
    's',
    'acknowledged',
    'stored',
    'lost',
    'duplicates',
    'effects twice',
    'events delivered',
    'events lost',
    '503',
    '500',
    'network errors',
    'answers lost',
    'recovery',
  ],
  ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
  figures.map((f) => [
    f.scenario,
    String(f.seconds),
    formatCount(sum(f)),
    formatCount(f.stored),
    String(f.lost),
    String(f.duplicates),
    String(f.effectsTwice),
    `${formatCount(f.events.delivered)} / ${formatCount(f.events.expected)}`,
    String(f.events.lost),
    formatCount(f.client.tries['503'] ?? 0),
    formatCount(f.client.tries['500'] ?? 0),
    formatCount((f.client.tries.network ?? 0) + (f.client.tries.timeout ?? 0)),
    String(f.answersLost),
    recovery(f),
  ]),
);
process.stdout.write(`\n${table}\n`);

function recovery(f: Figures): string {
  const n = f.notes;
  if (n.readyAfterStartMs !== undefined) {
    return `ready ${n.readyAfterStartMs} ms, first write ${n.firstAckAfterStartMs} ms after start`;
  }
  if (n.outboxDrainedAfterStartMs !== undefined) {
    return `${n.outboxBacklogWhileDown} events waited; outbox empty ${n.outboxDrainedAfterStartMs} ms after start`;
  }
  if (n.firedAfterWorkersBackMs !== undefined) {
    return `${n.timersDue} timers fired ${n.firedAfterWorkersBackMs} ms after the workers were started (ready after ${n.workersReadyMs} ms)`;
  }
  if (n.slowestRestartMs !== undefined) return `${n.kills} kills; slowest restart to ready ${n.slowestRestartMs} ms`;
  return '';
}

const clean = figures.every(
  (f) =>
    f.errors.length === 0 &&
    f.lost + f.duplicates + f.effectsTwice + f.events.lost + f.events.duplicates + f.events.streamDuplicates === 0,
);
if (values['write-docs'] && !failed) {
  const when = new Date().toISOString().slice(0, 10);
  const shown = process.argv.slice(2).filter((a) => a !== '--write-docs');
  await writeSection(
    DOCS_FILE,
    DOCS_SECTION,
    `Measured ${when} on ${machine.cpus} × ${machine.cpuModel} (load average ${machine.loadAverage.toFixed(1)} at the start), ` +
      `\`npm run bench:faults${shown.length ? ` -- ${shown.join(' ')}` : ''}\`:\n\n${table}`,
  );
  log('docs/RELIABILITY.md updated');
}
log(failed || !clean ? 'FAILED: see above' : 'nothing acknowledged was lost, repeated or left undelivered');
process.exit(failed || !clean ? 1 : 0);
