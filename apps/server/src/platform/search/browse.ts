/**
 * Filtering, facet counting and paging in memory. The search statement does all three in SQL
 * for every request; yet what a query matches does not depend on the filters, the page or the
 * language asked (search.ts: "filters never change which mode applies"), and a catalog's
 * visitors mostly ask the same few queries with other filters and pages. Collections small
 * enough are therefore served from two things a cached state keeps:
 *
 * - the browse table: what filtering and ranking read of every document — id, boost, title
 *   lengths, facet values, the latter as one bitset of documents per value — loaded once at the
 *   state's revisions;
 * - hit sets: for a query, the documents it matches with their scores, matched terms and whether
 *   a title has a word of it (one statement, once per query), or every document by boost for a
 *   query without words.
 *
 * A request then costs a few operations on words of 32 documents, plus reading the payloads of
 * the page's documents not read before. The answers are those of the statement (search.test.ts
 * compares the two over random queries, filters and pages).
 */
import { type Kysely, sql } from 'kysely';
import type { Locale } from '../../config.ts';
import type { Database } from '../db/schema.ts';
import type { SearchHit } from './search.ts';
import {
  type CollectionState,
  collectionScope,
  knownPayload,
  noteRevisions,
  SYNONYMS_SCOPE,
  sharedPayload,
} from './state.ts';

/** Collections with more documents are searched by the statement alone. */
export const BROWSE_IN_MEMORY_MAX = 20_000;

/** Documents numbered 0..n-1, as a bitset. */
type DocumentSet = Uint32Array;

/** What a query matched: documents with their scores, terms and whether a title has a word of it. */
export interface HitSet {
  set: DocumentSet;
  /** Per hit (hit positions 0..count-1): its document, score, matched terms, title match. */
  docs: Uint32Array;
  scores: Float64Array;
  terms: readonly (readonly string[])[];
  inTitle: Uint8Array;
  /** Hit positions in rank order for each language, sorted when first asked. */
  order: Partial<Record<Locale, Uint32Array>>;
}

/** A state's documents as filtering and ranking read them. */
export interface BrowseTable {
  ids: string[];
  /** Document number by id. */
  index: Map<string, number>;
  /** Title length in each language, and the id's place in `COLLATE "C"` order. */
  lengths: Record<Locale, Uint32Array>;
  idRank: Uint32Array;
  /** 'field:value' → the documents with it; field → its values. */
  byValue: Map<string, DocumentSet>;
  valuesOf: Map<string, string[]>;
  /** Every document, scored by its boost: what a query without words finds. */
  everything: HitSet;
}

/** A request served in memory, checked. */
export interface BrowseRequest {
  cityId: string;
  collection: string;
  locale: Locale;
  filters: readonly [string, string[]][];
  facets: readonly string[];
  page: number;
  pageSize: number;
}

/** What was found, as the search statement answers it. */
export interface Browsed {
  total: number;
  matched: number;
  items: SearchHit[];
  counts: { v: string; n: number }[];
}

/** Bytes in UTF-8 order, as `COLLATE "C"` compares (code points, not UTF-16 units). */
function compareC(a: string, b: string): number {
  if (a === b) return 0;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * The state's browse table, loaded on first use; null when the collection is too large to keep,
 * or when the database had moved past the state's revisions (the state is then dropped).
 */
export function browseTable(
  db: Kysely<Database>,
  state: CollectionState,
  cityId: string,
  collection: string,
): Promise<BrowseTable | null> {
  if (state.lexicon.documents > BROWSE_IN_MEMORY_MAX) return Promise.resolve(null);
  state.browse ??= loadTable(db, state, cityId, collection).catch((error: unknown) => {
    delete state.browse;
    throw error;
  });
  return state.browse;
}

async function loadTable(
  db: Kysely<Database>,
  state: CollectionState,
  cityId: string,
  collection: string,
): Promise<BrowseTable | null> {
  const asked = performance.now();
  const { rows } = await sql<{
    documents: [string, number, number, number, string[]][];
    collection_revision: number | null;
    synonyms_revision: number | null;
  }>`
    SELECT
      (SELECT coalesce(json_agg(json_build_array(
           id, boost, char_length(title_zh), char_length(title_en), facet_values)), '[]'::json)
         FROM search_documents WHERE city_id = ${cityId} AND collection = ${collection}) AS documents,
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
  const documents = row?.documents ?? [];
  const n = documents.length;
  const ids = documents.map((d) => d[0]);
  const idRank = new Uint32Array(n);
  [...ids.keys()]
    .sort((a, b) => compareC(ids[a] as string, ids[b] as string))
    .forEach((doc, rank) => {
      idRank[doc] = rank;
    });
  const words = Math.ceil(n / 32);
  const byValue = new Map<string, DocumentSet>();
  const valuesOf = new Map<string, string[]>();
  documents.forEach(([, , , , values], doc) => {
    for (const value of values) {
      let set = byValue.get(value);
      if (!set) {
        set = new Uint32Array(words);
        byValue.set(value, set);
        const field = value.slice(0, value.indexOf(':'));
        valuesOf.set(field, [...(valuesOf.get(field) ?? []), value]);
      }
      add(set, doc);
    }
  });
  const table: Omit<BrowseTable, 'everything'> = {
    ids,
    index: new Map(ids.map((id, doc) => [id, doc])),
    lengths: {
      'zh-CN': Uint32Array.from(documents, (d) => d[2]),
      en: Uint32Array.from(documents, (d) => d[3]),
    },
    idRank,
    byValue,
    valuesOf,
  };
  const none: readonly string[] = [];
  const everything = hitSet(
    table,
    documents.map(([id, boost]) => ({ id, score: boost, terms: none, inTitle: false })),
  ) as HitSet;
  return { ...table, everything };
}

const add = (set: DocumentSet, doc: number) => {
  set[doc >>> 5] = (set[doc >>> 5] as number) | (1 << (doc & 31));
};
const has = (set: DocumentSet, doc: number) => (((set[doc >>> 5] as number) >>> (doc & 31)) & 1) === 1;

/** Documents in `a` and in `b`, into `into`. */
function and(into: DocumentSet, a: DocumentSet, b: DocumentSet): DocumentSet {
  for (let w = 0; w < into.length; w++) into[w] = (a[w] as number) & (b[w] as number);
  return into;
}

/** How many documents `a` has. */
function count(a: DocumentSet): number {
  let n = 0;
  for (let w = 0; w < a.length; w++) {
    let x = a[w] as number;
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    n += Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
  }
  return n;
}

/** A hit set over `table`'s documents; null when a hit is not in the table. */
export function hitSet(
  table: Pick<BrowseTable, 'index' | 'ids'>,
  hits: readonly { id: string; score: number; terms: readonly string[]; inTitle: boolean }[],
): HitSet | null {
  const set = new Uint32Array(Math.ceil(table.ids.length / 32));
  const docs = new Uint32Array(hits.length);
  const scores = new Float64Array(hits.length);
  const inTitle = new Uint8Array(hits.length);
  for (let p = 0; p < hits.length; p++) {
    const hit = hits[p] as (typeof hits)[number];
    const doc = table.index.get(hit.id);
    if (doc === undefined) return null;
    add(set, doc);
    docs[p] = doc;
    scores[p] = hit.score;
    inTitle[p] = hit.inTitle ? 1 : 0;
  }
  return { set, docs, scores, terms: hits.map((h) => h.terms), inTitle, order: {} };
}

/** Hit positions in the statement's order: score descending, the shorter title in `locale`, the id. */
function rankOf(table: BrowseTable, hits: HitSet, locale: Locale): Uint32Array {
  let order = hits.order[locale];
  if (!order) {
    const lengths = table.lengths[locale];
    const { docs, scores } = hits;
    order = Uint32Array.from(docs.keys()).sort(
      (a, b) =>
        (scores[b] as number) - (scores[a] as number) ||
        (lengths[docs[a] as number] as number) - (lengths[docs[b] as number] as number) ||
        (table.idRank[docs[a] as number] as number) - (table.idRank[docs[b] as number] as number),
    );
    hits.order[locale] = order;
  }
  return order;
}

/**
 * Filters, counts and pages `hits` as the search statement does: results pass every filter; a
 * facet's counts are over the hits passing every filter but its own.
 */
export async function browse(
  db: Kysely<Database>,
  state: CollectionState,
  table: BrowseTable,
  hits: HitSet,
  request: BrowseRequest,
): Promise<Browsed> {
  const words = hits.set.length;
  const counted = new Set(request.facets);
  // The hits passing each filter: those with any of its values.
  const filters = request.filters.map(([field, values]) => {
    const passing = new Uint32Array(words);
    for (const v of values) {
      const set = table.byValue.get(`${field}:${v}`);
      if (set) for (let w = 0; w < words; w++) passing[w] = (passing[w] as number) | (set[w] as number);
    }
    return { field, passing };
  });
  // Filters of facets not counted bound every count; the others bound all counts but their own.
  let bound = hits.set;
  for (const f of filters) if (!counted.has(f.field)) bound = and(new Uint32Array(words), bound, f.passing);
  const within = (except: string | null) => {
    let set = bound;
    for (const f of filters) {
      if (f.field !== except && counted.has(f.field)) set = and(new Uint32Array(words), set, f.passing);
    }
    return set;
  };
  const results = within(null);
  const first = (request.page - 1) * request.pageSize;
  const page: number[] = [];
  if (first < hits.docs.length) {
    let seen = 0;
    for (const p of rankOf(table, hits, request.locale)) {
      if (!has(results, hits.docs[p] as number)) continue;
      if (seen++ < first) continue;
      page.push(p);
      if (page.length === request.pageSize) break;
    }
  }
  const counts: { v: string; n: number }[] = [];
  const scratch = new Uint32Array(words);
  for (const field of counted) {
    const eligible = within(field);
    for (const value of table.valuesOf.get(field) ?? []) {
      const n = count(and(scratch, eligible, table.byValue.get(value) as DocumentSet));
      if (n > 0) counts.push({ v: value, n });
    }
  }
  const ids = page.map((p) => table.ids[hits.docs[p] as number] as string);
  const payloads = await pagePayloads(db, state, request, ids);
  return {
    total: count(results),
    matched: hits.docs.length,
    items: page.map((p, i) => {
      const id = ids[i] as string;
      const payload = payloads.get(id);
      return {
        id,
        score: Math.round((hits.scores[p] as number) * 10_000) / 10_000,
        matched: { terms: [...(hits.terms[p] ?? [])], inTitle: hits.inTitle[p] === 1 },
        ...(payload === undefined ? {} : { payload }),
      };
    }),
    counts,
  };
}

/** The payloads of a page's documents: those this state read before, the others by key. */
async function pagePayloads(
  db: Kysely<Database>,
  state: CollectionState,
  request: BrowseRequest,
  ids: readonly string[],
): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  const unknown: string[] = [];
  for (const id of ids) {
    const known = knownPayload(state, id);
    if (known.known) found.set(id, known.payload);
    else unknown.push(id);
  }
  if (unknown.length === 0) return found;
  const asked = performance.now();
  const { rows } = await sql<{
    payloads: [string, unknown][];
    collection_revision: number | null;
    synonyms_revision: number | null;
  }>`
    SELECT
      (SELECT coalesce(json_agg(json_build_array(id, payload)), '[]'::json)
         FROM search_document_sources
         WHERE city_id = ${request.cityId} AND collection = ${request.collection}
           AND id = ANY(${unknown}::text[])) AS payloads,
      (SELECT revision FROM search_revisions
         WHERE city_id = ${request.cityId} AND scope = ${collectionScope(request.collection)}) AS collection_revision,
      (SELECT revision FROM search_revisions
         WHERE city_id = ${request.cityId} AND scope = ${SYNONYMS_SCOPE}) AS synonyms_revision
  `.execute(db);
  const row = rows[0];
  const current = noteRevisions(
    state,
    { collection: Number(row?.collection_revision ?? 0), synonyms: Number(row?.synonyms_revision ?? 0) },
    asked,
  );
  const read = new Map((row?.payloads ?? []).map(([id, payload]) => [id, payload ?? undefined]));
  // Documents without a payload are remembered as such too.
  for (const id of unknown) found.set(id, current ? sharedPayload(state, id, read.get(id)) : read.get(id));
  return found;
}
