import { describe, expect, it } from 'vitest';
import { ManualClock } from '../time/clock.ts';
import { recentValues } from './recent.ts';

describe('recent values', () => {
  it('reads once for a crowd asking at once, and again when the value is older than its age', async () => {
    const clock = new ManualClock();
    const values = recentValues<number>({ ttlMs: 5_000, max: 10 });
    const owner = {};
    let reads = 0;
    const read = async () => ++reads;
    const crowd = await Promise.all(Array.from({ length: 50 }, () => values(owner, clock).get('city', read)));
    expect(new Set(crowd)).toEqual(new Set([1]));
    clock.advance(5_000);
    expect(await values(owner, clock).get('city', read)).toBe(1);
    clock.advance(1);
    expect(await values(owner, clock).get('city', read)).toBe(2);
    expect(reads).toBe(2);
  });

  it('keeps values apart per owner and per key, forgets on request, and bounds the keys it keeps', async () => {
    const values = recentValues<string>({ ttlMs: 60_000, max: 3 });
    const a = {};
    const b = {};
    expect(await values(a).get('k', async () => 'a')).toBe('a');
    expect(await values(b).get('k', async () => 'b')).toBe('b');
    expect(await values(a).get('k', async () => 'again')).toBe('a');
    values(a).forget('k');
    expect(await values(a).get('k', async () => 'again')).toBe('again');
    for (const key of ['1', '2', '3']) await values(a).get(key, async () => key);
    // 'k' was the least recently used of four: it is out.
    expect(await values(a).get('k', async () => 'read once more')).toBe('read once more');
  });

  it('does not keep a failed read: the next caller tries again', async () => {
    const values = recentValues<string>({ ttlMs: 60_000, max: 10 });
    const owner = {};
    await expect(values(owner).get('k', () => Promise.reject(new Error('database away')))).rejects.toThrow('away');
    expect(await values(owner).get('k', async () => 'back')).toBe('back');
  });
});
