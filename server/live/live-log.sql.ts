/**
 * SQL of the cluster's live event log (migration 0021; server/live/live-log-reader.ts). System reads, unscoped: the
 * hub filters each item per client by the same rules as row-level security (live-scope.ts).
 */
import { defineSql } from '../db/database.js';

/** Result: the log's epoch (app_meta 'live_epoch'), the newest number handed out
 * (committed: the counter row) and the oldest kept (0 when none). Uses live_events_pkey. */
export const readLiveLogBounds = defineSql(
  'live_log.bounds',
  `SELECT (SELECT value #>> '{}' FROM app_meta WHERE key = 'live_epoch') AS epoch,
          (SELECT seq FROM live_event_counter)::bigint AS newest,
          coalesce((SELECT min(seq) FROM live_events), 0)::bigint AS oldest`,
);

/** $1 last number read, $2 batch size. Result: the next entries in order. Uses live_events_pkey (range scan). */
export const readLiveLogAfter = defineSql(
  'live_log.after',
  `SELECT seq, topic, ref_id, kind, micro_grid_code, at FROM live_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
);

const INCIDENT_COLUMNS = `i.id, i.number, i.state, i.grade, i.category, i.source, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat,
          i.micro_grid_code, i.community_code, i.street_code, i.district_code, i.assigned_worker_code,
          i.escalation_level, i.overdue, i.deadline_at, i.reported_at, i.generated`;

/** $1 bigint[] incident ids. Result: their live summaries (any state). Uses incidents_pkey. */
export const readIncidentSummaries = defineSql(
  'live_log.incident_summaries',
  `SELECT ${INCIDENT_COLUMNS} FROM incidents i WHERE i.id = ANY($1::bigint[])`,
);

/** $1 retention start. Result: the rows removed (count). Uses live_events_at_idx. Run by the scheduler leader. */
export const pruneLiveLog = defineSql(
  'live_log.prune',
  `WITH gone AS (DELETE FROM live_events WHERE at < $1 RETURNING 1) SELECT count(*)::int AS removed FROM gone`,
);
