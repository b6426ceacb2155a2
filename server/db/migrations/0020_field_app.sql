-- The field app (issue 23): idempotency keys for requests a phone may send twice (an offline queue retried
-- after a lost answer), and a field worker's right to report their own position and duty.

-- One row per (caller, key): the first answer to a state-changing request, replayed for a repeat of the key.
-- caller is 'a:<account id>' for a session, 'p:' for the public intake (the key alone, 128 random bits, is
-- the secret). fingerprint is the method and path: the same key on another route is refused, not replayed.
-- A row in state 'pending' is a request still being handled (a concurrent repeat gets 409).
CREATE TABLE idempotency_keys (
  caller text NOT NULL,
  key text NOT NULL CHECK (key ~ '^[A-Za-z0-9_-]{16,100}$'),
  fingerprint text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'done')),
  status_code smallint,
  response jsonb,
  created_at timestamptz NOT NULL,
  completed_at timestamptz,
  PRIMARY KEY (caller, key),
  CHECK ((state = 'done') = (status_code IS NOT NULL))
);
-- Expiry of old keys (older than IDEMPOTENCY_KEEP_HOURS) scans by age.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
-- Read and written only by the server's own (owner) connection, keyed by the caller: no row-level security
-- needed, and the application role gets no access at all.
REVOKE ALL ON idempotency_keys FROM PUBLIC;

-- A field worker updates their own position and duty status, nothing else of the row.
GRANT UPDATE (last_position, last_position_at, duty_status) ON workers TO gridops_app;
CREATE POLICY workers_self_update ON workers FOR UPDATE TO gridops_app
  USING (code = nullif(current_setting('gridops.worker_code', true), ''))
  WITH CHECK (code = nullif(current_setting('gridops.worker_code', true), ''));
