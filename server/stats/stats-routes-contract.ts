/**
 * The statistics routes (server/contract/api-route.ts), declared with the schemas of stats-contract.ts. No
 * Node-only imports.
 */
import { z } from 'zod';
import { apiRoute } from '../contract/api-route.js';
import {
  casesQuerySchema,
  casesResponseSchema,
  nowQuerySchema,
  nowResponseSchema,
  periodQuerySchema,
  publishBodySchema,
  recentQuerySchema,
  recentResponseSchema,
  rankingQuerySchema,
  rankingResponseSchema,
  scoreQuerySchema,
  scoreResponseSchema,
  seriesQuerySchema,
  seriesResponseSchema,
  summaryResponseSchema,
} from './stats-contract.js';

/** Who reads statistics: every desk role and the wall's screen token, not a field worker. */
export const STATS_READERS = ['admin', 'planner', 'dispatcher', 'supervisor', 'screen'] as const;

const periodErrors = { 400: ['invalid_query', 'invalid_period', 'period_too_long'], 403: ['outside_jurisdiction'], 404: ['unknown_unit'] } as const;

export const statsSummaryRoute = apiRoute({
  method: 'get',
  path: '/api/stats/summary',
  summary: 'A unit’s figures for a period: intake by source, category and grade, stages, on-time rates, times, satisfaction',
  tag: 'stats',
  access: STATS_READERS,
  query: periodQuerySchema,
  answer: summaryResponseSchema,
  errors: periodErrors,
});

export const statsNowRoute = apiRoute({
  method: 'get',
  path: '/api/stats/now',
  summary: 'The wall’s counts of this moment: workers on duty, cameras and sensors online, open alarms and summonses',
  tag: 'stats',
  access: STATS_READERS,
  query: nowQuerySchema,
  answer: nowResponseSchema,
  errors: { 400: ['invalid_query'], 403: ['outside_jurisdiction'], 404: ['unknown_unit'] },
});

export const statsRankingRoute = apiRoute({
  method: 'get',
  path: '/api/stats/ranking',
  summary: 'A unit’s children ranked by one figure for a period',
  tag: 'stats',
  access: STATS_READERS,
  query: rankingQuerySchema,
  answer: rankingResponseSchema,
  errors: { ...periodErrors, 400: [...periodErrors[400], 'unknown_metric'] },
});

export const statsSeriesRoute = apiRoute({
  method: 'get',
  path: '/api/stats/series',
  summary: 'Hourly (a day) or daily (longer) counts, with the same period a week or a year earlier',
  tag: 'stats',
  access: STATS_READERS,
  query: seriesQuerySchema,
  answer: seriesResponseSchema,
  errors: periodErrors,
});

export const statsCasesRoute = apiRoute({
  method: 'get',
  path: '/api/stats/cases',
  summary: 'The cases behind one figure (drill-down from a number on a screen)',
  tag: 'stats',
  access: STATS_READERS,
  query: casesQuerySchema,
  answer: casesResponseSchema,
  errors: { ...periodErrors, 400: [...periodErrors[400], 'unknown_metric'] },
});

const scoreErrors = {
  400: ['invalid_query', 'invalid_period', 'no_scorecard_for_level'],
  403: ['outside_jurisdiction'],
  404: ['unknown_unit'],
} as const;

export const safetyIndexRoute = apiRoute({
  method: 'get',
  path: '/api/stats/safety-index',
  summary: 'The monthly safety index of a unit’s children (docs/stats-formulas.md), published or provisional',
  tag: 'stats',
  access: STATS_READERS,
  query: scoreQuerySchema,
  answer: scoreResponseSchema,
  errors: scoreErrors,
});

export const scorecardsRoute = apiRoute({
  method: 'get',
  path: '/api/stats/scorecards',
  summary: 'The monthly assessment scorecards of a unit’s children (docs/stats-formulas.md)',
  tag: 'stats',
  access: STATS_READERS,
  query: scoreQuerySchema,
  answer: scoreResponseSchema,
  errors: scoreErrors,
});

export const statsRecentRoute = apiRoute({
  method: 'get',
  path: '/api/stats/recent',
  summary: 'Every case reported in the last hours (default 24) as points, newest first: the wall’s density',
  tag: 'stats',
  access: STATS_READERS,
  query: recentQuerySchema,
  answer: recentResponseSchema,
  errors: { 400: ['invalid_query'], 403: ['outside_jurisdiction'], 404: ['unknown_unit'] },
});

export const statsPublishRoute = apiRoute({
  method: 'post',
  path: '/api/stats/publish',
  summary: 'Publish (freeze) a complete month’s safety index or scorecards for the whole city',
  tag: 'stats',
  access: ['admin'],
  body: publishBodySchema,
  status: 201,
  answer: z.strictObject({
    kind: z.enum(['safety_index', 'scorecard']),
    month: z.string(),
    formulaVersion: z.number().int(),
    units: z.number().int(),
  }),
  errors: { 400: ['invalid_publication'], 403: ['publish_requires_city'], 409: ['month_not_complete', 'already_published'] },
});

export const STATS_ROUTES = [
  statsSummaryRoute,
  statsNowRoute,
  statsRecentRoute,
  statsRankingRoute,
  statsSeriesRoute,
  statsCasesRoute,
  safetyIndexRoute,
  scorecardsRoute,
  statsPublishRoute,
];
