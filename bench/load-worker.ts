/**
 * The worker thread behind `runLoad` (load.ts): runs one autocannon test, or with `rate` an
 * evenly paced open-loop run of its own, and posts its summary back (with `timeline`, second by
 * second too).
 */
import { Agent, request as httpRequest } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import autocannon, { type Options, type Request, type Result, type WorkerResult } from 'autocannon';
import type { LoadResult, LoadSecond, LoadSpec, PlannedRequest } from './load.ts';

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

/** The `p`-quantile of ascending `sorted` (0 when empty), in milliseconds, not rounded. */
function quantile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const oneDecimal = (ms: number) => Math.round(ms * 10) / 10;

/** What ended in one second of the run, before its latencies are summarised. */
interface OpenSecond {
  sent: number;
  waiting: number;
  ok: number[];
  non2xx: number[];
  refused: number;
  limited: number;
  other: number;
  errors: number;
  timeouts: number;
}

/** Counts responses, errors and sends by the second of the run they happen in (see `LoadSpec.timeline`). */
class Timeline {
  readonly #began: number;
  readonly #seconds: OpenSecond[] = [];

  constructor(began: number) {
    this.#began = began;
  }

  #at(now: number): OpenSecond {
    const index = Math.max(0, Math.floor((now - this.#began) / 1000));
    for (let i = this.#seconds.length; i <= index; i++) {
      this.#seconds.push({
        sent: 0,
        waiting: 0,
        ok: [],
        non2xx: [],
        refused: 0,
        limited: 0,
        other: 0,
        errors: 0,
        timeouts: 0,
      });
    }
    return this.#seconds[index]!;
  }

  /** A request sent; `waiting` requests (this one included) have no socket yet. */
  sent(now: number, waiting: number) {
    const second = this.#at(now);
    second.sent++;
    second.waiting = Math.max(second.waiting, waiting);
  }

  response(now: number, status: number, latencyMs: number) {
    const second = this.#at(now);
    if (status >= 200 && status < 300) second.ok.push(latencyMs);
    else {
      second.non2xx.push(latencyMs);
      if (status === 503) second.refused++;
      else if (status === 429) second.limited++;
      else second.other++;
    }
  }

  error(now: number, timeout: boolean) {
    const second = this.#at(now);
    if (timeout) second.timeouts++;
    else second.errors++;
  }

  summary(withSent: boolean): LoadSecond[] {
    return this.#seconds.map((s, second) => {
      const ok = s.ok.sort((a, b) => a - b);
      const non2xx = s.non2xx.sort((a, b) => a - b);
      return {
        second,
        ...(withSent ? { sent: s.sent, waitingForSocket: s.waiting } : {}),
        ok: ok.length,
        refused: s.refused,
        limited: s.limited,
        other: s.other,
        errors: s.errors,
        timeouts: s.timeouts,
        okP50Ms: oneDecimal(quantile(ok, 0.5)),
        okP99Ms: oneDecimal(quantile(ok, 0.99)),
        non2xxP50Ms: oneDecimal(quantile(non2xx, 0.5)),
        non2xxP99Ms: oneDecimal(quantile(non2xx, 0.99)),
      };
    });
  }
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

  const began = performance.now();
  const timeline = spec.timeline ? new Timeline(began) : undefined;
  const non2xx: number[] = [];
  const instance = autocannon(options, (error, result) => {
    if (error || !result) {
      parentPort?.postMessage({ error: error ? String(error.stack ?? error) : 'no result' });
      return;
    }
    const summary = summarise(result, options);
    if (timeline) {
      non2xx.sort((a, b) => a - b);
      summary.non2xxP50Ms = oneDecimal(quantile(non2xx, 0.5));
      summary.non2xxP99Ms = oneDecimal(quantile(non2xx, 0.99));
      summary.timeline = timeline.summary(false);
      summary.startedAt = performance.timeOrigin + began;
    }
    parentPort?.postMessage({ result: summary });
  });
  if (timeline) {
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      timeline.response(performance.now(), statusCode, responseTime);
      if (statusCode < 200 || statusCode >= 300) non2xx.push(responseTime);
    });
    instance.on('reqError', (error) => {
      timeline.error(performance.now(), error.message === 'request timed out');
    });
  }
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
  // Every socket kept open while idle (the default keeps 256), so that a run never reconnects.
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections, maxFreeSockets: spec.connections });
  if (spec.preconnect) {
    const path = spec.preconnect;
    await Promise.all(
      Array.from(
        { length: spec.connections },
        () =>
          new Promise<void>((resolve, reject) => {
            const req = httpRequest({ agent, host: target.hostname, port: target.port, path }, (res) => {
              res.resume();
              res.on('end', () => resolve());
            });
            req.on('error', reject);
            req.end();
          }),
      ),
    );
  }
  const count = Math.max(1, Math.round(rate * spec.durationSeconds));
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const byKind = new Map<string, number[]>();
  const non2xxLatencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now() + 20;
  const timeline = spec.timeline ? new Timeline(start) : undefined;
  let maxSendLag = 0;
  /** Requests sent that have no socket yet (every socket of `connections` busy). */
  let waiting = 0;

  const send = (due: number) => {
    const sentAt = performance.now();
    maxSendLag = Math.max(maxSendLag, sentAt - due);
    waiting++;
    timeline?.sent(sentAt, waiting);
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
            const now = performance.now();
            statusCodes[code] = (statusCodes[code] ?? 0) + 1;
            if (code >= 200 && code < 300) {
              latencies.push(now - due);
              if (planned.kind) {
                const list = byKind.get(planned.kind) ?? [];
                list.push(now - due);
                byKind.set(planned.kind, list);
              }
            } else {
              non2xx++;
              non2xxLatencies.push(now - due);
            }
            timeline?.response(now, code, now - due);
            resolve();
          });
        },
      );
      let timedOut = false;
      let hasSocket = false;
      req.once('socket', () => {
        hasSocket = true;
        waiting--;
      });
      req.on('timeout', () => {
        timedOut = true;
        timeouts++;
        timeline?.error(performance.now(), true);
        req.destroy();
      });
      req.on('error', () => {
        if (!hasSocket) waiting--;
        if (!timedOut) {
          errors++;
          timeline?.error(performance.now(), false);
        }
        resolve();
      });
      req.end(body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  let sent = 0;
  while (sent < count) {
    const now = performance.now();
    while (sent < count && start + sent * interval <= now) send(start + sent++ * interval);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(5, start + sent * interval - now))));
  }
  const sendingSeconds = (performance.now() - start) / 1000;
  const sendingEndedAt = performance.timeOrigin + performance.now();
  parentPort?.postMessage({ sendingEndedAt });
  await Promise.all(inFlight);
  agent.destroy();

  latencies.sort((a, b) => a - b);
  non2xxLatencies.sort((a, b) => a - b);
  const total = latencies.length + non2xx;
  return {
    requestsPerSecond: total / Math.max(sendingSeconds, spec.durationSeconds),
    p50Ms: Math.round(quantile(latencies, 0.5)),
    p99Ms: Math.round(quantile(latencies, 0.99)),
    non2xxP50Ms: oneDecimal(quantile(non2xxLatencies, 0.5)),
    non2xxP99Ms: oneDecimal(quantile(non2xxLatencies, 0.99)),
    maxSendLagMs: Math.round(maxSendLag),
    sendingEndedAt,
    ...(byKind.size > 0
      ? {
          okByKind: Object.fromEntries(
            [...byKind].map(([kind, list]) => {
              list.sort((a, b) => a - b);
              return [
                kind,
                { ok: list.length, p50Ms: oneDecimal(quantile(list, 0.5)), p99Ms: oneDecimal(quantile(list, 0.99)) },
              ];
            }),
          ),
        }
      : {}),
    ...(timeline ? { timeline: timeline.summary(true), startedAt: performance.timeOrigin + start } : {}),
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
