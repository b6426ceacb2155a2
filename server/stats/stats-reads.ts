/**
 * The statistics' reads, each a few statements in one scoped transaction (row-level security decides what is
 * counted): a city, district or street from the daily rollup, anything finer from the per-incident facts.
 * Which source a unit uses, and which parameters its statements take, is decided once in `sourceOf`.
 */
import type { Queryable } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import * as sql from './stats.sql.js';
import { COUNTERS, type CounterRow, type FactChildLevel, type FactFilter } from './stats.sql.js';
import {
  STATS_STAGES,
  type RankingMetric,
  type RankingRow,
  type ResolvedPeriod,
  type SeriesBucket,
  type StatsCaseRow,
  type StatsStage,
  type StatsSummary,
  type StatsUnitRef,
} from './stats-contract.js';
import { breakdownsOf, histogramQuantile, histogramsBy, stagesOf, toCounters, totalsOf } from './stats-figures.js';
import { dateOfDay, dayNumber } from './stats-period.js';

export type UnitLevel = StatsUnitRef['level'];
export interface StatsUnit extends StatsUnitRef {
  communityCode: string | null;
}

/** A unit the caller may ask about: 403 `outside_jurisdiction` before any lookup, 404 `unknown_unit` when absent. */
export async function resolveUnit(q: Queryable, code: string, jurisdiction: string): Promise<StatsUnit> {
  if (jurisdiction !== 'city' && !code.startsWith(jurisdiction)) {
    throw new AppError(403, 'outside_jurisdiction', `The unit ${code} is outside your jurisdiction`);
  }
  if (code === 'city') {
    const [row] = await q.query<{ households: string | number }>(sql.readCityHouseholds);
    return { code: 'city', name: '南京市', level: 'city', households: Number(row?.households ?? 0), communityCode: null };
  }
  const [row] = await q.query<{ code: string; name: string; level: UnitLevel; households: number; community_code: string | null }>(sql.readUnit, [
    code,
  ]);
  if (!row) throw new AppError(404, 'unknown_unit', `No unit with the code ${code}`);
  return { code: row.code, name: row.name, level: row.level, households: Number(row.households), communityCode: row.community_code };
}

export const refOf = (u: StatsUnit): StatsUnitRef => ({ code: u.code, name: u.name, level: u.level, households: u.households });

type Source = { kind: 'rollup' } | { kind: 'facts'; filter: FactFilter };

function filterOf(unit: StatsUnit): FactFilter {
  if (unit.level === 'city') return 'city';
  if (unit.level === 'district' || unit.level === 'street' || unit.level === 'community') return unit.level;
  return 'below';
}

function sourceOf(unit: StatsUnit): Source {
  return unit.level === 'city' || unit.level === 'district' || unit.level === 'street'
    ? { kind: 'rollup' }
    : { kind: 'facts', filter: filterOf(unit) };
}

/** Parameters of a FACT_FILTERS statement: $1 from, $2 to, then the unit's. */
function factParams(filter: FactFilter, unit: StatsUnit, period: ResolvedPeriod): unknown[] {
  const base: unknown[] = [period.from, period.to];
  if (filter === 'city') return base;
  if (filter === 'below') return [...base, unit.communityCode, unit.code];
  return [...base, unit.code];
}

const rollupParams = (unit: StatsUnit, period: ResolvedPeriod) => [period.from, period.to, unit.code];

async function countersOf(q: Queryable, unit: StatsUnit, period: ResolvedPeriod): Promise<CounterRow> {
  const source = sourceOf(unit);
  const [row] =
    source.kind === 'rollup'
      ? await q.query(sql.rollupTotals, rollupParams(unit, period))
      : await q.query(sql.factTotals[source.filter], factParams(source.filter, unit, period));
  return toCounters(row, COUNTERS);
}

async function nowOf(q: Queryable, unit: StatsUnit, now: Date) {
  const [row] = await q.query<{ open_now: string; overdue_now: string }>(sql.openNow, [unit.code, now]);
  return { openNow: Number(row?.open_now ?? 0), overdueNow: Number(row?.overdue_now ?? 0) };
}

export async function readSummary(q: Queryable, unit: StatsUnit, period: ResolvedPeriod, now: Date): Promise<StatsSummary> {
  const source = sourceOf(unit);
  const counters = await countersOf(q, unit, period);
  const histRows =
    source.kind === 'rollup'
      ? await q.query<{ stage: StatsStage; bucket: number; n: string }>(sql.rollupHistograms, rollupParams(unit, period))
      : await q.query<{ stage: StatsStage; bucket: number; n: string }>(sql.factHistograms[source.filter], factParams(source.filter, unit, period));
  const histograms = histogramsBy(histRows.map((r) => ({ key: r.stage, bucket: Number(r.bucket), n: Number(r.n) })));
  const current = await nowOf(q, unit, now);
  return {
    unit: refOf(unit),
    period,
    totals: totalsOf(counters, unit.households, current),
    ...breakdownsOf(counters),
    stages: stagesOf(counters, histograms),
    asOf: now.toISOString(),
  };
}

const CHILD_LEVEL: Partial<Record<UnitLevel, UnitLevel>> = {
  city: 'district',
  district: 'street',
  street: 'community',
  community: 'grid',
  grid: 'micro_grid',
};
const CODE_LENGTH: Record<UnitLevel, number> = { city: 0, district: 6, street: 9, community: 12, grid: 15, micro_grid: 18 };

export interface ChildFigures {
  ref: StatsUnitRef;
  counters: CounterRow;
  resolveHistogram: Map<number, number>;
  openNow: number;
  overdueNow: number;
}

/**
 * Every child of the unit with its summed counters (zeros when it had no incident), its resolve histogram and its open
 * cases; `countersOnly` (the scores) skips the last two reads.
 */
export async function readChildren(q: Queryable, unit: StatsUnit, period: ResolvedPeriod, now: Date, countersOnly = false): Promise<ChildFigures[]> {
  const childLevel = CHILD_LEVEL[unit.level];
  if (!childLevel) return [];
  const children = await q.query<{ code: string; name: string; level: UnitLevel; households: number }>(sql.readChildren, [unit.code]);
  if (children.length === 0) return [];
  let totals: Record<string, unknown>[];
  let resolve: { code: string; bucket: number; n: string }[];
  if (childLevel === 'district' || childLevel === 'street') {
    const params = [period.from, period.to, children.map((c) => c.code)];
    totals = await q.query(sql.rollupTotalsByUnit, params);
    resolve = countersOnly ? [] : await q.query(sql.rollupResolveByUnit, params);
  } else {
    const level = childLevel as FactChildLevel;
    const params = factParams(sql.parentFilterOf(level), unit, period);
    totals = await q.query(sql.factTotalsByChild[level], params);
    resolve = countersOnly ? [] : await q.query(sql.factResolveByChild[level], params);
  }
  const open = countersOnly
    ? []
    : await q.query<{ code: string; open_now: string; overdue_now: string }>(sql.openNowByChild, [unit.code, now, CODE_LENGTH[childLevel]]);
  const totalsByCode = new Map(totals.map((r) => [String(r.code), r]));
  const histograms = histogramsBy(resolve.map((r) => ({ key: r.code, bucket: Number(r.bucket), n: Number(r.n) })));
  const openByCode = new Map(open.map((r) => [r.code, r]));
  return children.map((c) => ({
    ref: { code: c.code, name: c.name, level: c.level, households: Number(c.households) },
    counters: toCounters(totalsByCode.get(c.code), COUNTERS),
    resolveHistogram: histograms.get(c.code) ?? new Map(),
    openNow: Number(openByCode.get(c.code)?.open_now ?? 0),
    overdueNow: Number(openByCode.get(c.code)?.overdue_now ?? 0),
  }));
}

export function rankChildren(children: readonly ChildFigures[], metric: RankingMetric, order: 'asc' | 'desc'): RankingRow[] {
  const rows = children.map((child) => {
    const t = totalsOf(child.counters, child.ref.households, { openNow: child.openNow, overdueNow: child.overdueNow });
    const row = {
      ...child.ref,
      rank: 0,
      value: null as number | null,
      incidents: t.incidents,
      per1000Households: t.per1000Households,
      closureRate: t.closureRate,
      onTimeRate: t.onTimeRate,
      medianResolveMinutes: histogramQuantile(child.resolveHistogram, 0.5),
      satisfactionMean: t.satisfactionMean,
      escalated: t.escalated,
      repeats: t.repeats,
      overdueNow: t.overdueNow,
    };
    row.value = row[metric];
    return row;
  });
  const sign = order === 'asc' ? 1 : -1;
  rows.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === null ? (b.value === null ? a.code.localeCompare(b.code) : 1) : -1;
    return a.value === b.value ? a.code.localeCompare(b.code) : sign * (a.value - b.value);
  });
  rows.forEach((r, i) => (r.rank = i + 1));
  return rows;
}

type SeriesRow = {
  bucket: string | number;
  incidents: string;
  red: string;
  orange: string;
  yellow: string;
  blue: string;
  closed: string;
  escalated: string;
};

function bucketOfRow(label: string, row: SeriesRow | undefined): SeriesBucket {
  const n = (k: keyof SeriesRow) => Number(row?.[k] ?? 0);
  return {
    bucket: label,
    incidents: n('incidents'),
    red: n('red'),
    orange: n('orange'),
    yellow: n('yellow'),
    blue: n('blue'),
    closed: n('closed'),
    escalated: n('escalated'),
  };
}

/** Hourly buckets of one day (24, zeros included) or daily buckets of a period, from the facts or the rollup. */
export async function readSeries(q: Queryable, unit: StatsUnit, period: ResolvedPeriod, granularity: 'hour' | 'day'): Promise<SeriesBucket[]> {
  const filter = filterOf(unit);
  if (granularity === 'hour') {
    const rows = await q.query<SeriesRow>(sql.factSeriesByHour[filter], factParams(filter, unit, period));
    const byHour = new Map(rows.map((r) => [Number(r.bucket), r]));
    return Array.from({ length: 24 }, (_, h) => bucketOfRow(`${period.from}T${String(h).padStart(2, '0')}`, byHour.get(h)));
  }
  const source = sourceOf(unit);
  const rows =
    source.kind === 'rollup'
      ? await q.query<SeriesRow>(sql.rollupSeriesByDay, rollupParams(unit, period))
      : await q.query<SeriesRow>(sql.factSeriesByDay[filter], factParams(filter, unit, period));
  const byDay = new Map(rows.map((r) => [String(r.bucket), r]));
  const first = dayNumber(period.from)!;
  return Array.from({ length: period.days }, (_, i) => {
    const label = dateOfDay(first + i);
    return bucketOfRow(label, byDay.get(label));
  });
}

/** Counters per month of a period (months without incidents are zeros), for score trends. */
export async function readMonthlyCounters(q: Queryable, unit: StatsUnit, period: ResolvedPeriod): Promise<Map<string, CounterRow>> {
  const source = sourceOf(unit);
  const rows =
    source.kind === 'rollup'
      ? await q.query(sql.rollupTotalsByMonth, rollupParams(unit, period))
      : await q.query(sql.factTotalsByMonth[source.filter], factParams(source.filter, unit, period));
  return new Map(rows.map((r) => [String(r.month), toCounters(r, COUNTERS)]));
}

export { countersOf as readCounters };

type CaseDbRow = {
  id: string | number;
  number: string;
  reported_at: Date | string;
  source: string;
  category: string;
  grade: StatsCaseRow['grade'];
  state: string;
  overdue: boolean;
  escalation_level: number;
  micro_grid_code: string;
  lon: number;
  lat: number;
  total?: string;
};

const caseOf = (r: CaseDbRow): StatsCaseRow => ({
  id: Number(r.id),
  number: r.number,
  reportedAt: new Date(r.reported_at).toISOString(),
  source: r.source,
  category: r.category,
  grade: r.grade,
  state: r.state,
  overdue: r.overdue,
  escalationLevel: Number(r.escalation_level),
  microGridCode: r.micro_grid_code,
  lon: Number(r.lon),
  lat: Number(r.lat),
});

/** The incidents behind a figure: how many, and the newest `limit` of them. */
export async function readCases(
  q: Queryable,
  unit: StatsUnit,
  period: ResolvedPeriod,
  metric: string,
  limit: number,
  now: Date,
): Promise<{ total: number; items: StatsCaseRow[] }> {
  if (metric === 'open_now' || metric === 'overdue_now') {
    const rows = await q.query<CaseDbRow>(sql.openCaseList, [unit.code, now, metric, limit]);
    if (rows.length > 0) return { total: Number(rows[0].total), items: rows.map(caseOf) };
    const current = await nowOf(q, unit, now);
    return { total: metric === 'open_now' ? current.openNow : current.overdueNow, items: [] };
  }
  const filter = filterOf(unit);
  const params = [
    period.from,
    period.to,
    filter === 'city' ? null : filter === 'below' ? unit.communityCode : unit.code,
    filter === 'below' ? unit.code : null,
    metric,
  ];
  const [count] = await q.query<{ total: string }>(sql.caseCount[filter], params);
  const rows = await q.query<CaseDbRow>(sql.caseList[filter], [...params, limit]);
  return { total: Number(count?.total ?? 0), items: rows.map(caseOf) };
}

export const STAGES = STATS_STAGES;
