-- Applications for government services. An application keeps the service version it was made
-- under; its steps run as a platform workflow instance. Materials the city already holds are
-- attached by reference to the e-certificate (免提交), uploads by reference to the stored file.
-- The log is the application's timeline: what the applicant sees, and staff's internal notes.

CREATE SEQUENCE application_tracking_seq;

-- One submission of a bundle (一件事一次办): one shared form fanned out to member applications.
CREATE TABLE bundle_applications (
  id              uuid PRIMARY KEY,
  city_id         text NOT NULL REFERENCES tenants (id),
  tracking_no     text UNIQUE,
  bundle_id       uuid NOT NULL REFERENCES service_bundles (id),
  bundle_version  integer NOT NULL,
  citizen_id      uuid NOT NULL REFERENCES citizens (id),
  enterprise_id   uuid REFERENCES enterprises (id),
  status          text NOT NULL CHECK (status IN ('draft', 'in_progress', 'approved', 'rejected', 'withdrawn')),
  answers         jsonb NOT NULL DEFAULT '{}',
  submitted_at    timestamptz,
  completed_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX bundle_applications_citizen ON bundle_applications (citizen_id, created_at DESC);

CREATE TABLE applications (
  id                     uuid PRIMARY KEY,
  city_id                text NOT NULL REFERENCES tenants (id),
  tracking_no            text UNIQUE,
  service_id             uuid NOT NULL REFERENCES services (id),
  service_code           text NOT NULL,
  service_version        integer NOT NULL,
  department_id          uuid NOT NULL REFERENCES departments (id),
  bundle_application_id  uuid REFERENCES bundle_applications (id),
  -- The person who applies, and the enterprise they apply for (NULL: for themself).
  citizen_id             uuid NOT NULL REFERENCES citizens (id),
  enterprise_id          uuid REFERENCES enterprises (id),
  status                 text NOT NULL CHECK (status IN ('draft', 'waiting', 'in_progress', 'awaiting_applicant',
                                                         'approved', 'rejected', 'withdrawn')),
  answers                jsonb NOT NULL DEFAULT '{}',
  -- Field → where its pre-filled value came from (profile.name, enterprise.uscc, …).
  prefilled              jsonb NOT NULL DEFAULT '{}',
  workflow_instance_id   uuid,
  fee_fen                integer NOT NULL DEFAULT 0 CHECK (fee_fen >= 0),
  payment_id             uuid,
  paid_at                timestamptz,
  -- The e-certificate issued on approval.
  credential_id          uuid,
  submitted_at           timestamptz,
  completed_at           timestamptz,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX applications_citizen ON applications (citizen_id, created_at DESC);
CREATE INDEX applications_enterprise ON applications (enterprise_id, created_at DESC);
CREATE INDEX applications_bundle ON applications (bundle_application_id);
CREATE INDEX applications_instance ON applications (workflow_instance_id);

CREATE TABLE application_materials (
  id               uuid PRIMARY KEY,
  city_id          text NOT NULL REFERENCES tenants (id),
  application_id   uuid NOT NULL REFERENCES applications (id),
  material_code    text NOT NULL,
  source           text NOT NULL CHECK (source IN ('held', 'upload')),
  credential_id    uuid,
  file_id          uuid,
  attached_at      timestamptz NOT NULL DEFAULT now(),
  -- Removed by the applicant (a draft's upload replaced); kept for the record.
  removed_at       timestamptz,
  CHECK ((source = 'held' AND credential_id IS NOT NULL) OR (source = 'upload' AND file_id IS NOT NULL))
);

CREATE INDEX application_materials_application ON application_materials (application_id);

CREATE TABLE application_log (
  city_id          text NOT NULL REFERENCES tenants (id),
  application_id   uuid NOT NULL REFERENCES applications (id),
  seq              integer NOT NULL,
  kind             text NOT NULL,
  -- 'applicant': shown on the applicant's timeline; 'internal': staff only.
  visibility       text NOT NULL CHECK (visibility IN ('applicant', 'internal')),
  actor_kind       text NOT NULL CHECK (actor_kind IN ('citizen', 'staff', 'system')),
  actor_id         text,
  department_id    uuid,
  body             jsonb NOT NULL DEFAULT '{}',
  at               timestamptz NOT NULL,
  PRIMARY KEY (application_id, seq)
);
