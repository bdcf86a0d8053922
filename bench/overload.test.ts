/**
 * The short form of `npm run bench:overload` (docs/RELIABILITY.md, "Overload and soak"): OneCity
 * in a process of its own on PostgreSQL, its capacity measured, a flood at twice that, the
 * recovery, and a two-minute soak at 30 % of capacity (the suite shares the machine). It checks
 * what a user would notice — the excess refused with 503, nothing else failing, the process up
 * and its health answered throughout, service again after the flood, no error in the soak and
 * no memory growth — and leaves the latency goals to the full run, whose figures depend on the
 * machine.
 * Needs PostgreSQL; skipped without it unless ONECITY_REQUIRE_SERVICES=1.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { postgresAvailable } from '../apps/server/src/testing/db.ts';
import type { OverloadSummary } from './overload.ts';

const run = promisify(execFile);
const SOAK_SECONDS = 120;

describe.skipIf(!postgresAvailable())('overload and soak, short form', () => {
  it('refuses a flood’s excess with 503, keeps serving and answering health, recovers, and soaks without errors or growth', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onecity-overload-'));
    try {
      const json = join(dir, 'summary.json');
      await run(
        process.execPath,
        [
          join(import.meta.dirname, 'overload.ts'),
          '--quick',
          '--soak-seconds',
          String(SOAK_SECONDS),
          '--soak-share',
          '0.3',
          '--json',
          json,
        ],
        { maxBuffer: 64 * 1024 * 1024, timeout: 540_000 },
      );
      const summary = JSON.parse(await readFile(json, 'utf8')) as OverloadSummary;
      const goal = (key: string) => {
        const row = summary.goals.find((g) => g.key === key);
        if (!row) throw new Error(`no goal ${key}`);
        return { met: row.met, value: row.value };
      };
      // The flood was one: some of it refused, some of it served, nothing else.
      expect(summary.flood.refused).toBeGreaterThan(0);
      expect(summary.flood.admitted).toBeGreaterThan(0);
      expect(goal('floodFailures')).toEqual({ met: true, value: '0' });
      expect(goal('floodAlive').met).toBe(true);
      expect(goal('floodHealth').met).toBe(true);
      // Service again after it: the second half of the recovery refused no one.
      expect(summary.recovery.admitted).toBeGreaterThan(0);
      expect(summary.recovery.refusedInSecondHalf).toBe(0);
      // The soak: every answer a 2xx, and memory where it began.
      expect(summary.soak.admitted).toBeGreaterThan(0);
      expect(goal('soakErrors')).toEqual({ met: true, value: '0' });
      expect(goal('rssGrowth').met, goal('rssGrowth').value).toBe(true);
      expect(goal('heapGrowth').met, goal('heapGrowth').value).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
