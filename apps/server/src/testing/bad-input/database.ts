/**
 * Whether a request changed the database. Every table of the app gets a trigger that notes
 * each inserted, updated or deleted row (and a truncate) in a table of the harness's own
 * (`bad_input.changes`), in the writing transaction: only committed writes show, any committed
 * write shows — even an update that leaves the values as they were — and no read does. A look
 * takes what was noted since the last one (`DELETE … RETURNING`, so a transaction that commits
 * late is seen by the next look, never lost between two). That costs one small read per look,
 * whatever the size of the tables, and a writer elsewhere on the server (another database)
 * costs nothing.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';

/**
 * What a refused request may write, by design — its record-keeping, nothing else:
 * - `ignored`: a POST's answer stored under its Idempotency-Key (a retry gets the same
 *   refusal) and rate-limit counters (refused attempts count too);
 * - `audited`: audit entries of refused attempts (outcome `denied` or `failure`, and the lock
 *   that too many failures cause), with the chain's head;
 * - `columns`: the failed-attempt count and lock of a staff account, and the sessions such a
 *   lock ends. Any other column of these tables must stay as it was.
 */
export const REFUSAL_RECORDS = {
  ignored: ['idempotency_keys', 'rate_limit_counters'],
  auditedActions: ['staff.lock'],
  auditedOutcomes: ['denied', 'failure'],
  columns: {
    staff: ['failed_attempts', 'locked_until', 'updated_at'],
    sessions: ['revoked_at'],
  } as Record<string, string[]>,
} as const;

/** One noted write: the table, the operation, and for the audit log the entry's outcome and action. */
interface Noted {
  tbl: string;
  op: string;
  outcome: string | null;
  action: string | null;
}

/** Watches the database between requests. */
export class DatabaseWatch {
  readonly #db: Kysely<Database>;
  #installed = false;
  /** Looks taken (for the run's report). */
  looks = 0;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Starts from here: what was written before (the world's set-up, a renewed session) is not a change. */
  async reset(): Promise<void> {
    if (!this.#installed) {
      await this.#install();
      this.#installed = true;
    }
    await sql`DELETE FROM bad_input.changes`.execute(this.#db);
  }

  /**
   * The tables changed since the last look beyond what a refusal may write
   * ({@link REFUSAL_RECORDS}); the look becomes the new baseline.
   */
  async changes(): Promise<string[]> {
    this.looks += 1;
    const { rows } = await sql<Noted>`DELETE FROM bad_input.changes RETURNING tbl, op, outcome, action`.execute(
      this.#db,
    );
    if (rows.length === 0) return [];
    const tables = new Set(rows.map((r) => r.tbl));
    // Entries of refused attempts (and the chain's head they move) are the refusal's own record;
    // any other entry, and any change to an entry already written, is not.
    const audited = rows.filter((r) => r.tbl === 'audit_log');
    const onlyRefusals = audited.every(
      (r) =>
        r.op === 'INSERT' &&
        ((REFUSAL_RECORDS.auditedOutcomes as readonly string[]).includes(r.outcome ?? '') ||
          (REFUSAL_RECORDS.auditedActions as readonly string[]).includes(r.action ?? '')),
    );
    if (onlyRefusals) {
      tables.delete('audit_log');
      if (audited.length > 0) tables.delete('audit_head');
    }
    return [...tables].sort();
  }

  /** The notes table, the trigger function, and a trigger on every table of the app but the ignored ones. */
  async #install(): Promise<void> {
    const statements = [
      `CREATE SCHEMA IF NOT EXISTS bad_input`,
      `CREATE TABLE IF NOT EXISTS bad_input.changes (tbl text NOT NULL, op text NOT NULL, outcome text, action text)`,
      `CREATE OR REPLACE FUNCTION bad_input.note_row() RETURNS trigger LANGUAGE plpgsql AS $fn$
       DECLARE
         row_after jsonb := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END;
       BEGIN
         -- Arguments name the columns a refusal may change (an update touching only them is no change).
         IF TG_OP = 'UPDATE' AND TG_NARGS > 0 AND (to_jsonb(OLD) - TG_ARGV) = (row_after - TG_ARGV) THEN
           RETURN NULL;
         END IF;
         INSERT INTO bad_input.changes (tbl, op, outcome, action)
         VALUES (TG_TABLE_NAME, TG_OP, row_after ->> 'outcome', row_after ->> 'action');
         RETURN NULL;
       END
       $fn$`,
      `CREATE OR REPLACE FUNCTION bad_input.note_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
       BEGIN
         INSERT INTO bad_input.changes (tbl, op) VALUES (TG_TABLE_NAME, TG_OP);
         RETURN NULL;
       END
       $fn$`,
    ];
    const { rows } = await sql<{ name: string }>`
      SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY 1`.execute(this.#db);
    for (const { name } of rows) {
      if ((REFUSAL_RECORDS.ignored as readonly string[]).includes(name)) continue;
      const leftOut = (REFUSAL_RECORDS.columns[name] ?? []).map((c) => `'${c}'`).join(', ');
      statements.push(
        `DROP TRIGGER IF EXISTS bad_input_note_row ON "${name}"`,
        `CREATE TRIGGER bad_input_note_row AFTER INSERT OR UPDATE OR DELETE ON "${name}"
         FOR EACH ROW EXECUTE FUNCTION bad_input.note_row(${leftOut})`,
        `DROP TRIGGER IF EXISTS bad_input_note_truncate ON "${name}"`,
        `CREATE TRIGGER bad_input_note_truncate AFTER TRUNCATE ON "${name}"
         FOR EACH STATEMENT EXECUTE FUNCTION bad_input.note_truncate()`,
      );
    }
    for (const statement of statements) await sql.raw(statement).execute(this.#db);
  }
}
