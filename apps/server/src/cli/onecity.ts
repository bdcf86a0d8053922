#!/usr/bin/env node
/**
 * The `onecity` command: start the platform, apply migrations, seed the demo city.
 * Run `onecity help` for the list.
 */
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { seedDemo } from '../flows/seed-demo.ts';
import { startServer, stopOnSignals } from '../main.ts';
import { verifyAuditLog } from '../platform/audit/audit.ts';
import { formatVerification } from '../platform/audit/cli.ts';
import { DataDirLockedError } from '../platform/db/data-dir-lock.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';

const HELP = `onecity — the open platform a city runs on

Usage:
  onecity start [--role all|api|worker] [--seed-demo] [--port N]
                            start the platform (migrates first; --seed-demo seeds the demo city if missing)
  onecity migrate           apply pending database migrations and exit
  onecity seed --demo       seed the demo province and cities (idempotent) and exit
  onecity audit verify      check the audit log's hash chain; exit 1 and name every bad entry
  onecity help              this text

Configuration comes from ONECITY_* environment variables (see README.md).`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function config(overrides: Record<string, string | undefined>): Config {
  return loadConfig(undefined, overrides);
}

async function withDatabase<T>(cfg: Config, fn: (h: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>) {
  const handle = await openDatabase(cfg);
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}

async function main(argv: string[]) {
  const [command = 'help', ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      role: { type: 'string' },
      'seed-demo': { type: 'boolean' },
      demo: { type: 'boolean' },
      port: { type: 'string' },
    },
    strict: true,
    allowPositionals: true,
  });
  switch (command) {
    case 'start': {
      const cfg = config({
        ONECITY_ROLE: values.role,
        ONECITY_PORT: values.port,
        ONECITY_SEED_DEMO: values['seed-demo'] ? 'true' : undefined,
      });
      const running = await startServer(cfg);
      stopOnSignals(running, cfg);
      if (running.url) {
        process.stdout.write(`\nOneCity is running at ${running.url}  (API docs: ${running.url}/docs)\n\n`);
      }
      return;
    }
    case 'migrate': {
      const cfg = config({});
      const ran = await withDatabase(cfg, (h) => migrate(h));
      process.stdout.write(
        ran.length ? `applied ${ran.length} migration(s):\n  ${ran.join('\n  ')}\n` : 'database is up to date\n',
      );
      return;
    }
    case 'seed': {
      if (!values.demo) fail('onecity seed: say what to seed: --demo');
      const cfg = config({});
      const summary = await withDatabase(cfg, async (h) => {
        await migrate(h);
        return seedDemo(h.db);
      });
      process.stdout.write(`demo city seeded: ${JSON.stringify(summary)}\n`);
      return;
    }
    case 'audit': {
      if (positionals[0] !== 'verify') fail('onecity audit: say what to do: verify');
      const cfg = config({});
      const result = await withDatabase(cfg, async (h) => {
        await migrate(h);
        return verifyAuditLog(h.db, cfg.secrets.auditKey);
      });
      process.stdout.write(`${formatVerification(result)}\n`);
      if (!result.ok) process.exit(1);
      return;
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${HELP}\n`);
      return;
    default:
      fail(`onecity: unknown command "${command}"\n\n${HELP}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) fail(error.message);
  if (error instanceof DataDirLockedError) fail(error.message);
  if ((error as { code?: string }).code === 'EADDRINUSE') {
    fail(`onecity: the port is already in use (${(error as Error).message}); set ONECITY_PORT to a free port`);
  }
  if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
    fail(`onecity: ${(error as Error).message}\n\n${HELP}`);
  process.stderr.write(`onecity: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
