/** SQL of spatial queries over a drawn area; runs in the caller's scope (RLS). */
import { defineSql } from '../db/database.js';

/**
 * Whether an area is valid and what lies in it, in one round trip. $1 GeoJSON geometry text (EPSG:4326).
 * Validity is PostGIS's authoritative check, one GEOS validation (ST_IsValidDetail in FROM, not ST_IsValid and
 * ST_IsValidReason: two); an invalid area is counted over nothing (the route answers 400 from `valid`, `reason`
 * "Self-intersection[lon lat]" like ST_IsValidReason). Bounded work whatever is drawn (issue 18): the area is
 * parsed once (a materialised CTE, for the check and the counts) and cut into pieces of at most 2,048 vertices
 * (ST_Subdivide), and each table is joined to the pieces through its GiST index (units' micro-grid partial
 * index, workers, cameras, sensors), so every predicate tests a candidate against one piece, prepared once per
 * run of candidates. Testing against the whole area instead costs PostGIS a comparison of the whole area's bytes
 * on every call (to find its cached preparation): 160 KB × thousands of candidates at 10,000 vertices, which made
 * the embedded database ~5× slower; smaller pieces make more duplicate candidates (256: 1.5× slower on
 * PostgreSQL). Figures in BENCHMARKS.md ("Request isolation"). A candidate touching several pieces counts once
 * (DISTINCT ON its key). The
 * area in square metres is computed in EPSG:6933 (equal-area cylindrical on WGS 84): a geography cast fails on
 * a whole-globe polygon (antipodal edges) and measures the wrong side of one that spans more than a hemisphere.
 * Result: valid, reason, area_m2, micro_grids, households (of micro-grids whose label point is inside), workers,
 * workers_on_duty, cameras, sensors.
 */
export const summariseArea = defineSql(
  'spatial.check_and_summarise_area',
  `WITH area AS MATERIALIZED (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g),
   validity AS MATERIALIZED (
     SELECT d.valid, d.reason || coalesce('[' || ST_X(d.location) || ' ' || ST_Y(d.location) || ']', '') AS reason
       FROM area, LATERAL ST_IsValidDetail(area.g) d),
   pieces AS MATERIALIZED (SELECT ST_Subdivide(area.g, 2048) AS g FROM area, validity WHERE validity.valid),
   grids AS MATERIALIZED (
     SELECT DISTINCT ON (u.code) u.code, u.households, u.label_point
       FROM pieces p JOIN units u ON u.level = 'micro_grid' AND ST_Intersects(u.geom, p.g)),
   staff AS MATERIALIZED (
     SELECT count(*)::int AS workers, (count(*) FILTER (WHERE x.duty_status = 'on_duty'))::int AS workers_on_duty
       FROM (SELECT DISTINCT ON (w.id) w.duty_status FROM pieces p JOIN workers w ON ST_Intersects(w.last_position, p.g)) x)
   SELECT validity.valid, validity.reason,
          CASE WHEN validity.valid THEN ST_Area(ST_Transform(area.g, 6933)) END AS area_m2,
          (SELECT count(*) FROM grids)::int AS micro_grids,
          (SELECT coalesce(sum(h.households), 0)
             FROM (SELECT DISTINCT ON (g.code) g.households FROM grids g JOIN pieces p ON ST_Intersects(g.label_point, p.g)) h)::int AS households,
          staff.workers, staff.workers_on_duty,
          (SELECT count(DISTINCT c.id) FROM pieces p JOIN cameras c ON ST_Intersects(c.geom, p.g))::int AS cameras,
          (SELECT count(DISTINCT s.id) FROM pieces p JOIN sensors s ON ST_Intersects(s.geom, p.g))::int AS sensors
     FROM area, validity, staff`,
);
