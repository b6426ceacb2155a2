/**
 * SQL of the scheduler leadership (server/cluster/scheduler-leadership.ts): a session-level advisory lock on a
 * dedicated connection. Key: SCHEDULER_LOCK_KEY (one bigint for the whole deployment's schedulers).
 */
import { defineSql } from '../db/database.js';

/** 'GRIDSCHD' as a bigint: the advisory lock key of the schedulers' leadership. */
export const SCHEDULER_LOCK_KEY = 0x4752_4944_5343_4844n.toString();

/** $1 key. Result: ok = true when this session now holds the lock (it keeps it until unlock or disconnect). */
export const tryLeadership = defineSql('cluster.try_leadership', `SELECT pg_try_advisory_lock($1::bigint) AS ok`);

/** $1 key. Result: ok = true when this session held the lock and released it. */
export const releaseLeadership = defineSql('cluster.release_leadership', `SELECT pg_advisory_unlock($1::bigint) AS ok`);

/** Result: one row: the session is alive and still holds the lock $1 (pg_locks of this backend). */
export const checkLeadership = defineSql(
  'cluster.check_leadership',
  `SELECT EXISTS (SELECT 1 FROM pg_locks
                   WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                     AND ((classid::bigint << 32) | objid::bigint) = $1::bigint) AS ok`,
);
