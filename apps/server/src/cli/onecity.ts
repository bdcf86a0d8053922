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
import { CredentialsUsageError, credentialsVerifyCommand } from '../platform/credentials/cli.ts';
import { DataDirLockedError } from '../platform/db/data-dir-lock.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { AppError, errorMessage } from '../platform/http/errors.ts';
import {
  createOidcClient,
  isAcceptableRedirectUri,
  type OidcScope,
  OidcScopes,
} from '../platform/identity/oidc/clients.ts';
import { issuerFor } from '../platform/identity/oidc/provider.ts';
import { createPiiVault } from '../platform/identity/pii.ts';
import {
  apiKeyCreateCommand,
  apiKeyRevokeCommand,
  staffCreateCommand,
  UsageError,
} from '../platform/identity/staff/cli.ts';

const HELP = `onecity — the open platform a city runs on

Usage:
  onecity start [--role all|api|worker] [--seed-demo] [--port N]
                            start the platform (migrates first; --seed-demo seeds the demo city if missing)
  onecity migrate           apply pending database migrations and exit
  onecity seed --demo       seed the demo province and cities (idempotent) and exit
  onecity audit verify      check the audit log's hash chain; exit 1 and name every bad entry
  onecity oidc client create --name NAME --redirect-uri URL [--redirect-uri URL …] [--scope profile|phone|email …]
                            register a relying party for "Sign in with OneCity"; prints its id and secret once
  onecity staff create --city CITY --department CODE --username NAME --name "DISPLAY NAME" --roles R1,R2
                       [--jurisdiction ZONE1,ZONE2]
                            create a staff account; prints a one-time initial password
  onecity api-key create --city CITY --name NAME --scopes S1,S2 [--department CODE]
                            create an API key for a machine client; prints the key once
  onecity api-key revoke ID revoke an API key at once
  onecity credentials verify FILE --keys JWKS.json [--revocations FILE]
                            verify an e-certificate (compact JWS) offline against the city's key set and, if
                            given, its signed revocation list; exit 1 and say why when it is not valid
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
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      scope: { type: 'string', multiple: true },
      city: { type: 'string' },
      department: { type: 'string' },
      username: { type: 'string' },
      roles: { type: 'string' },
      jurisdiction: { type: 'string' },
      scopes: { type: 'string' },
      keys: { type: 'string' },
      revocations: { type: 'string' },
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
    case 'oidc': {
      if (positionals.join(' ') !== 'client create') fail('onecity oidc: say what to do: client create');
      const redirectUris = values['redirect-uri'] ?? [];
      if (!values.name || !redirectUris.length)
        fail('onecity oidc client create: --name and --redirect-uri are required');
      const scopes = values.scope ?? [];
      const unknown = scopes.find((s) => !(OidcScopes as readonly string[]).includes(s));
      if (unknown) fail(`onecity oidc client create: unknown scope "${unknown}" (one of ${OidcScopes.join(', ')})`);
      const badUri = redirectUris.find((uri) => !isAcceptableRedirectUri(uri));
      if (badUri !== undefined) {
        fail(`onecity oidc client create: ${errorMessage('OIDC_REDIRECT_URI_INVALID', 'en', { uri: badUri })}`);
      }
      const cfg = config({});
      const name = values.name;
      const client = await withDatabase(cfg, async (h) => {
        await migrate(h);
        return createOidcClient(h.db, createPiiVault(cfg.secrets), {
          name,
          redirectUris,
          scopes: scopes.length ? (scopes as OidcScope[]) : undefined,
        });
      });
      process.stdout.write(
        'client registered (the secret is shown only now):\n' +
          `  issuer         ${issuerFor(cfg.http.publicUrl)}\n` +
          `  client_id      ${client.clientId}\n` +
          `  client_secret  ${client.clientSecret}\n` +
          `  redirect_uris  ${client.redirectUris.join(' ')}\n` +
          `  scopes         ${client.scopes.join(' ')}\n`,
      );
      return;
    }
    case 'staff': {
      if (positionals.join(' ') !== 'create') fail('onecity staff: say what to do: create');
      const cfg = config({});
      const text = await withDatabase(cfg, async (h) => {
        await migrate(h);
        return staffCreateCommand(h.db, cfg, values);
      });
      process.stdout.write(text);
      return;
    }
    case 'api-key': {
      const [action, id] = positionals;
      if (action !== 'create' && action !== 'revoke') fail('onecity api-key: say what to do: create or revoke');
      const cfg = config({});
      const text = await withDatabase(cfg, async (h) => {
        await migrate(h);
        return action === 'create' ? apiKeyCreateCommand(h.db, cfg, values) : apiKeyRevokeCommand(h.db, cfg, id);
      });
      process.stdout.write(text);
      return;
    }
    case 'credentials': {
      const [action, file] = positionals;
      if (action !== 'verify') fail('onecity credentials: say what to do: verify');
      const result = await credentialsVerifyCommand({ file, keys: values.keys, revocations: values.revocations });
      process.stdout.write(result.text);
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
  if (error instanceof UsageError) fail(error.message);
  if (error instanceof CredentialsUsageError) fail(error.message);
  if (error instanceof AppError) fail(`onecity: ${errorMessage(error.code, 'en', error.params)}`);
  if ((error as { code?: string }).code === 'EADDRINUSE') {
    fail(`onecity: the port is already in use (${(error as Error).message}); set ONECITY_PORT to a free port`);
  }
  if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
    fail(`onecity: ${(error as Error).message}\n\n${HELP}`);
  process.stderr.write(`onecity: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
