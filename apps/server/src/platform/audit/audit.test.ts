import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { testConfig } from '../../testing/config.ts';
import { describeEachDialect } from '../../testing/db.ts';
import type { Principal } from '../identity/principal.ts';
import { appendAudit, verifyAuditLog } from './audit.ts';
import { formatVerification } from './cli.ts';

const key = testConfig().secrets.auditKey;
const clerk: Principal = {
  kind: 'staff',
  id: '0192f000-0000-7000-8000-000000000001',
  sessionId: 's',
  cityId: 'lingnan',
  departmentId: '0192f000-0000-7000-8000-0000000000d1',
  roles: ['clerk'],
  jurisdiction: [],
  secondFactor: true,
  mustChangePassword: false,
};

describeEachDialect(
  'audit log',
  (ctx) => {
    const db = () => ctx.handle().db;
    const raw = (text: string) => sql.raw(text).execute(db());
    const tamper = async (text: string) => {
      await raw('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
      try {
        await raw(text);
      } finally {
        await raw('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
      }
    };

    beforeEach(async () => {
      await tamper('DELETE FROM audit_log');
      await raw(`UPDATE audit_head SET seq = 0, hash = 'genesis'`);
      for (let i = 1; i <= 8; i++) {
        await db()
          .transaction()
          .execute((trx) =>
            appendAudit(
              trx,
              key,
              {
                action: 'citizen.read',
                subjectKind: 'citizen',
                subjectId: `c${i}`,
                personId: '0192f000-0000-7000-8000-0000000000c1',
                purpose: `handling application ${i}`,
                cityId: 'lingnan',
                details: { field: 'phone', n: i },
              },
              { principal: clerk, requestId: `req-${i}`, at: new Date(Date.UTC(2026, 0, 5, 1, 0, i)) },
            ),
          );
      }
    });

    it('verifies an untouched log', async () => {
      const result = await verifyAuditLog(db(), key);
      expect(result).toEqual({ ok: true, entries: 8, problems: [] });
      expect(formatVerification(result)).toContain('8 entries, chain intact');
    });

    it('refuses updates, deletes and truncation at the database', async () => {
      await expect(raw(`UPDATE audit_log SET purpose = 'x' WHERE seq = 2`)).rejects.toThrow(/append-only/);
      await expect(raw('DELETE FROM audit_log WHERE seq = 2')).rejects.toThrow(/append-only/);
      await expect(raw('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    });

    it('reports an edited entry', async () => {
      await tamper(`UPDATE audit_log SET purpose = 'curiosity' WHERE seq = 4`);
      const result = await verifyAuditLog(db(), key);
      expect(result.ok).toBe(false);
      expect(result.problems[0]).toMatchObject({ seq: 4, kind: 'edited' });
      expect(formatVerification(result)).toMatch(/entry 4/);
    });

    it('reports a deleted entry and a cut-off end', async () => {
      await tamper('DELETE FROM audit_log WHERE seq = 4');
      expect((await verifyAuditLog(db(), key)).problems[0]).toMatchObject({ seq: 4, kind: 'deleted' });
      await tamper('DELETE FROM audit_log WHERE seq IN (7, 8)');
      const tail = await verifyAuditLog(db(), key);
      expect(tail.problems).toContainEqual(expect.objectContaining({ seq: 7, kind: 'truncated' }));
    });

    it('reports an inserted entry', async () => {
      await tamper('UPDATE audit_log SET seq = seq + 100 WHERE seq >= 5');
      await tamper('UPDATE audit_log SET seq = seq - 99 WHERE seq >= 105');
      await tamper(`INSERT INTO audit_log (seq, id, at, actor_kind, actor_id, action, outcome, details, prev_hash, hash)
      SELECT 5, '0192f000-0000-7000-8000-00000000dead', now(), 'staff', 'x', 'citizen.read', 'success', '{}',
             (SELECT hash FROM audit_log WHERE seq = 4), md5('forged')`);
      const result = await verifyAuditLog(db(), key);
      expect(result.problems[0]).toMatchObject({ seq: 5, kind: 'inserted' });
    });

    it('reports reordered entries', async () => {
      await tamper('UPDATE audit_log SET seq = -3 WHERE seq = 3');
      await tamper('UPDATE audit_log SET seq = 3 WHERE seq = 6');
      await tamper('UPDATE audit_log SET seq = 6 WHERE seq = -3');
      const result = await verifyAuditLog(db(), key);
      expect(result.problems[0]).toMatchObject({ seq: 3, kind: 'reordered' });
    });

    it('cannot be re-chained without the key', async () => {
      const forger = Buffer.alloc(32, 7);
      expect((await verifyAuditLog(db(), forger)).ok).toBe(false);
    });
  },
  'demo',
);
