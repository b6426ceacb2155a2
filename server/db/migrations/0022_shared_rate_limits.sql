-- Rate limits shared by every instance of a deployment (issue 24): the sign-in and Open311 limiters count in this
-- table when the server runs on a real PostgreSQL (server/http/postgres-rate-limit-store.ts), so that N instances
-- behind a load balancer allow the configured number of attempts per client, not N times it. The key is a SHA-256 of
-- the limiter's name and the client key (an IP address): no address is stored. Expired windows are deleted as they
-- are met and by a periodic sweep. The embedded database (one process) keeps the in-memory store.
CREATE TABLE rate_limit_hits (
  key_hash text PRIMARY KEY,
  hits integer NOT NULL CHECK (hits >= 0),
  reset_at timestamptz NOT NULL
);
CREATE INDEX rate_limit_hits_reset_idx ON rate_limit_hits (reset_at);
