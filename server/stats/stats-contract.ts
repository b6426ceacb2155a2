/**
 * The statistics API's contract, shared by the server (validation of queries, shape of answers) and the
 * screens (their types are inferred from these schemas, never written twice). No Node-only imports here:
 * the client bundles this file.
 *
 * Every figure describes the incidents REPORTED in the period (a cohort: "of the cases reported this week,
 * how many are closed, how fast were they accepted") except `overdueNow` and `openNow`, which are the
 * state of this moment. Days are calendar days in Asia/Shanghai. The formulas are in docs/stats-formulas.md.
 */
import { z } from 'zod';
import { GRADES, SOURCES } from '../contract/incident-vocabulary.js';

export const STATS_CATEGORIES = ['safety_hazard', 'dispute', 'city_management', 'fire_safety', 'public_order', 'environment'] as const;
export type StatsCategory = (typeof STATS_CATEGORIES)[number];
export const STATS_SOURCES = SOURCES;
export const STATS_GRADES = GRADES;

/** The stages whose time from the report is measured (median, p90) and checked against its time limit. */
export const STATS_STAGES = ['accept', 'dispatch', 'arrive', 'resolve', 'close'] as const;
export type StatsStage = (typeof STATS_STAGES)[number];

/** Longest period a query may ask for (days, inclusive). Longer → 400 `period_too_long`. */
export const MAX_PERIOD_DAYS = 400;

/** `city` or a unit code (district 6 digits, street 9, community 12, grid / micro-grid longer). */
export const unitCodeSchema = z.string().regex(/^(city|[0-9]{6,24})$/, 'a unit code or "city"');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const isoMonth = z.string().regex(/^\d{4}-\d{2}$/, 'a month YYYY-MM');

/**
 * A period: `day`, `week` (Monday to Sunday) or `month` containing `date` (default today), or `range`
 * `from`..`to` inclusive. Errors: 400 `invalid_period` (malformed or impossible dates, from after to),
 * 400 `period_too_long` (> 400 days).
 */
export const periodQuerySchema = z.object({
  unit: unitCodeSchema.default('city'),
  period: z.enum(['day', 'week', 'month', 'range']).default('day'),
  date: isoDate.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});
export type PeriodQuery = z.infer<typeof periodQuerySchema>;

export const unitRefSchema = z.object({
  code: z.string(),
  name: z.string(),
  /** city | district | street | community | grid | micro_grid */
  level: z.enum(['city', 'district', 'street', 'community', 'grid', 'micro_grid']),
  households: z.number().int(),
});
export type StatsUnitRef = z.infer<typeof unitRefSchema>;

export const resolvedPeriodSchema = z.object({
  kind: z.enum(['day', 'week', 'month', 'range']),
  /** First and last day, inclusive (Asia/Shanghai calendar days). */
  from: isoDate,
  to: isoDate,
  days: z.number().int(),
});
export type ResolvedPeriod = z.infer<typeof resolvedPeriodSchema>;

export const stageFiguresSchema = z.object({
  stage: z.enum(STATS_STAGES),
  /** Incidents of the cohort that reached the stage (accepted, dispatched, on scene, resolved, closed). */
  reached: z.number().int(),
  /** Of those, reached within the cumulative time limit from the report (incident_time_limits). */
  onTime: z.number().int(),
  /** onTime / reached, 0..1; null when nothing reached the stage. */
  onTimeRate: z.number().nullable(),
  /** Minutes from the report to the stage, to the upper bound of its histogram bucket; null when none. */
  medianMinutes: z.number().nullable(),
  p90Minutes: z.number().nullable(),
});
export type StageFigures = z.infer<typeof stageFiguresSchema>;

export const kpiTotalsSchema = z.object({
  incidents: z.number().int(),
  accepted: z.number().int(),
  dispatched: z.number().int(),
  onScene: z.number().int(),
  resolved: z.number().int(),
  /** In state closed now. */
  closed: z.number().int(),
  rejected: z.number().int(),
  /** closed / incidents (0..1), null without incidents. */
  closureRate: z.number().nullable(),
  /** Closed within the cumulative limit / closed (0..1). */
  onTimeRate: z.number().nullable(),
  /** Escalated at least once (escalation_level > 0). */
  escalated: z.number().int(),
  /** Departments summoned about the cohort's incidents (吹哨报到), and those that reported late or not yet past their deadline. */
  summonses: z.number().int(),
  summonsesLate: z.number().int(),
  /** Same micro-grid and category as an incident reported in the 30 days before. */
  repeats: z.number().int(),
  /** Evaluated with a satisfaction (1–5) and its mean; null when none. */
  rated: z.number().int(),
  satisfactionMean: z.number().nullable(),
  /** incidents × 1000 / households of the unit; null when the unit has no households. */
  per1000Households: z.number().nullable(),
  /** Now, whatever the period: open incidents of the unit and those past their deadline. */
  openNow: z.number().int(),
  overdueNow: z.number().int(),
});
export type KpiTotals = z.infer<typeof kpiTotalsSchema>;

const countsBy = <T extends readonly [string, ...string[]]>(keys: T) => z.record(z.enum(keys), z.number().int());

export const summaryResponseSchema = z.object({
  unit: unitRefSchema,
  period: resolvedPeriodSchema,
  totals: kpiTotalsSchema,
  bySource: countsBy(SOURCES),
  byCategory: countsBy(STATS_CATEGORIES),
  byGrade: countsBy(GRADES),
  stages: z.array(stageFiguresSchema),
  /** When the figures were read (ISO). */
  asOf: z.string(),
});
export type StatsSummary = z.infer<typeof summaryResponseSchema>;

/** Metrics a ranking can sort by (every one also a column of each row). */
export const RANKING_METRICS = [
  'incidents',
  'per1000Households',
  'closureRate',
  'onTimeRate',
  'medianResolveMinutes',
  'satisfactionMean',
  'escalated',
  'repeats',
  'overdueNow',
] as const;
export type RankingMetric = (typeof RANKING_METRICS)[number];

export const rankingQuerySchema = periodQuerySchema.extend({
  metric: z.enum(RANKING_METRICS).default('incidents'),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export type RankingQuery = z.infer<typeof rankingQuerySchema>;

export const rankingRowSchema = unitRefSchema.extend({
  rank: z.number().int(),
  value: z.number().nullable(),
  incidents: z.number().int(),
  per1000Households: z.number().nullable(),
  closureRate: z.number().nullable(),
  onTimeRate: z.number().nullable(),
  medianResolveMinutes: z.number().nullable(),
  satisfactionMean: z.number().nullable(),
  escalated: z.number().int(),
  repeats: z.number().int(),
  overdueNow: z.number().int(),
});
export type RankingRow = z.infer<typeof rankingRowSchema>;

export const rankingResponseSchema = z.object({
  unit: unitRefSchema,
  period: resolvedPeriodSchema,
  metric: z.enum(RANKING_METRICS),
  order: z.enum(['asc', 'desc']),
  /** The children of the unit (districts of the city, streets of a district …), nulls last. */
  rows: z.array(rankingRowSchema),
});
export type StatsRanking = z.infer<typeof rankingResponseSchema>;

/**
 * Time series: `hour` buckets of one day (`date`, default today) or `day` buckets of `from`..`to`
 * (or of the period given by period/date). compare: the same buckets a week (7 days) or a year
 * (364 days: the same weekday) earlier.
 */
export const seriesQuerySchema = periodQuerySchema.extend({
  granularity: z.enum(['hour', 'day']).default('hour'),
  compare: z.enum(['none', 'week', 'year']).default('none'),
});
export type SeriesQuery = z.infer<typeof seriesQuerySchema>;

export const seriesBucketSchema = z.object({
  /** Hour buckets: 'YYYY-MM-DDTHH' (Asia/Shanghai); day buckets: 'YYYY-MM-DD'. */
  bucket: z.string(),
  incidents: z.number().int(),
  red: z.number().int(),
  orange: z.number().int(),
  yellow: z.number().int(),
  blue: z.number().int(),
  closed: z.number().int(),
  escalated: z.number().int(),
});
export type SeriesBucket = z.infer<typeof seriesBucketSchema>;

export const seriesResponseSchema = z.object({
  unit: unitRefSchema,
  granularity: z.enum(['hour', 'day']),
  period: resolvedPeriodSchema,
  buckets: z.array(seriesBucketSchema),
  /** Same length and order as `buckets`; each bucket label is the earlier one. */
  compare: z.object({ kind: z.enum(['week', 'year']), period: resolvedPeriodSchema, buckets: z.array(seriesBucketSchema) }).nullable(),
});
export type StatsSeries = z.infer<typeof seriesResponseSchema>;

/**
 * The incidents behind a figure. metric: `incidents`, `source.<source>`, `category.<category>`,
 * `grade.<grade>`, `accepted`, `dispatched`, `on_scene`, `resolved`, `closed`, `rejected`,
 * `on_time.<stage>`, `late.<stage>`, `escalated`, `summoned`, `summons_late`, `repeat`, `rated`,
 * `open_now`, `overdue_now`, and the safety-index / scorecard components `safety_weighted`, `alarms`.
 * Unknown → 400 `unknown_metric`.
 */
export const CASE_METRIC_PATTERN =
  /^(incidents|accepted|dispatched|on_scene|resolved|closed|rejected|escalated|summoned|summons_late|repeat|rated|open_now|overdue_now|safety_weighted|alarms|source\.[a-z0-9_]+|category\.[a-z_]+|grade\.[a-z]+|on_time\.[a-z]+|late\.[a-z]+)$/;
export const casesQuerySchema = periodQuerySchema.extend({
  metric: z.string().regex(CASE_METRIC_PATTERN, 'a known metric').default('incidents'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type CasesQuery = z.infer<typeof casesQuerySchema>;

export const caseRowSchema = z.object({
  id: z.number().int(),
  number: z.string(),
  reportedAt: z.string(),
  source: z.string(),
  category: z.string(),
  grade: z.enum(GRADES),
  state: z.string(),
  overdue: z.boolean(),
  escalationLevel: z.number().int(),
  microGridCode: z.string(),
  lon: z.number(),
  lat: z.number(),
});
export type StatsCaseRow = z.infer<typeof caseRowSchema>;

export const casesResponseSchema = z.object({
  unit: unitRefSchema,
  period: resolvedPeriodSchema,
  metric: z.string(),
  /** How many incidents the figure counts (the figure itself); `items` holds the newest `limit` of them. */
  total: z.number().int(),
  items: z.array(caseRowSchema),
  truncated: z.boolean(),
});
export type StatsCases = z.infer<typeof casesResponseSchema>;

/** Monthly scores: the safety index (平安指数) of a unit and its children, the scorecards (考核) of streets and communities. */
export const scoreQuerySchema = z.object({
  unit: unitCodeSchema.default('city'),
  /** Default: the last complete month. */
  month: isoMonth.optional(),
});
export type ScoreQuery = z.infer<typeof scoreQuerySchema>;

export const scoreComponentSchema = z.object({
  /** e.g. safety_rate, alarm_rate, on_time_closure, repeat_share, satisfaction */
  key: z.string(),
  /** The raw figure (a rate per 1,000 households, a share 0..1, a mean 1..5); null when there is nothing to measure. */
  raw: z.number().nullable(),
  /** Its 0–100 score; null → left out, the other weights re-normalised. */
  score: z.number().nullable(),
  weight: z.number(),
  /** The /api/stats/cases metric that lists the incidents behind the component. */
  casesMetric: z.string(),
});
export type ScoreComponent = z.infer<typeof scoreComponentSchema>;

export const unitScoreSchema = unitRefSchema.extend({
  /** 0–100, null when no component could be measured. */
  score: z.number().nullable(),
  components: z.array(scoreComponentSchema),
});
export type UnitScore = z.infer<typeof unitScoreSchema>;

export const scoreResponseSchema = z.object({
  kind: z.enum(['safety_index', 'scorecard']),
  month: isoMonth,
  formulaVersion: z.number().int(),
  /** Set when the month was published: the stored figures are answered, never recomputed. */
  published: z.object({ at: z.string(), by: z.string().nullable(), formulaVersion: z.number().int() }).nullable(),
  unit: unitScoreSchema,
  /** The children (safety index: every level; scorecards: the streets of a district, the communities of a street). */
  children: z.array(unitScoreSchema),
  /** The same unit's score in each of the previous months (oldest first), for the trend. */
  trend: z.array(z.object({ month: isoMonth, score: z.number().nullable() })),
});
export type StatsScores = z.infer<typeof scoreResponseSchema>;

/** POST /api/stats/publish (admin): store a month's figures with the current formula version (audited). */
export const publishBodySchema = z.object({ kind: z.enum(['safety_index', 'scorecard']), month: isoMonth });
export type PublishBody = z.infer<typeof publishBodySchema>;

/** Live topic `stats`: one item per incident change, scoped like the incidents topic; screens refetch their figures (coalesced). */
export const statsLiveItemSchema = z.object({
  incidentId: z.number().int(),
  microGridCode: z.string(),
  /** The Asia/Shanghai day the incident counts in (its report day). */
  day: isoDate,
  kind: z.string(),
  at: z.string(),
});
export type StatsLiveItem = z.infer<typeof statsLiveItemSchema>;

/** GET /api/stats/now?unit=: the wall's "right now" counts (not period figures), scoped like everything. */
export const nowQuerySchema = z.object({ unit: unitCodeSchema.default('city') });
export const nowResponseSchema = z.object({
  unit: unitRefSchema,
  /** Workers whose home unit lies in the unit: on duty or busy, and all. */
  workersOnDuty: z.number().int(),
  workersTotal: z.number().int(),
  camerasOnline: z.number().int(),
  camerasTotal: z.number().int(),
  sensorsOnline: z.number().int(),
  sensorsTotal: z.number().int(),
  /** Open incidents raised by video AI or IoT alarms. */
  openAlarms: z.number().int(),
  /** Departments summoned (吹哨报到) that have not reported yet. */
  openSummonses: z.number().int(),
  asOf: z.string(),
});
export type StatsNow = z.infer<typeof nowResponseSchema>;

/** Most points GET /api/stats/recent answers (a busy city day is ≈ 1,100 cases; `truncated` says when more exist). */
export const MAX_RECENT_POINTS = 20_000;

/** GET /api/stats/recent?unit=&hours=: every case reported in the last hours, as points for the wall's density. */
export const recentQuerySchema = z.object({
  unit: unitCodeSchema.default('city'),
  hours: z.coerce.number().int().min(1).max(72).default(24),
});
export const recentResponseSchema = z.object({
  unit: unitRefSchema,
  /** The window's start (ISO). */
  since: z.string(),
  /** Newest first: [lon, lat, grade, reported at (ISO)]. */
  points: z.array(z.tuple([z.number(), z.number(), z.enum(GRADES), z.string()])),
  /** More cases than MAX_RECENT_POINTS were reported in the window: the oldest are left out. */
  truncated: z.boolean(),
});
export type StatsRecent = z.infer<typeof recentResponseSchema>;
