/** SQL of the sensor detail (GET /api/iot/sensors/:code) and the per-sensor rule override; all in the caller's scope (RLS). */
import { defineSql } from '../db/database.js';

/** $1 code: the sensor, its latest value and rule state, its override. Uses sensors_code_key and the primary keys. */
export const readSensorDetail = defineSql(
  'iot.read_sensor_detail',
  `SELECT s.code, s.kind, s.measurement_unit, s.threshold, s.online, s.micro_grid_code, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat,
          u.name AS micro_grid_name, l.observed_at, l.value, l.battery, l.signal, l.last_seen_at, l.state, l.state_since,
          l.alarm_rule, l.incident_id, o.rules AS override
     FROM sensors s
     LEFT JOIN units u ON u.code = s.micro_grid_code
     LEFT JOIN sensor_latest l ON l.sensor_code = s.code
     LEFT JOIN sensor_rule_overrides o ON o.sensor_code = s.code
    WHERE s.code = $1`,
);

/**
 * $1 code, $2 from, $3 to: the sensor's five-minute rollups (at most 288 for a day) whose bucket starts in
 * [the bucket of $2, $3): bucket start, min, mean, max, readings. Written by the ingest's rollup flush (every
 * IOT_ROLLUP_FLUSH_MS), so the newest seconds show after it. One descent of sensor_readings_5min's key
 * (bucket, sensor_code) per bucket (the = ANY of the generated buckets), never a scan of the day's rollups; the
 * range keeps it to the two days' partitions.
 */
export const readSensorSeries = defineSql(
  'iot.read_sensor_series',
  `SELECT b.bucket AS at, b.value_min AS min, b.value_sum / b.readings AS mean, b.value_max AS max, b.readings
     FROM sensor_readings_5min b
    WHERE b.sensor_code = $1
      AND b.bucket >= date_bin('5 minutes', $2::timestamptz, TIMESTAMPTZ '2000-01-01 00:00:00+00') AND b.bucket < $3
      AND b.bucket = ANY (ARRAY(SELECT generate_series(date_bin('5 minutes', $2::timestamptz, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
                                                       $3::timestamptz - interval '1 microsecond', interval '5 minutes')))
    ORDER BY 1`,
);

/** $1 code, $2 cap: the incidents the sensor raised, newest first. Uses incidents_open_device_idx for open ones, else a scan of the device's rows. */
export const readSensorAlarms = defineSql(
  'iot.read_sensor_alarms',
  `SELECT i.id, i.number, i.state, i.grade, i.category, i.reported_at,
          (SELECT count(*)::int FROM incident_reports r WHERE r.incident_id = i.id) AS reports
     FROM incidents i
    WHERE i.device_code = $1
    ORDER BY i.reported_at DESC, i.id DESC
    LIMIT $2`,
);

/** $1 code, $2 rules jsonb, $3 time, $4 account: set the override. Returns the previous rules. Uses sensor_rule_overrides_pkey. */
export const upsertRuleOverride = defineSql(
  'iot.upsert_rule_override',
  `WITH previous AS (SELECT rules FROM sensor_rule_overrides WHERE sensor_code = $1)
   INSERT INTO sensor_rule_overrides (sensor_code, rules, updated_at, updated_by_account_id) VALUES ($1, $2::jsonb, $3, $4)
   ON CONFLICT (sensor_code) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at, updated_by_account_id = excluded.updated_by_account_id
   RETURNING (SELECT rules FROM previous) AS previous`,
);

/** $1 code: remove the override. Returns the removed rules. */
export const deleteRuleOverride = defineSql(
  'iot.delete_rule_override',
  `DELETE FROM sensor_rule_overrides WHERE sensor_code = $1 RETURNING rules AS previous`,
);
