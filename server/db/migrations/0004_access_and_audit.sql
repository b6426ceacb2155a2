-- Accounts, sessions, screen tokens, jurisdiction enforced by row-level security, and the audit log.
--
-- Every request after authentication runs in a transaction that switches to the role gridops_app and sets
-- gridops.jurisdiction (a unit code, or 'city') — see Database.withScope. gridops_app is not the owner of
-- any table and not a superuser, so the policies below apply to it whatever the query forgets to filter.
-- Outside such a transaction the setting is unset or '' and the policies show nothing.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gridops_app') THEN
    CREATE ROLE gridops_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
  -- The connecting user must be able to SET ROLE gridops_app.
  EXECUTE format('GRANT gridops_app TO %I', current_user);
END
$$;

-- The caller's jurisdiction: a unit code prefix, 'city' for the whole city, NULL when unset.
CREATE FUNCTION gridops_jurisdiction() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('gridops.jurisdiction', true), '') $$;

-- A unit code inside the caller's jurisdiction (its own subtree: codes extend their parent's).
CREATE FUNCTION gridops_within_jurisdiction(code text) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT gridops_jurisdiction() = 'city' OR code LIKE gridops_jurisdiction() || '%' $$;

-- Units visible to the caller: its subtree and the ancestors of its jurisdiction (for names in chains).
CREATE FUNCTION gridops_unit_visible(code text) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT gridops_jurisdiction() = 'city' OR code LIKE gridops_jurisdiction() || '%'
               OR gridops_jurisdiction() LIKE code || '%' $$;

CREATE TABLE accounts (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,39}$'),
  display_name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'planner', 'dispatcher', 'supervisor', 'field_worker')),
  -- NULL = the whole city.
  jurisdiction_code text REFERENCES units (code),
  worker_code text REFERENCES workers (code),
  active boolean NOT NULL DEFAULT true,
  failed_attempts integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  development boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  account_id integer NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_account_idx ON sessions (account_id);

-- Read-only kiosk tokens for video walls: revocable, bound to a jurisdiction.
CREATE TABLE screen_tokens (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  label text NOT NULL,
  jurisdiction_code text REFERENCES units (code),
  created_by integer REFERENCES accounts (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- The audit log: append-only, each row chained to the previous one by a SHA-256 hash.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_account_id integer,
  actor_username text,
  actor_role text,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,
  jurisdiction_code text,
  before jsonb,
  after jsonb,
  client_address text,
  success boolean NOT NULL,
  reason text,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_account_id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- The text that a row's hash covers: every column but the hashes, in a fixed, timezone-free form.
CREATE FUNCTION gridops_audit_content(a audit_log) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT concat_ws('|', a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), a.actor_account_id,
                          a.actor_username, a.actor_role, a.action, a.entity_type, a.entity_id, a.jurisdiction_code,
                          a.before::text, a.after::text, a.client_address, a.success, a.reason) $$;

CREATE FUNCTION gridops_audit_chain() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  -- One writer at a time, so that the chain stays linear.
  PERFORM pg_advisory_xact_lock(7243001);
  SELECT hash INTO NEW.prev_hash FROM audit_log ORDER BY id DESC LIMIT 1;
  NEW.prev_hash := coalesce(NEW.prev_hash, 'genesis');
  NEW.at := clock_timestamp();
  NEW.hash := encode(sha256(convert_to(NEW.prev_hash || '|' || gridops_audit_content(NEW), 'UTF8')), 'hex');
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION gridops_audit_chain();

CREATE FUNCTION gridops_audit_append_only() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION gridops_audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION gridops_audit_append_only();

-- Privileges of the application role.
GRANT SELECT ON units, workers, cameras, sensors, road_vertices, road_edges, osm_landuse, osm_water, app_meta TO gridops_app;
GRANT SELECT, INSERT, UPDATE ON accounts, screen_tokens TO gridops_app;
GRANT SELECT, INSERT, DELETE ON sessions TO gridops_app;
GRANT SELECT, INSERT ON audit_log TO gridops_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM gridops_app;
GRANT EXECUTE ON FUNCTION gridops_unit_random(text) TO gridops_app;

-- Row-level security. FORCE: the policies apply to the tables' owner too (superusers bypass them; the
-- application never queries data as a superuser inside a request).
ALTER TABLE units ENABLE ROW LEVEL SECURITY;
ALTER TABLE units FORCE ROW LEVEL SECURITY;
CREATE POLICY units_owner ON units TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY units_scoped ON units FOR SELECT TO gridops_app USING (gridops_unit_visible(code));

ALTER TABLE workers ENABLE ROW LEVEL SECURITY;
ALTER TABLE workers FORCE ROW LEVEL SECURITY;
CREATE POLICY workers_owner ON workers TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY workers_scoped ON workers FOR SELECT TO gridops_app USING (gridops_within_jurisdiction(home_unit_code));

ALTER TABLE cameras ENABLE ROW LEVEL SECURITY;
ALTER TABLE cameras FORCE ROW LEVEL SECURITY;
CREATE POLICY cameras_owner ON cameras TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY cameras_scoped ON cameras FOR SELECT TO gridops_app
  USING (gridops_jurisdiction() = 'city' OR gridops_within_jurisdiction(micro_grid_code));

ALTER TABLE sensors ENABLE ROW LEVEL SECURITY;
ALTER TABLE sensors FORCE ROW LEVEL SECURITY;
CREATE POLICY sensors_owner ON sensors TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY sensors_scoped ON sensors FOR SELECT TO gridops_app
  USING (gridops_jurisdiction() = 'city' OR gridops_within_jurisdiction(micro_grid_code));

ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY accounts_owner ON accounts TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY accounts_scoped ON accounts TO gridops_app
  USING (gridops_jurisdiction() = 'city' OR gridops_within_jurisdiction(jurisdiction_code))
  WITH CHECK (gridops_jurisdiction() = 'city' OR gridops_within_jurisdiction(jurisdiction_code));

ALTER TABLE screen_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE screen_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY screen_tokens_owner ON screen_tokens TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY screen_tokens_scoped ON screen_tokens TO gridops_app
  USING (gridops_jurisdiction() = 'city' OR gridops_within_jurisdiction(jurisdiction_code))
  WITH CHECK (gridops_jurisdiction() = 'city' OR gridops_within_jurisdiction(jurisdiction_code));

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY sessions_owner ON sessions TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY sessions_own ON sessions TO gridops_app
  USING (account_id = nullif(current_setting('gridops.account_id', true), '')::integer);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_owner ON audit_log TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY audit_insert ON audit_log FOR INSERT TO gridops_app WITH CHECK (true);
CREATE POLICY audit_scoped ON audit_log FOR SELECT TO gridops_app
  USING (gridops_jurisdiction() = 'city' OR gridops_within_jurisdiction(jurisdiction_code));
