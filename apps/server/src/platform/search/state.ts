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
import type { BrowseTable } from './browse.ts';
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
  /** Answers given from this state, by request (see search.ts). */
  answers: Map<string, KeptAnswer>;
  /**
   * Payloads of documents read at this state's revisions, by id: the answers that list the same
   * document share one copy of it. Held weakly: a payload no kept answer lists is read again.
   */
  payloads: Map<string, WeakRef<object> | Primitive>;
  /** What filtering and ranking in memory read of every document, loaded on first use (browse.ts). */
  browse?: Promise<BrowseTable | null>;
  /** Queries being matched, by key, shared by the searches that wait for them (search.ts). */
  matching: Map<string, Promise<unknown>>;
  /** A revision check under way, shared by the searches that wait for it. */
  confirming?: Promise<CollectionState>;
}

/**
 * How long cached revisions are trusted before a search asks the database again: another
 * process's change to a collection or to the synonyms shows within about this long.
 */
export const REVALIDATE_MS = 1000;
/**
 * From this age on, a search answered from memory also starts confirming the revisions in the
 * background, so that under steady traffic the check is done before the trust runs out and no
 * search waits for it.
 */
const REFRESH_AHEAD_MS = REVALIDATE_MS * 0.7;
/**
 * Memory the answers kept may take, across every city and collection of the process, as
 * {@link keepAnswer} estimates it (on the high side: 3,000 answers of the catalog benchmark were
 * estimated at 17 MB and took 11 MB): about 4,000 answers listing ten services with their
 * facets, more when answers list fewer.
 */
export const ANSWER_CACHE_BYTES = 64 * 2 ** 20;

const cached = new WeakMap<object, Map<string, Promise<CollectionState>>>();
const generations = new Map<string, number>();

/** Forgets what this process cached of `cityId` (after a change made here). */
export function invalidateCity(cityId: string): void {
  generations.set(cityId, (generations.get(cityId) ?? 0) + 1);
}

/**
 * How long a revision this process wrote is waited for. A write inside its caller's transaction
 * drops the cache before the commit, and a search in between would cache what it read before
 * the change again: until the database shows the revision written (or the transaction has had
 * this long to commit, after which the usual {@link REVALIDATE_MS} applies), every search of the
 * scope confirms the revisions first.
 */
const EXPECT_MS = 30_000;
const expected = new Map<string, { revision: number; until: number }>();

/**
 * Notes that this process wrote `revision` of a city's scope (in a transaction that may not have
 * committed yet) and drops what it cached of the city: the next searches see the change as soon
 * as it commits.
 */
export function expectRevision(cityId: string, scope: string, revision: number): void {
  const key = `${cityId}\n${scope}`;
  const known = expected.get(key);
  expected.set(key, { revision: Math.max(revision, known?.revision ?? 0), until: performance.now() + EXPECT_MS });
  invalidateCity(cityId);
}

/** Whether the state is at least at every revision this process wrote and may not see yet. */
function upToDate(state: CollectionState, cityId: string, collection: string): boolean {
  if (expected.size === 0) return true;
  const now = performance.now();
  for (const [scope, revision] of [
    [collectionScope(collection), state.collectionRevision],
    [SYNONYMS_SCOPE, state.synonymsRevision],
  ] as const) {
    const key = `${cityId}\n${scope}`;
    const wanted = expected.get(key);
    if (!wanted) continue;
    if (wanted.revision <= revision || wanted.until < now) {
      expected.delete(key);
      continue;
    }
    return false;
  }
  return true;
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
      // A change of this process not seen yet: ask the database every time until it shows.
      if (!upToDate(state, cityId, collection)) return startConfirming(db, cityId, collection, state);
      const age = performance.now() - state.confirmedAt;
      if (age <= REVALIDATE_MS) {
        if (age > REFRESH_AHEAD_MS && !state.confirming) {
          // Nobody waits for this one; a failure leaves the state to be confirmed by a later search.
          startConfirming(db, cityId, collection, state).catch(() => {});
        }
        return state;
      }
      return startConfirming(db, cityId, collection, state);
    }
  }
  if (entry) {
    // Replaced: its answers go now rather than when they are the least recently used.
    entry.then(retire, () => {});
  }
  const loading = loadState(db, cityId, collection, generation);
  byKey.set(key, loading);
  loading.catch(() => {
    if (byKey.get(key) === loading) byKey.delete(key);
  });
  return loading;
}

/** The revision check of `state` under way, or a new one. */
function startConfirming(
  db: Kysely<Database>,
  cityId: string,
  collection: string,
  state: CollectionState,
): Promise<CollectionState> {
  state.confirming ??= confirm(db, cityId, collection, state).finally(() => {
    delete state.confirming;
  });
  return state.confirming;
}

async function confirm(db: Kysely<Database>, cityId: string, collection: string, state: CollectionState) {
  const asked = performance.now();
  const { rows } = await sql<{ collection_revision: number | null; synonyms_revision: number | null }>`
    SELECT
      (SELECT revision FROM search_revisions
         WHERE city_id = ${cityId} AND scope = ${collectionScope(collection)}) AS collection_revision,
      (SELECT revision FROM search_revisions WHERE city_id = ${cityId} AND scope = ${SYNONYMS_SCOPE}) AS synonyms_revision
  `.execute(db);
  noteRevisions(
    state,
    {
      collection: Number(rows[0]?.collection_revision ?? 0),
      synonyms: Number(rows[0]?.synonyms_revision ?? 0),
    },
    asked,
  );
  // Stale, or changed here meanwhile: loaded again (by this or a concurrent search).
  return state.generation === (generations.get(cityId) ?? 0) ? state : collectionState(db, cityId, collection);
}

/**
 * Confirms the cached state as of `asked` (when the statement that read the revisions was sent:
 * what it saw is at least that recent), or drops it when the database holds other revisions than
 * it was loaded at. Answers whether the state is still current.
 */
export function noteRevisions(
  state: CollectionState,
  revisions: { collection: number; synonyms: number },
  asked: number,
): boolean {
  if (revisions.collection === state.collectionRevision && revisions.synonyms === state.synonymsRevision) {
    state.confirmedAt = Math.max(state.confirmedAt, asked);
    return state.generation !== -1;
  }
  // Stale: the next search loads the state again.
  retire(state);
  return false;
}

type Primitive = string | number | boolean | undefined;

/** The payload of a document this state read before (`known` false when it must be read). */
export function knownPayload(state: CollectionState, id: string): { known: boolean; payload?: unknown } {
  if (!state.payloads.has(id)) return { known: false };
  const held = state.payloads.get(id);
  if (!(held instanceof WeakRef)) return { known: true, payload: held };
  const payload = held.deref();
  return payload === undefined ? { known: false } : { known: true, payload };
}

/**
 * The copy of a document's payload this state shares among its answers, `payload` (read at the
 * state's revisions; undefined: the document has none) when it has none yet.
 */
export function sharedPayload(state: CollectionState, id: string, payload: unknown): unknown {
  const known = knownPayload(state, id);
  if (known.known) return known.payload;
  state.payloads.set(
    id,
    typeof payload === 'object' && payload !== null ? new WeakRef(payload) : (payload as Primitive),
  );
  return payload;
}

/** An answer kept in memory, in the process-wide order of use. */
interface KeptAnswer {
  state: CollectionState;
  key: string;
  answer: unknown;
  bytes: number;
}

/** Every kept answer, least recently used first (a Set keeps insertion order). */
const kept = new Set<KeptAnswer>();
let keptBytes = 0;
const answerCounts = { hits: 0, misses: 0 };

/**
 * Searches answered from memory and not since the process started, and what is kept now (for
 * metrics and benchmarks).
 */
export function answerCacheCounts(): { hits: number; misses: number; kept: number; bytes: number } {
  return { ...answerCounts, kept: kept.size, bytes: keptBytes };
}

/** A cached answer, counted as used. */
export function cachedAnswer(state: CollectionState, key: string): unknown {
  const entry = state.answers.get(key);
  if (entry === undefined) {
    answerCounts.misses++;
    return undefined;
  }
  kept.delete(entry);
  kept.add(entry);
  answerCounts.hits++;
  return entry.answer;
}

function forget(entry: KeptAnswer): void {
  if (!kept.delete(entry)) return;
  keptBytes -= entry.bytes;
  if (entry.state.answers.get(entry.key) === entry) entry.state.answers.delete(entry.key);
}

/** Forgets the answers of a state no search will use again, and keeps none from now on. */
function retire(state: CollectionState): void {
  state.generation = -1;
  for (const entry of [...state.answers.values()]) forget(entry);
}

/** Something kept with the answers (not counted as an answer used), or undefined. */
export function keptValue(state: CollectionState, key: string): unknown {
  const entry = state.answers.get(key);
  if (entry === undefined) return undefined;
  kept.delete(entry);
  kept.add(entry);
  return entry.answer;
}

/**
 * Keeps an answer (or something else worth keeping with the answers, taking about `size` bytes),
 * forgetting the least recently used of any city and collection beyond {@link ANSWER_CACHE_BYTES}.
 */
export function keepAnswer(state: CollectionState, key: string, answer: unknown, size?: number): void {
  if (state.generation === -1) return;
  // An answer takes about twice its JSON's length in bytes: the answer (payloads shared between
  // answers) and the serialised copy a route keeps of it.
  const bytes = (size ?? 2 * (JSON.stringify(answer)?.length ?? 0)) + 200;
  if (bytes > ANSWER_CACHE_BYTES / 100) return;
  const previous = state.answers.get(key);
  if (previous) forget(previous);
  const entry: KeptAnswer = { state, key, answer, bytes };
  state.answers.set(key, entry);
  kept.add(entry);
  keptBytes += bytes;
  while (keptBytes > ANSWER_CACHE_BYTES) {
    const oldest = kept.values().next().value;
    if (oldest === undefined) break;
    forget(oldest);
  }
}

async function loadState(
  db: Kysely<Database>,
  cityId: string,
  collection: string,
  generation: number,
): Promise<CollectionState> {
  const segmenter = await searchSegmenter();
  const asked = performance.now();
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
    confirmedAt: asked,
    facetTotals: new Map(row?.facet_totals ?? []),
    answers: new Map(),
    payloads: new Map(),
    matching: new Map(),
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
