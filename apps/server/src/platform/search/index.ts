/**
 * Search (a middle-platform capability): Chinese with jieba segmentation and English, synonyms
 * (a built-in government vocabulary and each city's own), typo tolerance (pg_trgm for English,
 * one-character corrections for Chinese), facets and filters, over any collection of documents,
 * in PostgreSQL and PGlite alike. It knows nothing of what the documents are: owners map their
 * rows to {@link SearchDocument}s. The only import surface of platform/search.
 */
export { cleanText, phraseKey, tokenize } from './analyze.ts';
export {
  DOCUMENT_LIMITS,
  defineCollection,
  indexDocuments,
  MAX_BOOST,
  reindex,
  removeDocuments,
  replaceDocuments,
  type SearchCollection,
  type SearchDocument,
  type SearchTexts,
} from './documents.ts';
export { type SearchDatabase, type SearchTables, searchDb } from './schema.ts';
export {
  type FacetCount,
  SEARCH_LIMITS,
  type SearchHit,
  type SearchOptions,
  type SearchRequest,
  type SearchResult,
  searchDocuments,
} from './search.ts';
export { DEFAULT_WORD_FREQUENCY, loadSegmenter, type Segmenter, type SegmenterOptions } from './segmenter.ts';
export { ANALYZER_VERSION, ANSWER_CACHE_BYTES, answerCacheCounts, REVALIDATE_MS, searchSegmenter } from './state.ts';
export {
  builtinSynonymSets,
  deleteSynonymSet,
  listSynonymSets,
  normalizeSynonymTerms,
  SYNONYM_LIMITS,
  type SynonymSet,
  saveSynonymSet,
} from './synonyms.ts';
