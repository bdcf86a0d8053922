/**
 * Whether a request changed the database. Per table: the row count and the newest row version
 * (`max(xmin)`): any committed insert, update or delete changes one or the other, and neither
 * changes by reading. That costs a scan of every table, so it runs only when the next
 * transaction id moved since the last look (every writing transaction takes one; reads take
 * none). On PostgreSQL the transaction id counts for the whole server, so other databases'
 * writes cost extra scans, never a false alarm.
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

/** Per table: a text that changes whenever the table's content does. */
type Signature = Map<string, string>;

/** Watches the database between requests. */
export class DatabaseWatch {
  readonly #db: Kysely<Database>;
  #query = '';
  #xid = '';
  #signature: Signature = new Map();
  #auditSeq = 0;
  /** Full signatures taken (for the run's report). */
  scans = 0;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Takes the first signature; call again after the harness itself wrote (a renewed session). */
  async reset(): Promise<void> {
    if (!this.#query) {
      const tables = await this.#db.introspection.getTables();
      this.#query = tables
        .filter((t) => t.schema === 'public' || t.schema === undefined)
        .map((t) => {
          const leftOut = REFUSAL_RECORDS.columns[t.name];
          if (!leftOut) {
            return `SELECT '${t.name}' AS t, count(*)::text || ':' || coalesce(max(x.xmin::text::bigint), 0)::text AS s FROM "${t.name}" x`;
          }
          // Content without the record-keeping columns (a count and a hash of every row).
          const row = `md5((to_jsonb(x) - ARRAY[${leftOut.map((c) => `'${c}'`).join(', ')}]::text[])::text)`;
          return `SELECT '${t.name}' AS t, count(*)::text || ':' || coalesce(md5(string_agg(${row}, '' ORDER BY ${row})), '') AS s FROM "${t.name}" x`;
        })
        .join(' UNION ALL ');
    }
    this.#xid = await this.#nextXid();
    this.#signature = await this.#scan();
    this.#auditSeq = await this.#lastAuditSeq();
  }

  /**
   * The tables changed since the last look beyond what a refusal may write
   * ({@link REFUSAL_RECORDS}); the look becomes the new baseline.
   */
  async changes(): Promise<string[]> {
    const xid = await this.#nextXid();
    if (xid === this.#xid) return [];
    this.#xid = xid;
    const now = await this.#scan();
    let changed: string[] = [];
    for (const [table, signature] of now) {
      if (!(REFUSAL_RECORDS.ignored as readonly string[]).includes(table) && this.#signature.get(table) !== signature) {
        changed.push(table);
      }
    }
    for (const table of this.#signature.keys()) if (!now.has(table)) changed.push(table);
    this.#signature = now;
    if (changed.includes('audit_log')) {
      const since = this.#auditSeq;
      this.#auditSeq = await this.#lastAuditSeq();
      const other = await this.#db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('seq', '>', since)
        .where('outcome', 'not in', [...REFUSAL_RECORDS.auditedOutcomes])
        .where('action', 'not in', [...REFUSAL_RECORDS.auditedActions])
        .executeTakeFirst();
      if (Number(other?.n ?? 0) === 0) changed = changed.filter((t) => t !== 'audit_log' && t !== 'audit_head');
    }
    return changed;
  }

  async #nextXid(): Promise<string> {
    const { rows } = await sql<{ x: string }>`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS x`.execute(
      this.#db,
    );
    return rows[0]?.x ?? '';
  }

  async #lastAuditSeq(): Promise<number> {
    const row = await this.#db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  async #scan(): Promise<Signature> {
    this.scans += 1;
    const { rows } = await sql.raw<{ t: string; s: string }>(this.#query).execute(this.#db);
    return new Map(rows.map((r) => [r.t, r.s]));
  }
}
