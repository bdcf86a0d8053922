import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config.ts';
import { openDatabase } from '../../db/database.ts';
import { createPiiVault } from '../pii.ts';

const CLI = fileURLToPath(new URL('../../../cli/onecity.ts', import.meta.url));
const run = promisify(execFile);

async function onecity(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ONECITY_LOG_LEVEL: 'warn', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('onecity oidc client create', () => {
  it('registers a client, prints its secret once and stores it encrypted; refuses bad input', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'onecity-oidc-cli-'));
    const env = { ONECITY_DATA_DIR: dataDir };
    try {
      const bad = await onecity(
        ['oidc', 'client', 'create', '--name', 'X', '--redirect-uri', 'http://x.example/cb'],
        env,
      );
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('http://x.example/cb');
      const scope = await onecity(
        ['oidc', 'client', 'create', '--name', 'X', '--redirect-uri', 'https://x.example/cb', '--scope', 'national_id'],
        env,
      );
      expect(scope.code).toBe(1);
      expect(scope.stderr).toContain('unknown scope "national_id"');

      const ok = await onecity(
        [
          'oidc',
          'client',
          'create',
          '--name',
          'Lingnan Power',
          '--redirect-uri',
          'https://power.example/cb',
          '--scope',
          'phone',
        ],
        env,
      );
      expect(ok.code).toBe(0);
      const clientId = ok.stdout.match(/client_id\s+(\S+)/)?.[1];
      const secret = ok.stdout.match(/client_secret\s+(\S+)/)?.[1];
      expect(clientId).toMatch(/^oc_/);
      expect(ok.stdout).toMatch(/scopes\s+openid phone/);

      const config = loadConfig({ ONECITY_DATA_DIR: dataDir, ONECITY_ENV: 'test' });
      const handle = await openDatabase(config);
      try {
        const rows = await handle.db.selectFrom('oidc_clients').selectAll().execute();
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          id: clientId,
          name: 'Lingnan Power',
          redirect_uris: ['https://power.example/cb'],
        });
        expect(rows[0]?.secret_enc).not.toContain(secret);
        expect(createPiiVault(config.secrets).decrypt(rows[0]?.secret_enc ?? '')).toBe(secret);
      } finally {
        await handle.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
