-- The platform workflow engine (platform/workflow): versioned definitions, instances with the
-- projection of their action log, the tasks each step opens, and the append-only log itself.
-- An instance's and its tasks' statuses are never written by hand: every command appends to
-- workflow_actions and rewrites the projection in the same transaction, guarded by last_seq.

CREATE TABLE workflow_definitions (
  id            uuid PRIMARY KEY,
  city_id       text NOT NULL REFERENCES tenants (id),
  code          text NOT NULL,
  -- 1, 2, …: a new version only when the content (name and steps) changed; older ones stay
  -- forever, since instances keep the version they started on.
  version       integer NOT NULL CHECK (version >= 1),
  name_zh       text NOT NULL,
  name_en       text NOT NULL,
  -- [{code, name: {zh, en}, department, role, parallelGroup, limitDays}]
  steps         jsonb NOT NULL,
  content_hash  text NOT NULL,
  created_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (city_id, code, version)
);

CREATE TABLE workflow_instances (
  id                  uuid PRIMARY KEY,
  city_id             text NOT NULL REFERENCES tenants (id),
  definition_id       uuid NOT NULL REFERENCES workflow_definitions (id),
  definition_code     text NOT NULL,
  definition_version  integer NOT NULL,
  -- What the workflow decides about (e.g. an application), owned by the caller.
  subject_type        text NOT NULL,
  subject_id          text NOT NULL,
  applicant_kind      text NOT NULL CHECK (applicant_kind IN ('citizen', 'enterprise')),
  applicant_id        text NOT NULL,
  -- Department key of the steps → department id, resolved when the instance started.
  departments         jsonb NOT NULL,
  promised_days       integer CHECK (promised_days >= 0),
  legal_days          integer CHECK (legal_days >= 0),
  -- The day of acceptance (受理日): limits count from the next working day.
  started_on          date NOT NULL,
  status              text NOT NULL CHECK (status IN ('in_progress', 'paused', 'approved', 'rejected', 'withdrawn')),
  stage               integer NOT NULL,
  stage_count         integer NOT NULL,
  clock_epoch         integer NOT NULL,
  -- [{from, to}] instants during which the clock stood still (补正); to = null while paused.
  pauses              jsonb NOT NULL DEFAULT '[]',
  escalation_level    integer NOT NULL DEFAULT 0,
  warned              boolean NOT NULL DEFAULT false,
  transfer_count      integer NOT NULL DEFAULT 0,
  -- Last working day of each limit and the instant it ends; null while the clock is stopped.
  promised_due_on     date,
  promised_due_at     timestamptz,
  legal_due_on        date,
  legal_due_at        timestamptz,
  completed_at        timestamptz,
  last_seq            integer NOT NULL,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL
);

CREATE INDEX workflow_instances_subject ON workflow_instances (city_id, subject_type, subject_id);
CREATE INDEX workflow_instances_applicant ON workflow_instances (city_id, applicant_id, created_at);

CREATE TABLE workflow_tasks (
  id                uuid PRIMARY KEY,
  city_id           text NOT NULL REFERENCES tenants (id),
  instance_id       uuid NOT NULL REFERENCES workflow_instances (id),
  step_index        integer NOT NULL,
  step_code         text NOT NULL,
  step_name_zh      text NOT NULL,
  step_name_en      text NOT NULL,
  stage             integer NOT NULL,
  role              text NOT NULL CHECK (role IN ('clerk', 'supervisor')),
  parallel_group    text,
  limit_days        integer CHECK (limit_days >= 0),
  department_id     uuid NOT NULL REFERENCES departments (id),
  status            text NOT NULL CHECK (status IN ('open', 'waiting', 'approved', 'rejected', 'cancelled')),
  opened_at         timestamptz NOT NULL,
  -- The day the task counts from (its limit starts the next working day).
  opened_on         date NOT NULL,
  due_on            date,
  due_at            timestamptz,
  escalation_level  integer NOT NULL DEFAULT 0,
  warned            boolean NOT NULL DEFAULT false,
  transfer_count    integer NOT NULL DEFAULT 0,
  completed_at      timestamptz,
  completed_by      text,
  updated_at        timestamptz NOT NULL
);

-- Staff queues: a department's open tasks by due time.
CREATE INDEX workflow_tasks_queue ON workflow_tasks (city_id, department_id, status, due_at);
CREATE INDEX workflow_tasks_instance ON workflow_tasks (instance_id, step_index);

CREATE TABLE workflow_actions (
  id             uuid PRIMARY KEY,
  city_id        text NOT NULL REFERENCES tenants (id),
  instance_id    uuid NOT NULL REFERENCES workflow_instances (id),
  -- 1, 2, … per instance: the order of the log.
  seq            integer NOT NULL,
  task_id        uuid REFERENCES workflow_tasks (id),
  action         text NOT NULL,
  actor_kind     text NOT NULL CHECK (actor_kind IN ('staff', 'citizen', 'system')),
  actor_id       text,
  -- open: the task's department; transfer: where it went.
  department_id  uuid,
  step_index     integer,
  level          integer,
  reason         text,
  message        text,
  -- request_material: what is needed; supplement: what the applicant sent.
  details        jsonb,
  created_at     timestamptz NOT NULL,
  UNIQUE (instance_id, seq)
);
