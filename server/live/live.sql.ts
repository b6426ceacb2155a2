/**
 * SQL of the live channel. Two kinds:
 * - system reads after a domain event (`live.incident_summary`, `live.worker_profile`): run unscoped, once per event
 *   for all clients; the hub then filters each item per client by the same rules as row-level security.
 * - snapshots (`live.snapshot_*`): run in the client's scope (Database.queryInScope), so RLS decides what they hold.
 * Timestamps come back as Date (both drivers) and are turned into ISO strings in live-rows.ts.
 */
import { defineSql } from '../db/database.js';

const INCIDENT_COLUMNS = `i.id, i.number, i.state, i.grade, i.category, i.source, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat,
          i.micro_grid_code, i.community_code, i.street_code, i.district_code, i.assigned_worker_code,
          i.escalation_level, i.overdue, i.deadline_at, i.reported_at, i.generated`;

/** $1 incident id. Result: one LiveIncident row (any state). Uses incidents_pkey. */
export const readIncidentSummary = defineSql('live.incident_summary', `SELECT ${INCIDENT_COLUMNS} FROM incidents i WHERE i.id = $1`);

/**
 * In the caller's scope. $1 worker code of a field worker (only their assigned cases) or NULL, $2 cap.
 * Result: open incidents (every state but closed and rejected), overdue first, then by grade (red first), newest
 * first, plus `total` (the number before the cap). Uses incidents_open_idx (partial, open states).
 */
export const snapshotIncidents = defineSql(
  'live.snapshot_incidents',
  `SELECT ${INCIDENT_COLUMNS}, count(*) OVER () AS total
     FROM incidents i
    WHERE incident_is_open(i.state)
      AND ($1::text IS NULL OR i.assigned_worker_code = $1::text)
    ORDER BY i.overdue DESC, CASE i.grade WHEN 'red' THEN 0 WHEN 'orange' THEN 1 WHEN 'yellow' THEN 2 ELSE 3 END,
             i.reported_at DESC, i.id DESC
    LIMIT $2`,
);

const WORKER_COLUMNS = `w.code, w.name, w.role, w.home_unit_code, w.duty_status, ST_X(w.last_position) AS lon, ST_Y(w.last_position) AS lat,
          w.last_position_at,
          (w.duty_status = 'busy' OR EXISTS (SELECT 1 FROM incidents i
                                              WHERE i.assigned_worker_code = w.code AND i.state IN ('dispatched', 'on_scene'))) AS busy`;

/**
 * $1 worker code. Result: the worker's name, role, home unit, duty and last position, read once per worker and
 * cached by the channel. Uses workers_code_key (and incidents_worker_idx for busy).
 */
export const readWorkerProfile = defineSql('live.worker_profile', `SELECT ${WORKER_COLUMNS} FROM workers w WHERE w.code = $1`);

/**
 * In the caller's scope. $1 worker code of a field worker (only themselves) or NULL, $2–$5 bbox west, south, east,
 * north (NULL = no bbox), $6 cap. Result: workers not off duty with a known position inside the bbox, freshest
 * position first, plus `total`. Uses workers_position_idx (GiST, && with the envelope).
 */
export const snapshotWorkers = defineSql(
  'live.snapshot_workers',
  `SELECT ${WORKER_COLUMNS}, count(*) OVER () AS total
     FROM workers w
    WHERE w.duty_status <> 'off_duty' AND w.last_position IS NOT NULL
      AND ($1::text IS NULL OR w.code = $1::text)
      AND w.last_position && ST_MakeEnvelope(coalesce($2::float8, -180), coalesce($3::float8, -90),
                                             coalesce($4::float8, 180), coalesce($5::float8, 90), 4326)
    ORDER BY w.last_position_at DESC NULLS LAST, w.code
    LIMIT $6`,
);

/**
 * In the caller's scope. $1 cap. Result: the sensors not in the normal state (alarm, offline) with their latest
 * value, plus `total`. RLS of sensors and sensor_latest decides. Uses sensor_latest_state_idx, then sensors_code_key.
 */
export const snapshotSensors = defineSql(
  'live.snapshot_sensors',
  `SELECT s.code, s.kind, l.state, l.state_since, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.micro_grid_code,
          l.alarm_rule, l.value, l.incident_id, count(*) OVER () AS total
     FROM sensor_latest l JOIN sensors s ON s.code = l.sensor_code
    WHERE l.state <> 'normal'
    ORDER BY l.state_since DESC
    LIMIT $1`,
);
