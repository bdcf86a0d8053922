-- City governance: what citizens, inspectors, other systems and sensors report, and the work
-- orders departments handle. A work order's status is derived from its action log
-- (work_order_actions); the status and counters on work_orders are a projection of that log,
-- rewritten in the same transaction as each action, so that queues can be filtered by index.

-- Sensitive categories (noise from a neighbour, unauthorised building …) are shown publicly
-- only at a coarse location, so that a public map never points at one household.
ALTER TABLE report_categories ADD COLUMN sensitive boolean NOT NULL DEFAULT false;

-- Human tracking numbers: R<yymmdd>-<sequence>, the sequence shared by every city.
CREATE SEQUENCE report_tracking_seq;

CREATE TABLE work_orders (
  id                uuid PRIMARY KEY,
  city_id           text NOT NULL REFERENCES tenants (id),
  category_code     text NOT NULL,
  priority          text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  -- Where: the point of the first report and the zones it fell in (NULL outside every zone).
  lat               double precision NOT NULL,
  lon               double precision NOT NULL,
  district_id       uuid REFERENCES zones (id),
  street_id         uuid REFERENCES zones (id),
  grid_id           uuid REFERENCES zones (id),
  h3_res9           text NOT NULL,
  -- The time limits promised when it was reported (a later change of the category does not move them).
  accept_within_minutes   integer NOT NULL CHECK (accept_within_minutes > 0),
  resolve_within_minutes  integer NOT NULL CHECK (resolve_within_minutes > 0),
  -- The projection of the action log.
  status            text NOT NULL CHECK (status IN ('awaiting_dispatch', 'dispatched', 'accepted', 'assigned',
                      'in_progress', 'resolved', 'closed', 'invalid', 'merged')),
  department_id     uuid REFERENCES departments (id),
  assignee_id       uuid REFERENCES staff (id),
  escalation_level  smallint NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 2),
  accept_due_at     timestamptz,
  resolve_due_at    timestamptz,
  accepted_at       timestamptz,
  resolved_at       timestamptz,
  closed_at         timestamptz,
  rating            smallint CHECK (rating BETWEEN 1 AND 5),
  reopen_count      integer NOT NULL DEFAULT 0,
  transfer_count    integer NOT NULL DEFAULT 0,
  merged_into       uuid REFERENCES work_orders (id),
  report_count      integer NOT NULL DEFAULT 1,
  last_seq          integer NOT NULL,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);

CREATE INDEX work_orders_queue ON work_orders (city_id, department_id, status, created_at);
CREATE INDEX work_orders_open_nearby ON work_orders (city_id, category_code, h3_res9)
  WHERE status NOT IN ('closed', 'invalid', 'merged');
CREATE INDEX work_orders_recent ON work_orders (city_id, created_at DESC);

CREATE TABLE reports (
  id                   uuid PRIMARY KEY,
  city_id              text NOT NULL REFERENCES tenants (id),
  tracking_no          text NOT NULL UNIQUE,
  work_order_id        uuid NOT NULL REFERENCES work_orders (id),
  -- The work order the report created itself (NULL when it was linked to an open one at intake).
  own_work_order_id    uuid REFERENCES work_orders (id),
  category_code        text NOT NULL,
  description          text NOT NULL,
  lat                  double precision NOT NULL,
  lon                  double precision NOT NULL,
  address              text,
  attributes           jsonb NOT NULL DEFAULT '{}',
  channel              text NOT NULL CHECK (channel IN ('app', 'inspector', 'open311', 'sensor')),
  reporter_citizen_id  uuid REFERENCES citizens (id),
  reporter_staff_id    uuid REFERENCES staff (id),
  reporter_api_key_id  uuid REFERENCES api_keys (id),
  -- An anonymous reporter follows the report with a token given once; only its hash is kept.
  follow_token_hash    text,
  -- Contact details an Open311 client sent (name, e-mail, phone), encrypted; never served publicly.
  contact_enc          text,
  device_id            text,
  created_at           timestamptz NOT NULL
);

CREATE INDEX reports_by_citizen ON reports (reporter_citizen_id, created_at DESC) WHERE reporter_citizen_id IS NOT NULL;
CREATE INDEX reports_by_work_order ON reports (work_order_id);
CREATE INDEX reports_recent ON reports (city_id, created_at DESC);

-- The log a work order's status is derived from; append-only.
CREATE TABLE work_order_actions (
  id              uuid PRIMARY KEY,
  city_id         text NOT NULL REFERENCES tenants (id),
  work_order_id   uuid NOT NULL REFERENCES work_orders (id),
  seq             integer NOT NULL,
  action          text NOT NULL,
  actor_kind      text NOT NULL CHECK (actor_kind IN ('citizen', 'staff', 'api_key', 'anonymous', 'system')),
  actor_id        text,
  department_id   uuid REFERENCES departments (id),
  assignee_id     uuid REFERENCES staff (id),
  reason          text,
  note            text,
  rating          smallint CHECK (rating BETWEEN 1 AND 5),
  tags            text[] NOT NULL DEFAULT '{}',
  report_id       uuid REFERENCES reports (id),
  target_id       uuid REFERENCES work_orders (id),
  escalation      smallint,
  created_at      timestamptz NOT NULL,
  UNIQUE (work_order_id, seq)
);

-- Photos of a report (before) and of its resolution (after); public only once staff approve.
CREATE TABLE report_photos (
  file_id            uuid PRIMARY KEY REFERENCES files (id),
  city_id            text NOT NULL REFERENCES tenants (id),
  work_order_id      uuid NOT NULL REFERENCES work_orders (id),
  report_id          uuid REFERENCES reports (id),
  action_id          uuid REFERENCES work_order_actions (id),
  kind               text NOT NULL CHECK (kind IN ('before', 'after')),
  public_approved_at timestamptz,
  approved_by        uuid REFERENCES staff (id),
  created_at         timestamptz NOT NULL
);

CREATE INDEX report_photos_by_work_order ON report_photos (work_order_id);

-- A rating of 2 or less opens a follow-up for the department's supervisor; the citizen sees its outcome.
CREATE TABLE rating_follow_ups (
  id             uuid PRIMARY KEY,
  city_id        text NOT NULL REFERENCES tenants (id),
  work_order_id  uuid NOT NULL UNIQUE REFERENCES work_orders (id),
  department_id  uuid NOT NULL REFERENCES departments (id),
  rating         smallint NOT NULL,
  tags           text[] NOT NULL DEFAULT '{}',
  due_at         timestamptz NOT NULL,
  outcome        text,
  closed_by      uuid REFERENCES staff (id),
  closed_at      timestamptz,
  created_at     timestamptz NOT NULL
);

CREATE INDEX rating_follow_ups_open ON rating_follow_ups (city_id, department_id) WHERE closed_at IS NULL;

-- What citizens are told, one row per person and step; delivered in-app and through their channels.
CREATE TABLE notifications (
  id             uuid PRIMARY KEY,
  city_id        text NOT NULL REFERENCES tenants (id),
  citizen_id     uuid NOT NULL REFERENCES citizens (id),
  kind           text NOT NULL,
  report_id      uuid REFERENCES reports (id),
  tracking_no    text,
  status         text,
  details        jsonb NOT NULL DEFAULT '{}',
  created_at     timestamptz NOT NULL,
  read_at        timestamptz
);

CREATE INDEX notifications_by_citizen ON notifications (citizen_id, created_at DESC);

-- Areas a citizen follows; new reports there reach them in a daily digest.
CREATE TABLE area_follows (
  id              uuid PRIMARY KEY,
  city_id         text NOT NULL REFERENCES tenants (id),
  citizen_id      uuid NOT NULL REFERENCES citizens (id),
  zone_id         uuid NOT NULL REFERENCES zones (id),
  last_digest_at  timestamptz,
  created_at      timestamptz NOT NULL,
  UNIQUE (citizen_id, zone_id)
);

CREATE INDEX area_follows_by_zone ON area_follows (zone_id);
