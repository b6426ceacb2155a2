/**
 * /api/stats/*: figures per unit and period, rankings of the children, time series, the incidents behind any
 * figure, the monthly safety index and scorecards, and publishing a month (contract: stats-contract.ts).
 * Every read runs in one transaction in the caller's scope (row-level security) with its own statement
 * timeout (STATS_STATEMENT_TIMEOUT_MS; 503 `database_timeout` when it passes), on the read replica when
 * DATABASE_READ_URL is set (readScopedDb); publishing a month writes through the primary (auditedChange).
 */
import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/load-config.js';
import type { Queryable } from '../db/database.js';
import { auditedChange } from '../audit/record-audit.js';
import { authOf, readScopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import { AppError } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { STATS_CATEGORIES, STATS_GRADES, STATS_SOURCES, STATS_STAGES, MAX_RECENT_POINTS } from './stats-contract.js';
import {
  safetyIndexRoute,
  scorecardsRoute,
  statsCasesRoute,
  statsNowRoute,
  statsPublishRoute,
  statsRecentRoute,
  statsRankingRoute,
  statsSeriesRoute,
  statsSummaryRoute,
} from './stats-routes-contract.js';
import { monthPeriod, resolvePeriod, shiftPeriod } from './stats-period.js';
import { rankChildren, readCases, readChildren, readSeries, readSummary, refOf, resolveUnit } from './stats-reads.js';
import { publishScores, readScores } from './stats-score-reads.js';
import { listRecentPoints, readNowCounts, setStatsTimeout } from './stats.sql.js';
import type { Grade } from '../contract/incident-vocabulary.js';

export interface StatsDependencies {
  config: Pick<AppConfig, 'statsStatementTimeoutMs'>;
  clock: { now(): Date };
  logger?: Logger;
}

/** Desks and video walls; a field worker's phone has no statistics. */

const VOCABULARY: Record<string, readonly string[]> = {
  source: STATS_SOURCES,
  category: STATS_CATEGORIES,
  grade: STATS_GRADES,
  on_time: STATS_STAGES,
  late: STATS_STAGES,
};

/** A drill-down metric the pattern allows must also name a known source, category, grade or stage. */
export function checkMetric(metric: string): void {
  const [family, value] = metric.split('.');
  if (value !== undefined && !VOCABULARY[family]?.includes(value)) {
    throw new AppError(400, 'unknown_metric', `Unknown metric ${metric}`);
  }
}

export function statsRouter({ config, clock }: StatsDependencies): Router {
  const router = Router();

  const read = <T>(req: Request, fn: (tx: Queryable, jurisdiction: string, now: Date) => Promise<T>) =>
    readScopedDb(req).transaction(async (tx) => {
      await tx.query(setStatsTimeout, [String(config.statsStatementTimeoutMs)]);
      return fn(tx, authOf(req).jurisdiction, clock.now());
    });

  router.get(statsSummaryRoute.path, contractAccess(statsSummaryRoute), async (req, res) => {
    const query = validateRequestPart(statsSummaryRoute.query, req.query, 'invalid_query');
    const now = clock.now();
    const period = resolvePeriod(query, now);
    res.json(await read(req, async (tx, jurisdiction) => readSummary(tx, await resolveUnit(tx, query.unit, jurisdiction), period, now)));
  });

  router.get(statsNowRoute.path, contractAccess(statsNowRoute), async (req, res) => {
    const query = validateRequestPart(statsNowRoute.query, req.query, 'invalid_query');
    res.json(
      await read(req, async (tx, jurisdiction, now) => {
        const unit = await resolveUnit(tx, query.unit, jurisdiction);
        const [c] = await tx.query<Record<string, string>>(readNowCounts, [unit.code]);
        const n = (k: string) => Number(c?.[k] ?? 0);
        return {
          unit: refOf(unit),
          workersOnDuty: n('workers_on_duty'),
          workersTotal: n('workers_total'),
          camerasOnline: n('cameras_online'),
          camerasTotal: n('cameras_total'),
          sensorsOnline: n('sensors_online'),
          sensorsTotal: n('sensors_total'),
          openAlarms: n('open_alarms'),
          openSummonses: n('open_summonses'),
          asOf: now.toISOString(),
        };
      }),
    );
  });

  router.get(statsRecentRoute.path, contractAccess(statsRecentRoute), async (req, res) => {
    const query = validateRequestPart(statsRecentRoute.query, req.query, 'invalid_query');
    res.json(
      await read(req, async (tx, jurisdiction, now) => {
        const unit = await resolveUnit(tx, query.unit, jurisdiction);
        const since = new Date(now.getTime() - query.hours * 3_600_000);
        const rows = await tx.query<{ lon: number; lat: number; grade: Grade; reported_at: Date | string }>(listRecentPoints, [
          unit.code,
          since,
          MAX_RECENT_POINTS + 1,
        ]);
        const iso = (t: Date | string) => new Date(t).toISOString();
        return {
          unit: refOf(unit),
          since: since.toISOString(),
          points: rows.slice(0, MAX_RECENT_POINTS).map((r) => [Number(r.lon), Number(r.lat), r.grade, iso(r.reported_at)] as const),
          truncated: rows.length > MAX_RECENT_POINTS,
        };
      }),
    );
  });

  router.get(statsRankingRoute.path, contractAccess(statsRankingRoute), async (req, res) => {
    const query = validateRequestPart(statsRankingRoute.query, req.query, 'invalid_query');
    const now = clock.now();
    const period = resolvePeriod(query, now);
    res.json(
      await read(req, async (tx, jurisdiction) => {
        const unit = await resolveUnit(tx, query.unit, jurisdiction);
        const rows = rankChildren(await readChildren(tx, unit, period, now), query.metric, query.order);
        return { unit: refOf(unit), period, metric: query.metric, order: query.order, rows };
      }),
    );
  });

  router.get(statsSeriesRoute.path, contractAccess(statsSeriesRoute), async (req, res) => {
    const query = validateRequestPart(statsSeriesRoute.query, req.query, 'invalid_query');
    const now = clock.now();
    // Hourly: one day (the date, default today). Daily: the period asked (a month by default is the caller's choice).
    const period = resolvePeriod(query.granularity === 'hour' ? { ...query, period: 'day' } : query, now);
    const shift = query.compare === 'week' ? 7 : query.compare === 'year' ? 364 : 0;
    res.json(
      await read(req, async (tx, jurisdiction) => {
        const unit = await resolveUnit(tx, query.unit, jurisdiction);
        const buckets = await readSeries(tx, unit, period, query.granularity);
        let compare = null;
        if (shift > 0) {
          const earlier = shiftPeriod(period, shift);
          compare = { kind: query.compare as 'week' | 'year', period: earlier, buckets: await readSeries(tx, unit, earlier, query.granularity) };
        }
        return { unit: refOf(unit), granularity: query.granularity, period, buckets, compare };
      }),
    );
  });

  router.get(statsCasesRoute.path, contractAccess(statsCasesRoute), async (req, res) => {
    const query = validateRequestPart(statsCasesRoute.query, req.query, 'invalid_query');
    checkMetric(query.metric);
    const now = clock.now();
    const period = resolvePeriod(query, now);
    res.json(
      await read(req, async (tx, jurisdiction) => {
        const unit = await resolveUnit(tx, query.unit, jurisdiction);
        const { total, items } = await readCases(tx, unit, period, query.metric, query.limit, now);
        return { unit: refOf(unit), period, metric: query.metric, total, items, truncated: total > items.length };
      }),
    );
  });

  for (const [route, kind] of [
    [safetyIndexRoute, 'safety_index'],
    [scorecardsRoute, 'scorecard'],
  ] as const) {
    router.get(route.path, contractAccess(route), async (req, res) => {
      const query = validateRequestPart(route.query, req.query, 'invalid_query');
      const now = clock.now();
      const month = monthPeriod(query.month, now);
      res.json(await read(req, async (tx, jurisdiction) => readScores(tx, kind, await resolveUnit(tx, query.unit, jurisdiction), month, now)));
    });
  }

  router.post(statsPublishRoute.path, contractAccess(statsPublishRoute), async (req, res) => {
    const body = validateRequestPart(statsPublishRoute.body, req.body, 'invalid_publication');
    const auth = authOf(req);
    if (auth.jurisdiction !== 'city') throw new AppError(403, 'publish_requires_city', 'Only a whole-city administrator publishes a month');
    const now = clock.now();
    const month = monthPeriod(body.month, now);
    if (month.to >= now.toISOString().slice(0, 10)) throw new AppError(409, 'month_not_complete', 'Only a complete month can be published');
    const result = await auditedChange(
      req,
      { action: 'stats.publish', entityType: 'stats_publication', entityId: `${body.kind}:${body.month}` },
      async (tx) => {
        await tx.query(setStatsTimeout, [String(Math.max(config.statsStatementTimeoutMs, 60_000))]);
        const done = await publishScores(tx, body.kind, month, { accountId: auth.accountId, username: auth.username }, now);
        return {
          entityId: `${body.kind}:${body.month}`,
          jurisdictionCode: null,
          after: { kind: body.kind, month: body.month, formulaVersion: done.formulaVersion, units: done.units },
          result: done,
        };
      },
    );
    res.status(201).json({ kind: body.kind, month: body.month, formulaVersion: result.formulaVersion, units: result.units });
  });

  return router;
}
