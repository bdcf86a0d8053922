/**
 * The container image's HEALTHCHECK. An `api` or `all` process is asked for `/healthz`; a
 * `worker` serves no HTTP, so while its process runs there is nothing more to ask. The role and
 * port come from the container's command line (`onecity start --role worker --port 8080`), as
 * the CLI reads them, or else from ONECITY_ROLE and ONECITY_PORT.
 *
 *   node deploy/healthcheck.ts      exit 0 when healthy, 1 otherwise
 */
import { readFileSync } from 'node:fs';

/** What to ask, or null when the process serves no HTTP. */
export function healthcheckUrl(argv: readonly string[], env: Record<string, string | undefined>): string | null {
  const role = flag(argv, '--role') ?? env.ONECITY_ROLE ?? 'all';
  if (role === 'worker') return null;
  const port = flag(argv, '--port') ?? env.ONECITY_PORT ?? '3000';
  const listen = env.ONECITY_HOST ?? 'localhost';
  const host = listen === '0.0.0.0' || listen === '::' ? '127.0.0.1' : listen;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`;
}

/** The value of `--name value` or `--name=value`, the last one winning as with parseArgs. */
function flag(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === name && argv[i + 1] !== undefined) value = argv[i + 1];
    else if (arg.startsWith(`${name}=`)) value = arg.slice(name.length + 1);
  });
  return value;
}

/** The arguments of the container's first process (the `onecity` command, or an init in front of it). */
function containerArgv(): string[] {
  try {
    return readFileSync('/proc/1/cmdline', 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

async function main(): Promise<number> {
  const url = healthcheckUrl(containerArgv(), process.env);
  if (url === null) return 0;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return response.ok ? 0 : 1;
  } catch {
    return 1;
  }
}

if (import.meta.main) process.exitCode = await main();
