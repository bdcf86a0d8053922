/** Row types of the search tables (platform/db/migrations/0012_search.sql, 0014_search_payload.sql). */
import type { ColumnType, Kysely } from 'kysely';
import type { Database, DefaultTimestamp, Json } from '../db/schema.ts';

/** A tsvector column: written as a literal (`'word':1A`), read as its text form. */
type TsVector = ColumnType<string, string, string>;

export interface SearchDocumentsTable {
  city_id: string;
  collection: string;
  id: string;
  title_zh: string;
  title_en: string;
  boost: number;
  facet_values: string[];
  tsv: TsVector;
  head: TsVector;
  title_key: string;
  analyzer: string;
  updated_at: DefaultTimestamp;
}

export interface SearchDocumentSourcesTable {
  city_id: string;
  collection: string;
  id: string;
  keywords: string[];
  body_zh: string;
  body_en: string;
  facets: Json<Record<string, string[]>>;
  terms: string[];
  /** What the owner wants back with each hit; null when it gave nothing. */
  payload: Json<unknown> | null;
}

export interface SearchTermsTable {
  city_id: string;
  collection: string;
  term: string;
  df: number;
}

export interface SearchRevisionsTable {
  city_id: string;
  scope: string;
  revision: number;
}

export interface SearchSynonymSetsTable {
  id: string;
  city_id: string;
  terms: string[];
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** The tables platform/search owns. */
export type SearchTables = {
  search_documents: SearchDocumentsTable;
  search_document_sources: SearchDocumentSourcesTable;
  search_terms: SearchTermsTable;
  search_revisions: SearchRevisionsTable;
  search_synonym_sets: SearchSynonymSetsTable;
};

/** The platform's database seen with the search tables too. */
export type SearchDatabase = Database & SearchTables;

/** `db` with the search tables in its type. */
export function searchDb(db: Kysely<Database>): Kysely<SearchDatabase> {
  return db.withTables<SearchTables>();
}
