-- A city's changes to the national working calendar (platform/time): a local holiday, a typhoon
-- or flood closure (a working day off), or a day worked in its place. The State Council's
-- arrangements themselves are data in code (platform/time/cn-holidays.ts), the same for every
-- city; only what one city decides for itself lives here.

CREATE TABLE holiday_calendar (
  city_id     text NOT NULL REFERENCES tenants (id),
  day         date NOT NULL,
  -- 'off': no work that day; 'work': a working day. One row per day, so a day is never both.
  kind        text NOT NULL CHECK (kind IN ('off', 'work')),
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (city_id, day)
);
