/**
 * Template databases for tests: one migrated ("empty") and one with the demo city ("demo"),
 * on PGlite (as a data-directory dump) and on PostgreSQL (as template databases).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { seedDemo } from '../flows/seed-demo.ts';
import type { DatabaseHandle } from '../platform/db/database.ts';
import { openDatabase } from '../platform/db/database.ts';
import { type Migration, migrate } from '../platform/db/migrate.ts';
import { testConfig } from './config.ts';

/** The variants every test can start from. */
export const variants = ['empty', 'demo'] as const;
/** One of {@link variants}. */
export type Variant = (typeof variants)[number];

/** A name that changes whenever a migration or the demo data changes. */
export function templateName(migrations: Migration[]): string {
  const h = createHash('sha256');
  for (const m of migrations) h.update(m.checksum);
  // The demo data may change without a migration changing: every run builds its own templates.
  return `onecity_tpl_${stamp()}_${h.digest('hex').slice(0, 8)}${randomBytes(2).toString('hex')}`;
}

async function prepare(handle: DatabaseHandle, variant: Variant) {
  await migrate(handle);
  if (variant === 'demo') await seedDemo(handle.db);
}

/** Builds every template; PostgreSQL ones only if a server answers. */
export async function buildTemplates(
  tag: string,
  services: { postgresUrl: string },
  createPglite: (dir: string | undefined) => Promise<PGlite>,
) {
  const pgliteDumps: Record<string, Blob> = {};
  for (const variant of variants) {
    const pglite = await createPglite(undefined);
    const handle = await openDatabase(testConfig(), { pglite });
    await prepare(handle, variant);
    pgliteDumps[variant] = (await pglite.dumpDataDir('gzip')) as Blob;
    await handle.close();
  }

  let postgres: { ok: true; databases: Record<string, string> } | { ok: false; reason: string };
  const admin = new pg.Client({ connectionString: services.postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    return {
      pglite: pgliteDumps,
      postgres: {
        ok: false as const,
        reason: `PostgreSQL not reachable at ${services.postgresUrl}: ${(error as Error).message}`,
      },
    };
  }
  try {
    // Leftovers of interrupted runs.
    const old = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'onecity\\_t\\_%' OR datname LIKE 'onecity\\_tpl\\_%'",
    );
    for (const row of old.rows) {
      const born = Number(row.datname.match(/^onecity_(?:t|tpl)_(\d{10})_/)?.[1] ?? 0);
      if (stamp() - born > LEFTOVER_AGE_S) await admin.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
    }
    const databases: Record<string, string> = {};
    for (const variant of variants) {
      const name = `${tag}_${variant}`;
      await admin.query(`CREATE DATABASE "${name}"`);
      const handle = await openDatabase(testConfig({ ONECITY_DATABASE_URL: withDatabase(services.postgresUrl, name) }));
      await prepare(handle, variant);
      await handle.close();
      databases[variant] = name;
    }
    postgres = { ok: true, databases };
  } finally {
    await admin.end();
  }
  return { pglite: pgliteDumps, postgres };
}

/** Seconds since the epoch, in test database names, so that only old leftovers are dropped. */
export function stamp(): number {
  return Math.floor(Date.now() / 1000);
}

/** Leftovers older than this belong to an interrupted run, not to a run going on beside this one. */
const LEFTOVER_AGE_S = 3 * 60 * 60;

/** The same server URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
