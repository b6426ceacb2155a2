/**
 * The daily partitions of sensor_readings: created ahead (from the oldest day a reading may be dated, the
 * configured maximum age back, to two days ahead) and dropped once their whole day is older than the raw
 * retention (IOT_RAW_RETENTION_DAYS, 90 by default). The hourly rollups are never dropped. Run at start and
 * hourly (start-iot.ts).
 */
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

export async function maintainReadingPartitions(
  db: Queryable,
  now: Date,
  policy: PartitionPolicy,
): Promise<{ created: number; dropped: string[] }> {
  const first = Math.floor((now.getTime() - policy.maxAgeMs) / DAY_MS) * DAY_MS;
  const last = Math.floor(now.getTime() / DAY_MS) * DAY_MS + policy.daysAhead * DAY_MS;
  const days = Math.round((last - first) / DAY_MS) + 1;
  const [{ created }] = await db.query<{ created: number }>(ensurePartitions, [utcDay(first), days]);
  const keepFrom = Math.floor(now.getTime() / DAY_MS) * DAY_MS - policy.retentionDays * DAY_MS;
  const dropped = await db.query<{ dropped: string }>(dropPartitions, [utcDay(Math.min(keepFrom, first))]);
  return { created: Number(created), dropped: dropped.map((r) => r.dropped) };
}
