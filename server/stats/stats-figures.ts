/**
 * Pure shaping of summed counters and histograms into the contract's figures (no I/O). The same functions
 * shape a rollup's sums and the facts' sums, so a figure cannot be computed two ways.
 */
import type { Counter, CounterRow } from './stats.sql.js';
import { STATS_CATEGORIES, STATS_GRADES, STATS_SOURCES, STATS_STAGES, type KpiTotals, type StageFigures, type StatsStage } from './stats-contract.js';

/**
 * Lower edges (minutes) of the 40 buckets of gridops_stats_bucket (migration 0013). A bucket is reported by
 * its upper edge (the next lower edge): "within N minutes"; the last, open bucket by its lower edge.
 */
export const BUCKET_LOWER_EDGES = [
  0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 90, 105, 120, 150, 180, 240, 300, 360, 480, 600, 720, 960, 1200, 1440, 2160, 2880,
  4320, 5760, 7200, 10080, 20160, 43200,
] as const;

/** The bucket (1–40) of a duration, as gridops_stats_bucket computes it. */
export function bucketOf(minutes: number): number {
  let bucket = 1;
  for (let i = 0; i < BUCKET_LOWER_EDGES.length; i++) if (minutes >= BUCKET_LOWER_EDGES[i]) bucket = i + 1;
  return bucket;
}

export function bucketMinutes(bucket: number): number {
  return bucket < BUCKET_LOWER_EDGES.length ? BUCKET_LOWER_EDGES[bucket] : BUCKET_LOWER_EDGES[BUCKET_LOWER_EDGES.length - 1];
}

/** The p-quantile of a histogram (bucket → count) as percentile_disc does: the first bucket whose cumulative share ≥ p. */
export function histogramQuantile(histogram: ReadonlyMap<number, number>, p: number): number | null {
  let total = 0;
  for (const n of histogram.values()) total += n;
  if (total <= 0) return null;
  let cumulative = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    cumulative += histogram.get(bucket)!;
    if (cumulative / total >= p - 1e-12) return bucketMinutes(bucket);
  }
  return null;
}

export function toCounters(row: Record<string, unknown> | undefined, counters: readonly Counter[]): CounterRow {
  const out = {} as CounterRow;
  for (const c of counters) out[c] = Number(row?.[c] ?? 0);
  return out;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const round = (value: number | null, digits = 4): number | null => (value === null ? null : Number(value.toFixed(digits)));

export function totalsOf(c: CounterRow, households: number, now: { openNow: number; overdueNow: number }): KpiTotals {
  return {
    incidents: c.incidents,
    accepted: c.accepted,
    dispatched: c.dispatched,
    onScene: c.on_scene,
    resolved: c.resolved,
    closed: c.closed,
    rejected: c.rejected,
    closureRate: round(ratio(c.closed, c.incidents)),
    onTimeRate: round(ratio(c.on_time_close, c.closed)),
    escalated: c.escalated,
    summonses: c.summonses,
    summonsesLate: c.summonses_late,
    repeats: c.repeats,
    rated: c.rated,
    satisfactionMean: round(ratio(c.satisfaction_sum, c.rated), 3),
    per1000Households: households > 0 ? round((c.incidents * 1000) / households, 3) : null,
    openNow: now.openNow,
    overdueNow: now.overdueNow,
  };
}

export function breakdownsOf(c: CounterRow) {
  return {
    bySource: Object.fromEntries(STATS_SOURCES.map((s) => [s, c[`src_${s}` as Counter]])) as Record<(typeof STATS_SOURCES)[number], number>,
    byCategory: Object.fromEntries(STATS_CATEGORIES.map((s) => [s, c[`cat_${s}` as Counter]])) as Record<(typeof STATS_CATEGORIES)[number], number>,
    byGrade: Object.fromEntries(STATS_GRADES.map((s) => [s, c[`grade_${s}` as Counter]])) as Record<(typeof STATS_GRADES)[number], number>,
  };
}

const REACHED: Record<StatsStage, Counter> = { accept: 'accepted', dispatch: 'dispatched', arrive: 'on_scene', resolve: 'resolved', close: 'closed' };

export function stagesOf(c: CounterRow, histograms: ReadonlyMap<StatsStage, ReadonlyMap<number, number>>): StageFigures[] {
  return STATS_STAGES.map((stage) => {
    const reached = c[REACHED[stage]];
    const onTime = c[`on_time_${stage}` as Counter];
    const histogram = histograms.get(stage) ?? new Map<number, number>();
    return {
      stage,
      reached,
      onTime,
      onTimeRate: round(ratio(onTime, reached)),
      medianMinutes: histogramQuantile(histogram, 0.5),
      p90Minutes: histogramQuantile(histogram, 0.9),
    };
  });
}

/** Rows of (key, bucket, n) → a histogram per key. */
export function histogramsBy<K>(rows: readonly { key: K; bucket: number; n: number }[]): Map<K, Map<number, number>> {
  const out = new Map<K, Map<number, number>>();
  for (const r of rows) {
    let h = out.get(r.key);
    if (!h) out.set(r.key, (h = new Map()));
    h.set(r.bucket, (h.get(r.bucket) ?? 0) + r.n);
  }
  return out;
}
