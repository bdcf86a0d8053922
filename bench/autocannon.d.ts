/** The part of autocannon's programmatic API the benchmarks use (the package ships no types). */
declare module 'autocannon' {
  /** One request template; `setupRequest` rewrites it before every send. */
  export interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
  }

  /** Run options (a subset). `duration` is in seconds, `timeout` in seconds. */
  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: Request[];
  }

  /** A histogram summary: latency in milliseconds, requests in requests per second. */
  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
  }

  /** What a finished run reports. Latency counts 2xx responses only. */
  export interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    /** Responses by status code. */
    statusCodeStats?: Record<string, { count: number }>;
    latency: Histogram;
    requests: Histogram & { sent: number };
  }

  /**
   * What a run inside a worker thread reports instead of a {@link Result}: raw counters and encoded
   * histograms, which {@link aggregateResult} turns into a Result (except the per-second request rate).
   */
  export interface WorkerResult {
    duration: number;
    samples: number;
    totalCompletedRequests: number;
    totalRequests: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    /** Responses by status code. */
    statusCodeStats?: Record<string, { count: number }>;
  }

  /** A running load test. */
  export interface Instance {
    stop(): void;
    /** Every response: its status, size and latency in milliseconds. */
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void,
    ): Instance;
    /** Every failed request: a socket error, or a timeout (message `request timed out`). */
    on(event: 'reqError', listener: (error: Error) => void): Instance;
  }

  /** Starts a load test; `callback` receives the result when it ends (a WorkerResult off the main thread). */
  function autocannon(
    options: Options,
    callback: (error: Error | null, result: Result | WorkerResult) => void,
  ): Instance;
  namespace autocannon {
    /** Merges raw results of runs made in worker threads into one {@link Result}. */
    function aggregateResult(results: WorkerResult[], options: Options): Result;
  }
  export default autocannon;
}
