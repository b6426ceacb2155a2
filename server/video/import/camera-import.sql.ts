/**
 * SQL of camera import batches (camera-import-service.ts, migration 0033). Everything runs in the importer's
 * scope: row-level security on camera_import_batches / camera_import_rows keeps batches within jurisdictions.
 */
import { defineSql } from '../../db/database.js';

/**
 * A new batch: $1 file name, $2 declared CRS, $3 jurisdiction code, $4 account id, $5 created at,
 * $6 row errors (jsonb), $7 rows refused. Result: id.
 */
export const insertBatch = defineSql(
  'camera_import.insert_batch',
  `INSERT INTO camera_import_batches (file_name, declared_crs, jurisdiction_code, created_by, created_at, row_errors, rows_refused)
   VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING id`,
);

/**
 * Stages rows of batch $1 (jurisdiction $2) from parallel arrays: $3 lines, $4 codes, $5 names, $6/$7 source
 * lon/lat, $8/$9 WGS84 lon/lat, $10/$11 GCJ-02 reading lon/lat (NULL where none), $12 headings (NULL where
 * missing), $13 fov, $14 range, $15 stream urls. No index is read; primary key (batch_id, line).
 */
export const stageRows = defineSql(
  'camera_import.stage_rows',
  `INSERT INTO camera_import_rows (batch_id, line, jurisdiction_code, code, name, source_lon, source_lat, geom, gcj_geom,
                                   heading_deg, fov_deg, range_m, stream_url)
   SELECT $1, r.line, $2, r.code, r.name, r.slon, r.slat, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326),
          CASE WHEN r.glon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(r.glon, r.glat), 4326) END,
          r.heading, r.fov, r.range, r.stream
     FROM unnest($3::int[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::float8[], $9::float8[],
                 $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::float8[], $15::text[])
          AS r(line, code, name, slon, slat, lon, lat, glon, glat, heading, fov, range, stream)`,
);

/** $1 batch id, $2 rows staged. Result: none. Index: camera_import_batches_pkey. */
export const setRowsStaged = defineSql('camera_import.set_rows_staged', `UPDATE camera_import_batches SET rows_staged = $2 WHERE id = $1`);

/**
 * Runs the QA of batch $1 (SQL function gridops_camera_import_qa, migration 0033: flags every staged row).
 * Indexes: road_edges_geom_idx, osm_water_geom_idx, units_geom_idx, camera_import_rows_code_idx / _name_idx.
 */
export const runQa = defineSql('camera_import.run_qa', `SELECT gridops_camera_import_qa($1)`);

/**
 * A batch's summary ($1 id): the batch row and per-flag counts. Result: one row or none (not in scope).
 * Indexes: camera_import_batches_pkey, camera_import_rows_pkey (the batch's rows).
 */
export const readBatchSummary = defineSql(
  'camera_import.read_batch_summary',
  `SELECT b.id, b.file_name, b.declared_crs, b.jurisdiction_code, b.created_at, b.rows_staged, b.rows_refused, b.row_errors,
          b.on_road_share_given, b.on_road_share_gcj02, b.likely_gcj02,
          (SELECT coalesce(jsonb_object_agg(f, n), '{}') FROM (
             SELECT f, count(*)::int AS n FROM camera_import_rows r, unnest(r.flags) f WHERE r.batch_id = b.id GROUP BY f) c) AS flag_counts,
          (SELECT coalesce(jsonb_object_agg(f, n), '{}') FROM (
             SELECT f, count(*)::int AS n FROM camera_import_rows r, unnest(r.flags) f
              WHERE r.batch_id = b.id AND r.review_state = 'pending' GROUP BY f) c) AS pending_flag_counts,
          (SELECT coalesce(jsonb_object_agg(review_state, n), '{}') FROM (
             SELECT review_state, count(*)::int AS n FROM camera_import_rows r
              WHERE r.batch_id = b.id AND r.flags <> '{}' GROUP BY review_state) c) AS flagged_by_state,
          (SELECT count(*)::int FROM camera_import_rows r WHERE r.batch_id = b.id AND r.flags = '{}') AS clean_rows
     FROM camera_import_batches b WHERE b.id = $1`,
);

/**
 * A page of a batch's flagged rows: $1 batch id, $2 flag (NULL: any flag), $3 after line, $4 limit, $5 review
 * state (NULL: any). Result: line, code, name, lon, lat, gcj_lon, gcj_lat, moved_lon, moved_lat, heading_deg,
 * flags, review_state, camera_code, road_m_given, road_m_gcj02 (metres to the nearest road as given and read as
 * GCJ-02, capped at 12: migration 0038). Keyset on line.
 * Indexes: camera_import_rows_pkey; camera_import_rows_flags_idx when $2 is given.
 */
export const listFlaggedRows = defineSql(
  'camera_import.list_flagged_rows',
  `SELECT line, code, name, ST_X(geom) AS lon, ST_Y(geom) AS lat, ST_X(gcj_geom) AS gcj_lon, ST_Y(gcj_geom) AS gcj_lat,
          ST_X(moved_geom) AS moved_lon, ST_Y(moved_geom) AS moved_lat, heading_deg, flags, review_state, camera_code,
          road_m_given, road_m_gcj02
     FROM camera_import_rows
    WHERE batch_id = $1 AND flags <> '{}' AND ($2::text IS NULL OR flags @> ARRAY[$2::text]) AND line > $3
      AND ($5::text IS NULL OR review_state = $5)
    ORDER BY line LIMIT $4`,
);
