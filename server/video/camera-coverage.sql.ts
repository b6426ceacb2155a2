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
 * The work is the SQL function gridops_covering_cameras (migration 0017), whose plan is cached per session:
 * cameras_fov_idx for the containment (&& then ST_Intersects, LEAKPROOF so the index holds under RLS) and
 * cameras_geom_idx for the nearest by the KNN operator (4 × $3 candidates re-sorted by the true distance).
 */
export const listCoveringCameras = defineSql(
  'video.list_covering_cameras',
  `SELECT code, name, online, ptz, preset_headings, heading_deg, fov_deg, range_m, has_stream, lon, lat, distance_m, covers, generated
     FROM gridops_covering_cameras($1, $2, $3, $4)`,
);

/**
 * The location of an incident the caller may see ($1 id), the camera that raised it (a video-AI alarm) and
 * the newest video-AI snapshot among its photos. Result: lon, lat, source, device_code, snapshot_id.
 * Index: incidents_pkey, incident_photos_incident_idx (row-level security on both decides visibility).
 */
export const readIncidentPoint = defineSql(
  'video.read_incident_point',
  `SELECT ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, i.source, i.device_code,
          (SELECT p.id FROM incident_photos p WHERE p.incident_id = i.id AND p.purpose = 'video_ai_snapshot'
            ORDER BY p.id DESC LIMIT 1) AS snapshot_id
     FROM incidents i WHERE i.id = $1`,
);

/**
 * One camera the caller may see, by code ($1). Result: code, name, online, stream_url. Index:
 * cameras_code_key. Row-level security decides: another jurisdiction's camera is simply absent.
 */
export const readVisibleCamera = defineSql('video.read_visible_camera', `SELECT code, name, online, stream_url FROM cameras WHERE code = $1`);
