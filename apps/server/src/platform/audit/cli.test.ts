import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../testing/config.ts';
import { freshPostgres, postgresAvailable } from '../../testing/db.ts';
import { openDatabase } from '../db/database.ts';
import { appendAudit } from './audit.ts';

const CLI = fileURLToPath(new URL('../../cli/onecity.ts', import.meta.url));

function verify(url: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'audit', 'verify'], {
      env: { PATH: process.env.PATH ?? '', ONECITY_DATABASE_URL: url, ONECITY_LOG_LEVEL: 'silent' },
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      out += c;
    });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe.skipIf(!postgresAvailable())('onecity audit verify', () => {
  it('passes an untouched log and names the entry that was edited', async () => {
    const fresh = await freshPostgres('demo');
    const config = testConfig({ ONECITY_DATABASE_URL: fresh.url });
    const handle = await openDatabase(config);
    try {
      for (let i = 1; i <= 3; i++) {
        await handle.db
          .transaction()
          .execute((trx) =>
            appendAudit(
              trx,
              config.secrets.auditKey,
              { action: 'example.change', subjectKind: 'example', subjectId: String(i) },
              { principal: { kind: 'anonymous' }, at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) },
            ),
          );
      }
      const clean = await verify(fresh.url);
      expect(clean.code).toBe(0);
      expect(clean.out).toContain('3 entries, chain intact');

      await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(handle.db);
      await sql`UPDATE audit_log SET subject_id = 'forged' WHERE seq = 2`.execute(handle.db);
      const tampered = await verify(fresh.url);
      expect(tampered.code).toBe(1);
      expect(tampered.out).toMatch(/entry 2: edited/);
    } finally {
      await handle.close();
      await fresh.drop();
    }
  });
});
