-- E-certificates (platform/credentials): the cities' Ed25519 signing keys, the credentials they
-- signed, and each city's signed revocation list.
--
-- A city has at most one current key; rotation retires it (still published, so what it signed
-- still verifies) and makes a new one current. A withdrawn key is no longer published: what it
-- signed no longer verifies anywhere (its kid is unknown). Private keys are stored only
-- encrypted with the personal-data key ring (AES-256-GCM, key id inside the ciphertext).

CREATE TABLE credential_keys (
  kid               text PRIMARY KEY,
  city_id           text NOT NULL REFERENCES tenants (id),
  alg               text NOT NULL DEFAULT 'EdDSA',
  -- The public JWK (kty OKP, crv Ed25519, x): published in the city's JWKS unless withdrawn.
  public_jwk        jsonb NOT NULL,
  private_jwk_enc   text NOT NULL,
  status            text NOT NULL CHECK (status IN ('current', 'retired', 'withdrawn')),
  created_at        timestamptz NOT NULL,
  retired_at        timestamptz,
  withdrawn_at      timestamptz,
  withdrawn_reason  text,
  CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL))
);

-- One current key per city; two processes creating the first key at once agree on one.
CREATE UNIQUE INDEX credential_keys_one_current ON credential_keys (city_id) WHERE status = 'current';
CREATE INDEX credential_keys_city ON credential_keys (city_id, created_at);

-- One row per issued credential. What a public verifier may see is in clear (type, issuing
-- department, dates, the holder's masked name); the signed credential itself (which carries
-- the holder's full name and the certificate's fields, ID numbers among them) only encrypted.
CREATE TABLE credentials (
  id                     uuid PRIMARY KEY,
  city_id                text NOT NULL REFERENCES tenants (id),
  type_code              text NOT NULL,
  type_name_zh           text NOT NULL,
  type_name_en           text NOT NULL,
  issuer_department_id   uuid NOT NULL REFERENCES departments (id),
  holder_kind            text NOT NULL CHECK (holder_kind IN ('citizen', 'enterprise')),
  holder_id              text NOT NULL,
  -- 张*明: what the public verification page shows; enterprise names are shown whole.
  holder_display         text NOT NULL,
  kid                    text NOT NULL REFERENCES credential_keys (kid),
  jws_enc                text NOT NULL,
  -- Labels of the certificate's fields ({key: {zh, en}}) for rendering; never personal data.
  claim_labels           jsonb NOT NULL DEFAULT '{}',
  valid_from             timestamptz NOT NULL,
  valid_until            timestamptz,
  issued_at              timestamptz NOT NULL,
  -- What the credential was issued for (an approved application, a migration of paper records…).
  source_kind            text NOT NULL,
  source_id              text NOT NULL,
  status                 text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  revoked_at             timestamptz,
  revocation_reason      text,
  -- Staff's note on a revocation: kept and audited, never published in the revocation list.
  revocation_note        text,
  revoked_by             text,
  CHECK (valid_until IS NULL OR valid_until > valid_from),
  CHECK ((status = 'revoked') = (revoked_at IS NOT NULL AND revocation_reason IS NOT NULL))
);

-- A holder's wallet and "which certificates does the city already hold" (免提交).
CREATE INDEX credentials_holder ON credentials (holder_kind, holder_id, type_code);
-- A department's issued certificates, newest first.
CREATE INDEX credentials_department ON credentials (city_id, issuer_department_id, issued_at DESC);
-- The revocation list is rebuilt from these.
CREATE INDEX credentials_revoked ON credentials (city_id, revoked_at) WHERE status = 'revoked';

-- The city's current signed revocation list (a compact JWS), rebuilt in the transaction of
-- every revocation and key change, so that reading it is one row.
CREATE TABLE credential_revocation_lists (
  city_id     text PRIMARY KEY REFERENCES tenants (id),
  jws         text NOT NULL,
  kid         text NOT NULL REFERENCES credential_keys (kid),
  entries     integer NOT NULL CHECK (entries >= 0),
  issued_at   timestamptz NOT NULL
);
