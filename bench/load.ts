/**
 * HTTP load for benchmarks: autocannon runs in a worker thread of the benchmark process, so
 * that the load generator has its own event loop and never competes with the server under
 * test for the main thread (they still share the machine's cores).
 */
import { Worker } from 'node:worker_threads';

/** One load run: where to send what, how hard and for how long. */
export interface LoadSpec {
  /** Base URL of the server, e.g. `http://127.0.0.1:40123`. */
  url: string;
  connections: number;
  durationSeconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Request paths, one picked at random for every request (default `/`). */
  paths?: string[];
  /** Instead of `paths`: `prefix` followed by a random integer in [1, max] for every request. */
  randomId?: { prefix: string; max: number };
}

/** What one run measured. Latency counts 2xx responses only (autocannon's rule), at 1 ms resolution. */
export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses received (all status codes). */
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** Runs `spec` with autocannon in a fresh worker thread and resolves with its summary. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.ts', import.meta.url), { workerData: spec });
    let settled = false;
    worker.once('message', (message: { result?: LoadResult; error?: string }) => {
      settled = true;
      if (message.result) resolve(message.result);
      else reject(new Error(`load generator failed: ${message.error ?? 'unknown error'}`));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with code ${code} before reporting`));
    });
  });
}
