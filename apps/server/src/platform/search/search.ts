/**
 * Searching a city's collection: the query read into groups (query.ts), then one SQL statement
 * that finds the documents, ranks them, counts the facets and reads the revisions the cached
 * state is checked against. Answers are kept in memory per city and collection (state.ts). In
 * collections small enough, a query's matches are read once (one statement) and every filter,
 * page and language of it is then answered in memory (browse.ts), with the statement's answers.
 *
 * Matching: every required group, a common word (in a fifth of the documents or more) first in
 * titles and keywords only; when that finds nothing, anywhere; when that finds nothing either,
 * the documents with the most groups ("partial"). Filters never change which of these applies.
 *
 * Ranking, highest first: relevance in 0..1 — each group's idf times 1 in a title, 0.4 in the
 * keywords, 0.15 in the body (weak and action words half), over the sum of the idfs — plus 2 for
 * a title that is exactly the words looked for, or the share of a title they cover as a phrase,
 * plus 0.5 when the title alone has every required group, plus the document's boost; ties go to
 * the shorter title in the asker's language. An empty query lists by boost.
 *
 * Facets follow the usual convention: a facet's counts are over the documents matching the
 * query and every filter but that facet's own, so that choosing a department still shows how
 * many results the other departments have.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Locale } from '../../config.ts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { cleanText } from './analyze.ts';
import { type BrowseTable, browse, browseTable, type HitSet, hitSet } from './browse.ts';
import type { SearchCollection } from './documents.ts';
import { MAX_QUERY_CHARS, MIN_SIMILARITY, parseQuery, planQuery, type QueryGroup, type QueryPlan } from './query.ts';
import type { Segmenter } from './segmenter.ts';
import {
  type CollectionState,
  cachedAnswer,
  collectionScope,
  collectionState,
  keepAnswer,
  keptValue,
  noteRevisions,
  REVALIDATE_MS,
  SYNONYMS_SCOPE,
  searchSegmenter,
  sharedPayload,
} from './state.ts';

/** Limits of a search request. */
export const SEARCH_LIMITS = {
  queryChars: MAX_QUERY_CHARS,
  maxPageSize: 50,
  defaultPageSize: 20,
  /** Results beyond this rank cannot be paged to (nobody reads them; deep offsets cost). */
  maxResults: 1000,
  filterValues: 20,
  filterValueChars: 200,
  /** Values listed per facet at most, most frequent first. */
  facetValues: 100,
} as const;

/** What to search for. */
export interface SearchRequest {
  cityId: string;
  collection: SearchCollection;
  /** As typed; empty or missing lists by boost. */
  query?: string;
  /** The language of the person asking (ties between equal titles go to the shorter in it). */
  locale: Locale;
  /** Facet field → values: a document must have one of the values of every field given. */
  filters?: Readonly<Record<string, readonly string[]>>;
  /** Facets to count. */
  facets?: readonly string[];
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

/** One document found. */
export interface SearchHit {
  id: string;
  score: number;
  matched: {
    /** The query's terms (or their synonyms and corrections) the document has, for highlighting. */
    terms: string[];
    /** Whether any of them is in its title. */
    inTitle: boolean;
  };
  /** The document's payload, when it was indexed with one (see SearchDocument). */
  payload?: unknown;
}

/** A facet value and how many results have it. */
export interface FacetCount {
  value: string;
  count: number;
}

/** What a search found. */
export interface SearchResult {
  total: number;
  page: number;
  pageSize: number;
  items: SearchHit[];
  /** For each facet asked for: its values among the results, most frequent first (chosen values always listed). */
  facets: Record<string, FacetCount[]>;
  /** The query as searched, when words of it were corrected ("did you mean"). */
  corrected?: string;
  /** Words of the query no document has and nothing close to: not searched for. */
  ignored: string[];
  /** Whether no document had every word, and the results are those with the most of them. */
  partial: boolean;
}

const CONTROL = /[\p{Cc}\p{Cs}]/u;

/** Checks a request against the collection and the limits (400s from the catalog). */
function validate(request: SearchRequest) {
  const { collection } = request;
  const query = request.query ?? '';
  if (typeof query !== 'string') throw new AppError('SEARCH_QUERY_TOO_LONG', { max: MAX_QUERY_CHARS });
  // Counted in characters as people see them (code points), before cleaning.
  let chars = 0;
  for (const _ of query)
    if (++chars > MAX_QUERY_CHARS) throw new AppError('SEARCH_QUERY_TOO_LONG', { max: MAX_QUERY_CHARS });
  const filters: [string, string[]][] = [];
  for (const [facet, values] of Object.entries(request.filters ?? {})) {
    if (!collection.facets.includes(facet)) throw new AppError('SEARCH_FACET_UNKNOWN', { facet: facet.slice(0, 40) });
    if (!Array.isArray(values) || values.length > SEARCH_LIMITS.filterValues) {
      throw new AppError('SEARCH_FILTER_TOO_MANY', { facet, max: SEARCH_LIMITS.filterValues });
    }
    for (const v of values) {
      if (typeof v !== 'string' || v === '' || v.length > SEARCH_LIMITS.filterValueChars || CONTROL.test(v)) {
        throw new AppError('SEARCH_FILTER_VALUE_INVALID', { facet, max: SEARCH_LIMITS.filterValueChars });
      }
    }
    if (values.length > 0) filters.push([facet, [...new Set(values)]]);
  }
  const facets = [...new Set(request.facets ?? [])];
  for (const facet of facets) {
    if (typeof facet !== 'string' || !collection.facets.includes(facet)) {
      throw new AppError('SEARCH_FACET_UNKNOWN', { facet: String(facet).slice(0, 40) });
    }
  }
  const page = request.page ?? 1;
  const pageSize = request.pageSize ?? SEARCH_LIMITS.defaultPageSize;
  if (
    !Number.isInteger(page) ||
    !Number.isInteger(pageSize) ||
    page < 1 ||
    pageSize < 1 ||
    pageSize > SEARCH_LIMITS.maxPageSize ||
    page * pageSize > SEARCH_LIMITS.maxResults
  ) {
    throw new AppError('SEARCH_PAGE_OUT_OF_RANGE', {
      maxPageSize: SEARCH_LIMITS.maxPageSize,
      maxResults: SEARCH_LIMITS.maxResults,
    });
  }
  return { query, filters, facets, page, pageSize };
}

/** How a search may use the answers cached in this process. */
export interface SearchOptions {
  /**
   * Answer a request asked before from memory (default true). Answers are kept per city and
   * collection, dropped at once by a change made in this process and within
   * {@link REVALIDATE_MS} of a change made by another.
   */
  cache?: boolean;
  /**
   * In collections small enough, match each query once and filter, count and page in memory
   * (default true; see browse.ts). False runs the search statement every time, which gives the
   * same answers.
   */
  inMemory?: boolean;
}

/**
 * Finds, ranks and counts a city's documents of a collection. Bad input is a 400, never a 500.
 * The answer may be shared with other callers: treat it as read-only (it is frozen).
 */
export async function searchDocuments(
  db: Kysely<Database>,
  request: SearchRequest,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const { query, filters, facets, page, pageSize } = validate(request);
  const { cityId, collection } = request;
  const segmenter = await searchSegmenter();
  const state = await collectionState(db, cityId, collection.name);
  const key = JSON.stringify([
    cleanText(query).replace(/\s+/gu, ' ').trim(),
    filters.map(([f, v]) => [f, [...v].sort()]).sort(),
    [...facets].sort(),
    page,
    pageSize,
    request.locale,
  ]);
  if (options.cache !== false) {
    const answer = cachedAnswer(state, key) as SearchResult | undefined;
    if (answer) return answer;
  }
  const result = await answer(db, state, segmenter, request, { query, filters, facets, page, pageSize }, options);
  keepAnswer(state, key, deepFreeze(result));
  return result;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

async function answer(
  db: Kysely<Database>,
  state: CollectionState,
  segmenter: Segmenter,
  request: SearchRequest,
  checked: ReturnType<typeof validate>,
  options: SearchOptions,
): Promise<SearchResult> {
  const { query, filters, facets, page, pageSize } = checked;
  const { cityId, collection } = request;

  if (options.inMemory !== false) {
    const table = await browseTable(db, state, cityId, collection.name);
    const found = table && (await matchInMemory(db, state, segmenter, table, cityId, collection.name, query));
    if (table && found) {
      const browsed = await browse(db, state, table, found.hits, {
        cityId,
        collection: collection.name,
        locale: request.locale,
        filters,
        facets,
        page,
        pageSize,
      });
      return {
        ...baseOf(found.plan, page, pageSize),
        total: browsed.total,
        items: browsed.items,
        facets: facetCounts(facets, filters, browsed.counts),
        partial: found.partial,
      };
    }
  }

  const plan = await planOf(db, state, segmenter, cityId, collection.name, query);
  const base = baseOf(plan, page, pageSize);
  if (plan && plan.groups.length === 0) {
    // Words, but none any document has: nothing to find.
    return { ...base, total: 0, items: [], facets: facetCounts(facets, filters, []), partial: false };
  }

  const statement = {
    cityId,
    collection: collection.name,
    collectionFacets: collection.facets.length,
    locale: request.locale,
    plan,
    filters,
    facets,
    page,
    pageSize,
  };
  let found: Found = { total: 0, matched: 0, items: [], counts: [] };
  let partial = false;
  for (const mode of modesOf(plan)) {
    found = await run(db, state, statement, mode);
    partial = mode === 'partial';
    // Whether the query matched, whatever the filters: filters that leave nothing must not change
    // what the query means (nor the facet counts that say how to get results back).
    if (found.matched > 0) break;
  }
  partial &&= found.matched > 0;
  return {
    ...base,
    total: found.total,
    items: found.items,
    facets: facetCounts(facets, filters, found.counts),
    partial,
  };
}

/** The query read into groups with the state's lexicon and synonyms; null without words. */
async function planOf(
  db: Kysely<Database>,
  state: CollectionState,
  segmenter: Segmenter,
  cityId: string,
  collection: string,
  query: string,
): Promise<QueryPlan | null> {
  if (cleanText(query).trim() === '') return null;
  const parsed = parseQuery(query, segmenter, state.synonyms, state.lexicon);
  const corrections =
    parsed.fuzzyWords.length > 0 ? await closestWords(db, cityId, collection, parsed.fuzzyWords) : new Map();
  return planQuery(parsed, corrections, segmenter, state.synonyms, state.lexicon);
}

/** What an answer says of the query itself. */
function baseOf(plan: QueryPlan | null, page: number, pageSize: number) {
  return {
    page,
    pageSize,
    ignored: plan?.ignored ?? [],
    ...(plan?.corrected ? { corrected: plan.corrected } : {}),
  };
}

/** A query matched in memory: its plan and hits, whatever the filters, page and language. */
interface Matched {
  plan: QueryPlan | null;
  hits: HitSet;
  partial: boolean;
}

/**
 * What `query` matches, as a hit set over the browse table: kept with the state's answers, so
 * that other filters, pages and languages of a query asked before need no statement. Null when
 * the database had moved past the state (the statement answers then).
 */
async function matchInMemory(
  db: Kysely<Database>,
  state: CollectionState,
  segmenter: Segmenter,
  table: BrowseTable,
  cityId: string,
  collection: string,
  query: string,
): Promise<Matched | null> {
  const words = cleanText(query).replace(/\s+/gu, ' ').trim();
  if (words === '') return { plan: null, hits: table.everything, partial: false };
  const key = `\u0000matched\n${words}`;
  const kept = keptValue(state, key) as Matched | undefined;
  if (kept) return kept;
  let pending = state.matching.get(key) as Promise<Matched | null> | undefined;
  if (!pending) {
    pending = (async () => {
      const plan = (await planOf(db, state, segmenter, cityId, collection, query)) as QueryPlan;
      let rows: HitRow[] = [];
      let partial = false;
      if (plan.groups.length > 0) {
        for (const mode of modesOf(plan)) {
          const found = await runHits(db, state, cityId, collection, plan, mode);
          if (!found) return null;
          rows = found;
          partial = mode === 'partial';
          if (rows.length > 0) break;
        }
      }
      const hits = hitSet(table, rows);
      if (!hits) return null;
      const matched: Matched = { plan, hits, partial: partial && rows.length > 0 };
      // Per hit: its number, score, place in two orders, and terms.
      keepAnswer(state, key, matched, 64 * rows.length + 2 * words.length);
      return matched;
    })().finally(() => state.matching.delete(key));
    state.matching.set(key, pending);
  }
  return pending;
}

/** The modes to try in turn: common words in titles and keywords first; then anywhere; then as many groups as any document has. */
function modesOf(plan: QueryPlan | null): Mode[] {
  const required = plan?.groups.filter((g) => g.required) ?? [];
  const modes: Mode[] = required.some((g) => g.common) ? ['titles', 'anywhere'] : ['anywhere'];
  if (required.length > 1) modes.push('partial');
  return modes;
}

/** A document a query matches, as {@link runHits} reads it. */
interface HitRow {
  id: string;
  score: number;
  terms: string[];
  inTitle: boolean;
}

/**
 * Every document the plan matches in one {@link Mode}, with its score, the terms it has and
 * whether a title has a word of the query; null when the database had moved past the state.
 */
async function runHits(
  db: Kysely<Database>,
  state: CollectionState,
  cityId: string,
  collection: string,
  plan: QueryPlan,
  mode: Mode,
): Promise<HitRow[] | null> {
  const { score, where, coverage, relaxed, any } = matching(plan, mode);
  const labels = plan.groups.flatMap((g) => g.alternatives.map((a) => a.label));
  const queries = plan.groups.flatMap((g) => g.alternatives.map((a) => a.tsquery));
  const asked = performance.now();
  const { rows } = await sql<{
    hits: [string, number, number[], boolean][];
    collection_revision: number | null;
    synonyms_revision: number | null;
  }>`
    WITH hits AS MATERIALIZED (
      SELECT d.id, ${score} AS score ${coverage},
        (SELECT coalesce(array_agg(a.ord::int ORDER BY a.ord), '{}')
           FROM unnest(${queries}::text[]::tsquery[]) WITH ORDINALITY AS a(q, ord)
           WHERE d.tsv @@ a.q) AS terms,
        d.head @@ ${inWeight(any, 'A')}::tsquery AS in_title
      FROM search_documents d
      WHERE d.city_id = ${cityId} AND d.collection = ${collection} AND ${where}
    )
    SELECT
      (SELECT coalesce(json_agg(json_build_array(h.id, h.score, h.terms, h.in_title)), '[]'::json)
         FROM hits h ${relaxed ? sql`WHERE h.coverage = (SELECT max(coverage) FROM hits)` : sql``}) AS hits,
      (SELECT revision FROM search_revisions
         WHERE city_id = ${cityId} AND scope = ${collectionScope(collection)}) AS collection_revision,
      (SELECT revision FROM search_revisions WHERE city_id = ${cityId} AND scope = ${SYNONYMS_SCOPE}) AS synonyms_revision
  `.execute(db);
  const row = rows[0];
  const current = noteRevisions(
    state,
    { collection: Number(row?.collection_revision ?? 0), synonyms: Number(row?.synonyms_revision ?? 0) },
    asked,
  );
  if (!current) return null;
  return (row?.hits ?? []).map(([id, score, ordinals, inTitle]) => ({
    id,
    score,
    terms: ordinals.map((o) => labels[o - 1] as string),
    inTitle,
  }));
}

/** For each English word, the collection's closest word by trigram similarity, if close enough. */
async function closestWords(
  db: Kysely<Database>,
  cityId: string,
  collection: string,
  words: readonly string[],
): Promise<Map<string, string>> {
  const { rows } = await sql<{ word: string; term: string }>`
    SELECT w.word, c.term
    FROM unnest(${words}::text[]) AS w(word)
    CROSS JOIN LATERAL (
      SELECT t.term, similarity(t.term, w.word) AS s
      FROM search_terms t
      WHERE t.city_id = ${cityId} AND t.collection = ${collection} AND t.df > 0 AND t.term % w.word
      ORDER BY s DESC, t.df DESC, t.term
      LIMIT 1
    ) AS c
    WHERE c.s >= ${MIN_SIMILARITY}
  `.execute(db);
  return new Map(rows.map((r) => [r.word, r.term]));
}

interface Statement {
  cityId: string;
  collection: string;
  /** How many facets the collection has. */
  collectionFacets: number;
  locale: Locale;
  plan: QueryPlan | null;
  filters: [string, string[]][];
  facets: string[];
  page: number;
  pageSize: number;
}

interface Found {
  total: number;
  /** Documents the query matches before filters. */
  matched: number;
  items: SearchHit[];
  counts: { v: string; n: number }[];
}

const groupQuery = (g: QueryGroup) => `(${g.alternatives.map((a) => a.tsquery).join(' | ')})`;
/** The same query matching only words of weight `w` (A: titles). */
const inWeight = (tsquery: string, w: 'A' | 'B') => tsquery.replace(/'(?:[^']|'')*'/g, `$&:${w}`);

/**
 * How required groups must match: every one, common words in titles and keywords only
 * ('titles'); every one anywhere ('anywhere'); as many as any document has ('partial').
 */
type Mode = 'titles' | 'anywhere' | 'partial';

/** How documents match a plan in a mode, and how they score, as SQL over `search_documents d`. */
interface Matching {
  score: RawBuilder<number>;
  where: RawBuilder<unknown>;
  /** `, (…) AS coverage` in the partial mode: how many required groups a document has. */
  coverage: RawBuilder<unknown>;
  relaxed: boolean;
  /** Any group (for whether a title has a word of the query). */
  any: string;
}

function matching(plan: QueryPlan | null, mode: Mode): Matching {
  const relaxed = mode === 'partial';
  const required = plan?.groups.filter((g) => g.required) ?? [];
  const inHead = mode === 'titles' ? required.filter((g) => g.common) : [];
  const inBody = required.filter((g) => !inHead.includes(g));
  const match = inBody.map(groupQuery).join(relaxed ? ' | ' : ' & ');
  const any = plan ? plan.groups.map(groupQuery).join(' | ') : '';

  let score: RawBuilder<number> = sql`d.boost`;
  let where: RawBuilder<unknown> = sql`TRUE`;
  let coverage: RawBuilder<unknown> = sql``;
  if (plan) {
    // A title that is the query gains 2; one that contains it as a phrase the share of the
    // title it covers (结婚登记 covers half of 结婚登记（内地居民）, 医保 a fifth of a long title).
    const lines = [sql`split_part(d.title_key, ${'\n'}, 1)`, sql`split_part(d.title_key, ${'\n'}, 2)`];
    const phrase =
      plan.key === ''
        ? sql`0`
        : sql`CASE WHEN strpos(${'\n'} || d.title_key || ${'\n'}, ${`\n${plan.key}\n`}) > 0 THEN 2
                   WHEN strpos(d.title_key, ${plan.key}) > 0 THEN ${[...plan.key].length}::float8 / least(${sql.join(
                     lines.map((l) => sql`CASE WHEN strpos(${l}, ${plan.key}) > 0 THEN char_length(${l}) END`),
                   )})
                   ELSE 0 END`;
    // Each group counts its idf times where it is found: in a title 1, in keywords 0.4, in the
    // body 0.15; weak and action groups half as much; over the sum of the idfs, so relevance is 0..1.
    // Titles and keywords are read from the small head, which every row has inline.
    const weighed = plan.groups.map((g) => ({ g, weight: g.idf * (g.required && !g.action ? 1 : 0.5) }));
    const total = weighed.reduce((sum, w) => sum + w.weight, 0) || 1;
    const relevance = sql.join(
      weighed.map(
        ({ g, weight }) => sql`${weight / total}::float8 * CASE
          WHEN d.head @@ ${inWeight(groupQuery(g), 'A')}::tsquery THEN 1
          WHEN d.head @@ ${groupQuery(g)}::tsquery THEN 0.4
          WHEN d.tsv @@ ${groupQuery(g)}::tsquery THEN 0.15
          ELSE 0 END`,
      ),
      sql` + `,
    );
    score = sql`((${relevance})
      + ${phrase}
      + CASE WHEN d.head @@ ${inWeight(required.map(groupQuery).join(' & '), 'A')}::tsquery THEN 0.5 ELSE 0 END
      + d.boost)`;
    // Common groups are matched on the small head, which every row has inline; the others
    // through the GIN index on tsv.
    where = sql.join(
      [
        ...(match === '' ? [] : [sql`d.tsv @@ ${match}::tsquery`]),
        ...(inHead.length === 0 ? [] : [sql`d.head @@ ${inHead.map(groupQuery).join(' & ')}::tsquery`]),
      ],
      sql` AND `,
    );
    if (relaxed) {
      coverage = sql`, (${sql.join(
        required.map((g) => sql`(d.tsv @@ ${groupQuery(g)}::tsquery)::int`),
        sql` + `,
      )}) AS coverage`;
    }
  }
  return { score, where, coverage, relaxed, any };
}

/** Runs the search statement in one {@link Mode}. */
async function run(db: Kysely<Database>, state: CollectionState, s: Statement, mode: Mode): Promise<Found> {
  const { plan } = s;
  const { score, where, coverage, relaxed, any } = matching(plan, mode);
  const passes = s.filters.map(
    ([field, values], i) =>
      sql`, (d.facet_values && ${values.map((v) => `${field}:${v}`)}::text[]) AS ${sql.ref(`p${i}`)}`,
  );
  const allPass = s.filters.length
    ? sql.join(
        s.filters.map((_, i) => sql.ref(`h.p${i}`)),
        sql` AND `,
      )
    : sql`TRUE`;
  // Ties go to the shorter title in the asker's language (居民身份证补领 before its district windows).
  const titleLength = s.locale === 'en' ? sql`char_length(d.title_en)` : sql`char_length(d.title_zh)`;
  const hits = relaxed
    ? sql`hits0 AS MATERIALIZED (
        SELECT d.id, d.facet_values, ${titleLength} AS title_len, ${score} AS score ${coverage} ${sql.join(passes, sql``)}
        FROM search_documents d
        WHERE d.city_id = ${s.cityId} AND d.collection = ${s.collection} AND ${where}
      ),
      hits AS (SELECT * FROM hits0 WHERE coverage = (SELECT max(coverage) FROM hits0))`
    : sql`hits AS MATERIALIZED (
        SELECT d.id, d.facet_values, ${titleLength} AS title_len, ${score} AS score ${sql.join(passes, sql``)}
        FROM search_documents d
        WHERE d.city_id = ${s.cityId} AND d.collection = ${s.collection} AND ${where}
      )`;

  // Facet counts. A row failing filter i counts only for facet i, so rows failing two filters
  // count for nothing, and rows failing the filter of a facet not counted here (not asked for,
  // or taken from the collection's totals) count for nothing either. With an empty query, a
  // facet filtered by nothing but itself counts the whole collection: its totals are cached.
  const fromTotals = totalsUsable(plan, s.facets, s.filters);
  const counted = s.facets.filter((f) => !fromTotals.includes(f));
  const mayFail = s.filters.map(([field], i) => ({ field, i })).filter(({ field }) => counted.includes(field));
  const mustPass = s.filters.map(([field], i) => ({ field, i })).filter(({ field }) => !counted.includes(field));
  const counts =
    counted.length === 0
      ? sql`'[]'::json`
      : sql`(SELECT coalesce(json_agg(json_build_object('v', c.v, 'n', c.n)), '[]'::json) FROM (
          SELECT v, count(*)::int AS n
          FROM (
            SELECT h.* FROM hits h WHERE TRUE
            ${sql.join(
              mustPass.map(({ i }) => sql`AND ${sql.ref(`h.p${i}`)}`),
              sql` `,
            )}
            ${
              mayFail.length > 1
                ? sql`AND (${sql.join(
                    mayFail.map(({ i }) => sql`(NOT ${sql.ref(`h.p${i}`)})::int`),
                    sql` + `,
                  )}) <= 1`
                : sql``
            }
          ) AS h, unnest(h.facet_values) AS v
          WHERE TRUE
            ${counted.length < s.collectionFacets ? sql`AND split_part(v, ':', 1) = ANY(${counted}::text[])` : sql``}
            ${sql.join(
              mayFail.map(({ field, i }) => sql`AND (${sql.ref(`h.p${i}`)} OR split_part(v, ':', 1) = ${field})`),
              sql` `,
            )}
          GROUP BY v
        ) AS c)`;

  const labels = plan ? plan.groups.flatMap((g) => g.alternatives.map((a) => a.label)) : [];
  const queries = plan ? plan.groups.flatMap((g) => g.alternatives.map((a) => a.tsquery)) : [];
  const matched = plan
    ? sql`(SELECT coalesce(array_agg(a.label ORDER BY a.ord), '{}')
           FROM unnest(${labels}::text[], ${queries}::text[]) WITH ORDINALITY AS a(label, q, ord)
           WHERE d.tsv @@ a.q::tsquery)`
    : sql`'{}'::text[]`;
  const titleMatched = plan ? sql`d.head @@ ${inWeight(any, 'A')}::tsquery` : sql`FALSE`;

  const began = performance.now();
  const { rows } = await sql<{
    total: number;
    matched: number;
    items: { id: string; score: number; terms: string[]; in_title: boolean; payload: unknown }[];
    counts: { v: string; n: number }[];
    collection_revision: number | null;
    synonyms_revision: number | null;
  }>`
    WITH ${hits},
    results AS (SELECT h.id, h.score, h.title_len FROM hits h WHERE ${allPass}),
    page AS (
      SELECT r.id, r.score, r.title_len FROM results r
      ORDER BY r.score DESC, r.title_len, r.id COLLATE "C"
      LIMIT ${s.pageSize} OFFSET ${(s.page - 1) * s.pageSize}
    )
    SELECT
      (SELECT count(*)::int FROM results) AS total,
      (SELECT count(*)::int FROM hits) AS matched,
      (SELECT coalesce(json_agg(json_build_object(
          'id', p.id, 'score', p.score, 'terms', ${matched}, 'in_title', ${titleMatched}, 'payload', (
            SELECT s.payload FROM search_document_sources s
            WHERE s.city_id = ${s.cityId} AND s.collection = ${s.collection} AND s.id = p.id))
          ORDER BY p.score DESC, p.title_len, p.id COLLATE "C"), '[]'::json)
        FROM page p
        CROSS JOIN LATERAL (
          SELECT d.tsv, d.head FROM search_documents d
          WHERE d.city_id = ${s.cityId} AND d.collection = ${s.collection} AND d.id = p.id
        ) AS d) AS items,
      ${counts} AS counts,
      (SELECT revision FROM search_revisions
         WHERE city_id = ${s.cityId} AND scope = ${collectionScope(s.collection)}) AS collection_revision,
      (SELECT revision FROM search_revisions WHERE city_id = ${s.cityId} AND scope = ${SYNONYMS_SCOPE}) AS synonyms_revision
  `.execute(db);
  const row = rows[0];
  const current = noteRevisions(
    state,
    { collection: Number(row?.collection_revision ?? 0), synonyms: Number(row?.synonyms_revision ?? 0) },
    began,
  );
  return {
    total: row?.total ?? 0,
    matched: row?.matched ?? 0,
    items: (row?.items ?? []).map((i) => ({
      id: i.id,
      score: Math.round(i.score * 10_000) / 10_000,
      matched: { terms: i.terms, inTitle: i.in_title },
      ...(i.payload === null || i.payload === undefined
        ? {}
        : { payload: current ? sharedPayload(state, i.id, i.payload) : i.payload }),
    })),
    counts: [...(row?.counts ?? []), ...facetTotals(state, fromTotals)],
  };
}

/**
 * Facets whose counts are the collection's totals: with no words, those filtered by nothing but
 * themselves count the whole collection.
 */
function totalsUsable(
  plan: QueryPlan | null,
  facets: readonly string[],
  filters: readonly [string, string[]][],
): string[] {
  return plan === null ? facets.filter((f) => filters.every(([field]) => field === f)) : [];
}

/** The cached totals of `fields`' values over the collection. */
function facetTotals(state: CollectionState, fields: readonly string[]): { v: string; n: number }[] {
  if (fields.length === 0) return [];
  return [...state.facetTotals]
    .filter(([v]) => fields.includes(v.slice(0, v.indexOf(':'))))
    .map(([v, n]) => ({ v, n }));
}

/** Counts by facet, most frequent first; chosen values are listed even when no result has them. */
function facetCounts(
  facets: readonly string[],
  filters: readonly [string, string[]][],
  counts: readonly { v: string; n: number }[],
): Record<string, FacetCount[]> {
  const out: Record<string, FacetCount[]> = {};
  for (const f of facets) out[f] = [];
  for (const { v, n } of counts) {
    const at = v.indexOf(':');
    out[v.slice(0, at)]?.push({ value: v.slice(at + 1), count: n });
  }
  for (const [field, values] of filters) {
    const list = out[field];
    if (!list) continue;
    for (const value of values) if (!list.some((c) => c.value === value)) list.push({ value, count: 0 });
  }
  for (const f of facets) {
    out[f] = (out[f] ?? [])
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, SEARCH_LIMITS.facetValues);
  }
  return out;
}
