/**
 * measure-iot.ts --prefill N: the day's partition made "used" before the bench, reproducibly. N readings of the
 * city's sensors, one round of all of them per step of observed time, dated from the start of the UTC day that the
 * bench's load writes into up to 31 minutes ago (the load's readings are dated 30 minutes ago and later, so none of
 * them collides with a prefilled one), inserted in that order (as a day's ingest appends them), in chunks. Their
 * hourly and five-minute rollups are added and the rollup watermark moved to now, so the start-up rebuild (rollup-recovery.ts) does
 * not recompute them. The latest values are left as they were (the load's readings are newer anyway).
 */
import { defineSql, type Database } from '../../server/db/database.js';
import { ensurePartitions } from '../../server/iot/iot.sql.js';
import { advanceRollupWatermark } from '../../server/iot/rollup-recovery.js';

const CHUNK = 500_000;
const DAY_MS = 86_400_000;

/**
 * $1 first reading index, $2 last (exclusive), $3 first observed time, $4 step between rounds (ms): the readings
 * and, in the same statement, their hourly and five-minute rollups added to what is there. Sequential scan of sensors; the keys.
 */
const prefillStatement = (withBins: boolean) =>
  defineSql(
    withBins ? 'bench.iot_prefill_readings' : 'bench.iot_prefill_readings_hourly',
    `WITH s AS (SELECT array_agg(code ORDER BY code) AS codes, count(*)::int AS n FROM sensors),
   inserted AS (
     INSERT INTO sensor_readings (sensor_code, observed_at, value, battery, signal, received_at)
     SELECT s.codes[1 + (i % s.n)::int], $3::timestamptz + (i / s.n) * $4::float8 * interval '1 millisecond',
            ((i * 7919) % 1000) / 100.0, 90, -60, $3::timestamptz + (i / s.n) * $4::float8 * interval '1 millisecond'
       FROM s, generate_series($1::bigint, $2::bigint - 1) AS i
     RETURNING sensor_code, observed_at, value
   )${
     withBins
       ? `, bins AS (
     INSERT INTO sensor_readings_5min (bucket, sensor_code, readings, value_min, value_max, value_sum)
     SELECT to_timestamp(floor(extract(epoch FROM observed_at) / 300) * 300), sensor_code, count(*)::int, min(value), max(value), sum(value)
       FROM inserted GROUP BY 1, 2
     ON CONFLICT (bucket, sensor_code) DO UPDATE
       SET readings = sensor_readings_5min.readings + excluded.readings, value_min = least(sensor_readings_5min.value_min, excluded.value_min),
           value_max = greatest(sensor_readings_5min.value_max, excluded.value_max), value_sum = sensor_readings_5min.value_sum + excluded.value_sum
   )`
       : ''
   }
   INSERT INTO sensor_readings_hourly AS h (sensor_code, hour, readings, value_min, value_max, value_sum)
   SELECT sensor_code, to_timestamp(floor(extract(epoch FROM observed_at) / 3600) * 3600), count(*)::int, min(value), max(value), sum(value)
     FROM inserted GROUP BY 1, 2
   ON CONFLICT (sensor_code, hour) DO UPDATE
     SET readings = h.readings + excluded.readings, value_min = least(h.value_min, excluded.value_min),
         value_max = greatest(h.value_max, excluded.value_max), value_sum = h.value_sum + excluded.value_sum`,
  );
/** Whether the five-minute rollups exist (migration 0053; absent when the bench measures the code before it). */
const hasBins = defineSql('bench.iot_prefill_has_bins', `SELECT to_regclass('sensor_readings_5min') IS NOT NULL AS present`);

const countSensors = defineSql('bench.iot_prefill_sensors', `SELECT count(*)::int AS n FROM sensors`);
const countDay = defineSql('bench.iot_prefill_count', `SELECT count(*)::int AS n FROM sensor_readings WHERE observed_at >= $1 AND observed_at < $2`);

export interface Prefill {
  day: string;
  added: number;
  /** Readings of that day in the partition after the prefill (earlier runs' included). */
  total: number;
  seconds: number;
}

export async function prefillDay(db: Database, readings: number, now: Date, log: (line: string) => void): Promise<Prefill> {
  const started = performance.now();
  const until = now.getTime() - 31 * 60_000;
  const from = Math.floor(until / DAY_MS) * DAY_MS;
  const day = new Date(from).toISOString().slice(0, 10);
  const [{ n: sensors }] = await db.query<{ n: number }>(countSensors);
  const rounds = Math.ceil(readings / sensors);
  const stepMs = (until - from) / rounds;
  if (stepMs < 1)
    throw new Error(`--prefill ${readings}: the UTC day ${day} is too young to hold ${rounds} rounds of readings; run later in the day`);
  await db.query(ensurePartitions, [day, 1]);
  const [{ present }] = await db.query<{ present: boolean }>(hasBins);
  const prefillReadings = prefillStatement(present);
  for (let first = 0; first < readings; first += CHUNK) {
    await db.query(prefillReadings, [first, Math.min(readings, first + CHUNK), new Date(from), stepMs]);
    log(`prefill: ${Math.min(readings, first + CHUNK).toLocaleString('en')} of ${readings.toLocaleString('en')} readings of ${day}`);
  }
  await advanceRollupWatermark(db, now);
  const [{ n: total }] = await db.query<{ n: number }>(countDay, [new Date(from), new Date(from + DAY_MS)]);
  return { day, added: readings, total, seconds: (performance.now() - started) / 1000 };
}
