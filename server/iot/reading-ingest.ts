/**
 * The one ingest path of sensor messages, whichever broker they came through (embedded-broker.ts calls it from
 * aedes' authorizePublish, external-broker.ts from the mqtt client's message handler): topic → sensor → payload
 * (iot-payload.ts) → the rules' evaluation (on arrival) → a batch → one statement per batch (iot.sql.ts
 * insertReadingBatch) → the rules' actions; the hourly rollups and latest values of what was stored are merged in
 * memory and written every IOT_ROLLUP_FLUSH_MS (rollup-buffer.ts: why, and the loss bound — raw readings are never
 * in it).
 *
 * `handleMessage` resolves when the message is durably stored (a reading or heartbeat: its batch committed) or
 * dropped (counted per reason); it rejects only when the batch could not be written, and then the broker does
 * not acknowledge it (the device sends it again). So a QoS 1 PUBACK always follows the commit.
 *
 * Two lanes. The rules (sensor-rule-engine.ts) evaluate each reading and heartbeat as it arrives — cheap, in
 * memory, in arrival order, a late reading left out (sensor-rules.ts) — and say whether it changed what a sensor
 * shows (an alarm raised or recovered, back online). Such a message goes into the *priority* batch, written as
 * soon as the database is free, before every bulk batch queued; the rest go into the *bulk* batches: written IOT_BATCH_MS after their
 * first message or as soon as they hold IOT_BATCH_MAX rows, one at a time, in order. The actions the rules
 * decided (intakeAlarm, the live message) run once their message's batch has committed — never for a reading the
 * database reports as already stored — and before a bulk batch is written they get up to 250 ms to go first. So under a full
 * load an alarm waits for at most the one bulk batch being written, not for the queue behind it; the rest of the
 * queue keeps its order. A batch that fails still runs its actions (the rules saw a valid reading; the device sends
 * it again, and the copy is late for the rules), and its messages stay unacknowledged.
 *
 * Re-delivery: a re-delivered reading (same sensor and observed time) is late for the rules and skipped by the
 * database (ON CONFLICT DO NOTHING), so a broker restart cannot raise an alarm twice.
 */
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { DatabaseError } from '../db/database.js';
import type { IngestStats } from './ingest-stats.js';
import { parseSensorMessage, type PayloadLimits, type RejectReason } from './iot-payload.js';
import { parseSensorTopic } from './iot-topics.js';
import { Batch, type RuleActions } from './reading-batch.js';
import { ensurePartitions, flushRollups, insertReadingBatch } from './iot.sql.js';
import { RollupBuffer, rollupFlushParams, splitRollupFlush, type RollupFlush } from './rollup-buffer.js';
import type { SensorDirectory, SensorEntry } from './sensor-directory.js';

/** How long the next bulk batch waits for the rules' pending actions (alarms first; a storm of them cannot stall the ingest). */
const RULES_HEADSTART_MS = 250;

/** Rows per table in one rollup statement (a few tens of milliseconds on the embedded database). */
const ROLLUP_CHUNK_ROWS = 2000;

export type { RuleActions };

/** The rule engine (sensor-rule-engine.ts): evaluates on arrival, acts after the commit. */
export interface IngestListener {
  /** A valid reading as it arrives: the rules' next state now; the actions to run once it is stored, or null. */
  onReading(sensor: SensorEntry, value: number, observedAt: Date): RuleActions | null;
  /** A heartbeat or an "online" status as it arrives: as onReading. */
  onSeen(sensor: SensorEntry, at: Date): RuleActions | null;
  /** A last will ("offline"): acted on at once (nothing to store). */
  onStatus(sensor: SensorEntry, status: 'online' | 'offline', at: Date): void;
  /**
   * Resolves when the actions decided so far (alarms → incidents → live) are done. The next bulk batch waits for
   * it (at most RULES_HEADSTART_MS), so an alarm's few statements go to the database before the next batch's
   * thousands of rows rather than behind them.
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
  /** Called after a rollup flush has been written completely: every reading received before `through` is in the rollups. */
  onRollupsWritten?(through: Date): Promise<void> | void;
}

export interface ReadingIngest {
  /** Never throws synchronously; see the header for when it resolves and rejects. */
  handleMessage(topic: string, payload: Uint8Array): Promise<void>;
  setListener(listener: IngestListener): void;
  /** Messages taken and not yet settled (stored or failed): in open, queued and in-flight batches. */
  readonly pending: number;
  /** Calls `fn` once `pending` is at or below `level` (at once when it already is). */
  whenPendingAtMost(level: number, fn: () => void): void;
  /** Write what is pending now (batches and rollups) and wait for every write in flight. */
  flush(): Promise<void>;
}

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

export function createReadingIngest(options: ReadingIngestOptions): ReadingIngest {
  const { db, directory, stats, limits, logger } = options;
  let listener = options.listener;
  /** The bulk batch filling now, and the priority batch filling now. */
  let open: Batch | null = null;
  let urgent: Batch | null = null;
  let timer: NodeJS.Timeout | null = null;
  /** Closed bulk batches and rollup chunks, in order; the priority batch goes before them. */
  const jobs: ({ batch: Batch } | { rollup: RollupFlush })[] = [];
  let running = false;
  let kickScheduled = false;
  const idleWaiters: (() => void)[] = [];
  let pending = 0;
  const pendingWaiters: { level: number; fn: () => void }[] = [];
  const rollups = new RollupBuffer();
  let rollupTimer: NodeJS.Timeout | null = null;
  /** The receive time of the batch being written (null: none): the rollup watermark may not pass it. */
  let writingSince: Date | null = null;
  /** Rollup chunks of the current flush still to write, and whether one failed. */
  let rollupFlush: { left: number; failed: boolean; through: Date } | null = null;

  const drop = (reason: RejectReason) => {
    stats.countRejected(reason);
    return Promise.resolve();
  };

  const settled = (n: number) => {
    pending -= n;
    for (let i = pendingWaiters.length - 1; i >= 0; i -= 1) {
      if (pending > pendingWaiters[i].level) continue;
      const [waiter] = pendingWaiters.splice(i, 1);
      waiter.fn();
    }
  };

  const runActions = (actions: (RuleActions | null)[], keep: (i: number) => boolean) => {
    for (let i = 0; i < actions.length; i += 1) {
      const act = actions[i];
      if (!act || !keep(i)) continue;
      try {
        act();
      } catch (error) {
        logger.error({ error: (error as Error)?.name }, 'iot: rule actions failed');
      }
    }
  };

  const write = async (batch: Batch) => {
    const started = performance.now();
    const receivedAt = options.now();
    writingSince = receivedAt;
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
    if (batch.priority) stats.countPriorityBatch();
    stats.countStored(rows.length, batch.codes.length - rows.length);
    const byKey = new Map<string, number>();
    for (let i = 0; i < batch.codes.length; i += 1) byKey.set(`${batch.codes[i]}|${batch.times[i].getTime()}`, i);
    const inserted = new Set<number>();
    const receivedMs = receivedAt.getTime();
    for (const row of rows) {
      const i = byKey.get(`${row.sensor_code}|${row.observed_ms}`);
      if (i === undefined) continue;
      inserted.add(i);
      rollups.add(batch.codes[i], row.observed_ms, batch.values[i], batch.battery[i], batch.signal[i], receivedMs);
    }
    scheduleRollups();
    runActions(batch.seenActions, () => true);
    runActions(batch.actions, (i) => inserted.has(i));
  };

  const writeBatch = async (batch: Batch) => {
    try {
      await write(batch);
      batch.resolve();
    } catch (error) {
      const detail =
        error instanceof DatabaseError ? { statement: error.statementName, sqlState: error.sqlState } : { error: (error as Error)?.name };
      logger.error({ ...detail, rows: batch.size, priority: batch.priority }, 'iot: batch write failed; its messages stay unacknowledged');
      for (let i = 0; i < batch.codes.length; i += 1) stats.countRejected('storage_failed');
      runActions(batch.seenActions, () => true);
      runActions(batch.actions, () => true);
      batch.reject(error);
    } finally {
      writingSince = null;
      settled(batch.size);
    }
  };

  /** One chunk of a rollup flush; a failed one is merged back for the next flush. */
  const writeRollupChunk = async (chunk: RollupFlush) => {
    try {
      await db.query(flushRollups, rollupFlushParams(chunk));
    } catch (error) {
      rollups.restore(chunk);
      if (rollupFlush) rollupFlush.failed = true;
      const detail =
        error instanceof DatabaseError ? { statement: error.statementName, sqlState: error.sqlState } : { error: (error as Error)?.name };
      logger.error(
        { ...detail, rows: chunk.hourly.codes.length + chunk.bins.codes.length + chunk.latestCodes.length },
        'iot: rollup flush failed; kept for the next one',
      );
    }
    if (!rollupFlush) return;
    rollupFlush.left -= 1;
    if (rollupFlush.left > 0) return;
    const { failed, through } = rollupFlush;
    rollupFlush = null;
    if (failed || !options.onRollupsWritten) return;
    try {
      await options.onRollupsWritten(through);
    } catch (error) {
      logger.error({ error: (error as Error)?.name }, 'iot: rollup watermark write failed');
    }
  };

  const rulesFirst = async () => {
    const actions = listener?.idle?.();
    if (!actions) return;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([actions.catch(() => undefined), new Promise<void>((resolve) => (timeout = setTimeout(resolve, RULES_HEADSTART_MS)))]);
    clearTimeout(timeout);
  };

  /** The one writer: the priority batch first, then the queue (a bulk batch after the rules' head start). */
  const pump = async () => {
    if (running) return;
    running = true;
    try {
      for (;;) {
        if (urgent && urgent.size > 0) {
          const batch = urgent;
          urgent = null;
          await writeBatch(batch);
          continue;
        }
        const job = jobs[0];
        if (!job) break;
        if ('batch' in job) {
          await rulesFirst();
          if (urgent && urgent.size > 0) continue;
        }
        jobs.shift();
        if ('batch' in job) await writeBatch(job.batch);
        else await writeRollupChunk(job.rollup);
      }
    } finally {
      running = false;
    }
    for (const resolve of idleWaiters.splice(0)) resolve();
  };

  /** Start the writer on the next turn (the readings of one socket read share a priority batch). */
  const kick = () => {
    if (kickScheduled) return;
    kickScheduled = true;
    setImmediate(() => {
      kickScheduled = false;
      void pump();
    });
  };

  const queueRollups = () => {
    if (rollupTimer) clearTimeout(rollupTimer);
    rollupTimer = null;
    // Every reading received before this instant (or before the batch being written) is in this flush or earlier.
    const now = options.now();
    const through = writingSince && writingSince < now ? writingSince : now;
    const flush = rollups.take();
    if (!flush) return;
    const chunks = splitRollupFlush(flush, ROLLUP_CHUNK_ROWS);
    // A flush still being written when the next one is taken: the watermark waits for the newer one.
    if (rollupFlush) rollupFlush = { left: rollupFlush.left + chunks.length, failed: rollupFlush.failed, through };
    else rollupFlush = { left: chunks.length, failed: false, through };
    for (const chunk of chunks) jobs.push({ rollup: chunk });
    kick();
  };

  function scheduleRollups() {
    if (rollups.size === 0 || rollupTimer) return;
    if (options.rollupFlushMs <= 0) {
      queueRollups();
      return;
    }
    rollupTimer = setTimeout(queueRollups, options.rollupFlushMs);
  }

  const closeBatch = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = open;
    open = null;
    if (!batch || batch.size === 0) {
      batch?.resolve();
      return;
    }
    jobs.push({ batch });
    kick();
  };

  const bulk = () => {
    if (!open) {
      open = new Batch(false);
      timer = setTimeout(closeBatch, options.batchWindowMs);
    }
    return open;
  };

  const priority = () => {
    if (!urgent) urgent = new Batch(true);
    kick();
    return urgent;
  };

  const afterAdd = (batch: Batch) => {
    pending += 1;
    if (!batch.priority && batch.size >= options.batchMaxRows) closeBatch();
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
        const key = `${sensor.code}|${message.observedAt.getTime()}`;
        // The same reading twice in the batch filling now: one row (the rules already left the copy out as late).
        for (const filling of [open, urgent]) {
          if (filling?.keys.has(key)) {
            stats.countStored(0, 1);
            return filling.done;
          }
        }
        const actions = listener?.onReading(sensor, message.value, message.observedAt) ?? null;
        const batch = actions ? priority() : bulk();
        batch.keys.add(key);
        batch.codes.push(sensor.code);
        batch.times.push(message.observedAt);
        batch.values.push(message.value);
        batch.battery.push(message.battery);
        batch.signal.push(message.signal);
        batch.actions.push(actions);
        return afterAdd(batch);
      }
      if (message.kind === 'heartbeat') stats.countHeartbeat();
      else stats.countStatus();
      if (message.kind === 'status' && message.status === 'offline') {
        listener?.onStatus(sensor, 'offline', message.observedAt);
        return Promise.resolve();
      }
      const actions = listener?.onSeen(sensor, message.observedAt) ?? null;
      const batch = actions ? priority() : bulk();
      batch.seenCodes.push(sensor.code);
      batch.seenTimes.push(message.observedAt);
      batch.seenActions.push(actions);
      return afterAdd(batch);
    },
    setListener(next) {
      listener = next;
    },
    get pending() {
      return pending;
    },
    whenPendingAtMost(level, fn) {
      if (pending <= level) fn();
      else pendingWaiters.push({ level, fn });
    },
    async flush() {
      closeBatch();
      queueRollups();
      while (running || jobs.length > 0 || (urgent?.size ?? 0) > 0) {
        const idle = new Promise<void>((resolve) => idleWaiters.push(resolve));
        void pump();
        await idle;
      }
    },
  };
}
