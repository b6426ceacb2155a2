/**
 * The cluster's live fan-out (issue 24): reads the live event log (migration 0021) in order and publishes each change
 * into this instance's hub under the log's own sequence number, so that numbers mean the same on every instance and a
 * client resumes anywhere. NOTIFY gridops_live (sent by the commit that appended) only wakes the reader; it also reads
 * every `pollMs` (a notification lost while the LISTEN connection was down is caught up then, and at once after the
 * reconnect). Reads never overlap; a wake-up during a read makes one more read.
 *
 * Per batch, several entries of one incident become one delta (its newest number, its current row): the row is read
 * after the entry, so it is at least as new as the change. A failed read is logged (statement and SQLSTATE) and
 * retried at the next wake-up from the same position: nothing is skipped.
 *
 *   const start = await readLiveLogStart(db);           // before the hub exists: its epoch and first number
 *   const reader = startLiveLogReader({ db, hub, logger, start });
 */
import type { Logger } from 'pino';
import { type Database, DatabaseError, type DatabaseListener } from '../db/database.js';
import type { LiveHub } from './live-hub.js';
import { type IncidentRow, toLiveIncident } from './live-rows.js';
import { readIncidentSummaries, readLiveLogAfter, readLiveLogBounds } from './live-log.sql.js';

export const LIVE_LOG_CHANNEL = 'gridops_live';

export interface LiveLogStart {
  /** The log's epoch (app_meta 'live_epoch'): the hub's epoch on every instance. */
  epoch: string;
  /** The number the hub starts after: entries after it are read (a few hundred back, so clients resume across instances). */
  position: number;
}

/** Where a new instance starts: `preload` entries before the newest (kept ones only), so recent numbers can be resumed. */
export async function readLiveLogStart(db: Database, preload = 500): Promise<LiveLogStart> {
  const [row] = await db.query<{ epoch: string | null; newest: number; oldest: number }>(readLiveLogBounds);
  if (!row?.epoch) throw new Error('the live event log is missing (migration 0021)');
  const floor = row.oldest > 0 ? row.oldest - 1 : row.newest;
  return { epoch: row.epoch, position: Math.max(floor, row.newest - preload, 0) };
}

interface LogRow {
  seq: number;
  topic: string;
  ref_id: number;
  kind: string;
  micro_grid_code: string;
  at: Date | string;
}

export interface LiveLogReader {
  /** The last number published into the hub. */
  readonly position: number;
  /** LISTEN connection up (false while the database is away). */
  readonly listening: boolean;
  /** Read everything committed so far (tests, and a resume that is ahead of this instance). */
  catchUp(): Promise<void>;
  stop(): Promise<void>;
}

/** The Asia/Shanghai calendar day (UTC+8, no daylight saving) of an ISO time: the day the statistics count it in. */
function shanghaiDay(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
}

export function startLiveLogReader(deps: {
  db: Database;
  hub: LiveHub;
  logger: Logger;
  start: LiveLogStart;
  pollMs?: number;
  batch?: number;
}): LiveLogReader {
  const { db, hub, logger } = deps;
  const batch = deps.batch ?? 500;
  let position = deps.start.position;
  let stopped = false;
  let reading: Promise<void> | null = null;
  let again = false;
  let listener: DatabaseListener | null = null;

  const readOnce = async (): Promise<number> => {
    const rows = await db.query<LogRow>(readLiveLogAfter, [position, batch]);
    if (rows.length === 0 || stopped) return 0;
    // The newest entry of each incident in this batch, in log order.
    const newest = new Map<number, LogRow>();
    for (const row of rows) {
      if (row.topic !== 'incidents') continue;
      newest.delete(Number(row.ref_id));
      newest.set(Number(row.ref_id), row);
    }
    const ids = [...newest.keys()];
    const summaries = ids.length ? await db.query<IncidentRow>(readIncidentSummaries, [ids]) : [];
    if (stopped) return 0;
    const byId = new Map(summaries.map((r) => [Number(r.id), r]));
    for (const [id, entry] of newest) {
      const row = byId.get(id);
      if (!row) continue;
      const seq = Number(entry.seq);
      const incident = toLiveIncident(row);
      hub.publishIncident(incident, seq);
      const at = new Date(entry.at).toISOString();
      hub.publishStatsChange(
        { incidentId: id, microGridCode: incident.microGridCode, day: shanghaiDay(incident.reportedAt), kind: entry.kind, at },
        seq,
      );
    }
    position = Number(rows[rows.length - 1]!.seq);
    return rows.length;
  };

  const drain = async () => {
    do {
      again = false;
      try {
        while ((await readOnce()) === batch && !stopped);
      } catch (error) {
        const detail =
          error instanceof DatabaseError ? { statement: error.statementName, sqlState: error.sqlState } : { error: (error as Error)?.name };
        logger.warn(detail, 'live log: read failed (retried at the next wake-up)');
        return;
      }
    } while (again && !stopped);
  };

  const wake = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (reading) {
      again = true;
      return reading;
    }
    reading = drain().finally(() => {
      reading = null;
    });
    return reading;
  };

  const listening = db.listen
    ? db.listen(LIVE_LOG_CHANNEL, { onNotify: () => void wake(), onReconnect: () => void wake() }).then(
        (l) => {
          if (stopped) void l.close();
          else listener = l;
        },
        (error: unknown) => logger.warn({ error: (error as Error)?.name }, 'live log: LISTEN failed; polling only until the next start'),
      )
    : Promise.resolve();
  const timer = setInterval(() => void wake(), deps.pollMs ?? 1000);
  timer.unref();
  void listening.then(() => wake());

  return {
    get position() {
      return position;
    },
    get listening() {
      return listener?.connected ?? false;
    },
    async catchUp() {
      await listening;
      await wake();
      // A read that was running when asked may have started before the newest commit: one more.
      await wake();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await listening;
      await listener?.close();
      await reading;
    },
  };
}
