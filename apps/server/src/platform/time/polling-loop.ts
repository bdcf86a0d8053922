/**
 * A background loop that runs one round of work, then waits: not at all when the round says
 * more is waiting, the interval when idle, and a growing delay (capped) after failures, so a
 * database or broker outage is logged and retried, never fatal. `stop` waits, bounded, for the
 * round in progress. The outbox relay and the job worker both run on it.
 */
import type { Logger } from 'pino';
import { errorText } from '../jobs/backoff.ts';

/** What a {@link PollingLoop} needs. */
export interface PollingLoopOptions {
  /** One round of work; resolves true when more is waiting (run again at once). */
  round: () => Promise<boolean>;
  intervalMs: number;
  stopTimeoutMs: number;
  logger: Logger;
  /** Logged when a round fails. */
  failure: string;
  /** Logged when `stop` gives up waiting for a round. */
  abandoned: string;
}

/**
 * How long the loop waits at most after repeated failures: also how long, at most, work waits
 * after its database or broker comes back (a log line per try meanwhile).
 */
const MAX_ERROR_DELAY_MS = 5_000;

/** See the file comment. */
export class PollingLoop {
  readonly #options: PollingLoopOptions;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> | null = null;
  #errors = 0;

  constructor(options: PollingLoopOptions) {
    this.#options = options;
  }

  /** Starts the loop (a no-op when it runs). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  /** Stops the loop and waits, at most `stopTimeoutMs`, for the round in progress. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    const tick = this.#tick;
    if (!tick) return;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = await Promise.race([
      tick.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.#options.stopTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (gaveUp) this.#options.logger.warn(this.#options.abandoned);
  }

  #schedule(delayMs: number) {
    // Not unref'd: in the worker role this loop is part of what keeps the process alive.
    this.#timer = setTimeout(() => {
      this.#tick = this.#poll().finally(() => {
        this.#tick = null;
      });
    }, delayMs);
  }

  async #poll(): Promise<void> {
    const { intervalMs } = this.#options;
    let delay = intervalMs;
    try {
      // More waiting: go again at once (after yielding to other work).
      if (await this.#options.round()) delay = 0;
      this.#errors = 0;
    } catch (error) {
      this.#errors += 1;
      delay = Math.min(MAX_ERROR_DELAY_MS, intervalMs * 2 ** Math.min(this.#errors, 10));
      this.#options.logger.error({ err: errorText(error), retryInMs: delay }, this.#options.failure);
    }
    if (this.#running) this.#schedule(delay);
  }
}
