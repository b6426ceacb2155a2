/** SQL of spatial queries over a drawn area; runs in the caller's scope (RLS). */
import { defineSql } from '../db/database.js';

/**
 * $1 GeoJSON geometry text. Result: valid, reason ("Self-intersection[lon lat]" when invalid, like
 * ST_IsValidReason) — PostGIS's authoritative validity check, computed once (ST_IsValidDetail in FROM), not
 * twice as ST_IsValid and ST_IsValidReason would: a 10,000-vertex area costs one GEOS validation.
 */
export const checkAreaValidity = defineSql(
  'spatial.check_area_validity',
  `SELECT d.valid, d.reason || coalesce('[' || ST_X(d.location) || ' ' || ST_Y(d.location) || ']', '') AS reason
     FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) a, LATERAL ST_IsValidDetail(a.g) d`,
);

/**
 * What lies in an area. $1 GeoJSON geometry text (valid, EPSG:4326). Bounded work whatever is drawn (issue 18):
 * the area is parsed once (a materialised CTE) and cut into pieces of at most 2,048 vertices (ST_Subdivide), and
 * each table is joined to the pieces through its GiST index (units' micro-grid partial index, workers, cameras,
 * sensors), so every predicate tests a candidate against one piece, prepared once per run of candidates. Testing
 * against the whole area instead costs PostGIS a comparison of the whole area's bytes on every call (to find
 * its cached preparation): 160 KB × thousands of candidates at 10,000 vertices, which made the embedded database
 * ~5× slower; smaller pieces make more duplicate candidates (256: 1.5× slower on PostgreSQL). Figures in
 * BENCHMARKS.md ("Request isolation"). A candidate touching several pieces counts once (DISTINCT ON its key). The
 * area in square metres is computed in EPSG:6933 (equal-area cylindrical on WGS 84): a geography cast fails on
 * a whole-globe polygon (antipodal edges) and measures the wrong side of one that spans more than a hemisphere.
 * Result: area_m2, micro_grids, households (of micro-grids whose label point is inside), workers,
 * workers_on_duty, cameras, sensors.
 */
export const summariseArea = defineSql(
  'spatial.summarise_area',
  `WITH area AS MATERIALIZED (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g),
   pieces AS MATERIALIZED (SELECT ST_Subdivide(area.g, 2048) AS g FROM area),
   grids AS MATERIALIZED (
     SELECT DISTINCT ON (u.code) u.code, u.households, u.label_point
       FROM pieces p JOIN units u ON u.level = 'micro_grid' AND ST_Intersects(u.geom, p.g)),
   staff AS MATERIALIZED (
     SELECT count(*)::int AS workers, (count(*) FILTER (WHERE x.duty_status = 'on_duty'))::int AS workers_on_duty
       FROM (SELECT DISTINCT ON (w.id) w.duty_status FROM pieces p JOIN workers w ON ST_Intersects(w.last_position, p.g)) x)
   SELECT ST_Area(ST_Transform(area.g, 6933)) AS area_m2,
          (SELECT count(*) FROM grids)::int AS micro_grids,
          (SELECT coalesce(sum(h.households), 0)
             FROM (SELECT DISTINCT ON (g.code) g.households FROM grids g JOIN pieces p ON ST_Intersects(g.label_point, p.g)) h)::int AS households,
          staff.workers, staff.workers_on_duty,
          (SELECT count(DISTINCT c.id) FROM pieces p JOIN cameras c ON ST_Intersects(c.geom, p.g))::int AS cameras,
          (SELECT count(DISTINCT s.id) FROM pieces p JOIN sensors s ON ST_Intersects(s.geom, p.g))::int AS sensors
     FROM area, staff`,
);
