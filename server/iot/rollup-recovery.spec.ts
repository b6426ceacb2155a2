/**
 * The rollups after a crash, on every database mode: readings stored (raw, committed) whose rollups were still in
 * the ingest's memory when the process died — simulated by a database whose rollup flushes fail from then on, the
 * ingest then dropped with its buffer, as a kill -9 drops it — are rebuilt at start from the raw readings
 * (rollup-recovery.ts): every hourly cell and latest value equal to a recomputation from the raw readings, the
 * watermark moved, and a second start rebuilds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, type Database, type SqlStatement } from '../db/database.js';
import { createLogger } from '../logging/logger.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { createIngestStats } from './ingest-stats.js';
import { createReadingIngest } from './reading-ingest.js';
import { maintainReadingPartitions } from './reading-partitions.js';
import { advanceRollupWatermark, rebuildRollups } from './rollup-recovery.js';
import { readRollupWatermark } from './rollup-recovery.sql.js';
import { loadSensorDirectory } from './sensor-directory.js';

const HOUR = 3_600_000;
const MIN = 60_000;
const pickSensors = defineSql(
  'test.rollup_recovery_sensors',
  `SELECT code FROM sensors WHERE kind = 'water_level' AND micro_grid_code LIKE '320113%' ORDER BY code LIMIT 3`,
);
/** The rollups as stored, and as the raw readings say they should be, for $1 sensors from $2 on. */
const storedHourly = defineSql(
  'test.rollup_recovery_stored',
  `SELECT sensor_code, extract(epoch FROM hour)::float8 * 1000 AS hour, readings, value_min, value_max, value_sum
     FROM sensor_readings_hourly WHERE sensor_code = ANY ($1::text[]) AND hour >= $2 ORDER BY 1, 2`,
);
const rawHourly = defineSql(
  'test.rollup_recovery_raw',
  `SELECT sensor_code, floor(extract(epoch FROM observed_at) / 3600) * 3600000 AS hour, count(*)::int AS readings,
          min(value) AS value_min, max(value) AS value_max, sum(value) AS value_sum
     FROM sensor_readings WHERE sensor_code = ANY ($1::text[]) AND observed_at >= $2 GROUP BY 1, 2 ORDER BY 1, 2`,
);
const storedBins = defineSql(
  'test.rollup_recovery_stored_bins',
  `SELECT sensor_code, extract(epoch FROM bucket)::float8 * 1000 AS bucket, readings, value_min, value_max, value_sum
     FROM sensor_readings_5min WHERE sensor_code = ANY ($1::text[]) AND bucket >= $2 ORDER BY 1, 2`,
);
const rawBins = defineSql(
  'test.rollup_recovery_raw_bins',
  `SELECT sensor_code, floor(extract(epoch FROM observed_at) / 300) * 300000 AS bucket, count(*)::int AS readings,
          min(value) AS value_min, max(value) AS value_max, sum(value) AS value_sum
     FROM sensor_readings WHERE sensor_code = ANY ($1::text[]) AND observed_at >= $2 GROUP BY 1, 2 ORDER BY 1, 2`,
);
const storedLatest = defineSql(
  'test.rollup_recovery_latest',
  `SELECT sensor_code, extract(epoch FROM observed_at)::float8 * 1000 AS observed_ms, value FROM sensor_latest WHERE sensor_code = ANY ($1::text[]) ORDER BY 1`,
);
const rawLatest = defineSql(
  'test.rollup_recovery_raw_latest',
  `SELECT DISTINCT ON (sensor_code) sensor_code, extract(epoch FROM observed_at)::float8 * 1000 AS observed_ms, value
     FROM sensor_readings WHERE sensor_code = ANY ($1::text[]) ORDER BY sensor_code, observed_at DESC`,
);

const normalise = (rows: Record<string, unknown>[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && k !== 'sensor_code' ? Number(v) : v])));

describe.each(testDatabaseModes())('rollups rebuilt after a crash on %s', (mode) => {
  let db: Database;
  let codes: string[];
  const from = new Date(Math.floor(Date.now() / HOUR) * HOUR - 4 * HOUR);

  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
    await maintainReadingPartitions(db, new Date(), { maxAgeMs: 24 * HOUR, retentionDays: 90, daysAhead: 1 });
    codes = (await db.query<{ code: string }>(pickSensors)).map((r) => r.code);
    expect(codes).toHaveLength(3);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('rebuilds the hourly and five-minute cells and latest values the lost buffer held, equal to a recomputation from the raw readings', async () => {
    let crashed = false;
    // The database as the ingest sees it: from the crash on, its rollup flushes never reach the tables.
    const crashing = {
      query: (statement: SqlStatement, params?: unknown[]) =>
        crashed && statement.name === 'iot.flush_rollups' ? Promise.reject(new Error('process killed')) : db.query(statement, params),
    } as unknown as Database;
    await advanceRollupWatermark(db, new Date());
    const directory = await loadSensorDirectory(db);
    const ingest = createReadingIngest({
      db: crashing,
      directory,
      stats: createIngestStats(),
      now: () => new Date(),
      limits: { maxBytes: 2048, maxFutureMs: 120_000, maxAgeMs: 24 * HOUR },
      batchWindowMs: 5,
      batchMaxRows: 5000,
      rollupFlushMs: 60_000,
      logger: createLogger('silent'),
      onRollupsWritten: (through) => advanceRollupWatermark(db, through),
    });
    const publish = (code: string, value: number, at: number) =>
      ingest.handleMessage(
        `gridops/sensors/${code}/reading`,
        new TextEncoder().encode(JSON.stringify({ value, observedAt: new Date(at).toISOString() })),
      );
    const t = from.getTime();
    // Before the crash: two hours of readings, flushed (rollups written, watermark moved).
    for (let i = 0; i < 12; i += 1) await Promise.all(codes.map((code, k) => publish(code, 10 + k + (i % 5), t + 10 * MIN * i + k * 1000)));
    await ingest.flush();
    const [before] = await db.query<{ rollups_through: Date | string }>(readRollupWatermark);
    const beforeCrash = normalise(await db.query(storedHourly, [codes, from]));
    expect(beforeCrash).toEqual(normalise(await db.query(rawHourly, [codes, from])));
    expect(normalise(await db.query(storedBins, [codes, from]))).toEqual(normalise(await db.query(rawBins, [codes, from])));

    // The crash: readings stored (acknowledged) in the same hours and a new one, one of them older than the newest;
    // their rollups never written, and the buffer holding them dies with the process.
    crashed = true;
    for (let i = 12; i < 20; i += 1) await Promise.all(codes.map((code, k) => publish(code, 30 + k + (i % 3), t + 10 * MIN * i + k * 1000)));
    await publish(codes[0], 99, t + 5 * MIN);
    await ingest.flush();
    const lost = normalise(await db.query(storedHourly, [codes, from]));
    const raw = normalise(await db.query(rawHourly, [codes, from]));
    expect(lost).not.toEqual(raw);
    const rawFive = normalise(await db.query(rawBins, [codes, from]));
    expect(normalise(await db.query(storedBins, [codes, from]))).not.toEqual(rawFive);
    const [watermark] = await db.query<{ rollups_through: Date | string }>(readRollupWatermark);
    expect(new Date(watermark.rollups_through).getTime()).toBe(new Date(before.rollups_through).getTime());

    // The next start.
    const started = new Date();
    const rebuilt = await rebuildRollups(db, started, 24 * HOUR);
    expect(rebuilt.sensors).toBe(3);
    expect(rebuilt.hours).toBeGreaterThanOrEqual(3 * 2);
    expect(normalise(await db.query(storedHourly, [codes, from]))).toEqual(raw);
    expect(normalise(await db.query(storedBins, [codes, from]))).toEqual(rawFive);
    expect(normalise(await db.query(storedLatest, [codes]))).toEqual(normalise(await db.query(rawLatest, [codes])));
    const [moved] = await db.query<{ rollups_through: Date | string }>(readRollupWatermark);
    expect(new Date(moved.rollups_through).getTime()).toBe(started.getTime());
    // Nothing received since: the next start rebuilds nothing, and changes nothing.
    expect(await rebuildRollups(db, new Date(), 24 * HOUR)).toMatchObject({ hours: 0, sensors: 0 });
    expect(normalise(await db.query(storedHourly, [codes, from]))).toEqual(raw);
  });
});
