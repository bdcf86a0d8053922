-- Payments (platform/payments): fees a citizen, or an enterprise through one of its members,
-- pays for something a module owns (an application, …) through a payment provider. A payment
-- is created open; the provider's signed notification (or its answer when the payment
-- expires) settles it as paid or cancelled, the expiry job closes it as expired, and a paid
-- one may be refunded. Every change commits with its outbox event and audit entry.

CREATE TABLE payments (
  id                  uuid PRIMARY KEY,
  city_id             text NOT NULL REFERENCES tenants (id),
  -- Who pays: a citizen, or an enterprise (payer_id) through the member who acted for it.
  payer_kind          text NOT NULL CHECK (payer_kind IN ('citizen', 'enterprise')),
  payer_id            uuid NOT NULL,
  payer_citizen_id    uuid NOT NULL REFERENCES citizens (id),
  -- Whole fen (1/100 yuan): money is never a floating-point number.
  amount_fen          bigint NOT NULL CHECK (amount_fen > 0),
  currency            text NOT NULL DEFAULT 'CNY' CHECK (currency = 'CNY'),
  description_zh      text NOT NULL,
  description_en      text NOT NULL,
  -- What is paid for, owned by the caller (e.g. kind 'application' and the application's id).
  reference_kind      text NOT NULL,
  reference_id        text NOT NULL,
  provider            text NOT NULL,
  provider_order_id   text NOT NULL,
  -- Where the payer pays (the provider's checkout page or QR code content) while the payment is open.
  checkout_url        text,
  -- A path in OneCity's own app to return to after paying.
  return_path         text,
  status              text NOT NULL CHECK (status IN ('created', 'paid', 'cancelled', 'expired', 'refunded')),
  expires_at          timestamptz NOT NULL,
  paid_at             timestamptz,
  cancelled_at        timestamptz,
  expired_at          timestamptz,
  refunded_at         timestamptz,
  refund_reason       text,
  provider_refund_id  text,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  UNIQUE (provider, provider_order_id),
  CHECK ((payer_kind = 'citizen') = (payer_id = payer_citizen_id)),
  CHECK ((status = 'paid' OR status = 'refunded') = (paid_at IS NOT NULL)),
  CHECK ((status = 'refunded') = (refunded_at IS NOT NULL))
);

-- At most one open payment per thing paid for: creating again finds it instead of a second one.
CREATE UNIQUE INDEX payments_open_reference ON payments (reference_kind, reference_id) WHERE status = 'created';
-- Every payment of one thing paid for, newest last.
CREATE INDEX payments_reference ON payments (reference_kind, reference_id, created_at);
-- A payer's payments, newest first.
CREATE INDEX payments_payer ON payments (payer_kind, payer_id, created_at DESC);

-- The development provider's own side of the story: the orders it "holds", as a real
-- provider would on its servers. Only the development provider writes here; it stays empty
-- in production, where that provider cannot be enabled. No foreign key to payments, as
-- there is none to another company's database.
CREATE TABLE payment_dev_orders (
  id           text PRIMARY KEY,
  payment_id   uuid NOT NULL UNIQUE,
  amount_fen   bigint NOT NULL CHECK (amount_fen > 0),
  status       text NOT NULL CHECK (status IN ('pending', 'paid', 'closed', 'refunded')),
  expires_at   timestamptz NOT NULL,
  paid_at      timestamptz,
  closed_at    timestamptz,
  refunded_at  timestamptz,
  refund_id    text,
  created_at   timestamptz NOT NULL
);
