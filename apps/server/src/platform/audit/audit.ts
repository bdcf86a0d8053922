/**
 * The audit log: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE) and hash-chained
 * with an HMAC keyed by the audit key, so that someone who can write to the database but does
 * not hold the key cannot edit, delete, insert or reorder entries without `verifyAuditLog`
 * saying where. Entries are written in the caller's transaction: they commit with the change.
 */
import { createHmac } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { AuditLogTable, Database } from '../db/schema.ts';
import { actorOf, type Principal } from '../identity/principal.ts';
import { canonicalJson } from '../json/canonical.ts';

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

/** What the chain hash covers. Not `seq`: the chain itself is the order, so a moved entry shows as moved. */
type HashedFields = Omit<Selectable<AuditLogTable>, 'seq' | 'prev_hash' | 'hash' | 'at'> & { at: string };

/** The chain hash of one entry given the previous entry's hash. */
export function chainHash(key: Buffer, prevHash: string, fields: HashedFields): string {
  return createHmac('sha256', key).update(prevHash).update('\n').update(canonicalJson(fields)).digest('hex');
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
  // The entry and the head's new hash in one statement: one round trip less while the head is locked.
  await trx
    .with('entry', (db) =>
      db.insertInto('audit_log').values({
        ...fields,
        seq: head.seq,
        details: JSON.stringify(fields.details),
        prev_hash: head.hash,
        hash,
      }),
    )
    .updateTable('audit_head')
    .set({ hash })
    .where('id', '=', 1)
    .execute();
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
  // First pass: where each hash sits, so that an entry whose predecessor is elsewhere in the
  // log can be told apart (moved) from one whose predecessor is gone (deleted).
  const position = new Map<string, number>();
  for (let after = 0; ; ) {
    const rows = await db
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(batch * 5)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) position.set(r.hash, r.seq);
    after = rows[rows.length - 1]?.seq ?? after;
  }

  const problems: AuditProblem[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS;
  let lastSeq = 0;
  let entries = 0;
  let pendingInsert: { seq: number; before: string } | null = null;
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
      const valid = chainHash(key, row.prev_hash, fieldsOf(row)) === row.hash;
      if (pendingInsert) {
        // The entry before this one did not verify. If this one continues the chain from the
        // entry before that, the bad one was slipped in; otherwise it was edited in place.
        const inserted = row.prev_hash === pendingInsert.before;
        problems.push({
          seq: pendingInsert.seq,
          kind: inserted ? 'inserted' : 'edited',
          detail: inserted
            ? `entry ${pendingInsert.seq} was added outside the log`
            : `entry ${pendingInsert.seq} was changed after it was written`,
        });
        if (inserted) prevHash = pendingInsert.before;
        pendingInsert = null;
      }
      if (row.seq !== expectedSeq && row.seq > expectedSeq) {
        problems.push({
          seq: expectedSeq,
          kind: 'deleted',
          detail: `entries ${expectedSeq}..${row.seq - 1} are missing`,
        });
      } else if (!valid) {
        pendingInsert = { seq: row.seq, before: prevHash };
      } else if (row.prev_hash !== prevHash && !problems.some((p) => p.kind === 'deleted' && p.seq === expectedSeq)) {
        const movedFrom = position.get(row.prev_hash);
        problems.push(
          movedFrom !== undefined || row.prev_hash === GENESIS
            ? {
                seq: row.seq,
                kind: 'reordered',
                detail: `entry ${row.seq} was moved: it follows entry ${movedFrom ?? 0}`,
              }
            : { seq: row.seq, kind: 'deleted', detail: `the entry before ${row.seq} is missing` },
        );
      }
      prevHash = row.hash;
      expectedSeq = row.seq + 1;
      lastSeq = row.seq;
    }
  }
  if (pendingInsert) {
    problems.push({
      seq: pendingInsert.seq,
      kind: 'edited',
      detail: `entry ${pendingInsert.seq} was changed after it was written`,
    });
  }
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  if (head && head.seq > lastSeq) {
    problems.push({
      seq: lastSeq + 1,
      kind: 'truncated',
      detail: `the log ends at entry ${lastSeq} but ${head.seq} were written`,
    });
  } else if (head && (head.seq < lastSeq || (head.hash !== prevHash && problems.length === 0))) {
    problems.push({ seq: lastSeq, kind: 'inserted', detail: `entry ${lastSeq} was not written through the log` });
  }
  return { ok: problems.length === 0, entries, problems };
}

function fieldsOf(row: Selectable<AuditLogTable>): HashedFields {
  const { seq: _seq, prev_hash: _prev, hash: _hash, at, ...rest } = row;
  return { ...rest, at: at.toISOString() };
}
