/**
 * The rollups and latest values after a crash. The ingest merges them in memory and writes them every
 * IOT_ROLLUP_FLUSH_MS (rollup-buffer.ts); a kill -9 loses what the buffer held, but never a raw reading (each is
 * committed before its PUBACK). So the ingest moves a watermark (iot_rollup_watermark, migration 0047) after each
 * flush written completely — every reading received before it is in the rollups — and at start, before any new
 * reading, `rebuildRollups` recomputes from the raw readings the hourly cells and latest values that the readings
 * received since the watermark fall in, written over what is there (iot.rebuild_rollups_since), then moves the
 * watermark to the start. After a clean stop (a final flush) the window is empty or a few readings wide.
 *
 * One ingesting process per database: the rebuild writes cells over, so on PostgreSQL with several instances
 * ingesting at once (a shared subscription), a cell rebuilt while another instance still buffers readings of it
 * would count those twice when that instance flushes. The embedded database is one process by definition.
 */
import type { Queryable } from '../db/database.js';
import { readRollupWatermark, rebuildRollupsSince, writeRollupWatermark } from './rollup-recovery.sql.js';

export interface RollupRebuild {
  /** The watermark found (null: none recorded, nothing rebuilt). */
  since: Date | null;
  hours: number;
  sensors: number;
}

/** Moves the watermark: every reading received before `through` is in the rollups. */
export async function advanceRollupWatermark(db: Queryable, through: Date): Promise<void> {
  await db.query(writeRollupWatermark, [through]);
}

/** At start, before the ingest takes a message: rebuild what the last run's buffer may have lost. */
export async function rebuildRollups(db: Queryable, now: Date, maxReadingAgeMs: number): Promise<RollupRebuild> {
  const [row] = await db.query<{ rollups_through: Date | string }>(readRollupWatermark);
  if (!row) {
    await advanceRollupWatermark(db, now);
    return { since: null, hours: 0, sensors: 0 };
  }
  const since = new Date(row.rollups_through);
  const [done] = await db.query<{ hours: number; sensors: number }>(rebuildRollupsSince, [since, new Date(since.getTime() - maxReadingAgeMs)]);
  await advanceRollupWatermark(db, now);
  return { since, hours: Number(done.hours), sensors: Number(done.sensors) };
}
