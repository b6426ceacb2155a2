/** SQL of system alarms (video AI, IoT): the device that raised one, and the open incident it repeats. */
import { defineSql } from '../db/database.js';

/** $1 camera code: where it is (WGS84). Visible only inside the caller's jurisdiction (RLS). Uses cameras_code_key. */
export const readCameraForAlarm = defineSql(
  'alarms.read_camera',
  `SELECT code, 'camera' AS kind, ST_X(geom) AS lon, ST_Y(geom) AS lat, micro_grid_code, online FROM cameras WHERE code = $1`,
);

/** $1 sensor code: its kind and where it is (WGS84). Visible only inside the caller's jurisdiction (RLS). Uses sensors_code_key. */
export const readSensorForAlarm = defineSql(
  'alarms.read_sensor',
  `SELECT code, kind, ST_X(geom) AS lon, ST_Y(geom) AS lat, micro_grid_code, online FROM sensors WHERE code = $1`,
);

/**
 * The open incident that device $1 raised in category $2 and reported again within the 30 minutes before $3:
 * a repeated alarm attaches to it instead of opening a new case. Locked, so two repeats do not both open one.
 * Uses incidents_open_device_idx, then incident_reports_incident_idx.
 */
export const findOpenAlarmIncident = defineSql(
  'alarms.find_open_incident',
  `SELECT i.id, i.number, i.state, i.grade, i.micro_grid_code
     FROM incidents i
    WHERE i.device_code = $1 AND i.category = $2 AND incident_is_open(i.state) AND i.merged_into IS NULL
      AND EXISTS (SELECT 1 FROM incident_reports r
                   WHERE r.incident_id = i.id AND r.external_id = $1
                     AND r.received_at > $3::timestamptz - interval '30 minutes' AND r.received_at <= $3::timestamptz)
    ORDER BY i.id DESC
    LIMIT 1
    FOR UPDATE OF i`,
);

/** Incident $1 was raised by device $2. */
export const setIncidentDevice = defineSql('alarms.set_incident_device', `UPDATE incidents SET device_code = $2 WHERE id = $1`);

/** Serialise alarms of one device ($1, hashed to a transaction lock), so that repeats arriving together open one case. */
export const lockDevice = defineSql('alarms.lock_device', `SELECT true AS locked FROM (SELECT pg_advisory_xact_lock(7243007, hashtext($1))) l`);
