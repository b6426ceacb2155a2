/**
 * The screens' reads of the statistics API (server/stats: the contract in server/stats/stats-contract.ts, whose
 * inferred types are used here — never re-declared) and of the units API. Same-origin GETs through the console's
 * api-client (cookie of the session or of the wall's screen session).
 */
import { apiGet, query } from '../api/api-client.js';
import type {
  RankingMetric,
  StatsCases,
  StatsRecent,
  StatsRanking,
  StatsScores,
  StatsNow,
  StatsSeries,
  StatsSummary,
} from '../../server/stats/stats-contract.js';

export type { StatsNow } from '../../server/stats/stats-contract.js';
export type {
  RankingMetric,
  RankingRow,
  StageFigures,
  StatsCaseRow,
  StatsCases,
  StatsRanking,
  StatsScores,
  StatsSeries,
  StatsSummary,
  UnitScore,
} from '../../server/stats/stats-contract.js';

export type PeriodKind = 'day' | 'week' | 'month' | 'range';
export interface PeriodChoice {
  kind: PeriodKind;
  /** The day the period contains (day/week/month), YYYY-MM-DD. */
  date: string;
  from?: string;
  to?: string;
}

function periodParams(period: PeriodChoice): Record<string, string | undefined> {
  return period.kind === 'range' ? { period: 'range', from: period.from, to: period.to } : { period: period.kind, date: period.date };
}

export const fetchSummary = (unit: string, period: PeriodChoice) =>
  apiGet<StatsSummary>(`/api/stats/summary?${query({ unit, ...periodParams(period) })}`);

/** The wall's "right now" counts: workers on duty, cameras and sensors online, open alarms and summonses. */
export const fetchNow = (unit: string) => apiGet<StatsNow>(`/api/stats/now?${query({ unit })}`);

export const fetchRanking = (unit: string, period: PeriodChoice, metric: RankingMetric, order: 'asc' | 'desc') =>
  apiGet<StatsRanking>(`/api/stats/ranking?${query({ unit, ...periodParams(period), metric, order })}`);

export const fetchHourlySeries = (unit: string, date: string, compare: 'none' | 'week') =>
  apiGet<StatsSeries>(`/api/stats/series?${query({ unit, granularity: 'hour', period: 'day', date, compare })}`);

export const fetchDailySeries = (unit: string, from: string, to: string) =>
  apiGet<StatsSeries>(`/api/stats/series?${query({ unit, granularity: 'day', period: 'range', from, to, compare: 'none' })}`);

/** Every case of the last 24 hours in the unit as points (the wall's density), newest first. */
export const fetchRecent = (unit: string) => apiGet<StatsRecent>(`/api/stats/recent?${query({ unit, hours: 24 })}`);

export const fetchCases = (unit: string, period: PeriodChoice, metric: string, limit: number) =>
  apiGet<StatsCases>(`/api/stats/cases?${query({ unit, ...periodParams(period), metric, limit })}`);

export const fetchSafetyIndex = (unit: string, month?: string) => apiGet<StatsScores>(`/api/stats/safety-index?${query({ unit, month })}`);
export const fetchScorecards = (unit: string, month?: string) => apiGet<StatsScores>(`/api/stats/scorecards?${query({ unit, month })}`);

export interface ScreenUnit {
  code: string;
  name: string;
  level: 'district' | 'street' | 'community' | 'grid' | 'micro_grid';
  parent_code: string | null;
  households: number;
  bbox: [number, number, number, number];
  geometry?: import('geojson').Polygon | import('geojson').MultiPolygon;
}

export const fetchUnit = (code: string, geometry = false) => apiGet<ScreenUnit>(`/api/units/${code}${geometry ? '?geometry=true' : ''}`);
export const fetchChildren = (code: string) => apiGet<{ parent: ScreenUnit; children: ScreenUnit[] }>(`/api/units/${code}/children`);
export const fetchAncestors = (code: string) => apiGet<{ unit: ScreenUnit; ancestors: ScreenUnit[] }>(`/api/units/${code}/ancestors`);

/** The districts of the city (the children of 'city'): the units API has no city row, so the ranking names them. */
export async function fetchChildUnits(code: string, cityChildren: () => Promise<StatsRanking>): Promise<ScreenUnit[]> {
  if (code !== 'city') return (await fetchChildren(code)).children;
  const ranking = await cityChildren();
  return Promise.all(ranking.rows.map((row) => fetchUnit(row.code)));
}

/** Runs `tasks` with at most `limit` at a time, answers in order; a failed task gives null. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<(R | null)[]> {
  const results: (R | null)[] = new Array(items.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]).catch(() => null);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
