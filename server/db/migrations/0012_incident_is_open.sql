-- What "open" means for an incident, once for all SQL: the closed loop is not finished (every state but
-- closed and rejected). The TypeScript side is OPEN_STATES in server/contract/incident-vocabulary.ts; a
-- test checks that both agree on every state. Why this meaning: docs/decisions/0004-what-open-means.md.
--
-- A plain SQL expression over its argument, IMMUTABLE and not STRICT, so the planner inlines it: a query's
-- `incident_is_open(state)` becomes `state <> ALL ('{closed,rejected}')`, matches the partial indexes' predicate
-- below and stays leakproof under row-level security (text inequality is).
CREATE FUNCTION incident_is_open(state text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN state NOT IN ('closed', 'rejected');

-- The partial indexes of open cases, written with the function (same predicate as before once inlined).
DROP INDEX incidents_open_idx;
CREATE INDEX incidents_open_idx ON incidents (state, category, reported_at) WHERE incident_is_open(state);
DROP INDEX incidents_open_device_idx;
CREATE INDEX incidents_open_device_idx ON incidents (device_code, category) WHERE device_code IS NOT NULL AND incident_is_open(state);
