-- Re-partition of a grid into new micro-grids by a household target the planner enters (issue 20), a fourth
-- structural plan edit beside split, merge and reshape (migration 0030, docs/decisions/0006):
--   {op: 'repartition', unit: GRID, households: TARGET, from: COMMUNITY}
-- retires every micro-grid of the grid and cuts the union of their outlines anew with the seed's partitioner
-- (gridops_partition, migration 0003: Voronoi cells of residential-weighted seed points, relaxed, clipped to the
-- union, so the cells tile exactly what the old micro-grids tiled) into gridops_repartition_count(households,
-- target) cells. The new micro-grids get new codes under the same grid (the next suffixes never issued there);
-- unit_successors maps every old code to every new one. Households and residents are shared by residential land as
-- for a split. What follows a retired micro-grid: its workers, accounts and screen tokens go to the new micro-grid
-- its label point lies in (the nearest); cameras, sensors and open incidents to the one their point lies in, as for
-- a split. The functions below are those of migrations 0030 and 0041 with the new op added (marked "repartition").

-- How many micro-grids a grid of `households` households gets for `target` households per micro-grid: the nearest
-- whole number, at least 1. Shared with the planner's page (plan-structure-rules.ts repartitionCount).
CREATE FUNCTION gridops_repartition_count(households integer, target integer) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT greatest(1, round(households::numeric / greatest(target, 1)))::integer $$;
GRANT EXECUTE ON FUNCTION gridops_repartition_count(integer, integer) TO gridops_app;
GRANT EXECUTE ON FUNCTION gridops_partition(geometry, integer, text, double precision) TO gridops_app;

CREATE OR REPLACE FUNCTION gridops_plan_structure(p_edits jsonb)
  RETURNS TABLE (ord integer, op text, parent_code text, old_codes text[], keep_code text, piece integer, pieces integer,
                 geom geometry, area_m2 double precision, residential_m2 double precision, households integer, population integer)
  LANGUAGE sql STABLE AS $$
  WITH e AS (SELECT x.o::integer AS ord, x.e->>'op' AS op, x.e
               FROM jsonb_array_elements(p_edits) WITH ORDINALITY AS x(e, o)
              WHERE x.e->>'op' IN ('split', 'merge', 'reshape', 'repartition')),
       olds AS (SELECT e.ord, e.op, u.code, u.parent_code, u.geom, u.area_m2, u.residential_m2, u.households, u.population
                  FROM e JOIN units u ON u.code = e.e->>'unit' AND u.level = 'micro_grid' WHERE e.op = 'split'
                UNION ALL
                SELECT e.ord, e.op, u.code, u.parent_code, u.geom, u.area_m2, u.residential_m2, u.households, u.population
                  FROM e CROSS JOIN LATERAL jsonb_array_elements_text(e.e->'units') c(code)
                  JOIN units u ON u.code = c.code AND u.level = 'micro_grid' WHERE e.op IN ('merge', 'reshape')
                UNION ALL
                SELECT e.ord, e.op, u.code, u.parent_code, u.geom, u.area_m2, u.residential_m2, u.households, u.population
                  FROM e JOIN units g ON g.code = e.e->>'unit' AND g.level = 'grid'
                  JOIN units u ON u.parent_code = g.code AND u.level = 'micro_grid' WHERE e.op = 'repartition'),
       src AS (SELECT o.ord, o.op, min(o.parent_code) AS parent_code, array_agg(o.code ORDER BY o.code) AS old_codes,
                      CASE WHEN o.op = 'split' THEN (array_agg(o.geom))[1]
                           ELSE ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(o.geom), 1e-9), 3)) END AS geom,
                      sum(o.area_m2) AS area_m2, sum(o.residential_m2) AS residential_m2,
                      sum(o.households)::integer AS households, sum(o.population)::integer AS population,
                      (array_agg(o.geom ORDER BY o.code))[1] AS first_geom
                 FROM olds o
                GROUP BY o.ord, o.op
               HAVING count(DISTINCT o.parent_code) = 1
                  AND CASE o.op WHEN 'split' THEN count(*) = 1 WHEN 'repartition' THEN true ELSE count(*) = 2 END),
       raw AS (SELECT s.ord, d.geom
                 FROM src s JOIN e ON e.ord = s.ord
                CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(
                        ST_Split(s.geom, ST_SetSRID(ST_GeomFromGeoJSON(e.e->>'line'), 4326)), 3)) d
                WHERE s.op = 'split'
               UNION ALL
               SELECT s.ord, s.geom FROM src s WHERE s.op = 'merge'
               UNION ALL
               SELECT s.ord, d.geom
                 FROM src s JOIN e ON e.ord = s.ord
                CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(
                        ST_Split(s.geom, gridops_extend_line(ST_SetSRID(ST_GeomFromGeoJSON(e.e->>'line'), 4326), 2e-7)), 3)) d
                WHERE s.op = 'reshape'
               UNION ALL
               SELECT s.ord, c.geom
                 FROM src s JOIN e ON e.ord = s.ord
                CROSS JOIN LATERAL gridops_partition(s.geom, gridops_repartition_count(s.households, (e.e->>'households')::integer),
                                                     'plan:' || s.parent_code || ':' || (e.e->>'households'), 150) c
                WHERE s.op = 'repartition'),
       kept AS (SELECT r.ord, r.geom,
                       CASE WHEN s.op = 'reshape' THEN
                         CASE WHEN 2 * ST_Area(ST_Intersection(r.geom, s.first_geom, 1e-10)) >= ST_Area(r.geom) THEN s.old_codes[1] ELSE s.old_codes[2] END
                       END AS keep_code
                  FROM raw r JOIN src s ON s.ord = r.ord),
       measured AS (SELECT r.ord, r.geom, r.keep_code, ST_Area(ST_Segmentize(r.geom, 0.001)::geography) AS raw_area,
                           coalesce((SELECT sum(ST_Area(ST_Intersection(r.geom, l.geom, 1e-9)::geography))
                                       FROM osm_landuse l
                                      WHERE l.fclass = 'residential' AND l.geom && r.geom AND ST_Intersects(r.geom, l.geom)), 0) AS raw_res
                      FROM kept r),
       shared AS (SELECT m.*, sum(m.raw_area) OVER w AS sum_area, sum(m.raw_res) OVER w AS sum_res,
                         CASE WHEN sum(m.raw_res) OVER w > 0 THEN m.raw_res / sum(m.raw_res) OVER w
                              ELSE m.raw_area / nullif(sum(m.raw_area) OVER w, 0) END AS share
                    FROM measured m WINDOW w AS (PARTITION BY m.ord)),
       ordered AS (SELECT sh.*, row_number() OVER (PARTITION BY sh.ord ORDER BY sh.keep_code NULLS LAST, sh.share DESC, sh.raw_area DESC, ST_XMin(sh.geom), ST_YMin(sh.geom)) AS piece,
                          count(*) OVER (PARTITION BY sh.ord) AS pieces
                     FROM shared sh),
       cumulative AS (SELECT o.*, sum(o.share) OVER (PARTITION BY o.ord ORDER BY o.piece) AS upto FROM ordered o),
       bounds AS (SELECT c.*, coalesce(lag(c.upto) OVER (PARTITION BY c.ord ORDER BY c.piece), 0) AS below FROM cumulative c)
  SELECT b.ord, s.op, s.parent_code, s.old_codes, b.keep_code, b.piece::integer, b.pieces::integer, ST_Multi(b.geom),
         s.area_m2 * b.raw_area / nullif(b.sum_area, 0),
         s.residential_m2 * b.share,
         (round(s.households * b.upto) - round(s.households * b.below))::integer,
         (round(s.population * b.upto) - round(s.population * b.below))::integer
    FROM bounds b JOIN src s ON s.ord = b.ord
   ORDER BY b.ord, b.piece $$;

CREATE OR REPLACE FUNCTION gridops_apply_plan_structure(p_plan_id bigint, p_now timestamptz, p_version integer,
                                             p_actor_account_id integer, p_actor_role text)
  RETURNS jsonb
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  parents text[];
  counts jsonb;
  relocated_list jsonb;
  relocated integer;
  edges integer;
  restructured jsonb;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM plan_pieces) THEN
    RETURN jsonb_build_object('restructured', '[]'::jsonb, 'workers', 0, 'cameras', 0, 'sensors', 0, 'accounts', 0,
                              'screenTokens', 0, 'relocatedIncidents', 0, 'relocated', '[]'::jsonb, 'edgesRebuilt', 0);
  END IF;
  -- New codes for the pieces of splits and merges, after every code ever issued under the parent (the moves'
  -- new codes are registered already); a reshaped piece keeps its code.
  DROP TABLE IF EXISTS pg_temp.plan_piece_codes;
  CREATE TEMP TABLE plan_piece_codes ON COMMIT DROP AS
  WITH top AS (SELECT t.parent_code, coalesce(max(right(c.code, 3)::integer), 0) AS used
                 FROM (SELECT DISTINCT parent_code FROM plan_pieces) t LEFT JOIN unit_codes c ON c.parent_code = t.parent_code
                GROUP BY t.parent_code)
  SELECT p.ord, p.op, p.piece, p.parent_code, p.old_codes, p.geom,
         CASE WHEN p.op <> 'reshape' THEN top.used + row_number() OVER (PARTITION BY p.parent_code, p.op = 'reshape' ORDER BY p.ord, p.piece) END AS suffix,
         p.keep_code AS new_code
    FROM plan_pieces p JOIN top ON top.parent_code = p.parent_code;
  IF EXISTS (SELECT 1 FROM plan_piece_codes WHERE suffix > 999) THEN
    RAISE EXCEPTION 'no unused unit code left under a parent' USING ERRCODE = 'program_limit_exceeded';
  END IF;
  UPDATE plan_piece_codes SET new_code = parent_code || lpad(suffix::text, 3, '0') WHERE op <> 'reshape';
  DROP TABLE IF EXISTS pg_temp.plan_piece_map;
  CREATE TEMP TABLE plan_piece_map ON COMMIT DROP AS
  WITH m AS (SELECT unnest(c.old_codes) AS old_code, c.new_code, c.piece, c.geom, c.op FROM plan_piece_codes c)
  SELECT m.old_code, m.new_code, m.piece, m.geom, m.op = 'reshape' AS reshape,
         m.op <> 'reshape' AND CASE WHEN m.op = 'repartition'
           THEN m.piece = (SELECT x.piece FROM m x WHERE x.old_code = m.old_code
                            ORDER BY ST_Distance(x.geom, u.label_point), x.piece LIMIT 1)
           ELSE m.piece = 1 END AS follows
    FROM m LEFT JOIN units u ON u.code = m.old_code;

  INSERT INTO units (code, name, parent_code, level, depth, kind, district_code, street_code, community_code, grid_code,
                     geom, label_point, area_m2, residential_m2, households, population, generated, boundary_source,
                     valid_from, valid_to, boundary_version)
  SELECT c.new_code, par.name || '第' || c.suffix || '微网格', c.parent_code, 'micro_grid', 5, old.kind,
         par.district_code, par.street_code, par.community_code, c.parent_code,
         p.geom, ST_PointOnSurface(p.geom), p.area_m2, p.residential_m2, p.households, p.population, old.generated,
         'boundary plan ' || p_plan_id, p_now, NULL, p_version
    FROM plan_piece_codes c
    JOIN plan_pieces p ON p.ord = c.ord AND p.piece = c.piece
    JOIN units par ON par.code = c.parent_code
    JOIN units old ON old.code = c.old_codes[1]
   WHERE c.op <> 'reshape';

  INSERT INTO unit_history (code, name, parent_code, level, depth, kind, geom, area_m2, households, population,
                            valid_from, valid_to, retired_by_plan_id)
  SELECT u.code, u.name, u.parent_code, u.level, u.depth, u.kind, u.geom, u.area_m2, u.households, u.population,
         u.valid_from, p_now, p_plan_id
    FROM units u WHERE u.code IN (SELECT old_code FROM plan_piece_map WHERE NOT reshape);
  INSERT INTO unit_successors (old_code, new_code, plan_id, effective_at)
  SELECT old_code, new_code, p_plan_id, p_now FROM plan_piece_map WHERE NOT reshape;
  UPDATE unit_codes c SET retired_at = p_now, retired_by_plan_id = p_plan_id
   WHERE c.code IN (SELECT old_code FROM plan_piece_map WHERE NOT reshape);

  -- Reshaped units keep their codes: the old outline is kept, the new one and its figures written.
  INSERT INTO unit_outline_history (code, boundary_version, valid_to, plan_id, geom, area_m2, households, population)
  SELECT u.code, u.boundary_version, p_now, p_plan_id, u.geom, u.area_m2, u.households, u.population
    FROM units u JOIN plan_pieces p ON p.keep_code = u.code WHERE p.op = 'reshape';
  UPDATE units u
     SET geom = p.geom, label_point = ST_PointOnSurface(p.geom), area_m2 = p.area_m2, residential_m2 = p.residential_m2,
         households = p.households, population = p.population, boundary_version = p_version
    FROM plan_pieces p WHERE p.op = 'reshape' AND u.code = p.keep_code;

  -- People and accounts of a split or merged unit to piece 1 (a reshape keeps them); devices and open cases to
  -- the piece their point lies in (or the nearest), where that changes their unit.
  WITH w AS (UPDATE workers x SET home_unit_code = m.new_code FROM plan_piece_map m
              WHERE x.home_unit_code = m.old_code AND m.follows RETURNING 1),
       a AS (UPDATE accounts x SET jurisdiction_code = m.new_code FROM plan_piece_map m
              WHERE x.jurisdiction_code = m.old_code AND m.follows RETURNING 1),
       t AS (UPDATE screen_tokens x SET jurisdiction_code = m.new_code FROM plan_piece_map m
              WHERE x.jurisdiction_code = m.old_code AND m.follows RETURNING 1),
       ct AS (SELECT x.id, (SELECT m.new_code FROM plan_piece_map m WHERE m.old_code = x.micro_grid_code
                             ORDER BY ST_Distance(m.geom, x.geom), m.piece LIMIT 1) AS code
                FROM cameras x WHERE x.micro_grid_code IN (SELECT old_code FROM plan_piece_map)),
       c AS (UPDATE cameras x SET micro_grid_code = ct.code FROM ct WHERE x.id = ct.id AND x.micro_grid_code <> ct.code RETURNING 1),
       st AS (SELECT x.id, (SELECT m.new_code FROM plan_piece_map m WHERE m.old_code = x.micro_grid_code
                             ORDER BY ST_Distance(m.geom, x.geom), m.piece LIMIT 1) AS code
                FROM sensors x WHERE x.micro_grid_code IN (SELECT old_code FROM plan_piece_map)),
       s AS (UPDATE sensors x SET micro_grid_code = st.code FROM st WHERE x.id = st.id AND x.micro_grid_code <> st.code RETURNING 1)
  SELECT jsonb_build_object('workers', (SELECT count(*) FROM w), 'cameras', (SELECT count(*) FROM c),
                            'sensors', (SELECT count(*) FROM s), 'accounts', (SELECT count(*) FROM a),
                            'screenTokens', (SELECT count(*) FROM t))
    INTO counts;

  WITH targets AS (
    SELECT i.id, i.micro_grid_code AS old_code,
           (SELECT m.new_code FROM plan_piece_map m WHERE m.old_code = i.micro_grid_code
             ORDER BY ST_Distance(m.geom, i.geom), m.piece LIMIT 1) AS new_code
      FROM incidents i
     WHERE i.micro_grid_code IN (SELECT old_code FROM plan_piece_map) AND i.state NOT IN ('closed', 'rejected')),
       moved_incidents AS (
    UPDATE incidents i SET micro_grid_code = t.new_code, updated_at = p_now
      FROM targets t WHERE i.id = t.id AND t.new_code <> t.old_code
    RETURNING i.id, i.state, t.old_code, t.new_code),
       timeline AS (
    INSERT INTO incident_timeline (incident_id, at, event, from_state, to_state, actor_account_id, actor_role, detail)
    SELECT id, p_now, 'boundary_relocated', state, state, p_actor_account_id, p_actor_role,
           jsonb_build_object('planId', p_plan_id, 'from', old_code, 'to', new_code, 'boundaryVersion', p_version)
      FROM moved_incidents
    RETURNING 1)
  SELECT coalesce(jsonb_agg(jsonb_build_object('id', id, 'microGridCode', new_code) ORDER BY id), '[]'::jsonb),
         (SELECT count(*) FROM timeline)
    INTO relocated_list, relocated
    FROM moved_incidents;

  -- The retired rows go (their edges with them); the parents keep their outline, their version is raised.
  DELETE FROM units u WHERE u.code IN (SELECT old_code FROM plan_piece_map WHERE NOT reshape);
  SELECT array_agg(DISTINCT parent_code) INTO parents FROM plan_piece_codes;
  UPDATE units SET boundary_version = p_version WHERE code = ANY (parents);
  edges := gridops_rebuild_unit_edges_under(parents);

  SELECT jsonb_agg(jsonb_build_object('op', x.op, 'from', to_jsonb(x.old_codes), 'to', x.new_codes) ORDER BY x.ord) INTO restructured
    FROM (SELECT c.ord, min(c.op) AS op, min(c.old_codes) AS old_codes,
                 CASE WHEN min(c.op) = 'reshape' THEN to_jsonb(min(c.old_codes)) ELSE jsonb_agg(c.new_code ORDER BY c.piece) END AS new_codes
            FROM plan_piece_codes c GROUP BY c.ord) x;
  RETURN jsonb_build_object('restructured', restructured, 'relocatedIncidents', relocated, 'relocated', relocated_list,
                            'edgesRebuilt', edges) || counts;
END
$$;

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
        <> (SELECT count(*) FROM jsonb_array_elements(plan.edits) e WHERE e->>'op' IN ('split', 'merge', 'reshape', 'repartition')) THEN
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
