/** SQL of the rollup watermark and the start-up rebuild of the rollups from the raw readings (rollup-recovery.ts). */
import { defineSql } from '../db/database.js';

/** The watermark (one row, migration 0047). Result: rollups_through. Primary key. */
export const readRollupWatermark = defineSql('iot.read_rollup_watermark', `SELECT rollups_through FROM iot_rollup_watermark`);

/** $1 time: every reading received before it is in the rollups; the watermark never moves back. No result. Primary key. */
export const writeRollupWatermark = defineSql(
  'iot.write_rollup_watermark',
  `INSERT INTO iot_rollup_watermark AS w (id, rollups_through) VALUES (true, $1)
   ON CONFLICT (id) DO UPDATE SET rollups_through = greatest(w.rollups_through, excluded.rollups_through)`,
);

/**
 * The hourly and five-minute rollups and latest values of every (sensor, UTC hour) that a reading received since
 * $1 falls in, computed again from the raw readings and written over what is there (the raw readings are
 * complete; the rollups missed what the buffer held). $2: the oldest observed time such a reading can have (the
 * watermark less the maximum reading age), so that only the partitions from that day on are read. Result: hours
 * (hourly cells rewritten), sensors (latest values written). Uses sensor_readings_received_brin to find the
 * touched cells, then one range of each partition's key (observed_at, sensor_code — migration 0053) from the first
 * touched hour to the last, kept to the touched cells by a hash semi-join: the work is the readings of the hours
 * since the watermark, not a descent per cell. Hours and buckets are UTC whatever the session's time zone (epoch
 * arithmetic, as rollup-buffer.ts).
 */
export const rebuildRollupsSince = defineSql(
  'iot.rebuild_rollups_since',
  `WITH touched AS (
     SELECT DISTINCT sensor_code, to_timestamp(floor(extract(epoch FROM observed_at) / 3600) * 3600) AS hour
       FROM sensor_readings WHERE received_at >= $1 AND observed_at >= $2
   ), span AS (
     SELECT min(hour) AS first_hour, max(hour) + interval '1 hour' AS end_hour FROM touched
   ), binned AS (
     SELECT r.sensor_code, to_timestamp(floor(extract(epoch FROM r.observed_at) / 300) * 300) AS bucket, count(*)::int AS readings,
            min(r.value) AS value_min, max(r.value) AS value_max, sum(r.value) AS value_sum
       FROM sensor_readings r, span
      WHERE r.observed_at >= span.first_hour AND r.observed_at < span.end_hour
        AND (r.sensor_code, to_timestamp(floor(extract(epoch FROM r.observed_at) / 3600) * 3600)) IN (SELECT sensor_code, hour FROM touched)
      GROUP BY 1, 2
   ), computed AS (
     SELECT sensor_code, to_timestamp(floor(extract(epoch FROM bucket) / 3600) * 3600) AS hour, sum(readings)::int AS readings,
            min(value_min) AS value_min, max(value_max) AS value_max, sum(value_sum) AS value_sum
       FROM binned GROUP BY 1, 2
   ), hourly AS (
     INSERT INTO sensor_readings_hourly AS h (sensor_code, hour, readings, value_min, value_max, value_sum)
     SELECT sensor_code, hour, readings, value_min, value_max, value_sum FROM computed
     ON CONFLICT (sensor_code, hour) DO UPDATE
       SET readings = excluded.readings, value_min = excluded.value_min, value_max = excluded.value_max, value_sum = excluded.value_sum
     RETURNING 1
   ), bins AS (
     INSERT INTO sensor_readings_5min AS b (bucket, sensor_code, readings, value_min, value_max, value_sum)
     SELECT bucket, sensor_code, readings, value_min, value_max, value_sum FROM binned
     ON CONFLICT (bucket, sensor_code) DO UPDATE
       SET readings = excluded.readings, value_min = excluded.value_min, value_max = excluded.value_max, value_sum = excluded.value_sum
   ), newest AS (
     SELECT DISTINCT ON (r.sensor_code) r.sensor_code, r.observed_at, r.value, r.battery, r.signal, r.received_at
       FROM sensor_readings r
      WHERE r.sensor_code IN (SELECT sensor_code FROM touched) AND r.observed_at >= $2
      ORDER BY r.sensor_code, r.observed_at DESC
   ), latest AS (
     INSERT INTO sensor_latest AS l (sensor_code, observed_at, value, battery, signal, last_seen_at, state_since)
     SELECT sensor_code, observed_at, value, battery, signal, received_at, received_at FROM newest
     ON CONFLICT (sensor_code) DO UPDATE
       SET observed_at = CASE WHEN l.observed_at IS NULL OR excluded.observed_at >= l.observed_at THEN excluded.observed_at ELSE l.observed_at END,
           value = CASE WHEN l.observed_at IS NULL OR excluded.observed_at >= l.observed_at THEN excluded.value ELSE l.value END,
           battery = coalesce(excluded.battery, l.battery),
           signal = coalesce(excluded.signal, l.signal),
           last_seen_at = greatest(l.last_seen_at, excluded.last_seen_at)
     RETURNING 1
   )
   SELECT (SELECT count(*) FROM hourly)::int AS hours, (SELECT count(*) FROM latest)::int AS sensors`,
);
