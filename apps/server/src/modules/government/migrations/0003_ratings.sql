-- 好差评: the applicant rates a finished application 1–5 with tags; a rating of 2 or less opens
-- a rectification task for the department with a deadline, whose outcome the applicant sees.

CREATE TABLE service_ratings (
  id              uuid PRIMARY KEY,
  city_id         text NOT NULL REFERENCES tenants (id),
  application_id  uuid NOT NULL UNIQUE REFERENCES applications (id),
  service_id      uuid NOT NULL REFERENCES services (id),
  department_id   uuid NOT NULL REFERENCES departments (id),
  citizen_id      uuid NOT NULL REFERENCES citizens (id),
  score           smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
  tags            text[] NOT NULL DEFAULT '{}',
  comment         text,
  created_at      timestamptz NOT NULL
);

CREATE INDEX service_ratings_service ON service_ratings (city_id, service_id);
CREATE INDEX service_ratings_department ON service_ratings (city_id, department_id);

CREATE TABLE rectifications (
  id              uuid PRIMARY KEY,
  city_id         text NOT NULL REFERENCES tenants (id),
  rating_id       uuid NOT NULL UNIQUE REFERENCES service_ratings (id),
  application_id  uuid NOT NULL REFERENCES applications (id),
  department_id   uuid NOT NULL REFERENCES departments (id),
  due_at          timestamptz NOT NULL,
  status          text NOT NULL CHECK (status IN ('open', 'done')),
  outcome         text,
  handled_by      text,
  handled_at      timestamptz,
  created_at      timestamptz NOT NULL
);

CREATE INDEX rectifications_queue ON rectifications (department_id, status, due_at);
