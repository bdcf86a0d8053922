-- City governance: report categories (two levels: groups and the categories citizens pick)
-- and dispatch rules (category × zone → department), versioned.

CREATE TABLE report_categories (
  id                      uuid PRIMARY KEY,
  city_id                 text NOT NULL REFERENCES tenants (id),
  code                    text NOT NULL,
  parent_id               uuid REFERENCES report_categories (id),
  name_zh                 text NOT NULL,
  name_en                 text NOT NULL,
  -- Leaves only (NULL on groups): who handles it by default, how urgent, how fast.
  default_department_code text,
  priority                text CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  accept_within_minutes   integer CHECK (accept_within_minutes > 0),
  resolve_within_minutes  integer CHECK (resolve_within_minutes > 0),
  attributes              jsonb NOT NULL DEFAULT '[]',
  sort_order              integer NOT NULL DEFAULT 0,
  enabled                 boolean NOT NULL DEFAULT true,
  created_at              timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_id, code),
  CHECK (parent_id IS NULL OR (default_department_code IS NOT NULL AND priority IS NOT NULL
         AND accept_within_minutes IS NOT NULL AND resolve_within_minutes IS NOT NULL))
);

CREATE INDEX report_categories_parent ON report_categories (city_id, parent_id, sort_order);

-- One row per version: a change inserts a new row, the highest version is the rule in force,
-- and earlier rows stay as history.
CREATE TABLE dispatch_rules (
  id              uuid PRIMARY KEY,
  city_id         text NOT NULL REFERENCES tenants (id),
  category_code   text NOT NULL,
  zone_id         uuid NOT NULL REFERENCES zones (id),
  department_code text NOT NULL,
  version         integer NOT NULL CHECK (version > 0),
  reason          text NOT NULL,
  created_by      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_id, category_code, zone_id, version)
);
