/**
 * The one ingest path of sensor messages, whichever broker they came through (embedded-broker.ts calls it from
 * aedes' authorizePublish, external-broker.ts from the mqtt client's message handler): topic → sensor → payload
 * (iot-payload.ts) → a batch → one statement per batch (iot.sql.ts insertReadingBatch) → the rules; the hourly
 * rollups and latest values of what was stored are merged in memory and written every IOT_ROLLUP_FLUSH_MS
 * (rollup-buffer.ts: why, and the loss bound — raw readings are never in it).
 *
 * `handleMessage` resolves when the message is durably stored (a reading or heartbeat: its batch committed) or
 * dropped (counted per reason); it rejects only when the batch could not be written, and then the broker does
 * not acknowledge it (the device sends it again). So a QoS 1 PUBACK always follows the commit.
 *
 * Batching: a batch is written IOT_BATCH_MS after its first message or as soon as it holds IOT_BATCH_MAX rows;
 * the next batch fills while one is written (batches are written one at a time, in order). Before a batch is
 * written, the rules' pending actions (an alarm's intakeAlarm and live message) get up to 250 ms to go first, so
 * under a full load an alarm waits for at most the batch being written, not for every batch queued behind it. A reading already
 * stored (same sensor and observed time: a re-delivered message) is skipped by the database and never reaches the
 * rules again, so a broker restart cannot raise an alarm twice.
 */
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { DatabaseError } from '../db/database.js';
import type { IngestStats } from './ingest-stats.js';
import { parseSensorMessage, type PayloadLimits, type RejectReason } from './iot-payload.js';
import { ensurePartitions, flushRollups, insertReadingBatch } from './iot.sql.js';
import { RollupBuffer, splitRollupFlush, type RollupFlush } from './rollup-buffer.js';

/** How long the next batch waits for the rules' pending actions (alarms first; a storm of them cannot stall the ingest). */
const RULES_HEADSTART_MS = 250;

/** Rows per table in one rollup statement (a few tens of milliseconds on the embedded database). */
const ROLLUP_CHUNK_ROWS = 2000;
import { parseSensorTopic } from './iot-topics.js';
import type { SensorDirectory, SensorEntry } from './sensor-directory.js';

export interface StoredReading {
  sensor: SensorEntry;
  value: number;
  observedAt: Date;
}

/** What happens after the write: the rule engine (sensor-rule-engine.ts) listens. */
export interface IngestListener {
  onReadings(readings: StoredReading[]): void;
  onSeen(sensor: SensorEntry, at: Date): void;
  onStatus(sensor: SensorEntry, status: 'online' | 'offline', at: Date): void;
  /**
   * Resolves when the actions decided so far (alarms → incidents → live) are done. The next batch waits for it
   * (at most RULES_HEADSTART_MS), so an alarm's few statements go to the database before the next batch's
   * thousands of rows rather than behind them: the alarm latency under a full load.
   */
  idle?(): Promise<void>;
}

export interface ReadingIngestOptions {
  db: Database;
  directory: SensorDirectory;
  stats: IngestStats;
  now: () => Date;
  limits: PayloadLimits;
  batchWindowMs: number;
  batchMaxRows: number;
  /** How long the hourly rollups and latest values may wait in memory (0: written right after each batch). */
  rollupFlushMs: number;
  logger: Logger;
  listener?: IngestListener;
}

export interface ReadingIngest {
  /** Never throws synchronously; see the header for when it resolves and rejects. */
  handleMessage(topic: string, payload: Uint8Array): Promise<void>;
  setListener(listener: IngestListener): void;
  /** Write what is pending now (batch and rollups) and wait for every write in flight. */
  flush(): Promise<void>;
}

class Batch {
  codes: string[] = [];
  times: Date[] = [];
  values: number[] = [];
  battery: (number | null)[] = [];
  signal: (number | null)[] = [];
  seenCodes: string[] = [];
  seenTimes: Date[] = [];
  keys = new Set<string>();
  entries: SensorEntry[] = [];
  seenEntries: SensorEntry[] = [];
  resolve!: () => void;
  reject!: (error: unknown) => void;
  readonly done: Promise<void>;
  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A batch nobody awaits (only duplicates) must not become an unhandled rejection.
    this.done.catch(() => undefined);
  }
  get size() {
    return this.codes.length + this.seenCodes.length;
  }
}

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

export function createReadingIngest(options: ReadingIngestOptions): ReadingIngest {
  const { db, directory, stats, limits, logger } = options;
  let listener = options.listener;
  let open: Batch | null = null;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const rollups = new RollupBuffer();
  let rollupTimer: NodeJS.Timeout | null = null;
  const rollupChunks: RollupFlush[] = [];

  const drop = (reason: RejectReason) => {
    stats.countRejected(reason);
    return Promise.resolve();
  };

  const write = async (batch: Batch) => {
    const started = performance.now();
    const receivedAt = options.now();
    const params = [batch.codes, batch.times, batch.values, batch.battery, batch.signal, receivedAt, batch.seenCodes, batch.seenTimes];
    let rows: { sensor_code: string; observed_ms: number }[];
    try {
      rows = await db.query(insertReadingBatch, params);
    } catch (error) {
      // 23514: no partition for a day (the maintenance runs hourly; a device may be first past midnight).
      if (!(error instanceof DatabaseError && error.sqlState === '23514')) throw error;
      const days = [...new Set(batch.times.map(utcDay))].sort();
      for (const day of days) await db.query(ensurePartitions, [day, 1]);
      rows = await db.query(insertReadingBatch, params);
    }
    stats.countBatch(batch.size, performance.now() - started);
    stats.countStored(rows.length, batch.codes.length - rows.length);
    const byKey = new Map<string, number>();
    for (let i = 0; i < batch.codes.length; i += 1) byKey.set(`${batch.codes[i]}|${batch.times[i].getTime()}`, i);
    const stored: StoredReading[] = [];
    const receivedMs = receivedAt.getTime();
    for (const row of rows) {
      const i = byKey.get(`${row.sensor_code}|${row.observed_ms}`);
      if (i === undefined) continue;
      rollups.add(batch.codes[i], row.observed_ms, batch.values[i], batch.battery[i], batch.signal[i], receivedMs);
      stored.push({ sensor: batch.entries[i], value: batch.values[i], observedAt: batch.times[i] });
    }
    scheduleRollups();
    if (!listener) return;
    stored.sort((a, b) => a.observedAt.getTime() - b.observedAt.getTime());
    for (let i = 0; i < batch.seenCodes.length; i += 1) listener.onSeen(batch.seenEntries[i], batch.seenTimes[i]);
    if (stored.length > 0) listener.onReadings(stored);
  };

  /**
   * Write the merged rollups, in the same queue as the batches, one chunk per turn: a chunk that is not the last
   * queues the next one behind the batches closed meanwhile, so a PUBACK never waits for a whole flush.
   */
  const writeRollupChunk = async () => {
    const chunk = rollupChunks.shift();
    if (!chunk) return;
    try {
      await db.query(flushRollups, [
        chunk.hourCodes, chunk.hours, chunk.readings, chunk.mins, chunk.maxs, chunk.sums,
        chunk.latestCodes, chunk.observedAt, chunk.values, chunk.battery, chunk.signal, chunk.receivedAt,
      ]);
    } catch (error) {
      rollups.restore(chunk);
      const detail = error instanceof DatabaseError ? { statement: error.statementName, sqlState: error.sqlState } : { error: (error as Error)?.name };
      logger.error({ ...detail, rows: chunk.hourCodes.length + chunk.latestCodes.length }, 'iot: rollup flush failed; kept for the next one');
    }
    if (rollupChunks.length > 0) writing = writing.then(writeRollupChunk);
  };

  const queueRollups = () => {
    if (rollupTimer) clearTimeout(rollupTimer);
    rollupTimer = null;
    const flush = rollups.take();
    if (!flush) return;
    rollupChunks.push(...splitRollupFlush(flush, ROLLUP_CHUNK_ROWS));
    writing = writing.then(writeRollupChunk);
  };

  function scheduleRollups() {
    if (rollups.size === 0 || rollupTimer) return;
    if (options.rollupFlushMs <= 0) {
      queueRollups();
      return;
    }
    rollupTimer = setTimeout(queueRollups, options.rollupFlushMs);
  }

  const rulesFirst = async () => {
    const pending = listener?.idle?.();
    if (!pending) return;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([pending.catch(() => undefined), new Promise<void>((resolve) => (timeout = setTimeout(resolve, RULES_HEADSTART_MS)))]);
    clearTimeout(timeout);
  };

  const closeBatch = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = open;
    open = null;
    if (!batch || batch.size === 0) {
      batch?.resolve();
      return;
    }
    writing = writing.then(
      () =>
        rulesFirst().then(() => write(batch)).then(batch.resolve, (error) => {
          const detail = error instanceof DatabaseError ? { statement: error.statementName, sqlState: error.sqlState } : { error: (error as Error)?.name };
          logger.error({ ...detail, rows: batch.size }, 'iot: batch write failed; its messages stay unacknowledged');
          for (let i = 0; i < batch.codes.length; i += 1) stats.countRejected('storage_failed');
          batch.reject(error);
        }),
    );
  };

  const current = () => {
    if (!open) {
      open = new Batch();
      timer = setTimeout(closeBatch, options.batchWindowMs);
    }
    return open;
  };

  const afterAdd = (batch: Batch) => {
    if (batch.size >= options.batchMaxRows) closeBatch();
    return batch.done;
  };

  return {
    handleMessage(topic, payload) {
      stats.countReceived();
      const parsedTopic = parseSensorTopic(topic);
      if (!parsedTopic) return drop('unknown_topic');
      const sensor = directory.get(parsedTopic.sensorCode);
      if (!sensor) return drop('unknown_sensor');
      const parsed = parseSensorMessage(parsedTopic.kind, payload, options.now(), limits);
      if (!parsed.ok) return drop(parsed.reason);
      const message = parsed.message;
      if (message.kind === 'reading') {
        if (message.unit !== null && message.unit !== sensor.measurementUnit) return drop('wrong_unit');
        const batch = current();
        const key = `${sensor.code}|${message.observedAt.getTime()}`;
        if (batch.keys.has(key)) {
          stats.countStored(0, 1);
          return batch.done;
        }
        batch.keys.add(key);
        batch.codes.push(sensor.code);
        batch.times.push(message.observedAt);
        batch.values.push(message.value);
        batch.battery.push(message.battery);
        batch.signal.push(message.signal);
        batch.entries.push(sensor);
        return afterAdd(batch);
      }
      if (message.kind === 'heartbeat') stats.countHeartbeat();
      else stats.countStatus();
      if (message.kind === 'status' && message.status === 'offline') {
        listener?.onStatus(sensor, 'offline', message.observedAt);
        return Promise.resolve();
      }
      const batch = current();
      batch.seenCodes.push(sensor.code);
      batch.seenTimes.push(message.observedAt);
      batch.seenEntries.push(sensor);
      return afterAdd(batch);
    },
    setListener(next) {
      listener = next;
    },
    async flush() {
      closeBatch();
      queueRollups();
      // Until the queue is quiet: a rollup chunk queues the next one when it ends.
      let current: Promise<void>;
      do {
        current = writing;
        await current.catch(() => undefined);
      } while (current !== writing);
    },
  };
}
