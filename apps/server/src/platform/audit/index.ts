/** The audit log: append in the caller's transaction, verify the chain. */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { type AuditEntry, appendAudit } from './audit.ts';

export { type AuditEntry, type AuditProblem, type AuditVerification, appendAudit, verifyAuditLog } from './audit.ts';

/** Records `entry` for the request's principal in `trx` (the transaction of the change it records). */
export function audit(trx: Kysely<Database>, request: FastifyRequest, entry: AuditEntry) {
  const { config, clock } = request.server.platform;
  return appendAudit(trx, config.secrets.auditKey, entry, {
    principal: request.principal,
    requestId: String(request.id),
    at: clock.now(),
  });
}
