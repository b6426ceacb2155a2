-- Parents' outlines after moves (issue 20, grids painted between communities): the old outline less the units
-- moved out plus the units moved in, instead of the union of the children. The seed's community outlines and the
-- union of their grids agree on the 1e-9° grid, but not vertex for vertex: recomputed as a union, a community
-- overlapped its unchanged neighbours by slivers of up to ~9 m² along its long boundaries, so every grid move was
-- refused as coverage_broken (and would have failed the tiling check once published). Validation
-- (plans.check_changed_parents) computes the same outline with the same function, so what was validated is what is
-- published. Micro-grid moves between grids use it too.

-- $1 the parent's outline now, $2 the units moved out of it (a collection, or NULL), $3 those moved in (or NULL) →
-- its outline after the moves: one MultiPolygon on the 1e-9° grid, without the specks (< 1e-12 square degrees,
-- about a hundredth of a square metre) that an overlay on the grid can leave along a shared boundary.
CREATE FUNCTION gridops_parent_outline(outline geometry, moved_out geometry, moved_in geometry) RETURNS geometry
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ST_Multi(coalesce(ST_Collect(d.geom) FILTER (WHERE ST_Area(d.geom) >= 1e-12), ST_GeomFromText('MULTIPOLYGON EMPTY', 4326)))
    FROM (SELECT CASE WHEN moved_out IS NULL THEN outline
                      ELSE ST_Difference(outline, ST_UnaryUnion(moved_out, 1e-9), 1e-9) END AS kept) k
   CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(
           CASE WHEN moved_in IS NULL THEN k.kept ELSE ST_UnaryUnion(ST_Collect(k.kept, moved_in), 1e-9) END, 3)) d $$;
GRANT EXECUTE ON FUNCTION gridops_parent_outline(geometry, geometry, geometry) TO gridops_app;

CREATE OR REPLACE FUNCTION gridops_publish_boundary_plan(p_plan_id bigint, p_now timestamptz, p_actor_account_id integer, p_actor_role text)
  RETURNS jsonb
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  plan boundary_plans%ROWTYPE;
  conflicts jsonb;
  new_version integer;
  changed_parents text[];
  edge_parents text[];
  counts jsonb;
  moved jsonb;
  relocated integer;
  relocated_list jsonb;
  edges integer;
  moves jsonb;
  structure jsonb;
BEGIN
  PERFORM pg_advisory_xact_lock(7243020);
  SELECT * INTO plan FROM boundary_plans WHERE id = p_plan_id FOR UPDATE;
  IF NOT FOUND OR gridops_jurisdiction() IS NULL
     OR NOT (gridops_jurisdiction() = 'city' OR plan.scope_code LIKE gridops_jurisdiction() || '%') THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'plan_not_found');
  END IF;
  IF plan.state NOT IN ('approved', 'scheduled') THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'plan_not_approved', 'state', plan.state);
  END IF;
  IF jsonb_array_length(plan.edits) = 0 THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'plan_empty');
  END IF;
  -- Moves are the edits without an op (or op 'move'); splits and merges are applied after them.
  SELECT coalesce(jsonb_agg(e ORDER BY o), '[]'::jsonb) INTO moves
    FROM jsonb_array_elements(plan.edits) WITH ORDINALITY AS x(e, o) WHERE coalesce(e->>'op', 'move') = 'move';

  -- Stale: a unit the plan names is gone, was changed by a later version, or has another parent than planned.
  SELECT jsonb_agg(DISTINCT x.code ORDER BY x.code) INTO conflicts
    FROM (SELECT e->>'unit' AS code, e->>'from' AS parent FROM jsonb_array_elements(plan.edits) e
          UNION ALL SELECT e->>'from', NULL FROM jsonb_array_elements(plan.edits) e
          UNION ALL SELECT e->>'to', NULL FROM jsonb_array_elements(plan.edits) e
          UNION ALL SELECT s.code, e->>'from' FROM jsonb_array_elements(plan.edits) e
                    CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN e ? 'units' THEN e->'units' ELSE '[]'::jsonb END) s(code)) x
    LEFT JOIN units u ON u.code = x.code
   WHERE x.code IS NOT NULL AND (u.code IS NULL OR u.boundary_version > plan.based_on_version
      OR (x.parent IS NOT NULL AND u.parent_code IS DISTINCT FROM x.parent));
  IF conflicts IS NOT NULL THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'plan_stale', 'conflicts', conflicts);
  END IF;

  -- The pieces of splits, merges and reshapes, computed before anything changes: a piece set that is not what
  -- validation allowed (a split or reshape not in two parts, a piece not one polygon) refuses the whole publication.
  DROP TABLE IF EXISTS pg_temp.plan_pieces;
  CREATE TEMP TABLE plan_pieces ON COMMIT DROP AS SELECT * FROM gridops_plan_structure(plan.edits);
  IF EXISTS (SELECT 1 FROM plan_pieces WHERE (op IN ('split', 'reshape') AND pieces <> 2) OR ST_NumGeometries(geom) <> 1)
     OR EXISTS (SELECT 1 FROM plan_pieces WHERE op = 'reshape' GROUP BY ord HAVING count(DISTINCT keep_code) <> 2)
     OR (SELECT count(DISTINCT ord) FROM plan_pieces)
        <> (SELECT count(*) FROM jsonb_array_elements(plan.edits) e WHERE e->>'op' IN ('split', 'merge', 'reshape')) THEN
    RETURN jsonb_build_object('ok', false, 'reason', 'plan_invalid');
  END IF;

  SELECT coalesce(max(version), 0) + 1 INTO new_version FROM boundary_versions;
  INSERT INTO boundary_versions (version, plan_id, published_at, effective_at) VALUES (new_version, plan.id, p_now, p_now);

  -- New codes: the next three-digit suffixes never issued under each new parent, in the order of the old codes.
  DROP TABLE IF EXISTS pg_temp.plan_recode;
  CREATE TEMP TABLE plan_recode ON COMMIT DROP AS
  WITH e AS (SELECT x->>'unit' AS old_code, x->>'to' AS new_parent FROM jsonb_array_elements(moves) x),
       top AS (SELECT t.new_parent, coalesce(max(right(c.code, 3)::integer), 0) AS used
                 FROM (SELECT DISTINCT new_parent FROM e) t LEFT JOIN unit_codes c ON c.parent_code = t.new_parent
                GROUP BY t.new_parent),
       moves AS (SELECT e.old_code, e.new_parent,
                        top.used + row_number() OVER (PARTITION BY e.new_parent ORDER BY e.old_code) AS suffix
                   FROM e JOIN top USING (new_parent))
  SELECT m.old_code, m.new_parent || lpad(m.suffix::text, 3, '0') AS new_code, m.new_parent, m.suffix,
         true AS moved_unit, m.old_code AS moved_root
    FROM moves m;
  IF EXISTS (SELECT 1 FROM plan_recode WHERE suffix > 999) THEN
    RAISE EXCEPTION 'no unused unit code left under a parent' USING ERRCODE = 'program_limit_exceeded';
  END IF;
  -- The moved units' children (a moved grid's micro-grids) keep their suffix under the new code.
  INSERT INTO plan_recode (old_code, new_code, new_parent, suffix, moved_unit, moved_root)
  SELECT c.code, r.new_code || right(c.code, 3), r.new_code, right(c.code, 3)::integer, false, r.old_code
    FROM plan_recode r JOIN units c ON c.parent_code = r.old_code;

  INSERT INTO units (code, name, parent_code, level, depth, kind, district_code, street_code, community_code, grid_code,
                     geom, label_point, area_m2, residential_m2, households, population, generated, boundary_source,
                     valid_from, valid_to, boundary_version)
  SELECT r.new_code,
         CASE WHEN r.moved_unit THEN p.name ELSE pn.name END || '第' || r.suffix || CASE u.level WHEN 'grid' THEN '网格' ELSE '微网格' END,
         r.new_parent, u.level, u.depth, u.kind,
         left(r.new_code, 6),
         CASE WHEN u.depth > 2 THEN left(r.new_code, 9) END,
         CASE WHEN u.depth > 3 THEN left(r.new_code, 12) END,
         CASE WHEN u.depth > 4 THEN left(r.new_code, 15) END,
         u.geom, u.label_point, u.area_m2, u.residential_m2, u.households, u.population, u.generated, u.boundary_source,
         p_now, NULL, new_version
    FROM plan_recode r
    JOIN units u ON u.code = r.old_code
    LEFT JOIN units p ON p.code = r.new_parent
    LEFT JOIN plan_recode rr ON rr.new_code = r.new_parent
    LEFT JOIN units pp ON pp.code = rr.new_parent
    LEFT JOIN LATERAL (SELECT pp.name || '第' || rr.suffix || '网格' AS name) pn ON true
   ORDER BY u.depth;

  INSERT INTO unit_history (code, name, parent_code, level, depth, kind, geom, area_m2, households, population,
                            valid_from, valid_to, retired_by_plan_id)
  SELECT u.code, u.name, u.parent_code, u.level, u.depth, u.kind, u.geom, u.area_m2, u.households, u.population,
         u.valid_from, p_now, plan.id
    FROM plan_recode r JOIN units u ON u.code = r.old_code;
  INSERT INTO unit_successors (old_code, new_code, plan_id, effective_at)
  SELECT old_code, new_code, plan.id, p_now FROM plan_recode;
  UPDATE unit_codes c SET retired_at = p_now, retired_by_plan_id = plan.id FROM plan_recode r WHERE c.code = r.old_code;

  -- What follows the unit today.
  WITH w AS (UPDATE workers x SET home_unit_code = r.new_code FROM plan_recode r WHERE x.home_unit_code = r.old_code RETURNING 1),
       c AS (UPDATE cameras x SET micro_grid_code = r.new_code FROM plan_recode r WHERE x.micro_grid_code = r.old_code RETURNING 1),
       s AS (UPDATE sensors x SET micro_grid_code = r.new_code FROM plan_recode r WHERE x.micro_grid_code = r.old_code RETURNING 1),
       a AS (UPDATE accounts x SET jurisdiction_code = r.new_code FROM plan_recode r WHERE x.jurisdiction_code = r.old_code RETURNING 1),
       t AS (UPDATE screen_tokens x SET jurisdiction_code = r.new_code FROM plan_recode r WHERE x.jurisdiction_code = r.old_code RETURNING 1)
  SELECT jsonb_build_object('workers', (SELECT count(*) FROM w), 'cameras', (SELECT count(*) FROM c),
                            'sensors', (SELECT count(*) FROM s), 'accounts', (SELECT count(*) FROM a),
                            'screenTokens', (SELECT count(*) FROM t))
    INTO counts;

  WITH moved_incidents AS (
    UPDATE incidents i
       SET micro_grid_code = r.new_code, grid_code = left(r.new_code, 15), community_code = left(r.new_code, 12),
           street_code = left(r.new_code, 9), district_code = left(r.new_code, 6), updated_at = p_now
      FROM plan_recode r
     WHERE i.micro_grid_code = r.old_code AND i.state NOT IN ('closed', 'rejected')
    RETURNING i.id, i.state, r.old_code, r.new_code),
       timeline AS (
    INSERT INTO incident_timeline (incident_id, at, event, from_state, to_state, actor_account_id, actor_role, detail)
    SELECT id, p_now, 'boundary_relocated', state, state, p_actor_account_id, p_actor_role,
           jsonb_build_object('planId', plan.id, 'from', old_code, 'to', new_code, 'boundaryVersion', new_version)
      FROM moved_incidents
    RETURNING 1)
  SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'microGridCode', new_code) ORDER BY id), '[]'::jsonb),
         (SELECT count(*) FROM timeline)
    INTO relocated_list, relocated
    FROM moved_incidents;

  -- The old rows go (their edges with them, ON DELETE CASCADE); children and parents in one statement.
  DELETE FROM units u USING plan_recode r WHERE u.code = r.old_code;

  -- The parents that lost or gained children: figures = their children's sums; outline = the old outline less the
  -- units moved out, plus the units moved in (on the 1e-9° grid), so that it stays noded with its unchanged
  -- neighbours (the union of a parent's children differs from its stored outline by slivers of a few m² along long
  -- boundaries, which would read as overlaps with the neighbours).
  SELECT array_agg(DISTINCT x) INTO changed_parents
    FROM (SELECT e->>'from' AS x FROM jsonb_array_elements(moves) e UNION SELECT e->>'to' FROM jsonb_array_elements(moves) e) y;
  WITH moved_geoms AS (SELECT e->>'from' AS source, e->>'to' AS target, u.geom
                         FROM jsonb_array_elements(moves) e
                         JOIN plan_recode r ON r.old_code = e->>'unit' AND r.moved_unit
                         JOIN units u ON u.code = r.new_code),
       shaped AS (SELECT p.code, gridops_parent_outline(p.geom,
                           (SELECT ST_Collect(m.geom) FROM moved_geoms m WHERE m.source = p.code),
                           (SELECT ST_Collect(m.geom) FROM moved_geoms m WHERE m.target = p.code)) AS geom
                    FROM units p WHERE p.code = ANY (changed_parents)),
       sums AS (SELECT c.parent_code, sum(c.area_m2) AS area_m2, sum(c.residential_m2) AS residential_m2,
                       sum(c.households)::integer AS households, sum(c.population)::integer AS population
                  FROM units c WHERE c.parent_code = ANY (changed_parents) GROUP BY c.parent_code)
  UPDATE units p
     SET geom = s.geom, label_point = ST_PointOnSurface(s.geom), area_m2 = k.area_m2, residential_m2 = k.residential_m2,
         households = k.households, population = k.population, boundary_version = new_version
    FROM shaped s JOIN sums k ON k.parent_code = s.code
   WHERE p.code = s.code;

  -- Edges: between the children of each changed parent, between the changed parents and their siblings, and
  -- inside each moved subtree (new codes).
  SELECT array_agg(DISTINCT x) INTO edge_parents
    FROM (SELECT unnest(changed_parents) AS x
          UNION SELECT parent_code FROM units WHERE code = ANY (changed_parents)
          UNION SELECT r.new_code FROM plan_recode r WHERE EXISTS (SELECT 1 FROM units c WHERE c.parent_code = r.new_code)) y
   WHERE x IS NOT NULL;
  edges := gridops_rebuild_unit_edges_under(edge_parents);

  structure := gridops_apply_plan_structure(plan.id, p_now, new_version, p_actor_account_id, p_actor_role);
  edges := edges + (structure->>'edgesRebuilt')::integer;
  relocated := relocated + (structure->>'relocatedIncidents')::integer;

  SELECT coalesce(jsonb_agg(jsonb_build_object('from', old_code, 'to', new_code) ORDER BY old_code), '[]'::jsonb) INTO moved FROM plan_recode;
  UPDATE boundary_plans
     SET state = 'published', published_at = p_now, published_version = new_version, updated_at = p_now,
         publication = jsonb_build_object('version', new_version, 'moved', moved, 'relocatedIncidents', relocated,
                                          'edgesRebuilt', edges, 'changedParents', to_jsonb(coalesce(changed_parents, '{}')),
                                          'restructured', structure->'restructured', 'structure', structure - 'restructured' - 'relocated') || counts
   WHERE id = plan.id;
  DELETE FROM boundary_plan_claims WHERE plan_id = plan.id;

  RETURN jsonb_build_object('ok', true, 'version', new_version, 'moved', moved, 'relocatedIncidents', relocated,
                            'relocated', relocated_list || (structure->'relocated'),
                            'edgesRebuilt', edges, 'changedParents', to_jsonb(coalesce(changed_parents, '{}')),
                            'restructured', structure->'restructured', 'structure', structure - 'restructured' - 'relocated') || counts;
END
$$;
REVOKE EXECUTE ON FUNCTION gridops_publish_boundary_plan(bigint, timestamptz, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION gridops_publish_boundary_plan(bigint, timestamptz, integer, text) TO gridops_app;
