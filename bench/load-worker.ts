/** The worker thread behind `runLoad` (load.ts): runs one autocannon test and posts its summary back. */
import { parentPort, workerData } from 'node:worker_threads';
import autocannon, { type Options, type Request, type Result, type WorkerResult } from 'autocannon';
import type { LoadResult, LoadSpec } from './load.ts';

const spec = workerData as LoadSpec;

function setupRequest(): Request['setupRequest'] {
  const { paths, randomId } = spec;
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
  parentPort?.postMessage({ result: summarise(result) });
});

/**
 * Off the main thread autocannon hands back raw counters and encoded histograms (it expects a
 * parent to aggregate them): latency percentiles come from `aggregateResult`, and the request
 * rate is completed requests per one-second sample, which is autocannon's own "Req/Sec average".
 */
function summarise(result: Result | WorkerResult): LoadResult {
  if ('latency' in result) {
    return {
      requestsPerSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      total: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
    };
  }
  const aggregated = autocannon.aggregateResult([result], options);
  return {
    requestsPerSecond: result.samples > 0 ? result.totalCompletedRequests / result.samples : 0,
    p50Ms: aggregated.latency.p50,
    p99Ms: aggregated.latency.p99,
    total: result.totalCompletedRequests,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
