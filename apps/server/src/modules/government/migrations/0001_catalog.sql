-- Digital government: the service catalog (政务服务事项目录). Themes, life events and
-- certificate types are the catalog's vocabularies; a service is a row that says which version
-- is in force, and every version stays in service_versions (an application keeps the version it
-- was made under). Bundles (一件事一次办) are versioned the same way.

CREATE TABLE service_themes (
  city_id     text NOT NULL REFERENCES tenants (id),
  code        text NOT NULL,
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  sort_order  integer NOT NULL DEFAULT 0,
  PRIMARY KEY (city_id, code)
);

CREATE TABLE life_events (
  city_id     text NOT NULL REFERENCES tenants (id),
  code        text NOT NULL,
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  audience    text NOT NULL CHECK (audience IN ('citizen', 'enterprise')),
  sort_order  integer NOT NULL DEFAULT 0,
  PRIMARY KEY (city_id, code)
);

CREATE TABLE certificate_types (
  city_id          text NOT NULL REFERENCES tenants (id),
  code             text NOT NULL,
  name_zh          text NOT NULL,
  name_en          text NOT NULL,
  department_code  text NOT NULL,
  holder           text NOT NULL CHECK (holder IN ('citizen', 'enterprise', 'both')),
  -- Held in a department's records (a cremation record), not issued through the catalog.
  from_records     boolean NOT NULL DEFAULT false,
  licence          boolean NOT NULL DEFAULT false,
  PRIMARY KEY (city_id, code)
);

CREATE TABLE services (
  id                  uuid PRIMARY KEY,
  city_id             text NOT NULL REFERENCES tenants (id),
  code                text NOT NULL,
  -- The version in force; its content is in service_versions.
  version             integer NOT NULL CHECK (version > 0),
  enabled             boolean NOT NULL DEFAULT true,
  -- Copied from the version in force, for lists and filters.
  department_id       uuid NOT NULL REFERENCES departments (id),
  name_zh             text NOT NULL,
  name_en             text NOT NULL,
  summary_zh          text NOT NULL,
  summary_en          text NOT NULL,
  audience            text NOT NULL CHECK (audience IN ('citizen', 'enterprise', 'both')),
  themes              text[] NOT NULL DEFAULT '{}',
  life_events         text[] NOT NULL DEFAULT '{}',
  visits              smallint NOT NULL CHECK (visits IN (0, 1)),
  online              boolean NOT NULL,
  legal_days          integer NOT NULL CHECK (legal_days >= 0),
  -- Half days are real promises (开办企业 in half a working day).
  promised_days       real NOT NULL CHECK (promised_days >= 0 AND promised_days <= legal_days),
  fee_fen             integer NOT NULL CHECK (fee_fen >= 0),
  certificate_type    text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_id, code)
);

CREATE INDEX services_department ON services (city_id, department_id, code);

CREATE TABLE service_versions (
  city_id      text NOT NULL REFERENCES tenants (id),
  service_id   uuid NOT NULL REFERENCES services (id),
  version      integer NOT NULL CHECK (version > 0),
  spec         jsonb NOT NULL,
  -- sha-256 of the canonical spec: saving the same content again makes no new version.
  spec_hash    text NOT NULL,
  note         text NOT NULL,
  created_by   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (service_id, version)
);

CREATE TABLE service_bundles (
  id           uuid PRIMARY KEY,
  city_id      text NOT NULL REFERENCES tenants (id),
  code         text NOT NULL,
  version      integer NOT NULL CHECK (version > 0),
  enabled      boolean NOT NULL DEFAULT true,
  name_zh      text NOT NULL,
  name_en      text NOT NULL,
  life_event   text NOT NULL,
  services     text[] NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_id, code)
);

CREATE TABLE service_bundle_versions (
  city_id      text NOT NULL REFERENCES tenants (id),
  bundle_id    uuid NOT NULL REFERENCES service_bundles (id),
  version      integer NOT NULL CHECK (version > 0),
  spec         jsonb NOT NULL,
  spec_hash    text NOT NULL,
  note         text NOT NULL,
  created_by   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bundle_id, version)
);
