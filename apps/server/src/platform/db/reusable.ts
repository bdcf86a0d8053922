/**
 * Queries on the hot path (every authenticated request) compiled once and reused. Building
 * and compiling a Kysely query with joins costs about as much as running it; a reusable query
 * is compiled with marker values in place of its parameters, and each run swaps the markers
 * for the real values.
 */
import { randomUUID } from 'node:crypto';
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** A compiled query taking `N` string parameters. */
export type ReusableQuery<R> = (db: Kysely<Database>, ...values: string[]) => Promise<R[]>;

/**
 * Makes a reusable query: `build(db, ...markers)` must use each marker exactly where the
 * corresponding value goes (as a value, never in an identifier or raw SQL).
 */
export function reusableQuery<R>(
  arity: number,
  build: (db: Kysely<Database>, ...markers: string[]) => Compilable<R>,
): ReusableQuery<R> {
  const markers = Array.from({ length: arity }, () => `\u0000marker:${randomUUID()}`);
  const compiled = new WeakMap<Kysely<Database>, CompiledQuery<R>>();
  return async (db, ...values) => {
    let query = compiled.get(db);
    if (!query) {
      query = build(db, ...markers).compile();
      const seen = markers.filter((m) => query?.parameters.includes(m));
      if (seen.length !== arity) throw new Error('reusable query: every marker must appear as a parameter');
      compiled.set(db, query);
    }
    const parameters = query.parameters.map((p) => {
      const at = typeof p === 'string' ? markers.indexOf(p) : -1;
      return at >= 0 ? values[at] : p;
    });
    const result = await db.executeQuery<R>({ ...query, parameters });
    return result.rows;
  };
}
