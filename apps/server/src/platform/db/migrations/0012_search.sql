-- Search (platform/search): documents of any collection (the service catalog is one), keyed by
-- city, collection and the owner's id. Chinese is segmented by jieba in the application and the
-- tsvectors are written as literals, never through PostgreSQL's parser: PGlite and PostgreSQL,
-- whatever their locale, index the same lexemes.
--
-- What every search reads is in search_documents, kept in the row (toast_tuple_target): a
-- search over a catalog matches and ranks thousands of rows, and reading each one's tsvector
-- out of line, compressed, cost more than all the rest. What only indexing reads — the owner's
-- fields, kept so that the derived columns can be rebuilt when the analyser or its vocabulary
-- changes, and the words counted into the lexicon — is in search_document_sources.

CREATE TABLE search_documents (
  city_id       text NOT NULL REFERENCES tenants (id),
  collection    text NOT NULL CHECK (collection ~ '^[a-z][a-z0-9_-]{0,39}$'),
  id            text NOT NULL CHECK (length(id) BETWEEN 1 AND 200),
  title_zh      text NOT NULL DEFAULT '',
  title_en      text NOT NULL DEFAULT '',
  -- How much the document is preferred whatever the query (and the order of an empty query).
  boost         real NOT NULL DEFAULT 0 CHECK (boost >= 0),
  -- 'field:value' for each facet value (filters and facet counts).
  facet_values  text[] NOT NULL DEFAULT '{}',
  -- Title words weigh A, keywords B, body C.
  tsv           tsvector NOT NULL,
  -- The title and keyword part of tsv: what every match is ranked with.
  head          tsvector NOT NULL,
  -- Each title cleaned, one per line, for exact and phrase matches.
  title_key     text NOT NULL DEFAULT '',
  -- Which analyser and vocabulary derived tsv, head and title_key (reindex rebuilds the others).
  analyzer      text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, collection, id)
) WITH (toast_tuple_target = 8160);

-- Without fastupdate: a catalog changes seldom, and entries waiting in a GIN index's pending
-- list (merged only by vacuum) made every search scan them and the planner avoid the index.
CREATE INDEX search_documents_tsv ON search_documents USING gin (tsv) WITH (fastupdate = off);
CREATE INDEX search_documents_head ON search_documents USING gin (head) WITH (fastupdate = off);
CREATE INDEX search_documents_facets ON search_documents USING gin (facet_values) WITH (fastupdate = off);

CREATE TABLE search_document_sources (
  city_id     text NOT NULL REFERENCES tenants (id),
  collection  text NOT NULL,
  id          text NOT NULL,
  keywords    text[] NOT NULL DEFAULT '{}',
  body_zh     text NOT NULL DEFAULT '',
  body_en     text NOT NULL DEFAULT '',
  -- field → values, as the owner gave them.
  facets      jsonb NOT NULL DEFAULT '{}',
  -- Distinct words as written (English unstemmed), counted into search_terms.
  terms       text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (city_id, collection, id),
  FOREIGN KEY (city_id, collection, id) REFERENCES search_documents (city_id, collection, id) ON DELETE CASCADE
);

-- A collection's lexicon: every word its documents contain and in how many. Queries check their
-- words against it and correct English words by trigram similarity (pg_trgm).
CREATE TABLE search_terms (
  city_id     text NOT NULL REFERENCES tenants (id),
  collection  text NOT NULL,
  term        text NOT NULL,
  df          integer NOT NULL CHECK (df >= 0),
  PRIMARY KEY (city_id, collection, term)
);

CREATE INDEX search_terms_trgm ON search_terms USING gin (term gin_trgm_ops) WITH (fastupdate = off);

-- Bumped by every change of a collection ('collection:<name>') or of a city's synonyms
-- ('synonyms'): processes drop what they cached of it when a search sees a new revision. The
-- row is also the lock that serialises writers of one collection.
CREATE TABLE search_revisions (
  city_id   text NOT NULL REFERENCES tenants (id),
  scope     text NOT NULL,
  revision  bigint NOT NULL,
  PRIMARY KEY (city_id, scope)
);

-- A city's own synonym sets, on top of the built-in vocabulary: each term of a set also finds
-- the others.
CREATE TABLE search_synonym_sets (
  id          uuid PRIMARY KEY,
  city_id     text NOT NULL REFERENCES tenants (id),
  terms       text[] NOT NULL CHECK (cardinality(terms) >= 2),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX search_synonym_sets_city ON search_synonym_sets (city_id, created_at);
