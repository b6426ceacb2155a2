/**
 * The daily partitions of sensor_readings: created ahead (from the oldest day a reading may be dated, the
 * configured maximum age back, to two days ahead) and dropped once their whole day is older than the raw
 * retention (IOT_RAW_RETENTION_DAYS, 90 by default). The hourly rollups are never dropped. Run at start and
 * hourly (`startPartitionMaintenance`), on one instance of a deployment: start-iot.ts hands it to the scheduler
 * leadership (server/cluster/scheduler-leadership.ts `whileLeader`), so with several instances on one PostgreSQL only
 * the leader creates and drops partitions. (The ingest's own fallback — a batch dated on a day with no partition
 * yet creates that one day, reading-ingest.ts — stays on every instance: it never drops, and it only runs when the
 * leader has not created the day.)
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Queryable } from '../db/database.js';
import { dropPartitions, ensurePartitions } from './iot.sql.js';

const DAY_MS = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface PartitionPolicy {
  /** Readings may be dated this far back (IOT_MAX_READING_AGE_HOURS). */
  maxAgeMs: number;
  retentionDays: number;
  daysAhead: number;
}

export async function maintainReadingPartitions(db: Queryable, now: Date, policy: PartitionPolicy): Promise<{ created: number; dropped: string[] }> {
  const first = Math.floor((now.getTime() - policy.maxAgeMs) / DAY_MS) * DAY_MS;
  const last = Math.floor(now.getTime() / DAY_MS) * DAY_MS + policy.daysAhead * DAY_MS;
  const days = Math.round((last - first) / DAY_MS) + 1;
  const [{ created }] = await db.query<{ created: number }>(ensurePartitions, [utcDay(first), days]);
  const keepFrom = Math.floor(now.getTime() / DAY_MS) * DAY_MS - policy.retentionDays * DAY_MS;
  const dropped = await db.query<{ dropped: string }>(dropPartitions, [utcDay(Math.min(keepFrom, first))]);
  return { created: Number(created), dropped: dropped.map((r) => r.dropped) };
}

export interface PartitionMaintenanceOptions {
  db: Queryable;
  clock: Clock;
  logger: Logger;
  policy: PartitionPolicy;
  /** Between two passes (an hour by default). */
  everyMs?: number;
  /** A first pass at once (default), or only after `everyMs` (the caller made one). */
  firstPassNow?: boolean;
  /** After each pass (tests, metrics). */
  onPass?(result: { created: number; dropped: string[] }): void;
}

/** One pass now, then every `everyMs`; returns the stop function (what `whileLeader` expects). */
export function startPartitionMaintenance(options: PartitionMaintenanceOptions): () => void {
  const { db, clock, logger, policy } = options;
  let stopped = false;
  const pass = async () => {
    try {
      const done = await maintainReadingPartitions(db, clock.now(), policy);
      if (stopped) return;
      if (done.created || done.dropped.length) logger.info({ created: done.created, dropped: done.dropped }, 'iot: reading partitions maintained');
      options.onPass?.(done);
    } catch (error) {
      logger.error({ error: (error as Error)?.name }, 'iot: partition maintenance failed');
    }
  };
  if (options.firstPassNow !== false) void pass();
  const timer = setInterval(() => void pass(), options.everyMs ?? 3_600_000);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
