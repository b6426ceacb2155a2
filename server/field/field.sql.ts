/** SQL of the field app (server/field): the calling worker's own row, case, history, position and duty. */
import { defineSql } from '../db/database.js';

/**
 * $1 worker code: the worker's profile and last position. Result: code, name, role, home_unit_code,
 * duty_status, lon, lat, last_position_at. Uses workers_code_key; RLS (workers_scoped) limits it to the
 * caller's jurisdiction, which holds the worker's own home unit.
 */
export const readFieldWorker = defineSql(
  'field.read_worker',
  `SELECT code, name, role, home_unit_code, duty_status, ST_X(last_position) AS lon, ST_Y(last_position) AS lat, last_position_at
     FROM workers WHERE code = $1`,
);

/**
 * $1 worker code: the case the worker is booked on (dispatched = an offer, acknowledged or not; on_scene).
 * At most one (incidents_one_active_case_per_worker). Result: the case's public fields for the phone, its
 * point and the acknowledge/arrive deadline. Uses incidents_worker_idx; RLS (incidents_scoped) lets a worker
 * see a case assigned to them.
 */
export const readCurrentCase = defineSql(
  'field.read_current_case',
  `SELECT i.id, i.number, i.state, i.grade, i.category, c.name_zh AS category_zh, c.name_en AS category_en, i.description,
          i.address, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, i.offer_acknowledged, i.deadline_stage, i.deadline_at,
          i.reported_at, i.micro_grid_code, u.name AS micro_grid_name
     FROM incidents i
     JOIN incident_categories c ON c.code = i.category
     LEFT JOIN units u ON u.code = i.micro_grid_code
    WHERE i.assigned_worker_code = $1 AND i.state IN ('dispatched', 'on_scene')
    LIMIT 1`,
);

/**
 * $1 worker code, $2 limit: cases the worker handled or holds, newest change first. Result: id, number,
 * state, grade, category names, address, reported_at, updated_at, resolved (by this worker). Uses
 * incidents_worker_idx (the assigned worker stays on a resolved and closed case).
 */
export const listFieldHistory = defineSql(
  'field.list_history',
  `SELECT i.id, i.number, i.state, i.grade, i.category, c.name_zh AS category_zh, c.name_en AS category_en, i.address,
          i.reported_at, i.updated_at, (i.resolved_by_worker_code = $1) AS resolved_by_me
     FROM incidents i
     JOIN incident_categories c ON c.code = i.category
    WHERE i.assigned_worker_code = $1
    ORDER BY i.updated_at DESC, i.id DESC
    LIMIT $2`,
);

/**
 * $1 worker code, $2 lon, $3 lat (WGS84), $4 the server's time of the fix: the worker's own position
 * (policy workers_self_update). Result: the micro-grid the point lies in when the caller can see it (else the
 * worker's home unit) and the duty status. Uses workers_code_key and units_geom_idx.
 */
export const updateWorkerPosition = defineSql(
  'field.update_position',
  `WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4326) AS g)
   UPDATE workers w SET last_position = pt.g, last_position_at = $4
     FROM pt
    WHERE w.code = $1
   RETURNING coalesce((SELECT u.code FROM units u WHERE u.level = 'micro_grid' AND ST_Intersects(u.geom, pt.g) LIMIT 1), w.home_unit_code)
             AS micro_grid_code, w.duty_status`,
);

/** $1 worker code, $2 'on_duty' | 'off_duty': the worker's duty (policy workers_self_update). Result: home unit. */
export const updateWorkerDuty = defineSql(
  'field.update_duty',
  `UPDATE workers SET duty_status = $2 WHERE code = $1 RETURNING home_unit_code, duty_status`,
);

/**
 * $1 incident id, $2 lon, $3 lat: the metres on the ground between the point and the case (geography).
 * Empty when the caller cannot see the case. Uses incidents_pkey.
 */
export const distanceToCase = defineSql(
  'field.distance_to_case',
  `SELECT ST_Distance(i.geom::geography, ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4326)::geography) AS metres,
          i.state, i.assigned_worker_code
     FROM incidents i WHERE i.id = $1`,
);

/**
 * $1 incident id, $2 worker code: metres on the ground from the worker's last reported position to the case
 * (NULL when no position is known). Empty when the caller cannot see the case. Uses incidents_pkey and
 * workers_code_key.
 */
export const distanceFromLastPosition = defineSql(
  'field.distance_from_last_position',
  `SELECT ST_Distance(i.geom::geography, w.last_position::geography) AS metres
     FROM incidents i LEFT JOIN workers w ON w.code = $2
    WHERE i.id = $1`,
);
