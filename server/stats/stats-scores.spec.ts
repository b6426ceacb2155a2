/**
 * The safety index and a scorecard recomputed by hand from docs/stats-formulas.md on a small made-up month, and the
 * histogram quantiles the medians use.
 */
import { describe, expect, it } from 'vitest';
import { COUNTERS, type CounterRow } from './stats.sql.js';
import { bucketMinutes, bucketOf, histogramQuantile } from './stats-figures.js';
import { SAFETY_INDEX_VERSION, safetyIndexOf, scorecardOf } from './stats-scores.js';

function month(values: Partial<CounterRow>): CounterRow {
  const row = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as CounterRow;
  return { ...row, ...values };
}

// A community of 500 households in one month: 20 incidents. Safety categories: 2 blue (1 each), 3 yellow (2),
// 1 orange (4), 1 red (8) → weighted 2 + 6 + 4 + 8 = 20. Alarms: 1 yellow IoT + 1 orange video → 2 + 4 = 6.
// 14 closed on time, 3 repeats, 10 ratings summing to 42 (mean 4.2).
const community = month({
  incidents: 20,
  accepted: 19,
  on_time_accept: 18,
  dispatched: 18,
  on_time_dispatch: 16,
  on_scene: 17,
  on_time_arrive: 15,
  resolved: 16,
  on_time_resolve: 12,
  closed: 15,
  on_time_close: 14,
  escalated: 2,
  summonses: 4,
  summonses_late: 1,
  repeats: 3,
  rated: 10,
  satisfaction_sum: 42,
  safety_weighted: 20,
  alarms_weighted: 6,
});

describe('safety index, version ' + SAFETY_INDEX_VERSION, () => {
  it('recomputes the documented example', () => {
    const { score, components } = safetyIndexOf(community, 500);
    // safety_rate: 20 × 1000 / 500 = 40 per 1,000 households → 100·e^(−40/20) = 13.53
    // alarm_rate:   6 × 1000 / 500 = 12 → 100·e^(−12/10) = 30.12
    // on_time_closure: 14 / 20 = 0.7 → 70;  repeat_share: 3 / 20 = 0.15 → 85;  satisfaction: 4.2 → (4.2 − 1) / 4 · 100 = 80
    expect(components.map((c) => [c.key, c.raw, c.score])).toEqual([
      ['safety_rate', 40, 13.5],
      ['alarm_rate', 12, 30.1],
      ['on_time_closure', 0.7, 70],
      ['repeat_share', 0.15, 85],
      ['satisfaction', 4.2, 80],
    ]);
    // 0.35·13.534 + 0.15·30.119 + 0.2·70 + 0.15·85 + 0.15·80 = 4.737 + 4.518 + 14 + 12.75 + 12 = 48.0
    expect(score).toBe(48);
    expect(components.every((c) => c.casesMetric.length > 0)).toBe(true);
  });

  it('leaves out what cannot be measured and re-weights the rest', () => {
    // No households known, no ratings: only on-time closure (0.2) and repeats (0.15) remain.
    const { score, components } = safetyIndexOf(month({ incidents: 10, on_time_close: 8, repeats: 1 }), 0);
    expect(components.filter((c) => c.score === null).map((c) => c.key)).toEqual(['safety_rate', 'alarm_rate', 'satisfaction']);
    expect(score).toBe(Number(((0.2 * 80 + 0.15 * 90) / 0.35).toFixed(1)));
    expect(safetyIndexOf(month({}), 0).score).toBeNull();
  });

  it('is 100 for a quiet month with everything on time, and stays within 0–100', () => {
    expect(safetyIndexOf(month({ incidents: 1, on_time_close: 1, rated: 1, satisfaction_sum: 5 }), 1000).score).toBe(100);
    const bad = safetyIndexOf(
      month({ incidents: 1000, repeats: 1000, rated: 5, satisfaction_sum: 5, safety_weighted: 8000, alarms_weighted: 8000 }),
      10,
    );
    expect(bad.score).toBeGreaterThanOrEqual(0);
    expect(bad.score).toBeLessThan(1);
  });
});

describe('scorecard', () => {
  it('recomputes the documented example', () => {
    const { score, components } = scorecardOf(community, 500);
    // accept 18/19, dispatch 16/18, arrive 15/17, resolve 12/16, closure 15/20, satisfaction 80, escalation 1 − 2/20, summons 3/4
    const expected = 0.15 * (1800 / 19) + 0.15 * (1600 / 18) + 0.15 * (1500 / 17) + 0.2 * 75 + 0.15 * 75 + 0.1 * 80 + 0.05 * 90 + 0.05 * 75;
    expect(score).toBe(Math.round(expected * 10) / 10);
    expect(components.map((c) => c.key)).toEqual([
      'accept_on_time',
      'dispatch_on_time',
      'arrive_on_time',
      'resolve_on_time',
      'closure_rate',
      'satisfaction',
      'escalation_share',
      'summons_on_time',
    ]);
    expect(components.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 10);
  });
});

describe('histogram quantiles', () => {
  it('bucket like gridops_stats_bucket and pick the bucket as percentile_disc would', () => {
    expect([0, 0.5, 1, 7.9, 8, 43199, 50000].map(bucketOf)).toEqual([1, 1, 2, 7, 8, 39, 40]);
    expect(bucketMinutes(1)).toBe(1);
    expect(bucketMinutes(40)).toBe(43200);
    const h = new Map([
      [3, 5],
      [10, 4],
      [20, 1],
    ]); // 10 values
    expect(histogramQuantile(h, 0.5)).toBe(bucketMinutes(3));
    expect(histogramQuantile(h, 0.51)).toBe(bucketMinutes(10));
    expect(histogramQuantile(h, 0.9)).toBe(bucketMinutes(10));
    expect(histogramQuantile(h, 0.91)).toBe(bucketMinutes(20));
    expect(histogramQuantile(new Map(), 0.5)).toBeNull();
  });
});
