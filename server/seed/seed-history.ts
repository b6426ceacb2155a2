/**
 * Seed step: twelve months of generated incident history, so that statistics, rankings and benchmarks
 * run at real scale — about 400,000 cases for the whole city, each with its report and its complete
 * timeline (reported → accepted → dispatched → acknowledged → on scene → resolved → verified →
 * evaluated → closed, with the rejected, declined, unanswered, returned, failed-verification, reopened
 * and escalated variants of seed-history-paths.ts). Everything is flagged `generated`; no audit records
 * are written for it (it is generated data, not actions anyone took — ARCHITECTURE.md).
 *
 * Determinism: every case is drawn from md5 of a stable key ('hist:<micro-grid>:<k>') against a fixed
 * calendar that ends on the reference date HISTORY_REFERENCE_END. So that the console has recent data,
 * the calendar is shifted by whole weeks (keeping weekday and hour rhythms) to end within the week
 * before the seed time, and clipped to the 365 days before the seed time: two seeds in the same week
 * give identical rows, and any two seeds give identical cases, only moved by whole weeks, away from the
 * two ends of the window. The shift is stored in app_meta 'seed' (history.shiftDays).
 *
 * Cases whose course runs past the seed time stay open in the state they had reached, with the
 * deadline of that stage (a few hundred city-wide: the last hours' cases, and evaluations pending).
 * Set-based in SQL (seed-history.sql.ts builds the cases, seed-history-store.sql.ts stores them): a handful of
 * statements, no round trip per case.
 */
import type { SeedContext } from './seed-context.js';
import { historyPathSteps } from './seed-history-paths.js';
import {
  createHistoryCases,
  createHistoryCut,
  createHistoryLimits,
  createHistoryParams,
  createHistoryPathArrays,
  createHistoryPaths,
  createHistoryRows,
  createHistoryWorkerPools,
  fillHistoryParams,
} from './seed-history.sql.js';
import {
  advanceIncidentSequence,
  analyzeHistoryCases,
  analyzeHistoryRows,
  analyzeHistoryTables,
  insertHistoryEscalations,
  insertHistoryIncidents,
  insertHistoryReports,
  insertHistoryTimeline,
  summariseHistory,
} from './seed-history-store.sql.js';
import { HOLIDAYS, HOUR_WEIGHTS, MONTH_WEIGHTS, WEEKDAY_WEIGHTS } from '../simulator/incident-rhythm.js';

/** The fixed end of the generated calendar: local midnight starting 23 November 2026 (the SEED's date). */
export const HISTORY_REFERENCE_END = new Date('2026-11-23T00:00:00+08:00');

/** Cases per year for the whole city (the figure). */
export const CITY_INCIDENTS_PER_YEAR = 400_000;

/**
 * Households of the whole city's micro-grids, as a full seed finds them (it reports the figure; copy it
 * here after a change of the hierarchy rule), so that the Xianlin subset gets the city's rate per household.
 */
export const CITY_HOUSEHOLDS = 3_703_843;

const WEEK_MS = 7 * 86_400_000;

/** Whole days (a multiple of 7) to move the calendar so that it ends within the week before `seedAt`. */
export function historyShiftDays(seedAt: Date, referenceEnd = HISTORY_REFERENCE_END): number {
  return Math.floor((seedAt.getTime() - referenceEnd.getTime()) / WEEK_MS) * 7;
}

export interface HistorySummary {
  incidents: number;
  open: number;
  active: number;
  timeline: number;
  households: number;
  shiftDays: number;
  perHousehold: number;
}

export async function seedHistory(ctx: SeedContext, seedAt: Date = new Date()): Promise<HistorySummary> {
  const steps = historyPathSteps();
  const shiftDays = historyShiftDays(seedAt);
  const summary = await ctx.db.withTransaction(async (tx) => {
    const [{ households }] = await tx.query<{ households: number }>(summariseHistory);
    // The whole city gets exactly the rate; a subset the city's rate per household.
    const perHousehold = CITY_INCIDENTS_PER_YEAR / (ctx.area === 'nanjing' ? households : CITY_HOUSEHOLDS);
    await tx.query(createHistoryParams);
    await tx.query(fillHistoryParams, [
      HISTORY_REFERENCE_END,
      shiftDays,
      seedAt,
      perHousehold,
      HOUR_WEIGHTS,
      WEEKDAY_WEIGHTS,
      MONTH_WEIGHTS,
      HOLIDAYS.map((h) => h.from),
      HOLIDAYS.map((h) => h.to),
      HOLIDAYS.map((h) => h.factor),
    ]);
    await tx.query(createHistoryPaths, [
      steps.map((s) => s.path),
      steps.map((s) => s.step),
      steps.map((s) => s.event),
      steps.map((s) => s.fromState),
      steps.map((s) => s.toState),
      steps.map((s) => s.actorRole),
      steps.map((s) => s.timelineWorker),
      steps.map((s) => s.duration),
      steps.map((s) => s.assignedWorker),
      steps.map((s) => s.offerAcknowledged),
      steps.map((s) => s.resolvedBy),
      steps.map((s) => s.deadlineStage),
      steps.map((s) => s.detail),
    ]);
    await tx.query(createHistoryPathArrays);
    await tx.query(createHistoryLimits);
    await tx.query(createHistoryWorkerPools);
    // Temporary tables have no statistics until analysed: without them the planner loops instead of hashing.
    await tx.query(analyzeHistoryTables);
    const timed = async (name: string, run: () => Promise<unknown>) => {
      const started = performance.now();
      await run();
      ctx.progress(`history: ${name}`, { ms: Math.round(performance.now() - started) });
    };
    await timed('cases drawn', () => tx.query(createHistoryCases));
    await tx.query(analyzeHistoryCases);
    await timed('running cases cut at the seed time', () => tx.query(createHistoryCut));
    await tx.query(createHistoryRows);
    await tx.query(analyzeHistoryRows);
    await timed('incidents', () => tx.query(insertHistoryIncidents));
    await timed('reports', () => tx.query(insertHistoryReports));
    await timed('timelines', () => tx.query(insertHistoryTimeline));
    await timed('escalations', () => tx.query(insertHistoryEscalations));
    await tx.query(advanceIncidentSequence);
    const [counts] = await tx.query<Omit<HistorySummary, 'shiftDays' | 'perHousehold'>>(summariseHistory);
    return { ...counts, shiftDays, perHousehold };
  });
  ctx.progress('history generated', {
    ...summary,
    ...(ctx.area === 'nanjing'
      ? {
          cityHouseholds: summary.households,
          calibrated: summary.households === CITY_HOUSEHOLDS,
          note: 'CITY_HOUSEHOLDS in seed-history.ts keeps the Xianlin rate equal to the city rate',
        }
      : {}),
  });
  return summary;
}
