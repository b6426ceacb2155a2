/**
 * Retention of the live event log (migration 0021): every minute the scheduler leader deletes entries older than
 * LIVE_LOG_RETENTION_MINUTES (60 by default). A client away longer than that gets a snapshot instead of a replay.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../db/database.js';
import { pruneLiveLog } from '../live/live-log.sql.js';

/** One pass; returns the entries removed. */
export async function pruneLiveLogOnce(db: Database, clock: Clock, retentionMinutes: number): Promise<number> {
  const [row] = await db.query<{ removed: number }>(pruneLiveLog, [new Date(clock.now().getTime() - retentionMinutes * 60_000)]);
  return row?.removed ?? 0;
}

export function startLiveLogRetention(deps: {
  db: Database;
  clock: Clock;
  logger: Logger;
  retentionMinutes: number;
  intervalMs?: number;
}): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    pruneLiveLogOnce(deps.db, deps.clock, deps.retentionMinutes)
      .then((removed) => {
        if (removed) deps.logger.debug({ removed }, 'live log pruned');
      })
      .catch((error: unknown) => deps.logger.warn({ error: (error as Error)?.name }, 'live log pruning failed'))
      .finally(() => {
        running = false;
      });
  }, deps.intervalMs ?? 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
