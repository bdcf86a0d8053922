import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./onecity.ts', import.meta.url));
const children: ChildProcess[] = [];

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ONECITY_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c) => {
    stdout += c;
  });
  child.stderr?.on('data', (c) => {
    stderr += c;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    out: () => stdout,
    err: () => stderr,
    async url(timeoutMs = 90_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const m = stdout.match(/running at (http:\/\/\S+)/);
        if (m?.[1]) return m[1];
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no URL within ${timeoutMs} ms: ${stdout} ${stderr}`);
    },
  };
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('the onecity command', () => {
  it('starts on embedded PGlite with the demo city, refuses a second process, keeps data across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'onecity-cli-'));
    const env = { ONECITY_DATA_DIR: dataDir, ONECITY_PORT: '0', ONECITY_HOST: '127.0.0.1' };

    const first = run(['start', '--seed-demo'], env);
    const url = await first.url();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const cities = (await (await fetch(`${url}/api/v1/cities`)).json()) as { items: { id: string }[] };
    expect(cities.items.map((c) => c.id)).toEqual(expect.arrayContaining(['lingnan', 'nanwan']));

    const second = run(['start'], env);
    expect(await second.exited).toBe(1);
    expect(second.err()).toMatch(/already in use by process \d+/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const seedAgain = run(['seed', '--demo'], env);
    expect(await seedAgain.exited).toBe(0);
    expect(seedAgain.out()).toContain('"zones":0');

    const restarted = run(['start'], env);
    const url2 = await restarted.url();
    const zones = (await (await fetch(`${url2}/api/v1/cities/lingnan/zones?level=grid`)).json()) as {
      items: unknown[];
    };
    expect(zones.items.length).toBeGreaterThanOrEqual(300);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
  }, 180_000);

  it('exits non-zero listing every configuration problem', async () => {
    const bad = run(['start'], { ONECITY_PORT: 'eighty', ONECITY_ROLE: 'boss', ONECITY_DATABASE_URL: 'mysql://x' });
    expect(await bad.exited).toBe(1);
    for (const key of ['ONECITY_PORT', 'ONECITY_ROLE', 'ONECITY_DATABASE_URL']) expect(bad.err()).toContain(key);
  });

  it('explains its commands and rejects unknown ones', async () => {
    const help = run(['help'], {});
    expect(await help.exited).toBe(0);
    expect(help.out()).toContain('onecity migrate');
    const unknown = run(['launch'], {});
    expect(await unknown.exited).toBe(1);
    expect(unknown.err()).toContain('unknown command "launch"');
  });
});
