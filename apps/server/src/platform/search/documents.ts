/**
 * Putting documents into the index and taking them out. A document belongs to a city and a
 * collection (the service catalog is one) and is identified there by its owner's id. Writes to
 * one collection of one city are serialised by its revision row, which they bump, and keep the
 * collection's lexicon (search_terms) counted: each word's document frequency moves by the
 * difference between a document's old and new words.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { analyzeDocument, type DocumentAnalysis } from './analyze.ts';
import { type SearchDatabase, searchDb } from './schema.ts';
import { ANALYZER_VERSION, collectionScope, expectRevision, invalidateCity, searchSegmenter } from './state.ts';

/** A kind of searchable document and the facets its documents may carry. */
export interface SearchCollection {
  readonly name: string;
  readonly facets: readonly string[];
}

const NAME = /^[a-z][a-z0-9_-]{0,39}$/;
const FACET = /^[a-zA-Z][a-zA-Z0-9_-]{0,39}$/;

/** Declares a collection (at module load: a bad name is a programming error, thrown as a TypeError). */
export function defineCollection(name: string, options: { facets: readonly string[] }): SearchCollection {
  if (!NAME.test(name)) throw new TypeError(`search collection name "${name}" must match ${NAME}`);
  for (const f of options.facets) if (!FACET.test(f)) throw new TypeError(`facet name "${f}" must match ${FACET}`);
  if (new Set(options.facets).size !== options.facets.length) throw new TypeError(`facets of "${name}" repeat`);
  return Object.freeze({ name, facets: Object.freeze([...options.facets]) });
}

/** Text in the languages OneCity speaks; either may be missing. */
export interface SearchTexts {
  zh?: string;
  en?: string;
}

/** A document as its owner gives it to the index. */
export interface SearchDocument {
  /** The owner's id (a service code), unique in the collection. */
  id: string;
  /** Matches here rank highest (weight A). */
  title: SearchTexts;
  /** Names it is also known by, names of what it belongs to (weight B): themes, departments, life events. */
  keywords?: readonly string[];
  /** Everything else worth finding it by (weight C): summary, materials, conditions. */
  body?: SearchTexts;
  /** Facet field → values; fields must be among the collection's facets. */
  facets?: Readonly<Record<string, readonly string[]>>;
  /**
   * Preference whatever the query, 0 to {@link MAX_BOOST}; added to the relevance, where a title
   * matching the whole query adds 2, so 1 lifts a document above equals without burying better
   * matches. The order of an empty query.
   */
  boost?: number;
  /**
   * What the owner wants back with each hit (the row a result list shows), as JSON: returned
   * with the hits, so that a search answered from memory needs no query for the rows. Kept as
   * given, never searched; at most {@link DOCUMENT_LIMITS}.payloadChars characters as JSON.
   */
  payload?: unknown;
}

/** Limits on what a document may hold. */
export const DOCUMENT_LIMITS = {
  idChars: 200,
  titleChars: 500,
  keywords: 200,
  keywordChars: 200,
  bodyChars: 20_000,
  facetValues: 100,
  facetValueChars: 200,
  payloadChars: 16_000,
} as const;

/** Largest boost a document may have. */
export const MAX_BOOST = 10;

/** Rows per insert statement. */
const CHUNK = 100;
/**
 * Writes of at least this many documents refresh the planner's statistics: without them
 * PostgreSQL (and PGlite, which never analyses by itself) plans a search over a freshly
 * imported catalog as if it had one row.
 */
const ANALYZE_AFTER = 200;

async function analyzeTables(trx: Kysely<SearchDatabase>): Promise<void> {
  await sql`ANALYZE search_documents, search_document_sources, search_terms`.execute(trx);
}

const CONTROL = /[\p{Cc}\p{Cs}]/u;

interface PreparedDocument {
  id: string;
  title_zh: string;
  title_en: string;
  keywords: string[];
  body_zh: string;
  body_en: string;
  facets: Record<string, string[]>;
  facet_values: string[];
  boost: number;
  /** The payload as JSON text, or null. */
  payload: string | null;
}

function invalid(id: string, field: string): AppError {
  return new AppError('SEARCH_DOCUMENT_INVALID', { id: id.slice(0, DOCUMENT_LIMITS.idChars), field });
}

/** Checks a document against its collection and the limits; answers its stored fields. */
function prepare(collection: SearchCollection, doc: SearchDocument): PreparedDocument {
  const id = typeof doc.id === 'string' ? doc.id : '';
  if (id === '' || id.length > DOCUMENT_LIMITS.idChars || CONTROL.test(id)) throw invalid(String(doc.id), 'id');
  // PostgreSQL text cannot hold NUL; any other odd character is the analyser's to clean.
  const text = (value: unknown, max: number, field: string): string => {
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string' || value.length > max) throw invalid(id, field);
    return value.replaceAll('\u0000', ' ');
  };
  const title_zh = text(doc.title?.zh, DOCUMENT_LIMITS.titleChars, 'title.zh');
  const title_en = text(doc.title?.en, DOCUMENT_LIMITS.titleChars, 'title.en');
  if (title_zh.trim() === '' && title_en.trim() === '') throw invalid(id, 'title');
  const keywords = doc.keywords ?? [];
  if (!Array.isArray(keywords) || keywords.length > DOCUMENT_LIMITS.keywords) throw invalid(id, 'keywords');
  const facets: Record<string, string[]> = {};
  const facetValues: string[] = [];
  for (const [field, values] of Object.entries(doc.facets ?? {})) {
    if (!collection.facets.includes(field)) throw invalid(id, `facets.${field}`);
    if (!Array.isArray(values) || values.length > DOCUMENT_LIMITS.facetValues) throw invalid(id, `facets.${field}`);
    const distinct = [...new Set(values)];
    for (const v of distinct) {
      if (typeof v !== 'string' || v === '' || v.length > DOCUMENT_LIMITS.facetValueChars || CONTROL.test(v)) {
        throw invalid(id, `facets.${field}`);
      }
      facetValues.push(`${field}:${v}`);
    }
    if (distinct.length > 0) facets[field] = distinct;
  }
  const boost = doc.boost ?? 0;
  if (typeof boost !== 'number' || !Number.isFinite(boost) || boost < 0 || boost > MAX_BOOST)
    throw invalid(id, 'boost');
  return {
    payload: payloadText(id, doc.payload),
    id,
    title_zh,
    title_en,
    keywords: keywords.map((k, i) => text(k, DOCUMENT_LIMITS.keywordChars, `keywords.${i}`)).filter((k) => k !== ''),
    body_zh: text(doc.body?.zh, DOCUMENT_LIMITS.bodyChars, 'body.zh'),
    body_en: text(doc.body?.en, DOCUMENT_LIMITS.bodyChars, 'body.en'),
    facets,
    facet_values: facetValues,
    boost,
  };
}

/** Text jsonb cannot hold: NUL, and halves of a surrogate pair alone. */
const unstorable = (text: string) => text.includes('\u0000') || !text.isWellFormed();

/** A payload as the JSON text stored; refuses what JSON cannot carry or jsonb cannot hold. */
function payloadText(id: string, payload: unknown): string | null {
  if (payload === undefined || payload === null) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(payload, (key, value) => {
      if (unstorable(key) || (typeof value === 'string' && unstorable(value))) throw invalid(id, 'payload');
      return value;
    });
  } catch {
    throw invalid(id, 'payload');
  }
  if (text === undefined || text.length > DOCUMENT_LIMITS.payloadChars) throw invalid(id, 'payload');
  return text;
}

/** Runs `fn` in the caller's transaction, or in a new one. */
function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<SearchDatabase>) => Promise<T>): Promise<T> {
  const typed = searchDb(db);
  if (db.isTransaction) return fn(typed);
  return typed.transaction().execute((trx: Transaction<SearchDatabase>) => fn(trx));
}

/**
 * Bumps a collection's revision, which also locks it against other writers until commit, and
 * tells this process's searches to wait for it (see expectRevision).
 */
async function lockCollection(trx: Kysely<SearchDatabase>, cityId: string, collection: string): Promise<void> {
  const { revision } = await trx
    .insertInto('search_revisions')
    .values({ city_id: cityId, scope: collectionScope(collection), revision: 1 })
    .onConflict((oc) => oc.columns(['city_id', 'scope']).doUpdateSet({ revision: sql`search_revisions.revision + 1` }))
    .returning('revision')
    .executeTakeFirstOrThrow();
  expectRevision(cityId, collectionScope(collection), Number(revision));
}

/** Old words of documents about to change, by id. */
async function currentTerms(
  trx: Kysely<SearchDatabase>,
  cityId: string,
  collection: string,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await trx
      .selectFrom('search_document_sources')
      .select(['id', 'terms'])
      .where('city_id', '=', cityId)
      .where('collection', '=', collection)
      .where('id', '=', sql<string>`ANY(${ids.slice(i, i + 1000)}::text[])`)
      .execute();
    for (const r of rows) found.set(r.id, r.terms);
  }
  return found;
}

/** Moves each word's document frequency by `delta` and forgets words no document has any more. */
async function applyTermDeltas(
  trx: Kysely<SearchDatabase>,
  cityId: string,
  collection: string,
  delta: Map<string, number>,
): Promise<void> {
  const terms: string[] = [];
  const deltas: number[] = [];
  for (const [term, d] of delta) {
    if (d === 0) continue;
    terms.push(term);
    deltas.push(d);
  }
  if (terms.length === 0) return;
  await sql`
    INSERT INTO search_terms (city_id, collection, term, df)
    SELECT ${cityId}, ${collection}, t.term, t.delta
    FROM unnest(${terms}::text[], ${deltas}::int[]) AS t(term, delta) WHERE t.delta > 0
    ON CONFLICT (city_id, collection, term) DO UPDATE SET df = search_terms.df + excluded.df
  `.execute(trx);
  const lost = terms.filter((_, i) => (deltas[i] ?? 0) < 0);
  if (lost.length === 0) return;
  await sql`
    UPDATE search_terms s SET df = greatest(s.df + t.delta, 0)
    FROM unnest(${terms}::text[], ${deltas}::int[]) AS t(term, delta)
    WHERE s.city_id = ${cityId} AND s.collection = ${collection} AND s.term = t.term AND t.delta < 0
  `.execute(trx);
  await sql`
    DELETE FROM search_terms
    WHERE city_id = ${cityId} AND collection = ${collection} AND df = 0 AND term = ANY(${lost}::text[])
  `.execute(trx);
}

function count(delta: Map<string, number>, terms: readonly string[], by: number) {
  for (const t of terms) delta.set(t, (delta.get(t) ?? 0) + by);
}

/** Writes prepared documents with their derived columns; answers their words by id. */
async function writeDocuments(
  trx: Kysely<SearchDatabase>,
  cityId: string,
  collection: string,
  docs: readonly PreparedDocument[],
): Promise<Map<string, string[]>> {
  const segmenter = await searchSegmenter();
  const written = new Map<string, string[]>();
  for (let i = 0; i < docs.length; i += CHUNK) {
    const chunk = docs.slice(i, i + CHUNK);
    const analyses = chunk.map((d) =>
      analyzeDocument(
        { titles: [d.title_zh, d.title_en], keywords: d.keywords, bodies: [d.body_zh, d.body_en] },
        segmenter,
      ),
    );
    await trx
      .insertInto('search_documents')
      .values(
        chunk.map((d, j) => {
          const analysis = analyses[j] as DocumentAnalysis;
          return {
            city_id: cityId,
            collection,
            id: d.id,
            title_zh: d.title_zh,
            title_en: d.title_en,
            boost: d.boost,
            facet_values: d.facet_values,
            tsv: sql<string>`${analysis.tsvector}::tsvector`,
            head: sql<string>`${analysis.head}::tsvector`,
            title_key: analysis.titleKey,
            analyzer: ANALYZER_VERSION,
            updated_at: sql<Date>`now()`,
          };
        }),
      )
      .onConflict((oc) =>
        oc.columns(['city_id', 'collection', 'id']).doUpdateSet((eb) => ({
          title_zh: eb.ref('excluded.title_zh'),
          title_en: eb.ref('excluded.title_en'),
          boost: eb.ref('excluded.boost'),
          facet_values: eb.ref('excluded.facet_values'),
          tsv: eb.ref('excluded.tsv'),
          head: eb.ref('excluded.head'),
          title_key: eb.ref('excluded.title_key'),
          analyzer: eb.ref('excluded.analyzer'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
    await trx
      .insertInto('search_document_sources')
      .values(
        chunk.map((d, j) => {
          const terms = (analyses[j] as DocumentAnalysis).terms;
          written.set(d.id, terms);
          return {
            city_id: cityId,
            collection,
            id: d.id,
            keywords: d.keywords,
            body_zh: d.body_zh,
            body_en: d.body_en,
            facets: JSON.stringify(d.facets),
            terms,
            payload: d.payload,
          };
        }),
      )
      .onConflict((oc) =>
        oc.columns(['city_id', 'collection', 'id']).doUpdateSet((eb) => ({
          keywords: eb.ref('excluded.keywords'),
          body_zh: eb.ref('excluded.body_zh'),
          body_en: eb.ref('excluded.body_en'),
          facets: eb.ref('excluded.facets'),
          terms: eb.ref('excluded.terms'),
          payload: eb.ref('excluded.payload'),
        })),
      )
      .execute();
  }
  return written;
}

/**
 * Adds or replaces documents of a city's collection (one transaction, the caller's if `db` is
 * one). Throws SEARCH_DOCUMENT_INVALID (400) naming the first bad field; a later document with
 * the id of an earlier one wins.
 */
export async function indexDocuments(
  db: Kysely<Database>,
  cityId: string,
  collection: SearchCollection,
  documents: readonly SearchDocument[],
): Promise<{ indexed: number }> {
  const byId = new Map<string, PreparedDocument>();
  for (const doc of documents) {
    const prepared = prepare(collection, doc);
    byId.set(prepared.id, prepared);
  }
  if (byId.size === 0) return { indexed: 0 };
  const docs = [...byId.values()];
  await inTransaction(db, async (trx) => {
    await lockCollection(trx, cityId, collection.name);
    const before = await currentTerms(trx, cityId, collection.name, [...byId.keys()]);
    const after = await writeDocuments(trx, cityId, collection.name, docs);
    const delta = new Map<string, number>();
    for (const terms of before.values()) count(delta, terms, -1);
    for (const terms of after.values()) count(delta, terms, 1);
    await applyTermDeltas(trx, cityId, collection.name, delta);
    if (docs.length >= ANALYZE_AFTER) await analyzeTables(trx);
  });
  invalidateCity(cityId);
  return { indexed: docs.length };
}

/** Removes documents by id (ids not indexed are ignored); answers how many were removed. */
export async function removeDocuments(
  db: Kysely<Database>,
  cityId: string,
  collection: SearchCollection,
  ids: readonly string[],
): Promise<{ removed: number }> {
  if (ids.length === 0) return { removed: 0 };
  const removed = await inTransaction(db, async (trx) => {
    await lockCollection(trx, cityId, collection.name);
    const delta = new Map<string, number>();
    let n = 0;
    for (let i = 0; i < ids.length; i += 1000) {
      const batch = ids.slice(i, i + 1000);
      const sources = await trx
        .deleteFrom('search_document_sources')
        .where('city_id', '=', cityId)
        .where('collection', '=', collection.name)
        .where('id', '=', sql<string>`ANY(${batch}::text[])`)
        .returning('terms')
        .execute();
      for (const r of sources) count(delta, r.terms, -1);
      const gone = await trx
        .deleteFrom('search_documents')
        .where('city_id', '=', cityId)
        .where('collection', '=', collection.name)
        .where('id', '=', sql<string>`ANY(${batch}::text[])`)
        .executeTakeFirst();
      n += Number(gone.numDeletedRows);
    }
    await applyTermDeltas(trx, cityId, collection.name, delta);
    return n;
  });
  invalidateCity(cityId);
  return { removed };
}

/**
 * Makes a city's collection exactly `documents`: indexes them and removes every other document
 * of the collection, in one transaction (a catalog import).
 */
export async function replaceDocuments(
  db: Kysely<Database>,
  cityId: string,
  collection: SearchCollection,
  documents: readonly SearchDocument[],
): Promise<{ indexed: number; removed: number }> {
  const ids = new Set(documents.map((d) => d.id));
  return inTransaction(db, async (trx) => {
    const { indexed } = await indexDocuments(trx, cityId, collection, documents);
    const existing = await trx
      .selectFrom('search_documents')
      .select('id')
      .where('city_id', '=', cityId)
      .where('collection', '=', collection.name)
      .execute();
    const gone = existing.map((r) => r.id).filter((id) => !ids.has(id));
    const { removed } = await removeDocuments(trx, cityId, collection, gone);
    return { indexed, removed };
  });
}

/**
 * Rebuilds the derived columns of documents analysed by another analyser or vocabulary (all of
 * them with `force`), then recounts the lexicon of each collection touched; scoped to a city
 * and a collection when given. Run after a change of the vocabulary (`onecity` does it at start).
 */
export async function reindex(
  db: Kysely<Database>,
  options: { cityId?: string; collection?: string; force?: boolean } = {},
): Promise<{ reindexed: number }> {
  const typed = searchDb(db);
  let query = typed.selectFrom('search_documents').select(['city_id', 'collection']).distinct();
  if (options.cityId) query = query.where('city_id', '=', options.cityId);
  if (options.collection) query = query.where('collection', '=', options.collection);
  if (!options.force) query = query.where('analyzer', '<>', ANALYZER_VERSION);
  const scopes = await query.execute();
  let reindexed = 0;
  for (const { city_id: cityId, collection } of scopes) {
    reindexed += await inTransaction(db, async (trx) => {
      await lockCollection(trx, cityId, collection);
      const stale = await trx
        .selectFrom('search_documents as d')
        .innerJoin('search_document_sources as s', (j) =>
          j.onRef('s.city_id', '=', 'd.city_id').onRef('s.collection', '=', 'd.collection').onRef('s.id', '=', 'd.id'),
        )
        .select([
          'd.id',
          'd.title_zh',
          'd.title_en',
          's.keywords',
          's.body_zh',
          's.body_en',
          's.facets',
          'd.facet_values',
          'd.boost',
          sql<string | null>`s.payload::text`.as('payload'),
        ])
        .where('d.city_id', '=', cityId)
        .where('d.collection', '=', collection)
        .$if(!options.force, (q) => q.where('d.analyzer', '<>', ANALYZER_VERSION))
        .execute();
      await writeDocuments(trx, cityId, collection, stale);
      await sql`DELETE FROM search_terms WHERE city_id = ${cityId} AND collection = ${collection}`.execute(trx);
      await sql`
        INSERT INTO search_terms (city_id, collection, term, df)
        SELECT ${cityId}, ${collection}, t, count(*)
        FROM search_document_sources d, unnest(d.terms) AS t
        WHERE d.city_id = ${cityId} AND d.collection = ${collection}
        GROUP BY t
      `.execute(trx);
      if (stale.length > 0) await analyzeTables(trx);
      return stale.length;
    });
    invalidateCity(cityId);
  }
  return { reindexed };
}
