/**
 * Opens the database chosen by configuration: embedded PGlite (one process, a directory on
 * disk) or PostgreSQL through `pg`. Both come out as the same `Kysely<Database>` with the
 * same value types, so that no code above this file knows which one it talks to.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PGliteDialect,
  PostgresDialect,
  type QueryResult,
  sql,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import type { Config } from '../../config.ts';
import { type DataDirLock, lockDataDir } from './data-dir-lock.ts';
import type { Database } from './schema.ts';

/** PostgreSQL type OIDs whose text form the two drivers would otherwise parse differently. */
const OID = { int8: 20, int8Array: 1016, date: 1082, dateArray: 1182, numeric: 1700 } as const;

/** int8 → number, refusing values a JavaScript number cannot hold exactly. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint value ${text} exceeds the safe integer range`);
  return n;
}

function parseArray<T>(text: string, item: (s: string) => T): T[] {
  const inner = text.slice(1, -1);
  return inner === '' ? [] : inner.split(',').map(item);
}

/** The value parsers both drivers share: bigint → number, date → 'YYYY-MM-DD', numeric → string. */
export const sharedParsers: Record<number, (text: string) => unknown> = {
  [OID.int8]: parseInt8,
  [OID.int8Array]: (t) => parseArray(t, parseInt8),
  [OID.date]: (t) => t,
  [OID.dateArray]: (t) => parseArray(t, (s) => s),
  [OID.numeric]: (t) => t,
};

/**
 * Runs inside a transaction just before it commits (on its connection, through `execute`); a
 * throw rolls the transaction back instead. The HTTP layer uses it to mark a request's
 * Idempotency-Key as carried out in the same transaction as the request's effects.
 */
export type CommitGuard = (execute: (query: CompiledQuery) => Promise<QueryResult<unknown>>) => Promise<void>;

/** The guard every transaction committed in the current async context runs (see {@link CommitGuard}). */
export const commitGuards = new AsyncLocalStorage<CommitGuard>();

/** An open database: the Kysely handle plus what the platform needs around it. */
export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
  /** Runs a multi-statement SQL script in one transaction (migrations). */
  runScript(
    script: string,
    after?: (exec: (q: string, params: unknown[]) => Promise<unknown>) => Promise<void>,
  ): Promise<void>;
  /** Runs `fn` while holding a cluster-wide advisory lock (a no-op guard on PGlite, which one process owns). */
  withAdvisoryLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Closes connections and releases the data-directory lock. */
  close(): Promise<void>;
}

/** Options for {@link openDatabase}: an existing PGlite instance or a data-dir dump to load (tests), a session name. */
export interface OpenOptions {
  pglite?: PGlite;
  loadDataDir?: Blob;
  /**
   * PostgreSQL's `application_name` for every session (at most 63 bytes): the process's name,
   * by which other processes tell from `pg_stat_activity` whether it still runs.
   */
  sessionName?: string;
}

/** Opens the configured database; on PGlite it first takes the exclusive data-directory lock. */
export async function openDatabase(config: Config, options: OpenOptions = {}): Promise<DatabaseHandle> {
  if (config.database.kind === 'postgres') {
    return openPostgres(config.database.url, config.database.poolSize, options.sessionName ?? null);
  }
  return openPglite(config.database.dataDir, options);
}

/** The PGlite extensions OneCity relies on (also present in PostgreSQL's contrib). */
export const pgliteExtensions = { pg_trgm, btree_gist };

/** Creates a PGlite instance with OneCity's parsers and extensions (data dir, dump, or in memory). */
export async function createPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<PGlite> {
  const options: PGliteOptions = { parsers: sharedParsers, extensions: pgliteExtensions };
  if (loadDataDir) options.loadDataDir = loadDataDir;
  return dataDir ? PGlite.create(dataDir, options) : PGlite.create(options);
}

async function openPglite(dataDir: string, options: OpenOptions): Promise<DatabaseHandle> {
  let lock: DataDirLock | null = null;
  if (!options.pglite && !options.loadDataDir) lock = await lockDataDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = options.pglite ?? (await createPglite(options.loadDataDir ? undefined : dataDir, options.loadDataDir));
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new SerialPGliteDialect({ pglite }) });
  return {
    db,
    kind: 'pglite',
    async runScript(script, after) {
      await pglite.transaction(async (tx) => {
        await tx.exec(script);
        if (after) await after((q, params) => tx.query(q, params));
      });
    },
    async withAdvisoryLock(_key, fn) {
      // One process owns a PGlite directory (see data-dir-lock.ts): nobody else can race.
      return fn();
    },
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
      await lock?.release();
    },
  };
}

/** Statements a connection keeps prepared at most; beyond it, queries run unprepared. */
const PREPARED_PER_CONNECTION = 256;

/**
 * A `pg` client that runs parameterised statements as named prepared statements, so that
 * PostgreSQL parses and plans each distinct statement once per connection instead of on every
 * execution (a four-table join went from 0.36 to 0.10 ms per query). Bounded per connection:
 * statements with variable shapes (IN lists) must not grow it forever. A statement whose plan
 * became invalid through a schema change elsewhere falls back to running unprepared.
 */
class PreparingClient extends pg.Client {
  readonly #named = new Set<string>();
  readonly #poisoned = new Set<string>();

  // biome-ignore lint/suspicious/noExplicitAny: pg's query() is heavily overloaded
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config !== 'string' || !Array.isArray(values) || values.length === 0 || callback) {
      return super.query(config, values, callback);
    }
    const name = `oc_${createHash('sha1').update(config).digest('base64url').slice(0, 20)}`;
    if (this.#poisoned.has(name) || (!this.#named.has(name) && this.#named.size >= PREPARED_PER_CONNECTION)) {
      return super.query(config, values);
    }
    this.#named.add(name);
    return (super.query({ name, text: config, values }) as Promise<pg.QueryResult>).catch((error: unknown) => {
      if ((error as { code?: string }).code === '0A000') {
        this.#poisoned.add(name);
        return super.query(config, values);
      }
      throw error;
    });
  }
}

async function openPostgres(url: string, poolSize: number, sessionName: string | null): Promise<DatabaseHandle> {
  let connectionString = url;
  if (sessionName) {
    // Set in the URL, where it wins over one the URL may carry: other processes look for it.
    const parsed = new URL(url);
    parsed.searchParams.set('application_name', sessionName);
    connectionString = parsed.toString();
  }
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString,
    max: poolSize,
    connectionTimeoutMillis: 5_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        const shared = sharedParsers[oid];
        if (shared && format !== 'binary') return shared;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // A client losing its server (a restart, a terminated backend) must not crash the process:
  // the pool reports idle clients, each client its own errors while checked out. The query in
  // flight fails on its own and the request answers 503.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({ dialect: new GuardedPostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    async runScript(script, after) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(script);
        if (after) await after((q, params) => client.query(q, params));
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async withAdvisoryLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

/** Answers whether the database takes a trivial query within `timeoutMs` (readiness). */
export async function pingDatabase(db: Kysely<Database>, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const ping = sql`SELECT 1`.execute(db).then(() => true);
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    return await Promise.race([ping, timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** PostgreSQL through `pg`, with {@link commitGuards} run before every commit. */
class GuardedPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new CommitGuardDriver(super.createDriver());
  }
}

/**
 * Kysely's PGlite driver hands its single connection to every caller at once, so a query
 * issued while another request holds a transaction would run *inside* that transaction (and
 * vanish with its rollback). This dialect serialises connection use, like a pool of one.
 */
class SerialPGliteDialect extends PGliteDialect {
  override createDriver(): Driver {
    return new SerialDriver(new CommitGuardDriver(super.createDriver()));
  }
}

/** Runs the {@link commitGuards} guard of the current context inside each transaction, before COMMIT. */
class CommitGuardDriver implements Driver {
  readonly #inner: Driver;

  constructor(inner: Driver) {
    this.#inner = inner;
  }
  init(...args: Parameters<Driver['init']>) {
    return this.#inner.init(...args);
  }
  acquireConnection(...args: Parameters<Driver['acquireConnection']>) {
    return this.#inner.acquireConnection(...args);
  }
  releaseConnection(connection: DatabaseConnection) {
    return this.#inner.releaseConnection(connection);
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    return this.#inner.beginTransaction(connection, settings);
  }
  async commitTransaction(connection: DatabaseConnection) {
    const guard = commitGuards.getStore();
    // A throw here makes Kysely roll the transaction back.
    if (guard) await guard((query) => connection.executeQuery(query));
    return this.#inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection) {
    return this.#inner.rollbackTransaction(connection);
  }
  savepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]) {
    return this.#inner.savepoint?.(connection, name, compile) ?? Promise.resolve();
  }
  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['rollbackToSavepoint']>>[2],
  ) {
    return this.#inner.rollbackToSavepoint?.(connection, name, compile) ?? Promise.resolve();
  }
  releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['releaseSavepoint']>>[2],
  ) {
    return this.#inner.releaseSavepoint?.(connection, name, compile) ?? Promise.resolve();
  }
  destroy() {
    return this.#inner.destroy();
  }
}

const CONNECTION_WAIT_MS = 30_000;

class SerialDriver implements Driver {
  readonly #inner: Driver;
  #tail: Promise<void> = Promise.resolve();
  #release: (() => void) | null = null;

  constructor(inner: Driver) {
    this.#inner = inner;
  }
  init() {
    return this.#inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#tail;
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#tail = previous.then(() => mine);
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([
      previous.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), CONNECTION_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (!waited) {
      // Give our turn away so that the queue behind us does not stall too.
      previous.then(release);
      throw new Error('embedded database busy: waited too long for the connection');
    }
    this.#release = release;
    return this.#inner.acquireConnection();
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.#inner.releaseConnection(connection);
    const release = this.#release;
    this.#release = null;
    release?.();
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    return this.#inner.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection) {
    return this.#inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection) {
    return this.#inner.rollbackTransaction(connection);
  }
  savepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]) {
    return this.#inner.savepoint?.(connection, name, compile) ?? Promise.resolve();
  }
  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['rollbackToSavepoint']>>[2],
  ) {
    return this.#inner.rollbackToSavepoint?.(connection, name, compile) ?? Promise.resolve();
  }
  releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['releaseSavepoint']>>[2],
  ) {
    return this.#inner.releaseSavepoint?.(connection, name, compile) ?? Promise.resolve();
  }
  destroy() {
    return this.#inner.destroy();
  }
}
