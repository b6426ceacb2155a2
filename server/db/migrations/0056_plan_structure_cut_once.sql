-- The pieces of a plan's structural edits computed once per edit (issue 20: a plan re-partitioning many grids).
-- gridops_plan_structure (migrations 0030, 0045) joined its pieces back to the edits (`kept`, and again at the end);
-- the edits' row count is an aggregate the planner estimates at one row, so it chose a nested loop with the edits
-- outside and re-ran the whole union of cuts inside for each edit: every split, reshape and grid re-partition
-- (gridops_partition) of the plan ran once per edit of the plan, quadratic in the edits. Measured on the whole city
-- (the largest community, 100-household target): 10 grids 0.66 s, 30 grids 7.7 s, 100 grids 127 s, all 332 grids
-- beyond 16 minutes, on the embedded database (PGlite's planner; PostgreSQL 15 happened to choose a linear plan,
-- 3.2 s for all 332). Now each piece carries its edit's figures from the start (no join back), and the cuts and the
-- pieces' measurements are MATERIALIZED, so each runs once whatever join the planner picks: 0.11 s, 0.39 s, 1.7 s and
-- 4.4 s. Same pieces, codes, figures and order as before (compared piece by piece on the city).

CREATE OR REPLACE FUNCTION gridops_plan_structure(p_edits jsonb)
  RETURNS TABLE (ord integer, op text, parent_code text, old_codes text[], keep_code text, piece integer, pieces integer,
                 geom geometry, area_m2 double precision, residential_m2 double precision, households integer, population integer)
  LANGUAGE sql STABLE AS $$
  WITH e AS (SELECT x.o::integer AS ord, x.e->>'op' AS op, x.e
               FROM jsonb_array_elements(p_edits) WITH ORDINALITY AS x(e, o)
              WHERE x.e->>'op' IN ('split', 'merge', 'reshape', 'repartition')),
       olds AS (SELECT e.ord, e.op, e.e AS edit, u.code, u.parent_code, u.geom, u.area_m2, u.residential_m2, u.households, u.population
                  FROM e JOIN units u ON u.code = e.e->>'unit' AND u.level = 'micro_grid' WHERE e.op = 'split'
                UNION ALL
                SELECT e.ord, e.op, e.e AS edit, u.code, u.parent_code, u.geom, u.area_m2, u.residential_m2, u.households, u.population
                  FROM e CROSS JOIN LATERAL jsonb_array_elements_text(e.e->'units') c(code)
                  JOIN units u ON u.code = c.code AND u.level = 'micro_grid' WHERE e.op IN ('merge', 'reshape')
                UNION ALL
                SELECT e.ord, e.op, e.e AS edit, u.code, u.parent_code, u.geom, u.area_m2, u.residential_m2, u.households, u.population
                  FROM e JOIN units g ON g.code = e.e->>'unit' AND g.level = 'grid'
                  JOIN units u ON u.parent_code = g.code AND u.level = 'micro_grid' WHERE e.op = 'repartition'),
       src AS MATERIALIZED (
              SELECT o.ord, o.op, min(o.parent_code) AS parent_code, array_agg(o.code ORDER BY o.code) AS old_codes,
                      CASE WHEN o.op = 'split' THEN (array_agg(o.geom))[1]
                           ELSE ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(o.geom), 1e-9), 3)) END AS geom,
                      sum(o.area_m2) AS area_m2, sum(o.residential_m2) AS residential_m2,
                      sum(o.households)::integer AS households, sum(o.population)::integer AS population,
                      (array_agg(o.geom ORDER BY o.code))[1] AS first_geom, (array_agg(o.edit))[1] AS edit
                 FROM olds o
                GROUP BY o.ord, o.op
               HAVING count(DISTINCT o.parent_code) = 1
                  AND CASE o.op WHEN 'split' THEN count(*) = 1 WHEN 'repartition' THEN true ELSE count(*) = 2 END),
       -- Each piece once, with its edit's figures: joining the pieces back to src made the planner (src estimated
       -- at one row) re-run every edit's cut for every edit, quadratic in the plan's edits (migration 0056).
       raw AS MATERIALIZED (
               SELECT s.ord, s.op, s.parent_code, s.old_codes, s.area_m2 AS s_area_m2, s.residential_m2 AS s_residential_m2,
                      s.households AS s_households, s.population AS s_population, s.first_geom, d.geom
                 FROM src s
                CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(
                        ST_Split(s.geom, ST_SetSRID(ST_GeomFromGeoJSON(s.edit->>'line'), 4326)), 3)) d
                WHERE s.op = 'split'
               UNION ALL
               SELECT s.ord, s.op, s.parent_code, s.old_codes, s.area_m2, s.residential_m2, s.households, s.population, s.first_geom, s.geom
                 FROM src s WHERE s.op = 'merge'
               UNION ALL
               SELECT s.ord, s.op, s.parent_code, s.old_codes, s.area_m2, s.residential_m2, s.households, s.population, s.first_geom, d.geom
                 FROM src s
                CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(
                        ST_Split(s.geom, gridops_extend_line(ST_SetSRID(ST_GeomFromGeoJSON(s.edit->>'line'), 4326), 2e-7)), 3)) d
                WHERE s.op = 'reshape'
               UNION ALL
               SELECT s.ord, s.op, s.parent_code, s.old_codes, s.area_m2, s.residential_m2, s.households, s.population, s.first_geom, c.geom
                 FROM src s
                CROSS JOIN LATERAL gridops_partition(s.geom, gridops_repartition_count(s.households, (s.edit->>'households')::integer),
                                                     'plan:' || s.parent_code || ':' || (s.edit->>'households'), 150) c
                WHERE s.op = 'repartition'),
       measured AS MATERIALIZED (
              SELECT r.*,
                     CASE WHEN r.op = 'reshape' THEN
                       CASE WHEN 2 * ST_Area(ST_Intersection(r.geom, r.first_geom, 1e-10)) >= ST_Area(r.geom) THEN r.old_codes[1] ELSE r.old_codes[2] END
                     END AS keep_code,
                     ST_Area(ST_Segmentize(r.geom, 0.001)::geography) AS raw_area,
                     coalesce((SELECT sum(ST_Area(ST_Intersection(r.geom, l.geom, 1e-9)::geography))
                                 FROM osm_landuse l
                                WHERE l.fclass = 'residential' AND l.geom && r.geom AND ST_Intersects(r.geom, l.geom)), 0) AS raw_res
                FROM raw r),
       shared AS (SELECT m.*, sum(m.raw_area) OVER w AS sum_area, sum(m.raw_res) OVER w AS sum_res,
                         CASE WHEN sum(m.raw_res) OVER w > 0 THEN m.raw_res / sum(m.raw_res) OVER w
                              ELSE m.raw_area / nullif(sum(m.raw_area) OVER w, 0) END AS share
                    FROM measured m WINDOW w AS (PARTITION BY m.ord)),
       ordered AS (SELECT sh.*, row_number() OVER (PARTITION BY sh.ord ORDER BY sh.keep_code NULLS LAST, sh.share DESC, sh.raw_area DESC, ST_XMin(sh.geom), ST_YMin(sh.geom)) AS piece,
                          count(*) OVER (PARTITION BY sh.ord) AS pieces
                     FROM shared sh),
       cumulative AS (SELECT o.*, sum(o.share) OVER (PARTITION BY o.ord ORDER BY o.piece) AS upto FROM ordered o),
       bounds AS (SELECT c.*, coalesce(lag(c.upto) OVER (PARTITION BY c.ord ORDER BY c.piece), 0) AS below FROM cumulative c)
  SELECT b.ord, b.op, b.parent_code, b.old_codes, b.keep_code, b.piece::integer, b.pieces::integer, ST_Multi(b.geom),
         b.s_area_m2 * b.raw_area / nullif(b.sum_area, 0),
         b.s_residential_m2 * b.share,
         (round(b.s_households * b.upto) - round(b.s_households * b.below))::integer,
         (round(b.s_population * b.upto) - round(b.s_population * b.below))::integer
    FROM bounds b
   ORDER BY b.ord, b.piece $$;
