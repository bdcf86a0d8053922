/**
 * The dialect loop: `describeEachDialect` runs the same tests on PGlite and on PostgreSQL,
 * each test file on a fresh copy of a template database. Without a PostgreSQL server the
 * PostgreSQL half is skipped, unless ONECITY_REQUIRE_SERVICES=1 turns the skip into a failure.
 */

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { Config } from '../config.ts';
import { loadTestServices } from '../config.ts';
import { createPglite, type DatabaseHandle, openDatabase } from '../platform/db/database.ts';
import { testConfig } from './config.ts';
import { stamp, type Variant, withDatabase } from './templates.ts';

/** What a dialect-looped test body receives. */
export interface DialectContext {
  kind: 'pglite' | 'postgres';
  /** The open database of this test file (valid inside tests and hooks). */
  handle(): DatabaseHandle;
  /** A configuration pointing at this test file's database (for processes and buildApp). */
  config(overrides?: Record<string, string>): Config;
  /** Opens another handle on the same database (PostgreSQL only: a second "process"). */
  openAnother(): Promise<DatabaseHandle>;
}

/** Creates a fresh PostgreSQL database copied from the template `variant`; returns its URL and a dropper. */
export async function freshPostgres(variant: Variant): Promise<{ url: string; drop(): Promise<void> }> {
  const services = loadTestServices();
  const templates = inject('onecityTemplates');
  if (!templates.postgres.ok) throw new Error(templates.postgres.reason);
  const name = `onecity_t_${stamp()}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: services.postgresUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${templates.postgres.databases[variant]}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(services.postgresUrl, name),
    async drop() {
      const c = new pg.Client({ connectionString: services.postgresUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => c.end());
    },
  };
}

/** Opens a PGlite database in memory from the template `variant`. */
export async function freshPglite(variant: Variant): Promise<DatabaseHandle> {
  const file = inject('onecityTemplates').pgliteFiles[variant];
  if (!file) throw new Error(`no PGlite template ${variant}`);
  const blob = new Blob([await readFile(file)]);
  const pglite = await createPglite(undefined, blob);
  return openDatabase(testConfig(), { pglite });
}

/** Whether PostgreSQL tests can run here; throws when they must but cannot. */
export function postgresAvailable(): boolean {
  const templates = inject('onecityTemplates');
  if (templates.postgres.ok) return true;
  if (loadTestServices().requireServices) {
    throw new Error(`ONECITY_REQUIRE_SERVICES=1 but ${templates.postgres.reason}`);
  }
  return false;
}

/** Runs `body` once per dialect, each on a fresh database copied from `variant` (default 'empty'). */
export function describeEachDialect(name: string, body: (ctx: DialectContext) => void, variant: Variant = 'empty') {
  for (const kind of ['pglite', 'postgres'] as const) {
    const skip = kind === 'postgres' && !postgresAvailable();
    (skip ? describe.skip : describe)(`${name} [${kind}]`, () => {
      let handle: DatabaseHandle | undefined;
      let url: string | undefined;
      let drop: (() => Promise<void>) | undefined;
      const extra: DatabaseHandle[] = [];
      beforeAll(async () => {
        if (kind === 'pglite') {
          handle = await freshPglite(variant);
        } else {
          const fresh = await freshPostgres(variant);
          url = fresh.url;
          drop = fresh.drop;
          handle = await openDatabase(testConfig({ ONECITY_DATABASE_URL: url }));
        }
      }, 60_000);
      afterAll(async () => {
        for (const h of extra) await h.close();
        await handle?.close();
        await drop?.();
      });
      body({
        kind,
        handle() {
          if (!handle) throw new Error('database not open yet');
          return handle;
        },
        config(overrides = {}) {
          return testConfig(url ? { ONECITY_DATABASE_URL: url, ...overrides } : overrides);
        },
        async openAnother() {
          if (!url) throw new Error('a second connection needs PostgreSQL');
          const h = await openDatabase(testConfig({ ONECITY_DATABASE_URL: url }));
          extra.push(h);
          return h;
        },
      });
    });
  }
}
