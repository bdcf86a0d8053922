/**
 * A real multi-process deployment for fault tests: API and worker processes of the `onecity`
 * command (child processes, configured through ONECITY_* variables) against a PostgreSQL
 * cluster and a NATS JetStream server of their own, on free ports in a temporary directory,
 * so that a test can kill, stop and restart any of them without disturbing anything else on
 * the machine. PostgreSQL refuses to run as root: as root, its commands run as the `postgres`
 * OS user (runuser) in a directory that user owns.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { type Config, loadConfig } from '../config.ts';
import { type DatabaseHandle, openDatabase } from '../platform/db/database.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../cli/onecity.ts', import.meta.url));
const DATABASE = 'onecity';

/** The directory holding PostgreSQL's server programs (initdb, pg_ctl), newest version first; null if none. */
export function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(root, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

/** The `nats-server` program on the PATH (or in /usr/sbin, where Debian puts it); null if none. */
export function findNatsServer(path: string = process.env.PATH ?? ''): string | null {
  for (const dir of [...path.split(delimiter), '/usr/sbin', '/usr/local/sbin']) {
    if (dir && existsSync(join(dir, 'nats-server'))) return join(dir, 'nats-server');
  }
  return null;
}

/** Why a cluster cannot be started here (missing programs), or null when it can. */
export function clusterUnavailable(): string | null {
  if (!findPostgresBin()) return 'no PostgreSQL server programs under /usr/lib/postgresql/*/bin';
  if (!findNatsServer()) return 'no nats-server on the PATH';
  if (isRoot()) {
    if (!existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) return 'running as root without runuser';
    try {
      postgresUser();
    } catch {
      return 'running as root and there is no postgres OS user to run PostgreSQL as';
    }
  }
  return null;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function postgresUser(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** A TCP port nobody listens on right now (on 127.0.0.1). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs: number, onTimeout = '') {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${onTimeout}`);
    await sleep(50);
  }
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** A PostgreSQL cluster of its own: initdb'd in a temporary directory, on a free port. */
export class PostgresServer {
  readonly port: number;
  readonly #bin: string;
  readonly #dir: string;
  readonly #data: string;

  private constructor(bin: string, dir: string, port: number) {
    this.#bin = bin;
    this.#dir = dir;
    this.#data = join(dir, 'data');
    this.port = port;
  }

  /** Creates (initdb) a cluster under `root`/postgres; it is not started. */
  static async create(root: string): Promise<PostgresServer> {
    const bin = findPostgresBin();
    if (!bin) throw new Error('no PostgreSQL server programs found');
    const dir = join(root, 'postgres');
    await mkdir(dir);
    if (isRoot()) {
      const { uid, gid } = postgresUser();
      await chown(dir, uid, gid);
    }
    const server = new PostgresServer(bin, dir, await freePort());
    await server.#pg('initdb', ['-D', server.#data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    return server;
  }

  /** The URL of the OneCity database (or another one on this cluster). */
  url(database = DATABASE): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the server and waits until it takes connections. */
  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.#dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=200',
      '-c shared_buffers=64MB',
    ].join(' ');
    await this.#pg('pg_ctl', [
      '-D',
      this.#data,
      '-l',
      join(this.#dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      options,
      'start',
    ]);
  }

  /**
   * Stops the server: `fast` ends every session and checkpoints; `immediate` kills it outright,
   * as a crash would (the next start recovers from the write-ahead log).
   */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.#pg('pg_ctl', ['-D', this.#data, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** Whether the server is running (pg_ctl status). */
  async running(): Promise<boolean> {
    try {
      await this.#pg('pg_ctl', ['-D', this.#data, 'status']);
      return true;
    } catch {
      return false;
    }
  }

  /** The server log's last lines (for failure messages). */
  logTail(lines = 30): string {
    return tail(join(this.#dir, 'server.log'), lines);
  }

  async #pg(program: string, args: string[]): Promise<void> {
    const path = join(this.#bin, program);
    const [command, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
    try {
      await run(command, argv, { cwd: this.#dir, timeout: 120_000 });
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${program} ${args.at(-1)} failed: ${e.stderr || e.stdout || e.message}`);
    }
  }
}

/** A NATS server with JetStream, storing under a temporary directory, on a free port. */
export class NatsServer {
  readonly port: number;
  readonly #program: string;
  readonly #dir: string;
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();

  private constructor(program: string, dir: string, port: number) {
    this.#program = program;
    this.#dir = dir;
    this.port = port;
  }

  /** Prepares a server under `root`/nats; it is not started. */
  static async create(root: string): Promise<NatsServer> {
    const program = findNatsServer();
    if (!program) throw new Error('nats-server not found');
    const dir = join(root, 'nats');
    await mkdir(dir);
    return new NatsServer(program, dir, await freePort());
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts the server (same port, same store) and waits until JetStream answers. */
  async start(): Promise<void> {
    if (this.#child) return;
    const log = openSync(join(this.#dir, 'server.log'), 'a');
    const child = spawn(
      this.#program,
      ['-js', '-sd', join(this.#dir, 'store'), '-a', '127.0.0.1', '-p', String(this.port)],
      { stdio: ['ignore', log, log] },
    );
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`nats-server exited: ${tail(join(this.#dir, 'server.log'))}`);
        if (!(await listening(this.port))) return false;
        try {
          const nc = await connect({ servers: this.url, timeout: 1_000, reconnect: false });
          try {
            await (await jetstreamManager(nc)).getAccountInfo();
            return true;
          } finally {
            await nc.close();
          }
        } catch {
          return false;
        }
      },
      'NATS JetStream',
      30_000,
    );
  }

  /** Stops the server: SIGTERM lets it shut down cleanly, SIGKILL does not. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await this.#exited;
  }
}

/** The role a OneCity process plays. */
export type Role = 'api' | 'worker';

/** One `onecity start` child process: an API (HTTP on a fixed port) or a worker. */
export class OneCityProcess {
  readonly name: string;
  readonly role: Role;
  /** HTTP port of an API process (kept across restarts, so its URL stays the same). */
  readonly port: number | null;
  readonly #env: Record<string, string>;
  readonly #logDir: string;
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #starts = 0;
  #log = '';

  constructor(name: string, role: Role, port: number | null, env: Record<string, string>, logDir: string) {
    this.name = name;
    this.role = role;
    this.port = port;
    this.#env = env;
    this.#logDir = logDir;
  }

  /** The API's base URL (API processes only). */
  get url(): string {
    if (this.port === null) throw new Error(`${this.name} is a worker: it does not listen`);
    return `http://127.0.0.1:${this.port}`;
  }

  /** The process id while it runs. */
  get pid(): number | null {
    return this.#child && this.#child.exitCode === null && this.#child.signalCode === null
      ? (this.#child.pid ?? null)
      : null;
  }

  /** Starts the process (its log goes to `<name>.<n>.log`); see {@link ready}. */
  start(): void {
    if (this.pid !== null) throw new Error(`${this.name} is already running`);
    this.#starts += 1;
    this.#log = join(this.#logDir, `${this.name}.${this.#starts}.log`);
    const log = openSync(this.#log, 'a');
    const env = { ...this.#env, ...(this.port === null ? {} : { ONECITY_PORT: String(this.port) }) };
    const child = spawn(process.execPath, [CLI, 'start', '--role', this.role], {
      env,
      stdio: ['ignore', log, log],
    });
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Waits until the process serves: /readyz answers 200 (API), or it logged that it started (worker). */
  async ready(timeoutMs = 180_000): Promise<void> {
    const child = this.#child;
    if (!child) throw new Error(`${this.name} was not started`);
    await until(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${this.name} exited (${child.exitCode ?? child.signalCode}):\n${this.logTail()}`);
        }
        if (this.role === 'worker') return readFileSync(this.#log, 'utf8').includes('"msg":"OneCity started"');
        try {
          const res = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
          await res.arrayBuffer();
          return res.status === 200;
        } catch {
          return false;
        }
      },
      `${this.name} to be ready`,
      timeoutMs,
      `\n${this.logTail()}`,
    );
  }

  /** Sends `signal` (SIGKILL by default: no shutdown at all) and waits for the process to end. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await this.#exited;
    this.#child = null;
  }

  /** Stops the process the way an orchestrator does (SIGTERM: drain, then exit). */
  async stop(): Promise<void> {
    await this.kill('SIGTERM');
  }

  /** The current log's last lines. */
  logTail(lines = 30): string {
    return tail(this.#log, lines);
  }
}

/** What {@link Cluster.start} sets up. */
export interface ClusterOptions {
  apis?: number;
  workers?: number;
  /** Carry events over NATS JetStream (default); false: the in-process bus in the workers. */
  nats?: boolean;
  /** More ONECITY_* settings for every process. */
  env?: Record<string, string>;
  /** Keep the temporary directory (logs, data) after {@link Cluster.close}. */
  keep?: boolean;
}

/**
 * PostgreSQL, NATS and OneCity processes named `api1`, `api2`, … and `worker1`, …, all in one
 * temporary directory. The database is migrated and seeded with the demo city before the
 * processes start.
 */
export class Cluster {
  readonly dir: string;
  readonly postgres: PostgresServer;
  readonly nats: NatsServer | null;
  readonly processes = new Map<string, OneCityProcess>();
  /** The configuration the processes share (for test-side helpers: cookie names, keys). */
  readonly config: Config;
  readonly #env: Record<string, string>;
  readonly #keep: boolean;
  #handle: DatabaseHandle | null = null;

  private constructor(
    dir: string,
    postgres: PostgresServer,
    nats: NatsServer | null,
    env: Record<string, string>,
    keep: boolean,
  ) {
    this.dir = dir;
    this.postgres = postgres;
    this.nats = nats;
    this.#env = env;
    this.#keep = keep;
    this.config = loadConfig(env);
  }

  /** Creates everything, seeds the demo city and starts the processes; resolves when all are ready. */
  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    const reason = clusterUnavailable();
    if (reason) throw new Error(`cannot start a cluster: ${reason}`);
    const dir = await mkdtemp(join(tmpdir(), 'onecity-cluster-'));
    // PostgreSQL runs as another user, who must reach its directory inside this one.
    await chmod(dir, 0o755);
    const postgres = await PostgresServer.create(dir);
    const nats = options.nats === false ? null : await NatsServer.create(dir);
    await mkdir(join(dir, 'logs'));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      ONECITY_ENV: 'development',
      ONECITY_HOST: '127.0.0.1',
      ONECITY_DATABASE_URL: postgres.url(),
      ONECITY_DATA_DIR: join(dir, 'data'),
      ONECITY_LOG_LEVEL: 'info',
      // Clients are told apart by X-Forwarded-For, as behind the city's load balancer.
      ONECITY_TRUST_PROXY: 'true',
      ONECITY_RELAY_INTERVAL_MS: '100',
      ONECITY_JOBS_INTERVAL_MS: '200',
      ...(nats ? { ONECITY_NATS_URL: nats.url } : {}),
      ...options.env,
    };
    const cluster = new Cluster(dir, postgres, nats, env, options.keep ?? false);
    try {
      await postgres.start();
      const admin = new pg.Client({ connectionString: postgres.url('postgres') });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${DATABASE}`).finally(() => admin.end());
      await cluster.#command(['seed', '--demo']);
      await nats?.start();
      for (let i = 1; i <= (options.apis ?? 2); i++) await cluster.add(`api${i}`, 'api');
      for (let i = 1; i <= (options.workers ?? 1); i++) await cluster.add(`worker${i}`, 'worker');
      await Promise.all([...cluster.processes.values()].map((p) => p.ready()));
      return cluster;
    } catch (error) {
      await cluster.close();
      throw error;
    }
  }

  /** Adds a process named `name` and starts it (call `ready()` on it to wait). */
  async add(name: string, role: Role): Promise<OneCityProcess> {
    if (this.processes.has(name)) throw new Error(`${name} exists`);
    const port = role === 'api' ? await freePort() : null;
    const p = new OneCityProcess(name, role, port, this.#env, join(this.dir, 'logs'));
    this.processes.set(name, p);
    p.start();
    return p;
  }

  /** Stops `name` (SIGTERM) and forgets it. */
  async remove(name: string): Promise<void> {
    await this.process(name).stop();
    this.processes.delete(name);
  }

  /** The process named `name`. */
  process(name: string): OneCityProcess {
    const p = this.processes.get(name);
    if (!p) throw new Error(`no process ${name}`);
    return p;
  }

  /** The API processes' base URLs, in name order. */
  get apiUrls(): string[] {
    return [...this.processes.values()].filter((p) => p.role === 'api').map((p) => p.url);
  }

  /** Kills `name` with SIGKILL (no shutdown at all). */
  async kill(name: string): Promise<void> {
    await this.process(name).kill('SIGKILL');
  }

  /** Starts `name` again and waits until it is ready. */
  async restart(name: string): Promise<void> {
    const p = this.process(name);
    await p.kill('SIGKILL');
    p.start();
    await p.ready();
  }

  /** A database handle of the test's own on the cluster's database (for checks). */
  async db(): Promise<DatabaseHandle> {
    this.#handle ??= await openDatabase(this.config);
    return this.#handle;
  }

  /** Stops everything and removes the temporary directory (unless kept). */
  async close(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.kill('SIGKILL')));
    await this.#handle?.close().catch(() => {});
    this.#handle = null;
    await this.nats?.stop('SIGKILL');
    if (await this.postgres.running()) await this.postgres.stop('immediate').catch(() => {});
    if (!this.#keep) await rm(this.dir, { recursive: true, force: true });
  }

  /** Runs a one-off `onecity` command (migrate, seed …) with the cluster's settings. */
  async #command(args: string[]): Promise<string> {
    try {
      const { stdout } = await run(process.execPath, [CLI, ...args], {
        env: { ...this.#env, ONECITY_LOG_LEVEL: 'warn' },
        timeout: 300_000,
      });
      return stdout;
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`onecity ${args.join(' ')} failed: ${e.stderr || e.message}`);
    }
  }
}
