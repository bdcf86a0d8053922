-- The platform's own tables: tenancy, departments, geo zones, events, jobs, idempotency.
-- Plain SQL that runs unchanged on PostgreSQL 15+ and on PGlite.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- A tenant is a province or a city. Every domain row belongs to a city.
CREATE TABLE tenants (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{1,39}$'),
  kind        text NOT NULL CHECK (kind IN ('province', 'city')),
  parent_id   text REFERENCES tenants (id),
  admin_code  text NOT NULL UNIQUE,
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  time_zone   text NOT NULL,
  center_lat  double precision NOT NULL,
  center_lon  double precision NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'province') = (parent_id IS NULL))
);

CREATE TABLE departments (
  id          uuid PRIMARY KEY,
  city_id     text NOT NULL REFERENCES tenants (id),
  code        text NOT NULL,
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  short_zh    text NOT NULL,
  short_en    text NOT NULL,
  hotline     text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_id, code)
);

-- District > street > grid polygons (GeoJSON), with a bounding box for a cheap first filter
-- and the H3 cell of the zone's centre for clustering.
CREATE TABLE zones (
  id          uuid PRIMARY KEY,
  city_id     text NOT NULL REFERENCES tenants (id),
  code        text NOT NULL,
  level       text NOT NULL CHECK (level IN ('district', 'street', 'grid')),
  parent_id   uuid REFERENCES zones (id),
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  geometry    jsonb NOT NULL,
  min_lon     double precision NOT NULL,
  min_lat     double precision NOT NULL,
  max_lon     double precision NOT NULL,
  max_lat     double precision NOT NULL,
  center_lat  double precision NOT NULL,
  center_lon  double precision NOT NULL,
  h3_cell     text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_id, code),
  CHECK ((level = 'district') = (parent_id IS NULL))
);
CREATE INDEX zones_bbox ON zones (city_id, level, min_lon, max_lon, min_lat, max_lat);
CREATE INDEX zones_parent ON zones (parent_id);

-- Transactional outbox: an event commits with the change it describes (CloudEvents fields).
CREATE TABLE outbox_events (
  id               uuid PRIMARY KEY,
  seq              bigserial NOT NULL UNIQUE,
  city_id          text REFERENCES tenants (id),
  type             text NOT NULL,
  source           text NOT NULL,
  subject          text,
  data             jsonb NOT NULL,
  time             timestamptz NOT NULL,
  published_at     timestamptz,
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text
);
CREATE INDEX outbox_pending ON outbox_events (seq) WHERE published_at IS NULL;

-- Inbox: which consumer has handled which event, so that redelivery is harmless.
CREATE TABLE event_inbox (
  consumer    text NOT NULL,
  event_id    uuid NOT NULL,
  handled_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Durable jobs and timers, claimed with FOR UPDATE SKIP LOCKED.
CREATE TABLE jobs (
  id            uuid PRIMARY KEY,
  city_id       text REFERENCES tenants (id),
  kind          text NOT NULL,
  payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
  run_at        timestamptz NOT NULL,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed', 'cancelled')),
  attempts      integer NOT NULL DEFAULT 0,
  max_attempts  integer NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
  dedupe_key    text UNIQUE,
  last_error    text,
  done_by       text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE status = 'pending';

-- Idempotency-Key records: a repeat of a POST returns the first answer for 24 hours.
CREATE TABLE idempotency_keys (
  scope             text NOT NULL,
  key               text NOT NULL,
  method            text NOT NULL,
  path              text NOT NULL,
  request_hash      text NOT NULL,
  state             text NOT NULL CHECK (state IN ('processing', 'done')),
  response_status   integer,
  response_headers  jsonb,
  response_body     text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  expires_at        timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_expiry ON idempotency_keys (expires_at);
