/**
 * The monthly safety index (平安指数) and the assessment scorecards (考核), pure functions of a unit's month
 * of counters and its households. Formulas, reasoning and the hand-made example: docs/stats-formulas.md.
 * Changing a weight, a scale or a component is a new version: published months keep the version they were
 * computed with (migration 0014) and are never recomputed.
 */
import type { CounterRow } from './stats.sql.js';
import type { ScoreComponent } from './stats-contract.js';

export const SAFETY_INDEX_VERSION = 1;
export const SCORECARD_VERSION = 1;

/** Per 1,000 households and month, the weighted rate at which a component's score falls to 100·e⁻¹ ≈ 36.8. */
export const SAFETY_RATE_SCALE = 20;
export const ALARM_RATE_SCALE = 10;

interface ComponentSpec {
  key: string;
  weight: number;
  casesMetric: string;
  /** The raw figure, or null when there is nothing to measure. */
  raw: (c: CounterRow, households: number) => number | null;
  score: (raw: number) => number;
}

const share = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const clamp = (value: number) => Math.min(100, Math.max(0, value));

export const SAFETY_INDEX_COMPONENTS: readonly ComponentSpec[] = [
  {
    key: 'safety_rate',
    weight: 0.35,
    casesMetric: 'safety_weighted',
    raw: (c, hh) => (hh > 0 ? (c.safety_weighted * 1000) / hh : null),
    score: (raw) => 100 * Math.exp(-raw / SAFETY_RATE_SCALE),
  },
  {
    key: 'alarm_rate',
    weight: 0.15,
    casesMetric: 'alarms',
    raw: (c, hh) => (hh > 0 ? (c.alarms_weighted * 1000) / hh : null),
    score: (raw) => 100 * Math.exp(-raw / ALARM_RATE_SCALE),
  },
  { key: 'on_time_closure', weight: 0.2, casesMetric: 'on_time.close', raw: (c) => share(c.on_time_close, c.incidents), score: (r) => 100 * r },
  { key: 'repeat_share', weight: 0.15, casesMetric: 'repeat', raw: (c) => share(c.repeats, c.incidents), score: (r) => 100 * (1 - r) },
  { key: 'satisfaction', weight: 0.15, casesMetric: 'rated', raw: (c) => share(c.satisfaction_sum, c.rated), score: (r) => (100 * (r - 1)) / 4 },
];

export const SCORECARD_COMPONENTS: readonly ComponentSpec[] = [
  { key: 'accept_on_time', weight: 0.15, casesMetric: 'late.accept', raw: (c) => share(c.on_time_accept, c.accepted), score: (r) => 100 * r },
  { key: 'dispatch_on_time', weight: 0.15, casesMetric: 'late.dispatch', raw: (c) => share(c.on_time_dispatch, c.dispatched), score: (r) => 100 * r },
  { key: 'arrive_on_time', weight: 0.15, casesMetric: 'late.arrive', raw: (c) => share(c.on_time_arrive, c.on_scene), score: (r) => 100 * r },
  { key: 'resolve_on_time', weight: 0.2, casesMetric: 'late.resolve', raw: (c) => share(c.on_time_resolve, c.resolved), score: (r) => 100 * r },
  { key: 'closure_rate', weight: 0.15, casesMetric: 'closed', raw: (c) => share(c.closed, c.incidents), score: (r) => 100 * r },
  { key: 'satisfaction', weight: 0.1, casesMetric: 'rated', raw: (c) => share(c.satisfaction_sum, c.rated), score: (r) => (100 * (r - 1)) / 4 },
  { key: 'escalation_share', weight: 0.05, casesMetric: 'escalated', raw: (c) => share(c.escalated, c.incidents), score: (r) => 100 * (1 - r) },
  {
    key: 'summons_on_time',
    weight: 0.05,
    casesMetric: 'summons_late',
    raw: (c) => share(c.summonses - c.summonses_late, c.summonses),
    score: (r) => 100 * r,
  },
];

const round1 = (value: number) => Math.round(value * 10) / 10;
const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/** Components and the weighted score (0–100, one decimal); components that cannot be measured are left out and the rest re-weighted. */
export function scoreOf(
  specs: readonly ComponentSpec[],
  counters: CounterRow,
  households: number,
): { score: number | null; components: ScoreComponent[] } {
  const components: ScoreComponent[] = specs.map((spec) => {
    const raw = spec.raw(counters, households);
    return {
      key: spec.key,
      raw: raw === null ? null : round4(raw),
      score: raw === null ? null : round1(clamp(spec.score(raw))),
      weight: spec.weight,
      casesMetric: spec.casesMetric,
    };
  });
  let weighted = 0;
  let weights = 0;
  for (const spec of specs) {
    const raw = spec.raw(counters, households);
    if (raw === null) continue;
    weighted += spec.weight * clamp(spec.score(raw));
    weights += spec.weight;
  }
  return { score: weights > 0 ? round1(weighted / weights) : null, components };
}

export const safetyIndexOf = (counters: CounterRow, households: number) => scoreOf(SAFETY_INDEX_COMPONENTS, counters, households);
export const scorecardOf = (counters: CounterRow, households: number) => scoreOf(SCORECARD_COMPONENTS, counters, households);
