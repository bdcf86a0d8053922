/**
 * Applies OneCity's plain SQL migrations, the same files on PostgreSQL and PGlite. The
 * platform's migrations run first, then each module's, each file in its own transaction.
 * On PostgreSQL an advisory lock makes concurrent starters wait for one another.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { DatabaseHandle } from './database.ts';

/** A folder of `NNNN_name.sql` files owned by the platform or one module. */
export interface MigrationSource {
  owner: string;
  dir: string;
}

/** Migration folders in the order they apply. Modules add theirs here as they arrive. */
export const migrationSources: MigrationSource[] = [
  { owner: 'platform', dir: fileURLToPath(new URL('./migrations/', import.meta.url)) },
  { owner: 'governance', dir: fileURLToPath(new URL('../../modules/governance/migrations/', import.meta.url)) },
  { owner: 'government', dir: fileURLToPath(new URL('../../modules/government/migrations/', import.meta.url)) },
];

/** One migration file, read and checksummed. */
export interface Migration {
  owner: string;
  name: string;
  script: string;
  checksum: string;
}

/** Reads every migration file, in application order. */
export async function loadMigrations(sources: MigrationSource[] = migrationSources): Promise<Migration[]> {
  const all: Migration[] = [];
  for (const source of sources) {
    const files = (await readdir(source.dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
    for (const name of files) {
      const script = await readFile(join(source.dir, name), 'utf8');
      all.push({ owner: source.owner, name, script, checksum: createHash('sha256').update(script).digest('hex') });
    }
  }
  return all;
}

/** Raised when an applied migration file has since been edited: history must not be rewritten. */
export class MigrationChangedError extends Error {}

/** Applies pending migrations; returns the names it applied. Safe to call from many processes at once. */
export async function migrate(
  handle: DatabaseHandle,
  sources: MigrationSource[] = migrationSources,
): Promise<string[]> {
  const migrations = await loadMigrations(sources);
  return handle.withAdvisoryLock('onecity:migrate', async () => {
    await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
      owner text NOT NULL,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (owner, name)
    )`.execute(handle.db);
    const applied = await handle.db.selectFrom('schema_migrations').selectAll().execute();
    const done = new Map(applied.map((m) => [`${m.owner}/${m.name}`, m.checksum]));
    const ran: string[] = [];
    for (const m of migrations) {
      const key = `${m.owner}/${m.name}`;
      const checksum = done.get(key);
      if (checksum !== undefined) {
        if (checksum !== m.checksum) {
          throw new MigrationChangedError(
            `Migration ${key} was changed after it was applied; add a new migration instead of editing an old one.`,
          );
        }
        continue;
      }
      await handle.runScript(m.script, async (exec) => {
        await exec('INSERT INTO schema_migrations (owner, name, checksum) VALUES ($1, $2, $3)', [
          m.owner,
          m.name,
          m.checksum,
        ]);
      });
      ran.push(key);
    }
    return ran;
  });
}
