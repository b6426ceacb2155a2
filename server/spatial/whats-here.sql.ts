/**
 * SQL of "what's here" (GET /api/whats-here): what lies around a clicked point. Runs in the caller's
 * scope (row-level security): cameras and incidents outside the jurisdiction are simply not there.
 * The micro-grid chain and its responsible workers come from units.locate_micro_grid.
 */
import { defineSql } from '../db/database.js';

/**
 * The $3 cameras nearest to ($1, $2) by straight line, with their distance in metres (on the sphere).
 * The index orders by planar degrees, which at Nanjing's latitude squeezes east–west distances by ~15 %;
 * so it takes 4 × $3 candidates and re-sorts them by the true distance. The point is a constant expression,
 * not a CTE's column: ordering by the distance to a joined CTE made the planner sort every camera (a
 * sequential scan, ~230 ms at the city's 15,000 on a busy machine; issue 21).
 * Result: code, name, online, heading_deg, fov_deg, range_m, has_stream, source_crs, lon, lat, distance_m,
 * generated. Uses cameras_geom_idx through the KNN operator (<->), then the exact distance.
 */
export const listNearestCameras = defineSql(
  'whats_here.list_nearest_cameras',
  `SELECT c.code, c.name, c.online, c.heading_deg, c.fov_deg, c.range_m, (c.stream_url IS NOT NULL) AS has_stream,
          c.source_crs, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat,
          ST_Distance(c.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, false) AS distance_m, c.generated
     FROM (SELECT c.* FROM cameras c ORDER BY c.geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT $3 * 4) c
    ORDER BY distance_m, c.code
    LIMIT $3`,
);

/**
 * Incidents within $3 metres of ($1, $2) reported in the $4 days before $5, nearest first, at most $6.
 * Merged duplicates are left out (their case is listed). Result: id, number, category, grade, state,
 * reported_at, closed_at, distance_m, generated. Uses incidents_geom_idx (the && prefilter: $3 metres
 * generously converted to degrees), then the exact distance on the sphere.
 */
export const listRecentIncidentsNear = defineSql(
  'whats_here.list_recent_incidents_near',
  `WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g)
   SELECT i.id, i.number, i.category, i.grade, i.state, i.reported_at, i.closed_at, i.generated,
          ST_Distance(i.geom::geography, pt.g::geography, false) AS distance_m
     FROM incidents i, pt
    WHERE i.geom && ST_Expand(pt.g, $3 / 80000.0)
      AND ST_DWithin(i.geom::geography, pt.g::geography, $3, false)
      AND i.reported_at >= $5::timestamptz - make_interval(days => $4)
      AND i.reported_at <= $5::timestamptz
      AND i.merged_into IS NULL
    ORDER BY distance_m, i.reported_at DESC, i.id
    LIMIT $6`,
);
