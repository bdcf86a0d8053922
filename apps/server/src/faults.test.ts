/**
 * Nothing accepted is lost: a real deployment — two API processes and a worker of the `onecity`
 * command, a PostgreSQL cluster and a NATS JetStream server of their own — under a stream of
 * reports, applications and acceptances sent through a retrying client with idempotency keys,
 * while processes are killed, PostgreSQL restarts, NATS stops, and timers fall due with every
 * worker down. Each scenario compares what the clients were told with what the database holds,
 * what reached the event stream and what was done as a consequence. The short form of
 * `npm run bench:faults` (docs/RELIABILITY.md). Needs PostgreSQL's server programs and
 * nats-server; skipped without them unless ONECITY_REQUIRE_SERVICES=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTestServices } from './config.ts';
import { Cluster, clusterUnavailable } from './testing/cluster.ts';
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
} from './testing/faults.ts';

const missing = clusterUnavailable();
if (missing && loadTestServices().requireServices) {
  throw new Error(`ONECITY_REQUIRE_SERVICES=1 but a cluster cannot start here: ${missing}`);
}

/** Every acknowledged write stored once, its event delivered, its consequences done once. */
function expectNothingLost(f: Figures) {
  expect(f.errors, describeFigures(f)).toEqual([]);
  expect(f.lost).toBe(0);
  expect(f.duplicates).toBe(0);
  expect(f.effectsTwice).toBe(0);
  expect(f.unacknowledged).toBe(0);
  expect(f.events).toMatchObject({ lost: 0, duplicates: 0, streamDuplicates: 0 });
  expect(f.events.delivered).toBe(f.events.expected);
  expect(f.stored).toBe(f.acknowledged.reports + f.acknowledged.applications + f.acknowledged.accepts);
  // Never a 500: a failure the client could not tell from a bug.
  expect(f.client.tries['500'] ?? 0).toBe(0);
}

describe.skipIf(missing !== null)('faults on a deployment of two API processes and a worker', () => {
  let cluster: Cluster;
  let ctx: ScenarioContext;

  beforeAll(async () => {
    cluster = await Cluster.start({ apis: 2, workers: 1 });
    // Enough citizens that none reaches the hourly report limit (60) however fast the machine is.
    const workload = new Workload(cluster, { citizens: 40, concurrency: 4 });
    await workload.prepare();
    const witness = cluster.nats ? await StreamWitness.start(cluster.nats.url) : null;
    // An API process and the worker are killed in turn (the long form kills each process twice).
    ctx = { cluster, workload, witness, timing: { loadMs: 1_500, downMs: 1_000, victims: ['api1', 'worker1'] } };
  }, 300_000);

  afterAll(async () => {
    await ctx?.witness?.stop();
    await cluster?.close();
  });

  it('loses and repeats nothing when an API process and the worker are killed with SIGKILL mid-stream', async () => {
    const f = await processKills(ctx);
    expectNothingLost(f);
    expect(f.acknowledged.reports).toBeGreaterThan(0);
    expect(f.acknowledged.applications).toBeGreaterThan(0);
  }, 300_000);

  it('answers 503 with Retry-After while PostgreSQL restarts, and every process recovers by itself', async () => {
    const f = await postgresRestart(ctx);
    expectNothingLost(f);
    // A write sent to each API process while the database is down is refused at once with 503
    // and Retry-After (not a hang, not a 500); readiness says the same.
    expect(f.notes.writesRefusedWith503AndRetryAfter, String(f.notes.writeWhileDown)).toBe(2);
    expect(f.notes.readyz503WithRetryAfter, String(f.notes.readyzWhileDown)).toBe(2);
    expect(f.notes.processesRestarted).toBe('none');
    expect(f.acknowledged.reports + f.acknowledged.applications).toBeGreaterThan(0);
  }, 300_000);

  it('keeps events in the outbox while NATS is down and delivers every one once it is back', async () => {
    const f = await natsRestart(ctx);
    expectNothingLost(f);
    expect(f.notes.acknowledgedWhileDown).toBeGreaterThan(0);
    expect(f.notes.outboxBacklogWhileDown).toBeGreaterThan(0);
  }, 300_000);

  it('fires each timer that fell due while every worker was down exactly once when workers return', async () => {
    const f = await timerWhileWorkersDown(ctx, 10);
    expectNothingLost(f);
    expect(f.notes).toMatchObject({ timersDue: 10, firedWhileWorkersDown: 0 });
  }, 300_000);
});
