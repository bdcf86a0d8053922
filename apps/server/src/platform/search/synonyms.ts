/**
 * A city's own synonym sets, on top of the built-in government vocabulary: words its people use
 * for its services (a local nickname of a card, a district's old name). Each term of a set also
 * finds the others. Changes bump the city's synonyms revision, so every process's searches use
 * them from their next search on. The caller audits: these functions take a transaction.
 */
import { type Kysely, sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { cleanText } from './analyze.ts';
import { searchDb } from './schema.ts';
import { expectRevision, invalidateCity, SYNONYMS_SCOPE } from './state.ts';
import { GOVERNMENT_SYNONYMS } from './vocabulary.ts';

/** One set of words that mean the same. */
export interface SynonymSet {
  id: string;
  terms: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** Limits on a city's synonym sets. */
export const SYNONYM_LIMITS = { setsPerCity: 500, minTerms: 2, maxTerms: 20, termChars: 40 } as const;

/** The built-in sets every city has (read-only: a city adds its own beside them). */
export function builtinSynonymSets(): readonly (readonly string[])[] {
  return GOVERNMENT_SYNONYMS;
}

const invalidSet = () =>
  new AppError('SEARCH_SYNONYMS_INVALID', {
    min: SYNONYM_LIMITS.minTerms,
    max: SYNONYM_LIMITS.maxTerms,
    chars: SYNONYM_LIMITS.termChars,
  });

/** Terms trimmed, inner spaces collapsed, repeats (ignoring case and width) dropped; refuses a bad set. */
export function normalizeSynonymTerms(terms: readonly unknown[]): string[] {
  if (!Array.isArray(terms)) throw invalidSet();
  const seen = new Set<string>();
  const out: string[] = [];
  for (const term of terms) {
    if (typeof term !== 'string') throw invalidSet();
    const text = term.normalize('NFKC').replace(/\s+/gu, ' ').trim();
    if (text === '' || [...text].length > SYNONYM_LIMITS.termChars || /[\p{Cc}\p{Cf}\p{Cs}]/u.test(text)) {
      throw invalidSet();
    }
    if (!/[\p{L}\p{N}]/u.test(text)) throw invalidSet();
    const key = cleanText(text);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(text);
  }
  if (out.length < SYNONYM_LIMITS.minTerms || out.length > SYNONYM_LIMITS.maxTerms) throw invalidSet();
  return out;
}

/** The city's own sets, oldest first. */
export async function listSynonymSets(db: Kysely<Database>, cityId: string): Promise<SynonymSet[]> {
  const rows = await searchDb(db)
    .selectFrom('search_synonym_sets')
    .select(['id', 'terms', 'created_at', 'updated_at'])
    .where('city_id', '=', cityId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, terms: r.terms, createdAt: r.created_at, updatedAt: r.updated_at }));
}

async function bumpSynonyms(db: Kysely<Database>, cityId: string): Promise<void> {
  const { revision } = await searchDb(db)
    .insertInto('search_revisions')
    .values({ city_id: cityId, scope: SYNONYMS_SCOPE, revision: 1 })
    .onConflict((oc) => oc.columns(['city_id', 'scope']).doUpdateSet({ revision: sql`search_revisions.revision + 1` }))
    .returning('revision')
    .executeTakeFirstOrThrow();
  // The searches of this process use the change as soon as the caller's transaction commits.
  expectRevision(cityId, SYNONYMS_SCOPE, Number(revision));
}

/**
 * Creates a set (no `id`) or replaces the terms of one (`id`, 404 when the city has no such
 * set). Throws SEARCH_SYNONYMS_INVALID for a bad set and SEARCH_SYNONYM_SETS_LIMIT when the city
 * has the most it may.
 */
export async function saveSynonymSet(
  db: Kysely<Database>,
  cityId: string,
  input: { id?: string; terms: readonly string[] },
  now: Date,
): Promise<SynonymSet> {
  const terms = normalizeSynonymTerms(input.terms);
  const typed = searchDb(db);
  let row: { id: string; terms: string[]; created_at: Date; updated_at: Date } | undefined;
  if (input.id !== undefined) {
    row = await typed
      .updateTable('search_synonym_sets')
      .set({ terms, updated_at: now })
      .where('city_id', '=', cityId)
      .where('id', '=', sql<string>`${uuidOrNil(input.id)}::uuid`)
      .returning(['id', 'terms', 'created_at', 'updated_at'])
      .executeTakeFirst();
    if (!row) throw new AppError('SEARCH_SYNONYM_SET_NOT_FOUND');
    await bumpSynonyms(db, cityId);
  } else {
    // The revision row first: it serialises this city's synonym writers, so the limit holds.
    await bumpSynonyms(db, cityId);
    const { n } = await typed
      .selectFrom('search_synonym_sets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('city_id', '=', cityId)
      .executeTakeFirstOrThrow();
    if (Number(n) >= SYNONYM_LIMITS.setsPerCity) {
      throw new AppError('SEARCH_SYNONYM_SETS_LIMIT', { max: SYNONYM_LIMITS.setsPerCity });
    }
    row = await typed
      .insertInto('search_synonym_sets')
      .values({ id: uuidv7(), city_id: cityId, terms, created_at: now, updated_at: now })
      .returning(['id', 'terms', 'created_at', 'updated_at'])
      .executeTakeFirstOrThrow();
  }
  invalidateCity(cityId);
  return { id: row.id, terms: row.terms, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** Deletes one of the city's sets; 404 (SEARCH_SYNONYM_SET_NOT_FOUND) when it has no such set. */
export async function deleteSynonymSet(db: Kysely<Database>, cityId: string, id: string): Promise<void> {
  const deleted = await searchDb(db)
    .deleteFrom('search_synonym_sets')
    .where('city_id', '=', cityId)
    .where('id', '=', sql<string>`${uuidOrNil(id)}::uuid`)
    .executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) throw new AppError('SEARCH_SYNONYM_SET_NOT_FOUND');
  await bumpSynonyms(db, cityId);
  invalidateCity(cityId);
}

/** A malformed id names no set: compared as the nil UUID instead of failing the cast. */
function uuidOrNil(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
    ? id
    : '00000000-0000-0000-0000-000000000000';
}
