-- Idempotency keys (platform/http): which process holds a reservation and which reservation it
-- is, so that a retry can take over at once from a process that died instead of waiting for the
-- reservation to age; and a third state, 'committed', written in the same transaction as the
-- request's effects, so that a request whose answer was lost with its process is never run twice.
ALTER TABLE idempotency_keys ADD COLUMN owner text;
ALTER TABLE idempotency_keys ADD COLUMN reservation text;
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_state_check;
ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_state_check
  CHECK (state IN ('processing', 'committed', 'done'));
