-- Identity, access and audit. Accounts belong to the deployment (the province), not to one
-- city: one sign-in reaches every city's services. Staff belong to a city's department.
-- Personal data: national ID numbers, phone numbers, e-mail addresses and street addresses
-- are stored only encrypted (AES-256-GCM, key id inside the ciphertext) with an HMAC blind
-- index for exact lookup; never in clear.

CREATE TABLE citizens (
  id                 uuid PRIMARY KEY,
  name               text,
  national_id_enc    text,
  national_id_bidx   text UNIQUE,
  phone_enc          text,
  phone_bidx         text UNIQUE,
  email_enc          text,
  email_bidx         text UNIQUE,
  address_enc        text,
  real_name_verified boolean NOT NULL DEFAULT false,
  status             text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (phone_bidx IS NOT NULL OR email_bidx IS NOT NULL)
);

-- One-time codes sent to a phone or an e-mail address: stored hashed, single-use, short-lived.
CREATE TABLE otp_challenges (
  id                uuid PRIMARY KEY,
  channel           text NOT NULL CHECK (channel IN ('sms', 'email')),
  destination_bidx  text NOT NULL,
  destination_enc   text NOT NULL,
  purpose           text NOT NULL,
  code_hash         text NOT NULL,
  attempts          integer NOT NULL DEFAULT 0,
  expires_at        timestamptz NOT NULL,
  consumed_at       timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX otp_challenges_destination ON otp_challenges (destination_bidx, created_at);

-- Messages the development notification channel "sent": readable in development only.
CREATE TABLE dev_mailbox (
  id                uuid PRIMARY KEY,
  channel           text NOT NULL,
  destination_bidx  text NOT NULL,
  destination_mask  text NOT NULL,
  subject           text NOT NULL,
  body              text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dev_mailbox_destination ON dev_mailbox (destination_bidx, created_at);

-- WebAuthn credentials (passkeys) of citizens and staff.
CREATE TABLE passkeys (
  id              uuid PRIMARY KEY,
  owner_kind      text NOT NULL CHECK (owner_kind IN ('citizen', 'staff')),
  owner_id        uuid NOT NULL,
  credential_id   text NOT NULL UNIQUE,
  public_key      bytea NOT NULL,
  counter         bigint NOT NULL DEFAULT 0,
  transports      text[] NOT NULL DEFAULT '{}',
  device_type     text,
  backed_up       boolean NOT NULL DEFAULT false,
  name            text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_used_at    timestamptz
);
CREATE INDEX passkeys_owner ON passkeys (owner_kind, owner_id);

-- Pending WebAuthn ceremonies: the challenge the browser must sign.
CREATE TABLE webauthn_challenges (
  id          uuid PRIMARY KEY,
  purpose     text NOT NULL CHECK (purpose IN ('register', 'authenticate')),
  owner_kind  text,
  owner_id    uuid,
  challenge   text NOT NULL,
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff (
  id                    uuid PRIMARY KEY,
  city_id               text NOT NULL REFERENCES tenants (id),
  department_id         uuid NOT NULL REFERENCES departments (id),
  username              text NOT NULL UNIQUE,
  display_name          text NOT NULL,
  password_hash         text NOT NULL,
  must_change_password  boolean NOT NULL DEFAULT true,
  totp_secret_enc       text,
  totp_enabled          boolean NOT NULL DEFAULT false,
  totp_last_step        bigint,
  roles                 text[] NOT NULL DEFAULT '{}',
  jurisdiction          uuid[] NOT NULL DEFAULT '{}',
  failed_attempts       integer NOT NULL DEFAULT 0,
  locked_until          timestamptz,
  status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE enterprises (
  id                    uuid PRIMARY KEY,
  uscc                  text NOT NULL UNIQUE,
  name                  text NOT NULL,
  legal_rep_citizen_id  uuid NOT NULL REFERENCES citizens (id),
  registered_city_id    text REFERENCES tenants (id),
  created_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE enterprise_members (
  enterprise_id  uuid NOT NULL REFERENCES enterprises (id),
  citizen_id     uuid NOT NULL REFERENCES citizens (id),
  role           text NOT NULL CHECK (role IN ('legal_rep', 'admin', 'agent')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (enterprise_id, citizen_id)
);

-- Signed-in sessions. The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
  token_hash           text PRIMARY KEY,
  principal_kind       text NOT NULL CHECK (principal_kind IN ('citizen', 'staff')),
  principal_id         uuid NOT NULL,
  acting_for           uuid REFERENCES enterprises (id),
  csrf_token           text NOT NULL,
  second_factor        boolean NOT NULL DEFAULT false,
  method               text NOT NULL,
  created_at           timestamptz NOT NULL,
  last_seen_at         timestamptz NOT NULL,
  idle_expires_at      timestamptz NOT NULL,
  absolute_expires_at  timestamptz NOT NULL,
  revoked_at           timestamptz
);
CREATE INDEX sessions_principal ON sessions (principal_kind, principal_id) WHERE revoked_at IS NULL;

-- API keys for machine clients; only a hash of the secret part is stored.
CREATE TABLE api_keys (
  id            uuid PRIMARY KEY,
  city_id       text NOT NULL REFERENCES tenants (id),
  name          text NOT NULL,
  prefix        text NOT NULL UNIQUE,
  secret_hash   text NOT NULL,
  scopes        text[] NOT NULL,
  department_id uuid REFERENCES departments (id),
  created_by    uuid,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz,
  revoked_at    timestamptz
);

-- Privacy notices (versioned) and each citizen's consents, withdrawable.
CREATE TABLE privacy_notices (
  kind          text NOT NULL CHECK (kind IN ('privacy', 'location', 'biometric')),
  version       integer NOT NULL,
  title_zh      text NOT NULL,
  title_en      text NOT NULL,
  body_zh       text NOT NULL,
  body_en       text NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, version)
);

CREATE TABLE consents (
  id            uuid PRIMARY KEY,
  citizen_id    uuid NOT NULL REFERENCES citizens (id),
  kind          text NOT NULL,
  version       integer NOT NULL,
  granted_at    timestamptz NOT NULL,
  withdrawn_at  timestamptz,
  FOREIGN KEY (kind, version) REFERENCES privacy_notices (kind, version)
);
CREATE INDEX consents_citizen ON consents (citizen_id, kind);

-- The audit log: append-only and hash-chained (HMAC with the audit key). audit_head holds
-- the latest position and hash; updating it in every audit write serialises the chain.
CREATE TABLE audit_log (
  seq             bigint PRIMARY KEY,
  id              uuid NOT NULL UNIQUE,
  at              timestamptz NOT NULL,
  actor_kind      text NOT NULL,
  actor_id        text,
  acting_for      text,
  action          text NOT NULL,
  subject_kind    text,
  subject_id      text,
  person_id       uuid,
  purpose         text,
  city_id         text,
  request_id      text,
  outcome         text NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
  details         jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash       text NOT NULL,
  hash            text NOT NULL
);
CREATE INDEX audit_log_person ON audit_log (person_id, at) WHERE person_id IS NOT NULL;

CREATE TABLE audit_head (
  id    integer PRIMARY KEY CHECK (id = 1),
  seq   bigint NOT NULL,
  hash  text NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, 'genesis');

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
