/**
 * SQL of the review of camera import batches (camera-review.ts, migration 0034), in the reviewer's scope:
 * row-level security keeps both the staged rows and the live cameras within the jurisdiction.
 */
import { defineSql } from '../../db/database.js';

/**
 * Moves staged row ($1 batch, $2 line) to ($3 lon, $4 lat) and sets its micro-grid. Result: line, micro_grid_code.
 * Index: camera_import_rows_pkey; units_geom_idx through gridops_camera_import_micro_grid.
 */
export const moveRow = defineSql(
  'camera_review.move_row',
  `UPDATE camera_import_rows SET moved_geom = ST_SetSRID(ST_MakePoint($3, $4), 4326),
          micro_grid_code = gridops_camera_import_micro_grid(ST_SetSRID(ST_MakePoint($3, $4), 4326))
    WHERE batch_id = $1 AND line = $2 AND review_state = 'pending'
   RETURNING line, micro_grid_code`,
);

/**
 * Accepts the pending rows of batch $1 whose line is in $2 (NULL: any) and carry flag $3 (NULL: any), with
 * heading $4 when given (else the row's own); a row is accepted only when it can join the live layer: a
 * heading in [0, 360), its position in a micro-grid within the reviewer's jurisdiction. It is upserted into
 * cameras by code (a new camera is offline until its stream reports; an existing one is corrected) and
 * marked accepted. Result: line, code, micro_grid_code. Indexes: camera_import_rows_pkey /
 * camera_import_rows_flags_idx, cameras_code_key.
 */
export const acceptRows = defineSql(
  'camera_review.accept_rows',
  `WITH picked AS (
     SELECT r.batch_id, r.line, r.code, r.name, coalesce($4::float8, r.heading_deg) AS heading, r.fov_deg, r.range_m, r.stream_url,
            r.source_lon, r.source_lat, b.declared_crs, r.micro_grid_code,
            coalesce(r.moved_geom, CASE WHEN 'likely_gcj02' = ANY (r.flags) THEN r.gcj_geom END, r.geom) AS at
       FROM camera_import_rows r JOIN camera_import_batches b ON b.id = r.batch_id
      WHERE r.batch_id = $1 AND ($2::int[] IS NULL OR r.line = ANY ($2::int[])) AND ($3::text IS NULL OR r.flags @> ARRAY[$3::text])
        AND r.review_state = 'pending' AND r.micro_grid_code IS NOT NULL AND gridops_within_jurisdiction(r.micro_grid_code)
        AND coalesce($4::float8, r.heading_deg) >= 0 AND coalesce($4::float8, r.heading_deg) < 360
      ORDER BY r.line),
   -- One camera per code: the last line of the batch wins.
   latest AS (SELECT DISTINCT ON (code) * FROM picked ORDER BY code, line DESC),
   upserted AS (
     INSERT INTO cameras (id, code, name, geom, heading_deg, fov_deg, range_m, stream_url, online, source_crs, source_lon, source_lat,
                          micro_grid_code, generated)
     SELECT nextval('cameras_import_id_seq'), code, name, at, heading, fov_deg, range_m, stream_url, false,
            CASE declared_crs WHEN 'cgcs2000' THEN 'wgs84' ELSE declared_crs END, source_lon, source_lat, micro_grid_code, false
       FROM latest
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, geom = EXCLUDED.geom, heading_deg = EXCLUDED.heading_deg,
            fov_deg = EXCLUDED.fov_deg, range_m = EXCLUDED.range_m, stream_url = EXCLUDED.stream_url, source_crs = EXCLUDED.source_crs,
            source_lon = EXCLUDED.source_lon, source_lat = EXCLUDED.source_lat, micro_grid_code = EXCLUDED.micro_grid_code, generated = false
     RETURNING code)
   UPDATE camera_import_rows r SET review_state = 'accepted', camera_code = p.code,
          reviewed_by = nullif(current_setting('gridops.account_id', true), '')::integer, reviewed_at = $5
     FROM picked p
    WHERE r.batch_id = p.batch_id AND r.line = p.line AND EXISTS (SELECT 1 FROM upserted u WHERE u.code = p.code)
   RETURNING r.line, r.code, r.micro_grid_code`,
);

/**
 * Rejects the pending rows of batch $1 whose line is in $2 (NULL: any) and carry flag $3 (NULL: any); $4 at.
 * Result: line. Indexes: camera_import_rows_pkey / camera_import_rows_flags_idx.
 */
export const rejectRows = defineSql(
  'camera_review.reject_rows',
  `UPDATE camera_import_rows SET review_state = 'rejected',
          reviewed_by = nullif(current_setting('gridops.account_id', true), '')::integer, reviewed_at = $4
    WHERE batch_id = $1 AND ($2::int[] IS NULL OR line = ANY ($2::int[])) AND ($3::text IS NULL OR flags @> ARRAY[$3::text])
      AND review_state = 'pending'
   RETURNING line`,
);

/** One staged row ($1 batch, $2 line). Result: line, review_state, flags. Index: camera_import_rows_pkey. */
export const readRow = defineSql(
  'camera_review.read_row',
  `SELECT line, review_state, flags, micro_grid_code, heading_deg FROM camera_import_rows WHERE batch_id = $1 AND line = $2`,
);

/**
 * Snap to road (migration 0037): the nearest point of the nearest road within $3 metres of ($1 lon, $2 lat),
 * WGS84. Result: lon, lat, distance_m, road_class; no row when no road is that near. Index: road_edges_geom_idx.
 */
export const snapToRoad = defineSql(
  'camera_review.snap_to_road',
  `SELECT lon, lat, distance_m, road_class FROM gridops_snap_to_road(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3)`,
);
