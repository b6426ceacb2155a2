/**
 * The ingest's ordering of writes (reading-ingest.ts), on a recording stand-in for the database — what is checked
 * here is only the order and timing of the statements it sends (the SQL itself runs on both real databases in
 * iot-ingest.spec.ts): the PUBACK follows the batch's commit; the next batch lets the rules' pending alarm go first
 * (bounded); the rollups are written once per IOT_ROLLUP_FLUSH_MS, not per batch.
 */
import { describe, expect, it } from 'vitest';
import type { Database, SqlStatement } from '../db/database.js';
import { createLogger } from '../logging/logger.js';
import { createIngestStats } from './ingest-stats.js';
import { createReadingIngest, type IngestListener } from './reading-ingest.js';
import type { SensorEntry } from './sensor-directory.js';

const sensor: SensorEntry = {
  code: 'GS00000001',
  kind: 'gas',
  measurementUnit: '%LEL',
  threshold: 20,
  microGridCode: '320113007001001',
  lon: 118.9,
  lat: 32.1,
  state: 'normal',
  stateSince: null,
  alarmRule: null,
  incidentId: null,
  lastSeenAt: null,
  latestObservedAt: null,
  latestValue: null,
};

function recordingDb(insertMs = 0) {
  const log: { name: string; at: number; rows: number; values: number[] }[] = [];
  const db = {
    async query(statement: SqlStatement, params: unknown[] = []) {
      const values = statement.name === 'iot.insert_reading_batch' ? (params[2] as number[]) : [];
      log.push({ name: statement.name, at: performance.now(), rows: Array.isArray(params[0]) ? params[0].length : 0, values });
      if (insertMs > 0 && statement.name === 'iot.insert_reading_batch') await sleep(insertMs);
      if (statement.name !== 'iot.insert_reading_batch') return [];
      const codes = params[0] as string[];
      const times = params[1] as Date[];
      return codes.map((code, i) => ({ sensor_code: code, observed_ms: times[i].getTime() }));
    },
  } as unknown as Database;
  return { db, log };
}

const reading = (value: number, at: number) => new TextEncoder().encode(JSON.stringify({ value, observedAt: new Date(at).toISOString() }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ingestWith(db: Database, listener: IngestListener, rollupFlushMs: number, batchMaxRows = 5000) {
  return createReadingIngest({
    db,
    directory: new Map([[sensor.code, sensor]]),
    stats: createIngestStats(),
    now: () => new Date(),
    logger: createLogger('silent'),
    limits: { maxBytes: 2048, maxFutureMs: 120_000, maxAgeMs: 86_400_000 },
    batchWindowMs: 5,
    batchMaxRows,
    rollupFlushMs,
    listener,
  });
}

const quietListener = (): IngestListener & { readings: number } => {
  const l = {
    readings: 0,
    onReading: () => {
      l.readings += 1;
      return null;
    },
    onSeen: () => null,
    onStatus: () => undefined,
  };
  return l;
};

describe('reading ingest: order of writes', () => {
  it('lets the rules’ pending actions go before the next batch, for at most 250 ms', async () => {
    const { db, log } = recordingDb();
    let release!: () => void;
    let pending: Promise<void> | null = new Promise<void>((resolve) => (release = resolve));
    const listener: IngestListener = { ...quietListener(), idle: () => pending ?? Promise.resolve() };
    const ingest = ingestWith(db, listener, 60_000);
    const t0 = performance.now();
    const acked = ingest.handleMessage(`gridops/sensors/${sensor.code}/reading`, reading(5, Date.now() - 1000));
    await sleep(60);
    expect(log.filter((q) => q.name === 'iot.insert_reading_batch')).toHaveLength(0);
    release();
    pending = null;
    await acked;
    expect(log.filter((q) => q.name === 'iot.insert_reading_batch')).toHaveLength(1);

    // Rules that never finish: the batch goes anyway after the head start.
    pending = new Promise<void>(() => undefined);
    const t1 = performance.now();
    await ingest.handleMessage(`gridops/sensors/${sensor.code}/reading`, reading(6, Date.now() - 500));
    const waited = performance.now() - t1;
    expect(waited).toBeGreaterThanOrEqual(240);
    expect(log.filter((q) => q.name === 'iot.insert_reading_batch')).toHaveLength(2);
    expect(performance.now() - t0).toBeLessThan(10_000);
    pending = null;
    await ingest.flush();
  });

  it('acknowledges after the batch statement, and writes the rollups once per flush interval, merged', async () => {
    const { db, log } = recordingDb();
    const listener = quietListener();
    const ingest = ingestWith(db, listener, 300);
    const now = Date.now();
    for (let i = 0; i < 3; i += 1) {
      await ingest.handleMessage(`gridops/sensors/${sensor.code}/reading`, reading(i, now - 3000 + i * 1000));
      // Acknowledged: its batch was sent to the database; the rollups not yet.
      expect(log.filter((q) => q.name === 'iot.insert_reading_batch')).toHaveLength(i + 1);
    }
    expect(log.filter((q) => q.name === 'iot.flush_rollups')).toHaveLength(0);
    expect(listener.readings).toBe(3);
    await sleep(450);
    const flushes = log.filter((q) => q.name === 'iot.flush_rollups');
    // One statement for the three readings: one hourly cell (or two across an hour boundary), one latest value.
    expect(flushes).toHaveLength(1);
    expect(flushes[0].rows).toBeLessThanOrEqual(2);
    await ingest.flush();
    expect(log.filter((q) => q.name === 'iot.flush_rollups')).toHaveLength(1);
  });
});

describe('reading ingest: the priority lane', () => {
  it('writes a reading that changes a sensor’s state ahead of the queued bulk batches, and acts after its commit', async () => {
    const { db, log } = recordingDb(30);
    const order: string[] = [];
    // The rules' stand-in: a value of 100 or more changes the sensor's state (its actions run after the commit).
    const listener: IngestListener = {
      onReading: (_sensor, value) => (value >= 100 ? () => void order.push(`act ${value}`) : null),
      onSeen: () => null,
      onStatus: () => undefined,
    };
    const ingest = ingestWith(db, listener, 60_000, 10);
    const t = Date.now() - 60_000;
    // Fifty readings: five bulk batches of ten, written 30 ms each, one at a time.
    const bulk = Array.from({ length: 50 }, (_, i) =>
      ingest.handleMessage(`gridops/sensors/${sensor.code}/reading`, reading(i, t + i)).then(() => void order.push(`bulk ${i}`)),
    );
    await sleep(5);
    expect(ingest.pending).toBe(50);
    const alarm = ingest.handleMessage(`gridops/sensors/${sensor.code}/reading`, reading(150, t + 100)).then(() => void order.push('ack 150'));
    await Promise.all([...bulk, alarm]);
    const inserts = log.filter((q) => q.name === 'iot.insert_reading_batch');
    expect(inserts).toHaveLength(6);
    // The first bulk batch was being written; the priority batch came next, before the four queued behind it.
    expect(inserts[1].values).toEqual([150]);
    expect(inserts.slice(2).every((q) => q.rows === 10)).toBe(true);
    // Its actions ran after its commit and before its acknowledgement; every bulk batch behind it after.
    expect(order.indexOf('act 150')).toBeLessThan(order.indexOf('ack 150'));
    expect(order.indexOf('ack 150')).toBeLessThan(order.indexOf('bulk 10'));
    expect(order.indexOf('bulk 9')).toBeLessThan(order.indexOf('ack 150'));
    expect(ingest.pending).toBe(0);
    await ingest.flush();
  });

  it('never runs the actions of a reading the database reports as already stored', async () => {
    const { db } = recordingDb();
    const acted: number[] = [];
    const already = db.query.bind(db);
    // A database that already holds every reading: it inserts nothing.
    (db as { query: unknown }).query = async (statement: SqlStatement, params: unknown[] = []) =>
      statement.name === 'iot.insert_reading_batch' ? [] : already(statement, params);
    const listener: IngestListener = { onReading: (_s, value) => () => void acted.push(value), onSeen: () => null, onStatus: () => undefined };
    const ingest = ingestWith(db, listener, 60_000);
    await ingest.handleMessage(`gridops/sensors/${sensor.code}/reading`, reading(150, Date.now() - 1000));
    expect(acted).toEqual([]);
    await ingest.flush();
  });

  it('keeps the latest value on the newest observed reading when an older one arrives after it', async () => {
    const { db } = recordingDb();
    const flushed: unknown[][] = [];
    const inner = db.query.bind(db);
    (db as { query: unknown }).query = async (statement: SqlStatement, params: unknown[] = []) => {
      if (statement.name === 'iot.flush_rollups') flushed.push(params);
      return inner(statement, params);
    };
    const ingest = ingestWith(db, quietListener(), 60_000);
    const t = Date.now() - 10 * 60_000;
    await ingest.handleMessage(`gridops/sensors/${sensor.code}/reading`, reading(7, t + 120_000));
    await ingest.handleMessage(`gridops/sensors/${sensor.code}/reading`, reading(3, t));
    await ingest.flush();
    expect(flushed).toHaveLength(1);
    // $8 observed time, $9 value of the latest; $3 readings of the hourly cells: both counted.
    expect((flushed[0][7] as Date[]).map((d) => d.getTime())).toEqual([t + 120_000]);
    expect(flushed[0][8]).toEqual([7]);
    expect((flushed[0][2] as number[]).reduce((a, b) => a + b, 0)).toBe(2);
  });
});
