/**
 * The safety index and the scorecards of a unit, its children and its trend — computed from the rollups for
 * any month, or read back as published (migration 0014: stored with the formula version, never recomputed).
 * Publishing computes every unit from the city down to the grids (safety index) or the communities
 * (scorecards) in three statements.
 */
import type { Queryable } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import * as sql from './stats.sql.js';
import { COUNTERS, type CounterRow } from './stats.sql.js';
import type { ResolvedPeriod, ScoreComponent, StatsScores, UnitScore } from './stats-contract.js';
import { toCounters } from './stats-figures.js';
import { monthsUpTo, resolvePeriod } from './stats-period.js';
import { readChildren, readCounters, readMonthlyCounters, refOf, type StatsUnit } from './stats-reads.js';
import { SAFETY_INDEX_VERSION, SCORECARD_VERSION, safetyIndexOf, scorecardOf } from './stats-scores.js';

export type ScoreKind = 'safety_index' | 'scorecard';

export const versionOf = (kind: ScoreKind) => (kind === 'safety_index' ? SAFETY_INDEX_VERSION : SCORECARD_VERSION);
const formulaOf = (kind: ScoreKind) => (kind === 'safety_index' ? safetyIndexOf : scorecardOf);

/** Levels a publication stores. Scorecards assess streets and communities (and sum up to districts and the city). */
export const PUBLISHED_LEVELS: Record<ScoreKind, string[]> = {
  safety_index: ['district', 'street', 'community', 'grid'],
  scorecard: ['district', 'street', 'community'],
};

/** Scorecards are given to streets and communities: asked for a community or finer there is nothing to assess. */
function checkKindForUnit(kind: ScoreKind, unit: StatsUnit): void {
  if (kind === 'scorecard' && (unit.level === 'grid' || unit.level === 'micro_grid')) {
    throw new AppError(400, 'no_scorecard_for_level', 'Scorecards assess streets and communities; ask for a community, street, district or the city');
  }
}

export async function readScores(q: Queryable, kind: ScoreKind, unit: StatsUnit, month: ResolvedPeriod, now: Date): Promise<StatsScores> {
  checkKindForUnit(kind, unit);
  const formula = formulaOf(kind);
  const monthLabel = month.from.slice(0, 7);
  const children = kind === 'scorecard' && unit.level === 'community' ? [] : await readChildren(q, unit, month, now, true);
  const computedUnit: UnitScore = { ...refOf(unit), ...formula(await readCounters(q, unit, month), unit.households) };
  const computedChildren: UnitScore[] = children.map((c) => ({ ...c.ref, ...formula(c.counters, c.ref.households) }));

  const [publication] = await q.query<{ id: number; formula_version: number; published_at: Date; published_by: string | null }>(sql.readPublication, [
    kind,
    month.from,
  ]);
  let published: StatsScores['published'] = null;
  let unitScore = computedUnit;
  let childScores = computedChildren;
  if (publication) {
    const codes = [unit.code, ...children.map((c) => c.ref.code)];
    const stored = await q.query<{ unit_code: string; score: number | null; components: ScoreComponent[] }>(sql.readPublishedScores, [
      publication.id,
      codes,
    ]);
    const byCode = new Map(stored.map((s) => [s.unit_code, s]));
    const own = byCode.get(unit.code);
    if (own) {
      published = { at: new Date(publication.published_at).toISOString(), by: publication.published_by, formulaVersion: publication.formula_version };
      const fromStore = (u: UnitScore): UnitScore => {
        const s = byCode.get(u.code);
        return s ? { ...u, score: s.score === null ? null : Number(s.score), components: s.components } : u;
      };
      unitScore = fromStore(computedUnit);
      childScores = computedChildren.map(fromStore);
    }
  }

  // The trend: the eleven months before and this one, from one read of the rollup (at most 366 days).
  const months = monthsUpTo(monthLabel, 12);
  const span = resolvePeriod({ period: 'range', from: `${months[0]}-01`, to: month.to }, now);
  const monthly = await readMonthlyCounters(q, unit, span);
  const zero = toCounters(undefined, COUNTERS);
  const trend = months.map((m) => ({ month: m, score: formula(monthly.get(m) ?? zero, unit.households).score }));
  if (published) trend[trend.length - 1] = { month: monthLabel, score: unitScore.score };

  return {
    kind,
    month: monthLabel,
    formulaVersion: published?.formulaVersion ?? versionOf(kind),
    published,
    unit: unitScore,
    children: childScores,
    trend,
  };
}

/**
 * Publish a month: every unit of the kind's levels and the city, computed now with the current formula version,
 * stored in one transaction. 409 `already_published` when this version of the month is stored.
 */
export async function publishScores(
  q: Queryable,
  kind: ScoreKind,
  month: ResolvedPeriod,
  actor: { accountId: number | null; username: string | null },
  now: Date,
): Promise<{ publicationId: number; units: number; formulaVersion: number }> {
  const formula = formulaOf(kind);
  const levels = PUBLISHED_LEVELS[kind];
  const units = await q.query<{ code: string; level: string; households: number }>(sql.readUnitsOfLevels, [levels]);
  const counters = new Map<string, CounterRow>();
  for (const r of await q.query(sql.rollupTotalsAllUnits, [month.from, month.to])) counters.set(String(r.code), toCounters(r, COUNTERS));
  for (const r of await q.query(sql.factTotalsAllCommunitiesAndGrids, [month.from, month.to])) counters.set(String(r.code), toCounters(r, COUNTERS));
  const zero = toCounters(undefined, COUNTERS);
  const cityHouseholds = units.filter((u) => u.level === 'district').reduce((sum, u) => sum + Number(u.households), 0);
  const scored = [{ code: 'city', households: cityHouseholds }, ...units.map((u) => ({ code: u.code, households: Number(u.households) }))].map(
    (u) => ({
      code: u.code,
      ...formula(counters.get(u.code) ?? zero, u.households),
    }),
  );
  const version = versionOf(kind);
  const [row] = await q.query<{ id: number }>(sql.insertPublication, [
    kind,
    month.from,
    version,
    now,
    actor.accountId,
    actor.username,
    scored.length,
  ]);
  if (!row)
    throw new AppError(409, 'already_published', `The ${kind} of ${month.from.slice(0, 7)} is already published with formula version ${version}`);
  await q.query(sql.insertPublishedScores, [
    row.id,
    scored.map((s) => s.code),
    scored.map((s) => s.score),
    JSON.stringify(scored.map((s) => s.components)),
  ]);
  return { publicationId: row.id, units: scored.length, formulaVersion: version };
}
