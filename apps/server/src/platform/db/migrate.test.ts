import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadTestServices } from '../../config.ts';
import { testConfig } from '../../testing/config.ts';
import { postgresAvailable } from '../../testing/db.ts';
import { stamp, withDatabase } from '../../testing/templates.ts';
import { createPglite, openDatabase } from './database.ts';
import { loadMigrations, MigrationChangedError, migrate, migrationSources } from './migrate.ts';

describe('migrations on PGlite', () => {
  it('apply once; a second run has nothing to do', async () => {
    const handle = await openDatabase(testConfig(), { pglite: await createPglite(undefined) });
    try {
      const first = await migrate(handle);
      expect(first).toEqual((await loadMigrations()).map((m) => `${m.owner}/${m.name}`));
      expect(await migrate(handle)).toEqual([]);
    } finally {
      await handle.close();
    }
  });

  it('refuse to run when an applied migration was edited', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onecity-mig-'));
    await writeFile(join(dir, '0001_first.sql'), 'CREATE TABLE t1 (id int);');
    const sources = [{ owner: 'example', dir }];
    const handle = await openDatabase(testConfig(), { pglite: await createPglite(undefined) });
    try {
      expect(await migrate(handle, sources)).toEqual(['example/0001_first.sql']);
      await writeFile(join(dir, '0001_first.sql'), 'CREATE TABLE t1 (id bigint);');
      await expect(migrate(handle, sources)).rejects.toBeInstanceOf(MigrationChangedError);
    } finally {
      await handle.close();
    }
  });

  it('roll back a failing migration as a whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onecity-mig-'));
    await writeFile(join(dir, '0001_bad.sql'), 'CREATE TABLE half (id int);\nSELECT no_such_function();');
    const handle = await openDatabase(testConfig(), { pglite: await createPglite(undefined) });
    try {
      await expect(migrate(handle, [{ owner: 'example', dir }])).rejects.toThrow(/no_such_function/);
      const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM pg_tables WHERE tablename = 'half'`.execute(
        handle.db,
      );
      expect(rows[0]?.n).toBe(0);
    } finally {
      await handle.close();
    }
  });
});

describe.skipIf(!postgresAvailable())('migrations on PostgreSQL', () => {
  it('let concurrent starters wait for each other instead of racing', async () => {
    const services = loadTestServices();
    const name = `onecity_t_${stamp()}_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: services.postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = withDatabase(services.postgresUrl, name);
    const handles = await Promise.all([1, 2, 3].map(() => openDatabase(testConfig({ ONECITY_DATABASE_URL: url }))));
    try {
      const results = await Promise.all(handles.map((h) => migrate(h, migrationSources)));
      const all = (await loadMigrations()).map((m) => `${m.owner}/${m.name}`);
      expect(results.flat().sort()).toEqual([...all].sort());
      expect(results.filter((r) => r.length > 0)).toHaveLength(1);
    } finally {
      for (const h of handles) await h.close();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
