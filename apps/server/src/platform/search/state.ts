/**
 * What a process keeps in memory for searching: the segmenter with the government vocabulary,
 * and per city and collection the lexicon and the compiled synonym sets. The database stays the
 * truth: every search reads the revisions of what it used (search_revisions) in its own
 * statement, and a revision other than the one cached drops the cache, so another process's
 * change is seen from the next search on. Changes made in this process drop it at once.
 */
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';
import { cleanText, lexemeOf } from './analyze.ts';
import { buildSynonymIndex, type Lexicon, type SynonymIndex } from './query.ts';
import { loadSegmenter, type Segmenter } from './segmenter.ts';
import { GOVERNMENT_SYNONYMS, GOVERNMENT_WORDS } from './vocabulary.ts';

/** Bumped when the analyser's code changes the lexemes it makes: documents analysed before get reindexed. */
const ANALYZER_CODE = 'search-1';

/** Words jieba keeps whole: the government vocabulary and every built-in Chinese synonym term. */
const SEGMENTER_WORDS: readonly string[] = [
  ...new Set([
    ...GOVERNMENT_WORDS,
    ...GOVERNMENT_SYNONYMS.flat().filter((t) => /^\p{Script=Han}+$/u.test(cleanText(t))),
  ]),
];

/** Names the analyser and vocabulary that derive a document's indexed columns. */
export const ANALYZER_VERSION = `${ANALYZER_CODE}:${createHash('sha256').update(SEGMENTER_WORDS.join('\n')).digest('hex').slice(0, 12)}`;

let segmenter: Promise<Segmenter> | null = null;

/** jieba with the government vocabulary, shared by indexing and searching. */
export function searchSegmenter(): Promise<Segmenter> {
  segmenter ??= loadSegmenter({ words: SEGMENTER_WORDS }).catch((error: unknown) => {
    segmenter = null;
    throw error;
  });
  return segmenter;
}

/** The revision scope of a collection, and of a city's synonyms. */
export const collectionScope = (collection: string) => `collection:${collection}`;
export const SYNONYMS_SCOPE = 'synonyms';

/** What is cached for one city and collection. */
export interface CollectionState {
  lexicon: Lexicon;
  synonyms: SynonymIndex;
  /** Revisions this was loaded at (0 before the first change). */
  collectionRevision: number;
  synonymsRevision: number;
  /** This process's change count of the city when loading began. */
  generation: number;
  /** When the database last confirmed the revisions (performance.now()). */
  confirmedAt: number;
  /** 'field:value' → documents of the collection with it (the facet counts of an empty query). */
  facetTotals: Map<string, number>;
  /** Answers given from this state, by request (see search.ts), least recently used first. */
  answers: Map<string, unknown>;
  /** A revision check under way, shared by the searches that wait for it. */
  confirming?: Promise<CollectionState>;
}

/**
 * How long cached revisions are trusted before a search asks the database again: another
 * process's change to a collection or to the synonyms shows within about this long.
 */
export const REVALIDATE_MS = 1000;
/** Answers kept per city and collection. */
export const ANSWERS_KEPT = 1000;

const cached = new WeakMap<object, Map<string, Promise<CollectionState>>>();
const generations = new Map<string, number>();

/** Forgets what this process cached of `cityId` (after a change made here). */
export function invalidateCity(cityId: string): void {
  generations.set(cityId, (generations.get(cityId) ?? 0) + 1);
}

function entries(db: Kysely<Database>): Map<string, Promise<CollectionState>> {
  let byKey = cached.get(db);
  if (!byKey) {
    byKey = new Map();
    cached.set(db, byKey);
  }
  return byKey;
}

/**
 * The lexicon, synonyms and cached answers of a city's collection: from memory while the
 * revisions were confirmed less than {@link REVALIDATE_MS} ago and this process changed nothing
 * of the city since, else confirmed (one small query) or loaded again.
 */
export async function collectionState(
  db: Kysely<Database>,
  cityId: string,
  collection: string,
): Promise<CollectionState> {
  const byKey = entries(db);
  const key = `${cityId}\n${collection}`;
  const generation = generations.get(cityId) ?? 0;
  const entry = byKey.get(key);
  if (entry) {
    const state = await entry.catch(() => null);
    if (byKey.get(key) !== entry) return collectionState(db, cityId, collection);
    if (state && state.generation === generation) {
      if (performance.now() - state.confirmedAt <= REVALIDATE_MS) return state;
      state.confirming ??= confirm(db, cityId, collection, state).finally(() => {
        delete state.confirming;
      });
      return state.confirming;
    }
  }
  const loading = loadState(db, cityId, collection, generation);
  byKey.set(key, loading);
  loading.catch(() => {
    if (byKey.get(key) === loading) byKey.delete(key);
  });
  return loading;
}

async function confirm(db: Kysely<Database>, cityId: string, collection: string, state: CollectionState) {
  const { rows } = await sql<{ collection_revision: number | null; synonyms_revision: number | null }>`
    SELECT
      (SELECT revision FROM search_revisions
         WHERE city_id = ${cityId} AND scope = ${collectionScope(collection)}) AS collection_revision,
      (SELECT revision FROM search_revisions WHERE city_id = ${cityId} AND scope = ${SYNONYMS_SCOPE}) AS synonyms_revision
  `.execute(db);
  noteRevisions(state, {
    collection: Number(rows[0]?.collection_revision ?? 0),
    synonyms: Number(rows[0]?.synonyms_revision ?? 0),
  });
  return collectionState(db, cityId, collection);
}

/** Confirms the cached state, or drops it when the database holds other revisions than it was loaded at. */
export function noteRevisions(state: CollectionState, revisions: { collection: number; synonyms: number }): void {
  if (revisions.collection === state.collectionRevision && revisions.synonyms === state.synonymsRevision) {
    state.confirmedAt = performance.now();
    return;
  }
  // Stale: the next search loads the state again.
  state.generation = -1;
}

const answerCounts = { hits: 0, misses: 0 };

/** Searches answered from memory and not, since the process started (for metrics and benchmarks). */
export function answerCacheCounts(): { hits: number; misses: number } {
  return { ...answerCounts };
}

/** A cached answer, counted as used. */
export function cachedAnswer(state: CollectionState, key: string): unknown {
  const answer = state.answers.get(key);
  if (answer !== undefined) {
    state.answers.delete(key);
    state.answers.set(key, answer);
    answerCounts.hits++;
  } else answerCounts.misses++;
  return answer;
}

/** Keeps an answer, forgetting the least recently used beyond {@link ANSWERS_KEPT}. */
export function keepAnswer(state: CollectionState, key: string, answer: unknown): void {
  if (state.generation === -1) return;
  state.answers.set(key, answer);
  if (state.answers.size > ANSWERS_KEPT) {
    const oldest = state.answers.keys().next().value;
    if (oldest !== undefined) state.answers.delete(oldest);
  }
}

async function loadState(
  db: Kysely<Database>,
  cityId: string,
  collection: string,
  generation: number,
): Promise<CollectionState> {
  const segmenter = await searchSegmenter();
  // One statement, one snapshot: the lexicon, the synonyms and the revisions they are at.
  const { rows } = await sql<{
    terms: [string, number][];
    sets: string[][];
    documents: number;
    facet_totals: [string, number][];
    collection_revision: number | null;
    synonyms_revision: number | null;
  }>`
    SELECT
      (SELECT coalesce(json_agg(json_build_array(term, df)), '[]'::json)
         FROM search_terms WHERE city_id = ${cityId} AND collection = ${collection} AND df > 0) AS terms,
      (SELECT coalesce(json_agg(terms ORDER BY created_at, id), '[]'::json)
         FROM search_synonym_sets WHERE city_id = ${cityId}) AS sets,
      (SELECT count(*)::int FROM search_documents WHERE city_id = ${cityId} AND collection = ${collection}) AS documents,
      (SELECT coalesce(json_agg(json_build_array(c.v, c.n)), '[]'::json) FROM (
         SELECT v, count(*)::int AS n FROM search_documents d, unnest(d.facet_values) AS v
         WHERE d.city_id = ${cityId} AND d.collection = ${collection} GROUP BY v) AS c) AS facet_totals,
      (SELECT revision FROM search_revisions
         WHERE city_id = ${cityId} AND scope = ${collectionScope(collection)}) AS collection_revision,
      (SELECT revision FROM search_revisions WHERE city_id = ${cityId} AND scope = ${SYNONYMS_SCOPE}) AS synonyms_revision
  `.execute(db);
  const row = rows[0];
  return {
    lexicon: buildLexicon(row?.terms ?? [], row?.documents ?? 0),
    synonyms: buildSynonymIndex([...GOVERNMENT_SYNONYMS, ...(row?.sets ?? [])], segmenter),
    collectionRevision: Number(row?.collection_revision ?? 0),
    synonymsRevision: Number(row?.synonyms_revision ?? 0),
    generation,
    confirmedAt: performance.now(),
    facetTotals: new Map(row?.facet_totals ?? []),
    answers: new Map(),
  };
}

/** A lexicon over (term, document frequency) pairs. */
export function buildLexicon(terms: readonly (readonly [string, number])[], documents: number): Lexicon {
  const df = new Map<string, number>();
  const stems = new Map<string, number>();
  const han = new Map<number, string[]>();
  for (const [term, n] of terms) {
    df.set(term, n);
    if (/^\p{Script=Han}+$/u.test(term)) {
      const length = [...term].length;
      const list = han.get(length);
      if (list) list.push(term);
      else han.set(length, [term]);
    } else {
      const stem = lexemeOf({ text: term, kind: 'word' });
      stems.set(stem, Math.max(stems.get(stem) ?? 0, n));
    }
  }
  return {
    df: (term) => df.get(term) ?? 0,
    stemDf: (stem) => stems.get(stem) ?? 0,
    documents,
    hanTermsOfLength: (length) => han.get(length) ?? [],
  };
}
