-- Boundary plans (issue 20) and unit identity across boundary edits (docs/decisions/0006).
--
-- A planner's edits live in boundary_plans and never touch units until publication. Publication retires each
-- moved unit's code (and its subtree's) for a new code under the new parent, keeps the old rows in unit_history,
-- maps old → new in unit_successors, and re-points what follows the unit today (workers, devices, accounts, open
-- incidents). Past incidents keep the code of their time: incidents reference unit_codes, the registry of every
-- code ever issued, which codes are never taken out of (nor reissued).

-- Every code ever issued, with its retirement. Filled by a statement trigger on units, so the seed and the
-- publication register their codes without knowing about it.
CREATE TABLE unit_codes (
  code text PRIMARY KEY,
  parent_code text,
  level text NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  retired_by_plan_id bigint
);
CREATE INDEX unit_codes_parent_idx ON unit_codes (parent_code);
INSERT INTO unit_codes (code, parent_code, level, issued_at) SELECT code, parent_code, level, valid_from FROM units;

CREATE FUNCTION gridops_register_unit_codes() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  reused text;
BEGIN
  SELECT c.code INTO reused FROM new_units n JOIN unit_codes c ON c.code = n.code WHERE c.retired_at IS NOT NULL LIMIT 1;
  IF reused IS NOT NULL THEN
    RAISE EXCEPTION 'unit code % was retired and is never issued again', reused USING ERRCODE = 'unique_violation';
  END IF;
  INSERT INTO unit_codes (code, parent_code, level, issued_at)
  SELECT code, parent_code, level, valid_from FROM new_units ON CONFLICT (code) DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER units_register_codes AFTER INSERT ON units REFERENCING NEW TABLE AS new_units
  FOR EACH STATEMENT EXECUTE FUNCTION gridops_register_unit_codes();

-- Incidents keep the micro-grid of their time: a retired code is still a valid reference.
ALTER TABLE incidents DROP CONSTRAINT incidents_micro_grid_code_fkey;
ALTER TABLE incidents ADD CONSTRAINT incidents_micro_grid_code_fkey FOREIGN KEY (micro_grid_code) REFERENCES unit_codes (code);

-- Publication deletes the retired units: the foreign keys' checks and the edges' cascade look these up per unit.
CREATE INDEX unit_edges_left_code_idx ON unit_edges (left_code);
CREATE INDEX unit_edges_right_code_idx ON unit_edges (right_code);
CREATE INDEX IF NOT EXISTS cameras_micro_grid_code_idx ON cameras (micro_grid_code);

-- The boundary versions: 0 is the seed; each publication adds one. units.boundary_version is the version that
-- last changed the row (a new code, or a parent's new outline); a plan based on an older version is stale for it.
CREATE TABLE boundary_versions (
  version integer PRIMARY KEY,
  plan_id bigint,
  published_at timestamptz NOT NULL DEFAULT now(),
  effective_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO boundary_versions (version, plan_id) VALUES (0, NULL);
ALTER TABLE units ADD COLUMN boundary_version integer NOT NULL DEFAULT 0;

-- The plans. edits: [{unit, from, to}] — move unit from its parent `from` to the sibling parent `to`.
CREATE TABLE boundary_plans (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  -- The unit the plan edits inside (a community or street); the plan is visible to that subtree's accounts.
  scope_code text NOT NULL REFERENCES unit_codes (code),
  state text NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'scheduled', 'published', 'rejected', 'withdrawn')),
  based_on_version integer NOT NULL REFERENCES boundary_versions (version),
  edits jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(edits) = 'array'),
  author_account_id integer NOT NULL,
  author_username text NOT NULL,
  warning_reason text,
  submitted_at timestamptz,
  approved_by_account_id integer,
  approved_by_username text,
  approved_at timestamptz,
  rejected_reason text,
  effective_at timestamptz,
  published_at timestamptz,
  published_version integer REFERENCES boundary_versions (version),
  publication jsonb,
  rollback_of_plan_id bigint REFERENCES boundary_plans (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (state NOT IN ('approved', 'scheduled', 'published') OR (approved_by_account_id IS NOT NULL AND approved_by_account_id <> author_account_id))
);
CREATE INDEX boundary_plans_state_idx ON boundary_plans (state, effective_at);
ALTER TABLE boundary_versions ADD CONSTRAINT boundary_versions_plan_fkey FOREIGN KEY (plan_id) REFERENCES boundary_plans (id);

-- Units an open plan changes (the moved units and both parents): one open plan per unit, so a second plan on
-- the same units is refused by the primary key, whatever races.
CREATE TABLE boundary_plan_claims (
  unit_code text PRIMARY KEY,
  plan_id bigint NOT NULL REFERENCES boundary_plans (id)
);
CREATE INDEX boundary_plan_claims_plan_idx ON boundary_plan_claims (plan_id);

-- Retired units as they were (the outline and figures of their time).
CREATE TABLE unit_history (
  code text PRIMARY KEY REFERENCES unit_codes (code),
  name text NOT NULL,
  parent_code text,
  level text NOT NULL,
  depth smallint NOT NULL,
  kind text NOT NULL,
  geom geometry(MultiPolygon, 4326) NOT NULL,
  area_m2 double precision NOT NULL,
  households integer NOT NULL,
  population integer NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to timestamptz NOT NULL,
  retired_by_plan_id bigint NOT NULL REFERENCES boundary_plans (id)
);
CREATE INDEX unit_history_geom_idx ON unit_history USING gist (geom);

CREATE TABLE unit_successors (
  old_code text NOT NULL REFERENCES unit_codes (code),
  new_code text NOT NULL REFERENCES unit_codes (code),
  plan_id bigint NOT NULL REFERENCES boundary_plans (id),
  effective_at timestamptz NOT NULL,
  PRIMARY KEY (old_code, new_code)
);
CREATE INDEX unit_successors_new_idx ON unit_successors (new_code);

-- Today's code of a unit (itself when current): follows the successor chain of whole moves.
CREATE FUNCTION gridops_current_unit_code(code text) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH RECURSIVE chain(code, depth) AS (
    SELECT gridops_current_unit_code.code, 0
    UNION ALL
    SELECT s.new_code, c.depth + 1 FROM chain c JOIN unit_successors s ON s.old_code = c.code WHERE c.depth < 50)
  SELECT code FROM chain ORDER BY depth DESC LIMIT 1 $$;

-- The edges under some parents only (gridops_rebuild_unit_edges, migration 0010, restricted): the lines between
-- siblings whose parent is one of `parents`. A publication changes the children of a few parents and those
-- parents' outlines, so it rebuilds the edges under them and under their common parent, nothing else.
CREATE FUNCTION gridops_rebuild_unit_edges_under(parents text[]) RETURNS integer
  LANGUAGE plpgsql AS $$
DECLARE
  grid_size CONSTANT double precision := 1e-9;
  edges integer;
BEGIN
  DELETE FROM unit_edges e USING units l WHERE l.code = e.left_code AND l.parent_code = ANY (parents) AND e.right_code IS NOT NULL;
  INSERT INTO unit_edges (level, left_code, right_code, generated, geom)
  SELECT a.level, a.code, b.code, a.generated OR b.generated, ST_Multi(x.g)
    FROM units a
    JOIN units b ON b.parent_code = a.parent_code AND a.code < b.code AND a.geom && b.geom
   CROSS JOIN LATERAL (
     SELECT ST_LineMerge(ST_CollectionExtract(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom), grid_size), 2)) AS g
     OFFSET 0) x
   WHERE a.parent_code = ANY (parents) AND NOT ST_IsEmpty(x.g);
  GET DIAGNOSTICS edges = ROW_COUNT;
  RETURN edges;
END
$$;
REVOKE EXECUTE ON FUNCTION gridops_rebuild_unit_edges_under(text[]) FROM PUBLIC;

GRANT SELECT ON unit_codes, boundary_versions, unit_history, unit_successors TO gridops_app;
GRANT SELECT, INSERT, UPDATE ON boundary_plans TO gridops_app;
GRANT SELECT, INSERT, DELETE ON boundary_plan_claims TO gridops_app;

ALTER TABLE unit_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE unit_codes FORCE ROW LEVEL SECURITY;
CREATE POLICY unit_codes_owner ON unit_codes TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY unit_codes_scoped ON unit_codes FOR SELECT TO gridops_app USING (gridops_unit_visible(code));

ALTER TABLE unit_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE unit_history FORCE ROW LEVEL SECURITY;
CREATE POLICY unit_history_owner ON unit_history TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY unit_history_scoped ON unit_history FOR SELECT TO gridops_app USING (gridops_unit_visible(code));

ALTER TABLE unit_successors ENABLE ROW LEVEL SECURITY;
ALTER TABLE unit_successors FORCE ROW LEVEL SECURITY;
CREATE POLICY unit_successors_owner ON unit_successors TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY unit_successors_scoped ON unit_successors FOR SELECT TO gridops_app
  USING (gridops_unit_visible(old_code) OR gridops_unit_visible(new_code));

ALTER TABLE boundary_plans ENABLE ROW LEVEL SECURITY;
ALTER TABLE boundary_plans FORCE ROW LEVEL SECURITY;
CREATE POLICY boundary_plans_owner ON boundary_plans TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY boundary_plans_scoped ON boundary_plans TO gridops_app
  USING (gridops_within_jurisdiction(scope_code)) WITH CHECK (gridops_within_jurisdiction(scope_code));

ALTER TABLE boundary_plan_claims ENABLE ROW LEVEL SECURITY;
ALTER TABLE boundary_plan_claims FORCE ROW LEVEL SECURITY;
CREATE POLICY boundary_plan_claims_owner ON boundary_plan_claims TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY boundary_plan_claims_scoped ON boundary_plan_claims TO gridops_app
  USING (gridops_within_jurisdiction(unit_code)) WITH CHECK (gridops_within_jurisdiction(unit_code));
