-- Uploaded files (photos of a reported problem, the "after" photo of its resolution), already
-- checked and re-encoded without metadata by platform/files. An upload belongs to its uploader
-- until it is attached to what it was uploaded for (a report, a work order); uploads never
-- attached are removed after a day by the hourly housekeeping.
-- The bytes live in the database by default (`storage` = 'database': `content` and
-- `thumbnail`); another store (S3-compatible) would leave them NULL and keep them elsewhere.

CREATE TABLE files (
  id                 uuid PRIMARY KEY,
  city_id            text NOT NULL REFERENCES tenants (id),
  purpose            text NOT NULL,
  content_type       text NOT NULL,
  byte_size          integer NOT NULL CHECK (byte_size > 0),
  width              integer NOT NULL CHECK (width > 0),
  height             integer NOT NULL CHECK (height > 0),
  sha256             text NOT NULL,
  storage            text NOT NULL DEFAULT 'database',
  content            bytea,
  thumbnail          bytea,
  thumbnail_type     text NOT NULL,
  thumbnail_width    integer NOT NULL CHECK (thumbnail_width > 0),
  thumbnail_height   integer NOT NULL CHECK (thumbnail_height > 0),
  uploaded_by_kind   text NOT NULL CHECK (uploaded_by_kind IN ('citizen', 'staff', 'api_key', 'anonymous')),
  uploaded_by_id     text,
  -- Anonymous uploads only: SHA-256 (hex) of the random claim token handed back once.
  claim_hash         text,
  attached_to_kind   text,
  attached_to_id     uuid,
  attached_at        timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  CHECK ((uploaded_by_kind = 'anonymous') = (uploaded_by_id IS NULL)),
  CHECK ((attached_to_kind IS NULL) = (attached_to_id IS NULL) AND (attached_to_id IS NULL) = (attached_at IS NULL))
);

-- Photos are already compressed (JPEG): storing them out of line without another compression
-- attempt saves the CPU that PostgreSQL would spend failing to shrink them.
ALTER TABLE files ALTER COLUMN content SET STORAGE EXTERNAL;
ALTER TABLE files ALTER COLUMN thumbnail SET STORAGE EXTERNAL;

-- Housekeeping removes uploads never attached: a small partial index over just those.
CREATE INDEX files_unattached ON files (created_at) WHERE attached_at IS NULL;
-- The photos of one report or work order.
CREATE INDEX files_attached_to ON files (city_id, attached_to_kind, attached_to_id) WHERE attached_to_id IS NOT NULL;
