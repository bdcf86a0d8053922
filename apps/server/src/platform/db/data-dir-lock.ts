/**
 * PGlite has no lock on its data directory: two processes opening the same one silently
 * overwrite each other's writes. OneCity takes an exclusive lock file beside the directory
 * before opening it, and a second process refuses to start with a message saying who holds it.
 */
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

/** Who holds a lock: written into the lock file so that the refusal can name the holder. */
interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  token: string;
}

/** A held lock; `release` removes the file if it is still ours. */
export interface DataDirLock {
  path: string;
  release(): Promise<void>;
}

/** Raised when another live process holds the data directory. */
export class DataDirLockedError extends Error {
  readonly owner: LockOwner | null;
  constructor(dataDir: string, owner: LockOwner | null) {
    const who = owner ? `process ${owner.pid} on ${owner.host}, running since ${owner.startedAt}` : 'another process';
    super(
      `The embedded database directory ${dataDir} is already in use by ${who}. ` +
        'Two processes on one PGlite directory would corrupt it, so this one will not start. ' +
        'Stop the other process, or point ONECITY_DATA_DIR at another directory, or use PostgreSQL (ONECITY_DATABASE_URL) to run several processes.',
    );
    this.name = 'DataDirLockedError';
    this.owner = owner;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | null> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    return typeof parsed.pid === 'number' ? parsed : null;
  } catch {
    return null;
  }
}

/** Takes the exclusive lock for `dataDir` (file `<dataDir>.lock`), or throws {@link DataDirLockedError}. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const path = `${dataDir}.lock`;
  await mkdir(dirname(path), { recursive: true });
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    token: `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      return {
        path,
        async release() {
          const owner = await readOwner(path);
          if (owner?.token === me.token) await unlink(path).catch(() => {});
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(path);
    const stale = owner !== null && owner.host === me.host && !isAlive(owner.pid);
    if (!stale) {
      // An unreadable file may be a lock being written right now: treat it as held.
      if (owner === null && attempt < 2) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      throw new DataDirLockedError(dataDir, owner);
    }
    // The holder died without releasing (kill -9, power loss): move its file aside and retry.
    await rename(path, `${path}.stale-${owner.pid}`).catch(() => {});
    await unlink(`${path}.stale-${owner.pid}`).catch(() => {});
  }
  throw new DataDirLockedError(dataDir, await readOwner(path));
}
