import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';

describe('data directory lock', () => {
  it('lets one holder in and refuses the next with who holds it', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'onecity-lock-')), 'pglite');
    const lock = await lockDataDir(dir);
    const refused = await lockDataDir(dir).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect((refused as Error).message).toContain(`process ${process.pid}`);
    expect((refused as Error).message).toContain(dir);
    await lock.release();
    const again = await lockDataDir(dir);
    await again.release();
  });

  it('takes over the lock of a process that died without releasing it', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'onecity-lock-')), 'pglite');
    const child = spawn(process.execPath, ['-e', 'process.exit(0)']);
    const deadPid = await new Promise<number>((resolve) => child.on('exit', () => resolve(child.pid ?? 0)));
    const { hostname } = await import('node:os');
    await writeFile(
      `${dir}.lock`,
      JSON.stringify({ pid: deadPid, host: hostname(), startedAt: '2026-01-01T00:00:00Z', token: 'dead' }),
    );
    const lock = await lockDataDir(dir);
    expect(JSON.parse(await readFile(`${dir}.lock`, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('does not remove a lock it no longer owns', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'onecity-lock-')), 'pglite');
    const lock = await lockDataDir(dir);
    await writeFile(`${dir}.lock`, JSON.stringify({ pid: 1, host: 'other', startedAt: 'x', token: 'other' }));
    await lock.release();
    expect(JSON.parse(await readFile(`${dir}.lock`, 'utf8')).token).toBe('other');
  });
});
