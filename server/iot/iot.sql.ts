/** SQL of the IoT ingest (server/iot/): the sensor directory, credentials, batched readings, partitions. */
import { defineSql } from '../db/database.js';

/**
 * Every sensor with what the ingest and the rules need (unscoped: the system's directory, read once at start and
 * on a credential change). Result: code, kind, measurement_unit, threshold, micro_grid_code, lon, lat, state,
 * state_since, alarm_rule, incident_id, last_seen_at, observed_at and value of the newest stored reading. Sequential
 * scan of sensors (20,000 rows) and sensor_latest.
 */
export const readSensorDirectory = defineSql(
  'iot.read_sensor_directory',
  `SELECT s.code, s.kind, s.measurement_unit, s.threshold, s.micro_grid_code, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat,
          l.state, l.state_since, l.alarm_rule, l.incident_id, l.last_seen_at, l.observed_at, l.value
     FROM sensors s LEFT JOIN sensor_latest l ON l.sensor_code = s.code
    ORDER BY s.code`,
);

/** $1 username: its active credential (unscoped, at MQTT CONNECT). Uses iot_credentials_active_username_idx. */
export const findActiveCredential = defineSql(
  'iot.find_active_credential',
  `SELECT id, kind, username, sensor_code, scope_code, secret_sha256 FROM iot_credentials WHERE username = $1 AND revoked_at IS NULL`,
);

/** $1 sensor code: the sensor as the caller sees it (RLS on sensors). Uses sensors_code_key. */
export const readSensorForCredential = defineSql('iot.read_sensor_for_credential', `SELECT code, micro_grid_code FROM sensors WHERE code = $1`);

/** $1 username, $2 time, $3 account: revoke its active credential (re-issue). Returns the revoked id. Uses iot_credentials_active_username_idx. */
export const revokeCredentialsOfUsername = defineSql(
  'iot.revoke_credentials_of_username',
  `UPDATE iot_credentials SET revoked_at = $2, revoked_by_account_id = $3 WHERE username = $1 AND revoked_at IS NULL RETURNING id`,
);

/** $1 kind, $2 username, $3 sensor code, $4 scope code, $5 secret SHA-256, $6 label, $7 time, $8 account. Returns the row (no hash). */
export const insertCredential = defineSql(
  'iot.insert_credential',
  `INSERT INTO iot_credentials (kind, username, sensor_code, scope_code, secret_sha256, label, created_at, created_by_account_id)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
   RETURNING id, kind, username, sensor_code, scope_code, label, created_at, revoked_at`,
);

/** $1 id, $2 time, $3 account: revoke one credential the caller can see (RLS). Returns the row. Uses the primary key. */
export const revokeCredential = defineSql(
  'iot.revoke_credential',
  `UPDATE iot_credentials SET revoked_at = $2, revoked_by_account_id = $3 WHERE id = $1 AND revoked_at IS NULL
   RETURNING id, kind, username, sensor_code, scope_code, label, created_at, revoked_at`,
);

/** The credentials the caller can see (RLS), newest first, at most $1. Sequential scan (a few thousand rows at most). */
export const listCredentials = defineSql(
  'iot.list_credentials',
  `SELECT id, kind, username, sensor_code, scope_code, label, created_at, revoked_at FROM iot_credentials ORDER BY id DESC LIMIT $1`,
);

/**
 * One batch in one statement: readings ($1 codes, $2 observed times, $3 values, $4 battery, $5 signal, arrays of
 * one length) into their daily partitions — a reading already stored (same sensor and time: a re-delivered QoS 1
 * message) is skipped — and the last-seen time of the sensors only seen ($7 codes, $8 times: heartbeats, status).
 * $6 the receive time. The hourly rollups and latest values follow in flushRollups (rollup-buffer.ts). Result: the
 * readings actually inserted (sensor_code, observed_ms: epoch milliseconds, cheaper to pass back than a timestamp),
 * for the rollups and the rules. Uses the primary keys of sensor_readings' partitions — (observed_at, sensor_code),
 * migration 0053: a batch's readings land at the right edge, so the cost stays flat as the day's partition grows —
 * and sensor_latest.
 */
export const insertReadingBatch = defineSql(
  'iot.insert_reading_batch',
  `WITH inserted AS (
     INSERT INTO sensor_readings (sensor_code, observed_at, value, battery, signal, received_at)
     SELECT sensor_code, observed_at, value, battery, signal, $6
       FROM unnest($1::text[], $2::timestamptz[], $3::float8[], $4::real[], $5::real[]) AS t(sensor_code, observed_at, value, battery, signal)
     ON CONFLICT DO NOTHING
     RETURNING sensor_code, observed_at
   ), seen AS (
     INSERT INTO sensor_latest AS l (sensor_code, last_seen_at, state_since)
     SELECT sensor_code, max(at), $6 FROM unnest($7::text[], $8::timestamptz[]) AS s(sensor_code, at) GROUP BY 1
     ON CONFLICT (sensor_code) DO UPDATE SET last_seen_at = greatest(l.last_seen_at, excluded.last_seen_at)
   )
   SELECT sensor_code, (extract(epoch FROM observed_at) * 1000)::float8 AS observed_ms FROM inserted`,
);

/**
 * The merged rollups and latest values of the readings stored since the last flush (rollup-buffer.ts):
 * $1..$6 per (sensor, UTC hour): codes, hours, readings, min, max, sum — added to the row already there;
 * $7..$12 per sensor: codes, observed time, value, battery, signal, receive time of its newest reading — kept
 * only when newer than the one stored; $13..$18 per (sensor, five minutes) as $1..$6. No result. Uses the primary
 * keys of sensor_readings_hourly, sensor_latest and sensor_readings_5min (bucket first: the flush's cells are the
 * last minutes', at the key's right edge).
 */
export const flushRollups = defineSql(
  'iot.flush_rollups',
  `WITH hourly AS (
     INSERT INTO sensor_readings_hourly AS h (sensor_code, hour, readings, value_min, value_max, value_sum)
     SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::int[], $4::float8[], $5::float8[], $6::float8[])
     ON CONFLICT (sensor_code, hour) DO UPDATE
       SET readings = h.readings + excluded.readings, value_min = least(h.value_min, excluded.value_min),
           value_max = greatest(h.value_max, excluded.value_max), value_sum = h.value_sum + excluded.value_sum
   ), bins AS (
     INSERT INTO sensor_readings_5min AS b (sensor_code, bucket, readings, value_min, value_max, value_sum)
     SELECT * FROM unnest($13::text[], $14::timestamptz[], $15::int[], $16::float8[], $17::float8[], $18::float8[])
     ON CONFLICT (bucket, sensor_code) DO UPDATE
       SET readings = b.readings + excluded.readings, value_min = least(b.value_min, excluded.value_min),
           value_max = greatest(b.value_max, excluded.value_max), value_sum = b.value_sum + excluded.value_sum
   )
   INSERT INTO sensor_latest AS l (sensor_code, observed_at, value, battery, signal, last_seen_at, state_since)
   SELECT sensor_code, observed_at, value, battery, signal, received_at, received_at
     FROM unnest($7::text[], $8::timestamptz[], $9::float8[], $10::real[], $11::real[], $12::timestamptz[])
          AS t(sensor_code, observed_at, value, battery, signal, received_at)
   ON CONFLICT (sensor_code) DO UPDATE
     SET observed_at = CASE WHEN l.observed_at IS NULL OR excluded.observed_at >= l.observed_at THEN excluded.observed_at ELSE l.observed_at END,
         value = CASE WHEN l.observed_at IS NULL OR excluded.observed_at >= l.observed_at THEN excluded.value ELSE l.value END,
         battery = coalesce(excluded.battery, l.battery),
         signal = coalesce(excluded.signal, l.signal),
         last_seen_at = greatest(l.last_seen_at, excluded.last_seen_at)`,
);

/** $1 first day, $2 number of days: create the missing daily partitions. Returns how many were created. */
export const ensurePartitions = defineSql('iot.ensure_partitions', `SELECT gridops_iot_ensure_partitions($1::date, $2::int) AS created`);

/** $1 first day kept: drop the daily partitions before it. Returns their names. */
export const dropPartitions = defineSql('iot.drop_partitions', `SELECT gridops_iot_drop_partitions($1::date) AS dropped`);

/** The daily partitions that exist, oldest first (pg_inherits). */
export const listPartitions = defineSql(
  'iot.list_partitions',
  `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'sensor_readings'::regclass ORDER BY c.relname`,
);

/**
 * $1 sensor, $2 state, $3 since, $4 alarm rule, $5 incident (null keeps the one recorded), $6 last seen: the
 * rule state of a sensor, for the map and the next start. Uses sensor_latest_pkey.
 */
export const writeSensorState = defineSql(
  'iot.write_sensor_state',
  `INSERT INTO sensor_latest AS l (sensor_code, last_seen_at, state, state_since, alarm_rule, incident_id)
   VALUES ($1, $6, $2, $3, $4, $5)
   ON CONFLICT (sensor_code) DO UPDATE
     SET state = excluded.state, state_since = excluded.state_since, alarm_rule = excluded.alarm_rule,
         incident_id = coalesce(excluded.incident_id, l.incident_id), last_seen_at = greatest(l.last_seen_at, excluded.last_seen_at)`,
);

/** Every per-sensor rule override (unscoped, at start and after a change). Sequential scan (few rows). */
export const readRuleOverrides = defineSql('iot.read_rule_overrides', `SELECT sensor_code, rules FROM sensor_rule_overrides`);

/** $1 incident: its state, for the recovery's timeline entry (system, unscoped). Uses incidents_pkey. */
export const readIncidentStateForRecovery = defineSql('iot.read_incident_state', `SELECT state, micro_grid_code FROM incidents WHERE id = $1`);
