/**
 * The audit log: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE) and hash-chained
 * with an HMAC keyed by the audit key, so that someone who can write to the database but does
 * not hold the key cannot edit, delete, insert or reorder entries without `verifyAuditLog`
 * saying where. Entries are written in the caller's transaction: they commit with the change.
 */
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../db/schema.ts';
import { actorOf, type Principal } from '../identity/principal.ts';

/** What happened, to what, about whom, and why. */
export interface AuditEntry {
  action: string;
  subjectKind?: string;
  subjectId?: string;
  /** The citizen whose personal data this concerns (for "who accessed my data"). */
  personId?: string;
  /** Why another person's data was read; required for such reads. */
  purpose?: string;
  cityId?: string;
  outcome?: 'success' | 'denied' | 'failure';
  /** Extra facts; never personal data in clear. */
  details?: Record<string, unknown>;
}

/** Who did it and in which request. */
export interface AuditContext {
  principal: Principal;
  requestId?: string;
  at: Date;
}

const GENESIS = 'genesis';

interface HashedFields {
  seq: number;
  id: string;
  at: string;
  actor_kind: string;
  actor_id: string | null;
  acting_for: string | null;
  action: string;
  subject_kind: string | null;
  subject_id: string | null;
  person_id: string | null;
  purpose: string | null;
  city_id: string | null;
  request_id: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** The chain hash of one entry given the previous entry's hash. */
export function chainHash(key: Buffer, prevHash: string, fields: HashedFields): string {
  return createHmac('sha256', key).update(prevHash).update('\n').update(canonical(fields)).digest('hex');
}

/** Appends one entry in `trx` (a transaction: the entry commits with the change it records). */
export async function appendAudit(
  trx: Kysely<Database>,
  key: Buffer,
  entry: AuditEntry,
  context: AuditContext,
): Promise<{ seq: number; id: string }> {
  // Taking the head row's lock serialises writers, so the chain never forks.
  const head = await trx
    .updateTable('audit_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  const actor = actorOf(context.principal);
  const fields: HashedFields = {
    seq: head.seq,
    id: uuidv7(),
    at: context.at.toISOString(),
    actor_kind: actor.kind,
    actor_id: actor.id,
    acting_for: actor.actingFor,
    action: entry.action,
    subject_kind: entry.subjectKind ?? null,
    subject_id: entry.subjectId ?? null,
    person_id: entry.personId ?? null,
    purpose: entry.purpose ?? null,
    city_id: entry.cityId ?? null,
    request_id: context.requestId ?? null,
    outcome: entry.outcome ?? 'success',
    details: entry.details ?? {},
  };
  const hash = chainHash(key, head.hash, fields);
  await trx
    .insertInto('audit_log')
    .values({
      ...fields,
      outcome: fields.outcome as 'success' | 'denied' | 'failure',
      details: JSON.stringify(fields.details),
      prev_hash: head.hash,
      hash,
    })
    .execute();
  await trx.updateTable('audit_head').set({ hash }).where('id', '=', 1).execute();
  return { seq: head.seq, id: fields.id };
}

/** One finding of {@link verifyAuditLog}. */
export interface AuditProblem {
  seq: number;
  kind: 'edited' | 'deleted' | 'inserted' | 'reordered' | 'truncated';
  detail: string;
}

/** The result of checking the whole chain. */
export interface AuditVerification {
  ok: boolean;
  entries: number;
  problems: AuditProblem[];
}

/** Walks the whole log in order and reports every place where the chain does not hold. */
export async function verifyAuditLog(db: Kysely<Database>, key: Buffer, batch = 2000): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS;
  let lastSeq = 0;
  let entries = 0;
  // Hashes seen so far, to tell a moved (reordered) entry from an inserted one.
  const seen = new Map<string, number>();
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', lastSeq)
      .orderBy('seq')
      .limit(batch)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      entries++;
      const fields: HashedFields = {
        seq: row.seq,
        id: row.id,
        at: row.at.toISOString(),
        actor_kind: row.actor_kind,
        actor_id: row.actor_id,
        acting_for: row.acting_for,
        action: row.action,
        subject_kind: row.subject_kind,
        subject_id: row.subject_id,
        person_id: row.person_id,
        purpose: row.purpose,
        city_id: row.city_id,
        request_id: row.request_id,
        outcome: row.outcome,
        details: row.details,
      };
      const recomputed = chainHash(key, row.prev_hash, fields);
      if (row.seq !== expectedSeq) {
        problems.push({
          seq: row.seq,
          kind: row.seq > expectedSeq ? 'deleted' : 'inserted',
          detail:
            row.seq > expectedSeq
              ? `entries ${expectedSeq}..${row.seq - 1} are missing`
              : `entry ${row.seq} appears out of sequence`,
        });
      } else if (recomputed !== row.hash) {
        problems.push({ seq: row.seq, kind: 'edited', detail: `entry ${row.seq} does not match its hash` });
      } else if (row.prev_hash !== prevHash) {
        const moved = seen.has(row.prev_hash) || [...seen.values()].length === 0;
        problems.push({
          seq: row.seq,
          kind: moved ? 'reordered' : 'inserted',
          detail: `entry ${row.seq} does not follow entry ${row.seq - 1}`,
        });
      }
      seen.set(row.hash, row.seq);
      prevHash = row.hash;
      expectedSeq = row.seq + 1;
      lastSeq = row.seq;
    }
  }
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  if (head && (head.seq !== lastSeq || head.hash !== prevHash)) {
    const kind = head.seq > lastSeq ? 'truncated' : 'inserted';
    problems.push({
      seq: head.seq > lastSeq ? lastSeq + 1 : lastSeq,
      kind,
      detail:
        head.seq > lastSeq
          ? `the log ends at entry ${lastSeq} but ${head.seq} were written`
          : `entry ${lastSeq} was not written through the log`,
    });
  }
  return { ok: problems.length === 0, entries, problems };
}
