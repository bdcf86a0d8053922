-- Single sign-on for third parties: OneCity as an OpenID Connect provider (platform/identity/oidc).

-- Relying parties registered by a platform administrator (or the CLI). The client secret is
-- needed in clear to check client_secret_basic, so it is stored encrypted like personal data.
CREATE TABLE oidc_clients (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  redirect_uris  text[] NOT NULL,
  scopes         text[] NOT NULL,
  secret_enc     text NOT NULL,
  created_by     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  revoked_at     timestamptz
);

-- The provider's artefacts (sessions, interactions, grants, codes, tokens), one row each,
-- shared by every process. `kind` is oidc-provider's model name.
CREATE TABLE oidc_payloads (
  kind         text NOT NULL,
  id           text NOT NULL,
  payload      jsonb NOT NULL,
  grant_id     text,
  user_code    text,
  uid          text,
  expires_at   timestamptz,
  consumed_at  timestamptz,
  PRIMARY KEY (kind, id)
);
CREATE INDEX oidc_payloads_grant ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_payloads_uid ON oidc_payloads (uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_payloads_user_code ON oidc_payloads (user_code) WHERE user_code IS NOT NULL;
CREATE INDEX oidc_payloads_expires ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL;

-- The provider's secrets (signing keys, cookie keys, pairwise-subject salt), generated on the
-- first start and encrypted with the personal-data key: one set shared by every process.
CREATE TABLE oidc_secrets (
  id          text PRIMARY KEY,
  secret_enc  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
