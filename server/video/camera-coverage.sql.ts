/**
 * SQL of the covering cameras (camera-coverage.ts). Runs in the caller's scope: cameras outside the
 * jurisdiction are not there (row-level security, migration 0004).
 */
import { defineSql } from '../db/database.js';

/**
 * The cameras that cover the point ($1 lon, $2 lat): those whose field of view (cameras.fov, migration 0017)
 * contains it; then, to fill up to $3, the nearest others within $4 metres ("may not see it").
 * Covering ones first, each group online first, then by distance on the sphere, then code.
 * Result: code, name, online, ptz, preset_headings, heading_deg, fov_deg, range_m, has_stream, lon, lat,
 * distance_m, covers, generated.
 * Indexes: cameras_fov_idx (the && prefilter of the containment test, GiST; ST_Intersects and && are
 * LEAKPROOF, migration 0006, so they keep the index under RLS); cameras_geom_idx for the nearest ones by
 * the KNN operator (4 × $3 candidates re-sorted by the true distance, as whats_here.list_nearest_cameras).
 */
export const listCoveringCameras = defineSql(
  'video.list_covering_cameras',
  `WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g),
        covering AS (SELECT c.id FROM cameras c, pt WHERE c.fov && pt.g AND ST_Intersects(c.fov, pt.g)),
        nearest AS (SELECT c.id FROM cameras c, pt ORDER BY c.geom <-> pt.g LIMIT $3 * 4),
        candidates AS (
          SELECT c.*, (c.id IN (SELECT id FROM covering)) AS covers,
                 ST_Distance(c.geom::geography, pt.g::geography, false) AS distance_m
            FROM cameras c, pt
           WHERE c.id IN (SELECT id FROM covering UNION SELECT id FROM nearest))
   SELECT code, name, online, ptz, preset_headings, heading_deg, fov_deg, range_m, (stream_url IS NOT NULL) AS has_stream,
          ST_X(geom) AS lon, ST_Y(geom) AS lat, distance_m, covers, generated
     FROM candidates
    WHERE covers OR distance_m <= $4
    ORDER BY covers DESC, online DESC, distance_m, code
    LIMIT $3`,
);

/**
 * The location of an incident the caller may see ($1 id). Result: lon, lat. Index: incidents_pkey
 * (row-level security on incidents decides visibility).
 */
export const readIncidentPoint = defineSql(
  'video.read_incident_point',
  `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM incidents WHERE id = $1`,
);

/**
 * One camera the caller may see, by code ($1). Result: code, name, online, stream_url. Index:
 * cameras_code_key. Row-level security decides: another jurisdiction's camera is simply absent.
 */
export const readVisibleCamera = defineSql(
  'video.read_visible_camera',
  `SELECT code, name, online, stream_url FROM cameras WHERE code = $1`,
);
