/**
 * The worker thread behind `runLoad` (load.ts): runs one autocannon test, or with `rate` an
 * evenly paced open-loop run of its own, and posts its summary back.
 */
import { Agent, request as httpRequest } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import autocannon, { type Options, type Request, type Result, type WorkerResult } from 'autocannon';
import type { LoadResult, LoadSpec, PlannedRequest } from './load.ts';

const spec = workerData as LoadSpec;
const cpuAtStart = process.threadCpuUsage();

/** CPU time of this thread since it started, in milliseconds. */
function cpuMs(): number {
  const used = process.threadCpuUsage(cpuAtStart);
  return (used.user + used.system) / 1000;
}

/** The next planned request, in order across all connections (wrapping around at the end). */
let taken = 0;
function nextPlanned(): PlannedRequest {
  const list = spec.requests!;
  return list[taken++ % list.length]!;
}

// ---------------------------------------------------------------------------------------------
// Closed loop: autocannon

function setupRequest(): Request['setupRequest'] {
  const { paths, randomId, requests } = spec;
  if (requests && requests.length > 0) {
    return (request) => {
      const planned = nextPlanned();
      request.method = planned.method ?? spec.method ?? 'GET';
      request.path = planned.path;
      request.headers = { ...spec.headers, ...planned.headers };
      if (planned.body !== undefined) request.body = planned.body;
      return request;
    };
  }
  if (randomId) {
    return (request) => {
      request.path = `${randomId.prefix}${1 + Math.floor(Math.random() * randomId.max)}`;
      return request;
    };
  }
  if (paths && paths.length > 1) {
    return (request) => {
      request.path = paths[Math.floor(Math.random() * paths.length)];
      return request;
    };
  }
  return undefined;
}

function runAutocannon() {
  const request: Request = { method: spec.method ?? 'GET', path: spec.paths?.[0] ?? '/' };
  if (spec.headers) request.headers = spec.headers;
  if (spec.body !== undefined) request.body = spec.body;
  const setup = setupRequest();
  if (setup) request.setupRequest = setup;

  const options: Options = {
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    requests: [request],
  };

  autocannon(options, (error, result) => {
    if (error || !result) {
      parentPort?.postMessage({ error: error ? String(error.stack ?? error) : 'no result' });
      return;
    }
    parentPort?.postMessage({ result: summarise(result, options) });
  });
}

/**
 * Off the main thread autocannon hands back raw counters and encoded histograms (it expects a
 * parent to aggregate them): latency percentiles come from `aggregateResult`, and the request
 * rate is completed requests per one-second sample, which is autocannon's own "Req/Sec average".
 */
function summarise(result: Result | WorkerResult, options: Options): LoadResult {
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count]),
  );
  const common = {
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    loadGeneratorCpuMs: cpuMs(),
    ...(spec.requests ? { requestsUsed: taken } : {}),
  };
  if ('latency' in result) {
    return {
      requestsPerSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      total: result.requests.total,
      ...common,
    };
  }
  const aggregated = autocannon.aggregateResult([result], options);
  return {
    requestsPerSecond: result.samples > 0 ? result.totalCompletedRequests / result.samples : 0,
    p50Ms: aggregated.latency.p50,
    p99Ms: aggregated.latency.p99,
    total: result.totalCompletedRequests,
    ...common,
  };
}

// ---------------------------------------------------------------------------------------------
// Open loop: evenly paced requests

/** How long a paced request may take before it counts as a timeout (autocannon's default). */
const PACED_TIMEOUT_MS = 10_000;

/**
 * Sends `rate` requests per second, evenly spaced, whether or not earlier ones have been
 * answered (autocannon's own `overallRate` lets each connection send its share of a second
 * back to back and then wait, which is bursts at full speed, not a steady rate). Latency is
 * from when each request was due to the end of its response.
 */
async function runPaced(rate: number): Promise<LoadResult> {
  const target = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const count = Math.max(1, Math.round(rate * spec.durationSeconds));
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  const inFlight = new Set<Promise<void>>();

  const send = (due: number) => {
    const planned: PlannedRequest = spec.requests?.length
      ? nextPlanned()
      : { path: spec.paths?.[Math.floor(Math.random() * spec.paths.length)] ?? '/' };
    const body = planned.body ?? spec.body;
    const headers: Record<string, string> = { ...spec.headers, ...planned.headers };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const done = new Promise<void>((resolve) => {
      const req = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: planned.method ?? spec.method ?? 'GET',
          path: planned.path,
          headers,
          timeout: PACED_TIMEOUT_MS,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            const code = res.statusCode ?? 0;
            statusCodes[code] = (statusCodes[code] ?? 0) + 1;
            if (code >= 200 && code < 300) latencies.push(performance.now() - due);
            else non2xx++;
            resolve();
          });
        },
      );
      let timedOut = false;
      req.on('timeout', () => {
        timedOut = true;
        timeouts++;
        req.destroy();
      });
      req.on('error', () => {
        if (!timedOut) errors++;
        resolve();
      });
      req.end(body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  const start = performance.now() + 20;
  let sent = 0;
  while (sent < count) {
    const now = performance.now();
    while (sent < count && start + sent * interval <= now) send(start + sent++ * interval);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(5, start + sent * interval - now))));
  }
  const sendingSeconds = (performance.now() - start) / 1000;
  await Promise.all(inFlight);
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies.length === 0
      ? 0
      : Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]!);
  const total = latencies.length + non2xx;
  return {
    requestsPerSecond: total / Math.max(sendingSeconds, spec.durationSeconds),
    p50Ms: percentile(0.5),
    p99Ms: percentile(0.99),
    total,
    non2xx,
    errors,
    timeouts,
    statusCodes,
    loadGeneratorCpuMs: cpuMs(),
    ...(spec.requests ? { requestsUsed: taken } : {}),
  };
}

if (spec.rate) {
  runPaced(spec.rate).then(
    (result) => parentPort?.postMessage({ result }),
    (error: Error) => parentPort?.postMessage({ error: String(error.stack ?? error) }),
  );
} else {
  runAutocannon();
}
