/** Time as the platform sees it: the system clock in production, a hand-driven one in tests. */

/** A source of "now". Everything that schedules or compares times asks a Clock, never `Date.now()`. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand: timers and SLAs can be tested without waiting. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date | string = '2026-01-05T01:00:00Z') {
    this.#ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#ms += ms;
  }
  /** Sets the clock to `at`. */
  set(at: Date | string): void {
    this.#ms = new Date(at).getTime();
  }
}
