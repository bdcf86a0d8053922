/**
 * Values read at most once every `ttlMs` per key, shared by every caller in the process: for
 * answers that are the same for everyone and may be a few seconds old (a city's dispatch
 * catalog, the operations summary, the public feed's totals), so that a crowd asking at once
 * costs one read.
 *
 * Concurrent callers of a key that is being read wait for that one read. A failed read is not
 * kept: the next caller tries again. At most `max` keys are kept (least recently used first
 * out), so keys built from a caller's input cannot grow the process's memory. Values are kept
 * per owner (a database handle), so that apps on different databases in one process never share
 * them. Ages are measured by the owner's first caller's clock when one is given (the platform's
 * clock: a hand-driven one in tests), else by the process's monotonic time.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from '../time/clock.ts';

export interface RecentValues<V> {
  /** The value of `key`: the one read less than `ttlMs` ago, or `read()`'s. */
  get(key: string, read: () => Promise<V>): Promise<V>;
  /** Forgets the value of `key` (the next get reads again): after a change made in this process. */
  forget(key: string): void;
}

export function recentValues<V extends NonNullable<unknown>>(options: {
  ttlMs: number;
  max: number;
}): (owner: object, clock?: Clock) => RecentValues<V> {
  const byOwner = new WeakMap<object, RecentValues<V>>();
  const create = (clock: Clock | undefined): RecentValues<V> => {
    const kept = new LRUCache<string, Promise<V>>({
      max: options.max,
      ttl: options.ttlMs,
      ttlResolution: 0,
      ...(clock ? { perf: { now: () => clock.now().getTime() } } : {}),
    });
    return {
      get(key, read) {
        const hit = kept.get(key);
        if (hit) return hit;
        const value = read();
        kept.set(key, value);
        value.catch(() => {
          if (kept.peek(key) === value) kept.delete(key);
        });
        return value;
      },
      forget(key) {
        kept.delete(key);
      },
    };
  };
  return (owner, clock) => {
    let values = byOwner.get(owner);
    if (!values) {
      values = create(clock);
      byOwner.set(owner, values);
    }
    return values;
  };
}
