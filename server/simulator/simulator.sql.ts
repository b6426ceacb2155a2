/** SQL of the simulator (city-simulator.ts). Runs as the system; every write is limited to generated rows. */
import { defineSql } from '../db/database.js';

/** Micro-grids with households and bounding boxes. Result: code, households, xmin, ymin, xmax, ymax. */
export const listMicroGridBoxes = defineSql(
  'simulator.list_micro_grid_boxes',
  `SELECT code, households, ST_XMin(geom) AS xmin, ST_YMin(geom) AS ymin, ST_XMax(geom) AS xmax, ST_YMax(geom) AS ymax
     FROM units WHERE level = 'micro_grid' ORDER BY code`,
);

/**
 * The first of the candidate points ($2 lon[], $3 lat[]) inside micro-grid $1, else a point on its surface.
 * Result: lon, lat. Index: units_pkey.
 */
export const pointInMicroGrid = defineSql(
  'simulator.point_in_micro_grid',
  `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
     SELECT coalesce(
       (SELECT ST_SetSRID(ST_MakePoint(c.x, c.y), 4326) FROM unnest($2::float8[], $3::float8[]) WITH ORDINALITY AS c(x, y, i)
         WHERE ST_Intersects(m.geom, ST_SetSRID(ST_MakePoint(c.x, c.y), 4326)) ORDER BY c.i LIMIT 1),
       ST_PointOnSurface(m.geom)) AS p
       FROM units m WHERE m.code = $1) q`,
);

/**
 * Up to $1 generated on-duty workers to keep moving, a stable choice (md5 of the code). Only generated
 * workers: the simulator never moves a real person. Result: code, role, micro_grid_code, lon, lat.
 */
export const listMovingWorkers = defineSql(
  'simulator.list_moving_workers',
  `SELECT code, role, home_unit_code AS micro_grid_code, ST_X(last_position) AS lon, ST_Y(last_position) AS lat
     FROM workers
    WHERE generated AND duty_status = 'on_duty' AND last_position IS NOT NULL
    ORDER BY md5(code) LIMIT $1`,
);

/** $1 worker codes. Result: code, generated, micro_grid_code, lon, lat (one row per existing worker). */
export const readWorkersForSimulation = defineSql(
  'simulator.read_workers',
  `SELECT code, generated, home_unit_code AS micro_grid_code, ST_X(last_position) AS lon, ST_Y(last_position) AS lat
     FROM workers WHERE code = ANY($1::text[])`,
);

/**
 * Write positions: $1 codes, $2 lon[], $3 lat[], $4 time. Generated workers only (the guard in SQL too).
 * Result: code of each row written. Index: workers_code_key.
 */
export const writeWorkerPositions = defineSql(
  'simulator.write_worker_positions',
  `UPDATE workers w SET last_position = ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326), last_position_at = $4
     FROM unnest($1::text[], $2::float8[], $3::float8[]) AS u(code, lon, lat)
    WHERE w.code = u.code AND w.generated
   RETURNING w.code`,
);

/**
 * Open generated incidents, least recently changed first, at most $1, and how long each has been in its
 * state at $2. Uses incidents_open_idx.
 */
export const listOpenGeneratedIncidents = defineSql(
  'simulator.list_open_generated_incidents',
  `SELECT id, state, offer_acknowledged, assigned_worker_code, source, micro_grid_code, street_code,
          extract(epoch FROM $2::timestamptz - updated_at)::float8 AS seconds_in_state
     FROM incidents
    WHERE generated AND merged_into IS NULL AND incident_is_open(state)
    ORDER BY updated_at, id
    LIMIT $1`,
);

/** $1 incident id: what recommendation needs. Result: id, lon, lat, category and the unit chain. */
export const readPlace = defineSql(
  'simulator.read_place',
  `SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat, category, micro_grid_code, grid_code, community_code, street_code
     FROM incidents WHERE id = $1`,
);
