/**
 * Tests only: the statistics counted directly over the incident tables (incidents, incident_timeline,
 * incident_summonses, incident_time_limits), written apart from migration 0013's view, with the aggregation
 * (rates, means, bucketed percentiles) done here in TypeScript. The rollups must give the same figures.
 */
import { defineSql, type Queryable } from '../db/database.js';
import { STATS_STAGES, type StatsStage } from './stats-contract.js';
import { bucketMinutes, bucketOf } from './stats-figures.js';

const limit = (stage: string) =>
  `(SELECT l.minutes FROM incident_time_limits l WHERE l.grade = i.grade AND l.stage = '${stage}'
     AND (l.category = i.category OR l.category IS NULL) ORDER BY l.category NULLS LAST LIMIT 1)`;
const firstAt = (state: string) => `(SELECT min(t.at) FROM incident_timeline t WHERE t.incident_id = i.id AND t.to_state = '${state}')`;
const minutes = (state: string) => `extract(epoch FROM ${firstAt(state)} - i.reported_at)::float8 / 60`;

/** $1 unit code prefix ('' = city), $2 from, $3 to (Asia/Shanghai dates). One row per incident. */
export const directIncidents = defineSql(
  'test.stats_direct_incidents',
  `SELECT i.id, i.source, i.category, i.grade, i.state, i.satisfaction, i.escalation_level,
          extract(hour FROM i.reported_at AT TIME ZONE 'Asia/Shanghai')::int AS hour,
          ${minutes('accepted')} AS accept, ${minutes('dispatched')} AS dispatch, ${minutes('on_scene')} AS arrive,
          ${minutes('resolved')} AS resolve, CASE WHEN i.state = 'closed' THEN ${minutes('closed')} END AS close,
          ${limit('accept')} AS l_accept, ${limit('dispatch')} AS l_dispatch, ${limit('acknowledge')} AS l_acknowledge,
          ${limit('arrive')} AS l_arrive, ${limit('resolve')} AS l_resolve, ${limit('verify')} AS l_verify, ${limit('evaluate')} AS l_evaluate,
          (SELECT count(*) FROM incident_summonses s WHERE s.incident_id = i.id)::int AS summonses,
          (SELECT count(*) FROM incident_summonses s WHERE s.incident_id = i.id AND (s.overdue OR s.reported_at > s.deadline_at))::int AS summonses_late,
          EXISTS (SELECT 1 FROM incidents p WHERE p.id <> i.id AND p.micro_grid_code = i.micro_grid_code AND p.category = i.category
                     AND p.reported_at >= i.reported_at - interval '30 days'
                     AND (p.reported_at < i.reported_at OR (p.reported_at = i.reported_at AND p.id < i.id))) AS repeat
     FROM incidents i
    WHERE i.micro_grid_code LIKE $1 || '%'
      AND (i.reported_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $2::date AND $3::date`,
);

/** $1 prefix, $2 now: open and overdue now. */
export const directOpenNow = defineSql(
  'test.stats_direct_open_now',
  `SELECT count(*)::int AS open_now, count(*) FILTER (WHERE overdue OR deadline_at < $2)::int AS overdue_now
     FROM incidents WHERE state NOT IN ('closed', 'rejected') AND micro_grid_code LIKE $1 || '%'`,
);

/** One row of directIncidents: minutes to each stage (null when not reached) and each stage's time limit. */
type Row = {
  id: number;
  source: string;
  category: string;
  grade: string;
  state: string;
  satisfaction: number | null;
  escalation_level: number;
  hour: number;
} & Record<StatsStage, number | null> &
  Record<`l_${'accept' | 'dispatch' | 'acknowledge' | 'arrive' | 'resolve' | 'verify' | 'evaluate'}`, number> & {
    summonses: number;
    summonses_late: number;
    repeat: boolean;
  };

function quantile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const buckets = values.map(bucketOf).sort((a, b) => a - b);
  return bucketMinutes(buckets[Math.max(0, Math.ceil(p * buckets.length) - 1)]);
}

const r4 = (v: number | null) => (v === null ? null : Number(v.toFixed(4)));

/** The summary's figures counted directly (same shape as the API's totals, breakdowns and stages). */
export async function directSummary(db: Queryable, unitCode: string, from: string, to: string, now: Date) {
  const prefix = unitCode === 'city' ? '' : unitCode;
  const rows = await db.query<Row>(directIncidents, [prefix, from, to]);
  const [open] = await db.query<{ open_now: number; overdue_now: number }>(directOpenNow, [prefix, now]);
  const count = (f: (r: Row) => boolean) => rows.filter(f).length;
  const cumulative = (r: Row): Record<StatsStage, number> => {
    const accept = r.l_accept;
    const dispatch = accept + r.l_dispatch;
    const arrive = dispatch + r.l_acknowledge + r.l_arrive;
    const resolve = arrive + r.l_resolve;
    return { accept, dispatch, arrive, resolve, close: resolve + r.l_verify + r.l_evaluate };
  };
  const stages = STATS_STAGES.map((stage) => {
    const reached = rows.flatMap((r) => (r[stage] === null ? [] : [{ row: r, minutes: r[stage] }]));
    const onTime = reached.filter((x) => x.minutes <= cumulative(x.row)[stage]).length;
    return {
      stage,
      reached: reached.length,
      onTime,
      onTimeRate: reached.length ? r4(onTime / reached.length) : null,
      medianMinutes: quantile(
        reached.map((x) => x.minutes),
        0.5,
      ),
      p90Minutes: quantile(
        reached.map((x) => x.minutes),
        0.9,
      ),
    };
  });
  const rated = rows.filter((r) => r.satisfaction !== null);
  const closed = count((r) => r.state === 'closed');
  const by = (key: 'source' | 'category' | 'grade') => {
    const out: Record<string, number> = {};
    for (const r of rows) out[r[key]] = (out[r[key]] ?? 0) + 1;
    return out;
  };
  return {
    incidents: rows.length,
    accepted: stages[0].reached,
    dispatched: stages[1].reached,
    onScene: stages[2].reached,
    resolved: stages[3].reached,
    closed,
    rejected: count((r) => r.state === 'rejected'),
    closureRate: rows.length ? r4(closed / rows.length) : null,
    onTimeRate: closed ? r4(stages[4].onTime / closed) : null,
    escalated: count((r) => r.escalation_level > 0),
    summonses: rows.reduce((s, r) => s + r.summonses, 0),
    summonsesLate: rows.reduce((s, r) => s + r.summonses_late, 0),
    repeats: count((r) => r.repeat),
    rated: rated.length,
    satisfactionMean: rated.length ? Number((rated.reduce((s, r) => s + (r.satisfaction ?? 0), 0) / rated.length).toFixed(3)) : null,
    openNow: open.open_now,
    overdueNow: open.overdue_now,
    bySource: by('source'),
    byCategory: by('category'),
    byGrade: by('grade'),
    byHour: rows.reduce((acc: number[], r) => ((acc[r.hour] += 1), acc), new Array(24).fill(0)),
    stages,
    ids: rows.map((r) => Number(r.id)),
  };
}
