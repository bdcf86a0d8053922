/**
 * OneCity under test for bench/overload.ts, in a process of its own (started with `fork`), so
 * that its memory, its event loop and whether it stays up are its own and not the load
 * generator's. It builds the app with the benchmarks' production-like configuration, seeds the
 * demo city, listens on a free port, and then answers the benchmark over IPC:
 *
 *   start     → ready (its URL and what the traffic needs: services, categories, grids, zones)
 *   citizens  → signed-in citizens' headers (rows and sessions written directly)
 *   probe     → memory (after a full garbage collection when asked), event-loop delay and use
 *               since the previous probe
 *   stop      → closes the app and exits
 *
 * Run with `--expose-gc` so that heap figures can be taken after a full collection.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../apps/server/src/app.ts';
import { seedDemo } from '../apps/server/src/flows/seed-demo.ts';
import { systemClock } from '../apps/server/src/platform/time/clock.ts';
import { signedInCitizen } from '../apps/server/src/testing/identity.ts';
import { oneCityConfig, urlOf } from './load.ts';

/** What the benchmark asks. */
export type ServerRequest =
  | { id: number; type: 'start'; city: string; databaseUrl: string; extra: Record<string, string> }
  | { id: number; type: 'citizens'; count: number }
  | { id: number; type: 'probe'; gc: boolean }
  | { id: number; type: 'stop' };

/** A report category and its questions, as the traffic answers them. */
export interface CategoryChoice {
  code: string;
  nameZh: string;
  attributes: { code: string; type: 'boolean' | 'number' | 'string'; required: boolean }[];
}

/** What the server answers once it listens. */
export interface Ready {
  url: string;
  serverVersion: string;
  startupMs: number;
  services: string[];
  categories: CategoryChoice[];
  grids: { lat: number; lon: number }[];
  zones: string[];
}

/** The server process's state at one moment. */
export interface Probe {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** Event-loop delay since the previous probe, in milliseconds. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Share of the time since the previous probe the event loop was busy. */
  loopUtilization: number;
  /** CPU time the process has used since it started (all its threads), in milliseconds. */
  cpuMs: number;
  /** Open HTTP connections now. */
  connections: number;
  /** Requests read and not yet answered (Node's HTTP server's count, before any Fastify hook): now, and the most since the previous probe. */
  requestsOpen: number;
  requestsOpenMax: number;
}

let app: FastifyInstance | undefined;
let dataDir: string | undefined;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let loopUse = performance.eventLoopUtilization();
let requestsOpen = 0;
let requestsOpenMax = 0;

async function start(request: Extract<ServerRequest, { type: 'start' }>): Promise<Ready> {
  dataDir = await mkdtemp(join(tmpdir(), 'onecity-bench-'));
  const began = performance.now();
  // Behind a reverse proxy that passes the phone's address on: the per-address limits are per phone.
  app = await buildApp(oneCityConfig(dataDir, request.databaseUrl, { ONECITY_TRUST_PROXY: 'true', ...request.extra }));
  await seedDemo(app.platform.db);
  app.server.on('request', (_req, res) => {
    requestsOpen++;
    requestsOpenMax = Math.max(requestsOpenMax, requestsOpen);
    res.once('close', () => {
      requestsOpen--;
    });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const startupMs = performance.now() - began;
  const db = app.platform.db;
  const city = request.city;
  const [version, services, categories, grids, zones] = await Promise.all([
    sql<{ server_version: string }>`SHOW server_version`.execute(db),
    sql<{ code: string }>`SELECT code FROM services WHERE city_id = ${city} AND enabled ORDER BY code`.execute(db),
    sql<{ code: string; name_zh: string; attributes: CategoryChoice['attributes'] }>`
      SELECT code, name_zh, attributes FROM report_categories
      WHERE city_id = ${city} AND parent_id IS NOT NULL AND enabled ORDER BY code`.execute(db),
    sql<{ center_lat: number; center_lon: number }>`
      SELECT center_lat, center_lon FROM zones WHERE city_id = ${city} AND level = 'grid' ORDER BY code`.execute(db),
    sql<{ code: string }>`
      SELECT code FROM zones WHERE city_id = ${city} AND level IN ('district', 'street') ORDER BY code`.execute(db),
  ]);
  return {
    url: urlOf(app.server),
    serverVersion: version.rows[0]?.server_version ?? 'unknown',
    startupMs,
    services: services.rows.map((r) => r.code),
    categories: categories.rows.map((c) => ({ code: c.code, nameZh: c.name_zh, attributes: c.attributes })),
    grids: grids.rows.map((g) => ({ lat: Number(g.center_lat), lon: Number(g.center_lon) })),
    zones: zones.rows.map((z) => z.code),
  };
}

async function citizens(count: number): Promise<Record<string, string>[]> {
  if (!app) throw new Error('not started');
  const out: Record<string, string>[] = [];
  for (let i = 0; i < count; i++) {
    out.push((await signedInCitizen(app.platform.db, app.platform.config, systemClock)).write);
  }
  return out;
}

async function probe(gc: boolean): Promise<Probe> {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    if (!collect) throw new Error('run with --expose-gc to take memory after a full collection');
    // Twice: what the first collection's finalisers freed goes in the second.
    collect();
    collect();
  }
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  const used = performance.eventLoopUtilization(loopUse);
  loopUse = performance.eventLoopUtilization();
  const connections = await new Promise<number>((resolve) =>
    app ? app.server.getConnections((_error, count) => resolve(count ?? 0)) : resolve(0),
  );
  const result: Probe = {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
    loopUtilization: used.utilization,
    cpuMs: (cpu.user + cpu.system) / 1000,
    connections,
    requestsOpen,
    requestsOpenMax,
  };
  requestsOpenMax = requestsOpen;
  loopDelay.reset();
  return result;
}

async function stop() {
  await app?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}

process.on('message', (message: ServerRequest) => {
  const answer = async () => {
    switch (message.type) {
      case 'start':
        return start(message);
      case 'citizens':
        return citizens(message.count);
      case 'probe':
        return probe(message.gc);
      case 'stop':
        await stop();
        return null;
    }
  };
  answer().then(
    (result) => {
      process.send?.({ id: message.id, result }, () => {
        if (message.type === 'stop') process.exit(0);
      });
    },
    (error: Error) => process.send?.({ id: message.id, error: String(error.stack ?? error) }),
  );
});
// The benchmark gone (finished, failed or interrupted): nobody is left to stop this process.
process.on('disconnect', () => {
  void stop().finally(() => process.exit(0));
});
