/**
 * Races for the concurrency tests: conflicting actions launched together in a shuffled order,
 * each after a small random delay from a seeded generator (so a failing round can be replayed),
 * with what each one answered recorded as a history the tests then check.
 */
import type { LightMyRequestResponse } from 'fastify';

/** A seeded pseudo-random generator in [0, 1) (mulberry32): the same seed gives the same rounds. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** What one contender did: an HTTP answer, or a timer run through the job system. */
export interface Outcome {
  label: string;
  /** HTTP status; for a timer 200 when its job ran, 0 when it found nothing due. */
  status: number;
  /** The problem's code for a refusal (4xx/5xx); a timer's error when it failed. */
  code: string | null;
  /** The state the answer names (work order or application status), when it names one. */
  state: string | null;
  /** The log position the answer names, when it names one. */
  seq: number | null;
}

/** One contender of a race. */
export interface Contender {
  label: string;
  run(): Promise<Outcome>;
}

/** The outcome of an HTTP answer (`state` and `seq` read from the body's `status` and `seq`). */
export function fromResponse(label: string, res: LightMyRequestResponse): Outcome {
  let body: Record<string, unknown> = {};
  try {
    body = res.json();
  } catch {
    // Not JSON: the status alone tells.
  }
  const ok = res.statusCode < 300;
  return {
    label,
    status: res.statusCode,
    code: ok ? null : typeof body.code === 'string' ? body.code : 'NO_CODE',
    state: ok && typeof body.status === 'string' ? body.status : null,
    seq: ok && typeof body.seq === 'number' ? body.seq : null,
  };
}

/** A contender that never throws: an exception becomes a 599 outcome, so that the history keeps it. */
export function contender(label: string, run: () => Promise<Outcome>): Contender {
  return {
    label,
    run: () => run().catch((error: unknown) => ({ label, status: 599, code: String(error), state: null, seq: null })),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts every contender at (nearly) the same moment: in a shuffled order, each after a random
 * delay of 0 to `maxDelayMs` (zero half of the time: then only the event loop separates them).
 * Returns the launch order and every outcome, in launch order.
 */
export async function race(
  random: () => number,
  contenders: Contender[],
  maxDelayMs = 3,
): Promise<{ order: string[]; outcomes: Outcome[] }> {
  const shuffled = [...contenders];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as Contender, shuffled[i] as Contender];
  }
  const delays = shuffled.map(() => (random() < 0.5 ? 0 : random() * maxDelayMs));
  const outcomes = await Promise.all(
    shuffled.map(async (c, i) => {
      const delay = delays[i] ?? 0;
      if (delay > 0) await sleep(delay);
      return c.run();
    }),
  );
  return { order: shuffled.map((c) => c.label), outcomes };
}

/** Counts how often each label won (succeeded) across rounds, for the summary a run prints. */
export class Tally {
  readonly #counts = new Map<string, number>();

  add(key: string): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  toString(): string {
    return [...this.#counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ');
  }
}

/**
 * Runs rounds 1…`count` of a race, `width` of them at a time (rounds on different subjects at
 * once add the contention of shared rows: the audit chain's head, the job queue, the pool).
 */
export async function inBatches(count: number, width: number, round: (n: number) => Promise<void>): Promise<void> {
  for (let first = 1; first <= count; first += width) {
    const batch = [];
    for (let n = first; n < first + width && n <= count; n++) batch.push(round(n));
    await Promise.all(batch);
  }
}

/** The generator of round `n` of race `raceIndex`: each round has its own, so rounds run at once stay reproducible. */
export function roundRandom(seed: number, raceIndex: number, n: number): () => number {
  return seededRandom(seed + raceIndex * 100_003 + n * 7_919);
}
