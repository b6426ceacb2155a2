/**
 * The statistics' SQL (tables of migration 0013). Two sources with the same counter columns:
 *
 *  - `stats_daily` (rollup) for the city, a district or a street: one row per day, primary key (unit_code, day);
 *  - `stats_incident_facts` (facts) for a community, grid or micro-grid, and for everything per incident (hourly
 *    series, drill-downs, children of a street or below): indexes (day), (district_code, day), (street_code, day),
 *    (community_code, day).
 *
 * Identifiers in these texts come only from the constant lists below (COUNTERS, FACT_FILTERS); every value is
 * a bind parameter. Requests run under row-level security (scopedDb), so a statement never sees rows outside
 * the caller's jurisdiction whatever it filters.
 */
import { defineSql, type SqlStatement } from '../db/database.js';

/** The additive counters, in the order of stats_daily's columns. */
export const COUNTERS = [
  'incidents',
  'accepted',
  'dispatched',
  'on_scene',
  'resolved',
  'closed',
  'rejected',
  'on_time_accept',
  'on_time_dispatch',
  'on_time_arrive',
  'on_time_resolve',
  'on_time_close',
  'escalated',
  'summonses',
  'summonses_late',
  'repeats',
  'rated',
  'satisfaction_sum',
  'src_hotline_12345',
  'src_citizen_app',
  'src_open311',
  'src_patrol',
  'src_video_ai',
  'src_iot',
  'src_transfer_110',
  'cat_safety_hazard',
  'cat_dispute',
  'cat_city_management',
  'cat_fire_safety',
  'cat_public_order',
  'cat_environment',
  'grade_blue',
  'grade_yellow',
  'grade_orange',
  'grade_red',
  'safety_weighted',
  'alarms_weighted',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type CounterRow = Record<Counter, number>;

const sums = (alias: string) => COUNTERS.map((c) => `coalesce(sum(${alias}.${c}), 0)::bigint AS ${c}`).join(', ');

/**
 * How the facts are narrowed to a unit: $1 from, $2 to (dates, inclusive), then the unit's parameters.
 * `below` is a grid or micro-grid: its community's index, then its code prefix.
 */
export const FACT_FILTERS = {
  city: 'f.day BETWEEN $1 AND $2',
  district: 'f.district_code = $3 AND f.day BETWEEN $1 AND $2',
  street: 'f.street_code = $3 AND f.day BETWEEN $1 AND $2',
  community: 'f.community_code = $3 AND f.day BETWEEN $1 AND $2',
  below: "f.community_code = $3 AND f.micro_grid_code LIKE $4 || '%' AND f.day BETWEEN $1 AND $2",
} as const;
export type FactFilter = keyof typeof FACT_FILTERS;
export const FACT_FILTER_NAMES = Object.keys(FACT_FILTERS) as FactFilter[];

function perFilter(name: string, text: (where: string) => string): Record<FactFilter, SqlStatement> {
  return Object.fromEntries(FACT_FILTER_NAMES.map((f) => [f, defineSql(`${name}.${f}`, text(FACT_FILTERS[f]))])) as Record<FactFilter, SqlStatement>;
}

const HIST_STAGES = `(VALUES ('accept', d.h_accept), ('dispatch', d.h_dispatch), ('arrive', d.h_arrive), ('resolve', d.h_resolve), ('close', d.h_close))`;
const FACT_STAGES = `(VALUES ('accept', f.b_accept), ('dispatch', f.b_dispatch), ('arrive', f.b_arrive), ('resolve', f.b_resolve), ('close', f.b_close))`;

/** Rollup totals. $1 from, $2 to, $3 unit code ('city', a district or a street). Uses stats_daily_pkey. */
export const rollupTotals = defineSql(
  'stats.rollup_totals',
  `SELECT ${sums('d')} FROM stats_daily d WHERE d.unit_code = $3 AND d.day BETWEEN $1 AND $2`,
);

/** Rollup histograms: stage, bucket (1–40), n > 0. Same parameters and index. */
export const rollupHistograms = defineSql(
  'stats.rollup_histograms',
  `SELECT s.stage, x.i::integer AS bucket, sum(x.n)::bigint AS n
     FROM stats_daily d CROSS JOIN LATERAL ${HIST_STAGES} AS s(stage, h) CROSS JOIN LATERAL unnest(s.h) WITH ORDINALITY AS x(n, i)
    WHERE d.unit_code = $3 AND d.day BETWEEN $1 AND $2
    GROUP BY 1, 2 HAVING sum(x.n) > 0`,
);

/** Fact totals per filter (FACT_FILTERS). */
export const factTotals = perFilter('stats.fact_totals', (where) => `SELECT ${sums('f')} FROM stats_incident_facts f WHERE ${where}`);

/** Fact histograms: stage, bucket, n. */
export const factHistograms = perFilter(
  'stats.fact_histograms',
  (where) => `SELECT s.stage, s.b::integer AS bucket, count(*)::bigint AS n
                FROM stats_incident_facts f CROSS JOIN LATERAL ${FACT_STAGES} AS s(stage, b)
               WHERE ${where} AND s.b IS NOT NULL GROUP BY 1, 2`,
);

/**
 * Open and overdue incidents now. $1 unit code or 'city', $2 now. Uses incidents_open_idx (open cases only:
 * a few thousand in the living city).
 */
export const openNow = defineSql(
  'stats.open_now',
  `SELECT count(*)::bigint AS open_now, count(*) FILTER (WHERE i.overdue OR i.deadline_at < $2)::bigint AS overdue_now
     FROM incidents i
    WHERE incident_is_open(i.state) AND ($1 = 'city' OR i.micro_grid_code LIKE $1 || '%')`,
);

/** Open and overdue now per child. $1 parent code or 'city', $2 now, $3 length of a child's code. Same index. */
export const openNowByChild = defineSql(
  'stats.open_now_by_child',
  `SELECT left(i.micro_grid_code, $3) AS code, count(*)::bigint AS open_now,
          count(*) FILTER (WHERE i.overdue OR i.deadline_at < $2)::bigint AS overdue_now
     FROM incidents i
    WHERE incident_is_open(i.state) AND ($1 = 'city' OR i.micro_grid_code LIKE $1 || '%')
    GROUP BY 1`,
);

/** Rollup totals per child unit. $1 from, $2 to, $3 child codes (text[]). Uses stats_daily_pkey. */
export const rollupTotalsByUnit = defineSql(
  'stats.rollup_totals_by_unit',
  `SELECT d.unit_code AS code, ${sums('d')} FROM stats_daily d
    WHERE d.unit_code = ANY($3::text[]) AND d.day BETWEEN $1 AND $2 GROUP BY d.unit_code`,
);

/** The resolve-time histogram per child unit: code, bucket, n. Same parameters. */
export const rollupResolveByUnit = defineSql(
  'stats.rollup_resolve_by_unit',
  `SELECT d.unit_code AS code, x.i::integer AS bucket, sum(x.n)::bigint AS n
     FROM stats_daily d CROSS JOIN LATERAL unnest(d.h_resolve) WITH ORDINALITY AS x(n, i)
    WHERE d.unit_code = ANY($3::text[]) AND d.day BETWEEN $1 AND $2
    GROUP BY 1, 2 HAVING sum(x.n) > 0`,
);

/** Children summed from the facts, by the child's column (street → communities, community → grids, grid → micro-grids). */
const CHILD_COLUMNS = { community: 'community_code', grid: 'grid_code', micro_grid: 'micro_grid_code' } as const;
export type FactChildLevel = keyof typeof CHILD_COLUMNS;
const PARENT_FILTER: Record<FactChildLevel, FactFilter> = { community: 'street', grid: 'community', micro_grid: 'below' };

export const factTotalsByChild = Object.fromEntries(
  (Object.keys(CHILD_COLUMNS) as FactChildLevel[]).map((level) => [
    level,
    defineSql(
      `stats.fact_totals_by_${level}`,
      `SELECT f.${CHILD_COLUMNS[level]} AS code, ${sums('f')} FROM stats_incident_facts f
        WHERE ${FACT_FILTERS[PARENT_FILTER[level]]} GROUP BY 1`,
    ),
  ]),
) as Record<FactChildLevel, SqlStatement>;

export const factResolveByChild = Object.fromEntries(
  (Object.keys(CHILD_COLUMNS) as FactChildLevel[]).map((level) => [
    level,
    defineSql(
      `stats.fact_resolve_by_${level}`,
      `SELECT f.${CHILD_COLUMNS[level]} AS code, f.b_resolve::integer AS bucket, count(*)::bigint AS n FROM stats_incident_facts f
        WHERE ${FACT_FILTERS[PARENT_FILTER[level]]} AND f.b_resolve IS NOT NULL GROUP BY 1, 2`,
    ),
  ]),
) as Record<FactChildLevel, SqlStatement>;
export const parentFilterOf = (childLevel: FactChildLevel): FactFilter => PARENT_FILTER[childLevel];

const SERIES_COLUMNS = `coalesce(sum(incidents), 0)::bigint AS incidents, coalesce(sum(grade_red), 0)::bigint AS red,
  coalesce(sum(grade_orange), 0)::bigint AS orange, coalesce(sum(grade_yellow), 0)::bigint AS yellow,
  coalesce(sum(grade_blue), 0)::bigint AS blue, coalesce(sum(closed), 0)::bigint AS closed, coalesce(sum(escalated), 0)::bigint AS escalated`;

/** Hourly buckets of the facts (hour 0–23, Asia/Shanghai), for one day ($1 = $2). */
export const factSeriesByHour = perFilter(
  'stats.fact_series_by_hour',
  (where) => `SELECT f.hour::integer AS bucket, ${SERIES_COLUMNS} FROM stats_incident_facts f WHERE ${where} GROUP BY 1`,
);

/** Daily buckets of the facts (text YYYY-MM-DD). */
export const factSeriesByDay = perFilter(
  'stats.fact_series_by_day',
  (where) => `SELECT to_char(f.day, 'YYYY-MM-DD') AS bucket, ${SERIES_COLUMNS} FROM stats_incident_facts f WHERE ${where} GROUP BY f.day`,
);

/** Daily buckets of the rollup. $1 from, $2 to, $3 unit. Uses stats_daily_pkey. */
export const rollupSeriesByDay = defineSql(
  'stats.rollup_series_by_day',
  `SELECT to_char(d.day, 'YYYY-MM-DD') AS bucket, ${SERIES_COLUMNS} FROM stats_daily d
    WHERE d.unit_code = $3 AND d.day BETWEEN $1 AND $2 GROUP BY d.day`,
);

/** Monthly totals of the rollup for a trend: $1 from, $2 to, $3 unit. Result: month 'YYYY-MM' and the counters. */
export const rollupTotalsByMonth = defineSql(
  'stats.rollup_totals_by_month',
  `SELECT to_char(d.day, 'YYYY-MM') AS month, ${sums('d')} FROM stats_daily d
    WHERE d.unit_code = $3 AND d.day BETWEEN $1 AND $2 GROUP BY 1`,
);
export const factTotalsByMonth = perFilter(
  'stats.fact_totals_by_month',
  (where) => `SELECT to_char(f.day, 'YYYY-MM') AS month, ${sums('f')} FROM stats_incident_facts f WHERE ${where} GROUP BY 1`,
);

/**
 * The predicate of a drill-down metric on a fact row; $5 is the metric (validated against
 * CASE_METRIC_PATTERN and the vocabularies before it gets here).
 */
const METRIC_PREDICATE = `(
  $5 = 'incidents' OR $5 = 'source.' || f.source OR $5 = 'category.' || f.category OR $5 = 'grade.' || f.grade
  OR ($5 = 'accepted' AND f.accepted = 1) OR ($5 = 'dispatched' AND f.dispatched = 1) OR ($5 = 'on_scene' AND f.on_scene = 1)
  OR ($5 = 'resolved' AND f.resolved = 1) OR ($5 = 'closed' AND f.closed = 1) OR ($5 = 'rejected' AND f.rejected = 1)
  OR ($5 = 'on_time.accept' AND f.on_time_accept = 1) OR ($5 = 'late.accept' AND f.accepted = 1 AND f.on_time_accept = 0)
  OR ($5 = 'on_time.dispatch' AND f.on_time_dispatch = 1) OR ($5 = 'late.dispatch' AND f.dispatched = 1 AND f.on_time_dispatch = 0)
  OR ($5 = 'on_time.arrive' AND f.on_time_arrive = 1) OR ($5 = 'late.arrive' AND f.on_scene = 1 AND f.on_time_arrive = 0)
  OR ($5 = 'on_time.resolve' AND f.on_time_resolve = 1) OR ($5 = 'late.resolve' AND f.resolved = 1 AND f.on_time_resolve = 0)
  OR ($5 = 'on_time.close' AND f.on_time_close = 1) OR ($5 = 'late.close' AND f.closed = 1 AND f.on_time_close = 0)
  OR ($5 = 'escalated' AND f.escalated = 1) OR ($5 = 'summoned' AND f.summonses > 0) OR ($5 = 'summons_late' AND f.summonses_late > 0)
  OR ($5 = 'repeat' AND f.repeats = 1) OR ($5 = 'rated' AND f.rated = 1)
  OR ($5 = 'safety_weighted' AND f.safety_weighted > 0) OR ($5 = 'alarms' AND f.alarms_weighted > 0))`;

/**
 * The incidents behind a figure: how many (total) — params $1 from, $2 to, $3 code, $4 prefix, $5 metric.
 * Filters without $3/$4 still receive them (as text) so that every variant takes the same five.
 */
const PARAM_ANCHOR = `($3::text IS NULL OR $3::text IS NOT NULL) AND ($4::text IS NULL OR $4::text IS NOT NULL)`;
export const caseCount = perFilter(
  'stats.case_count',
  (where) => `SELECT count(*)::bigint AS total FROM stats_incident_facts f WHERE ${where} AND ${PARAM_ANCHOR} AND ${METRIC_PREDICATE}`,
);

/** …and the newest $6 of them with what a list and a map need. Uses the filter's index, then incidents_pkey. */
export const caseList = perFilter(
  'stats.case_list',
  (where) => `SELECT i.id, i.number, i.reported_at, i.source, i.category, i.grade, i.state, i.overdue, i.escalation_level,
                     i.micro_grid_code, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat
                FROM (SELECT f.incident_id FROM stats_incident_facts f
                       WHERE ${where} AND ${PARAM_ANCHOR} AND ${METRIC_PREDICATE}
                       ORDER BY f.reported_at DESC, f.incident_id DESC LIMIT $6) m
                JOIN incidents i ON i.id = m.incident_id
               ORDER BY i.reported_at DESC, i.id DESC`,
);

/** Open (metric open_now) or overdue (overdue_now) incidents now: $1 unit or 'city', $2 now, $3 metric, $4 limit. Uses incidents_open_idx. */
export const openCaseList = defineSql(
  'stats.open_case_list',
  `SELECT i.id, i.number, i.reported_at, i.source, i.category, i.grade, i.state, i.overdue, i.escalation_level,
          i.micro_grid_code, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, count(*) OVER ()::bigint AS total
     FROM incidents i
    WHERE incident_is_open(i.state) AND ($1 = 'city' OR i.micro_grid_code LIKE $1 || '%')
      AND ($3 = 'open_now' OR i.overdue OR i.deadline_at < $2)
    ORDER BY i.reported_at DESC, i.id DESC LIMIT $4`,
);

/** A unit and its households. $1 code. Uses units_pkey. */
export const readUnit = defineSql('stats.read_unit', `SELECT code, name, level, households, community_code FROM units WHERE code = $1`);
/** The city: the districts' households summed. No parameters. Uses units_level_idx. */
export const readCityHouseholds = defineSql(
  'stats.read_city_households',
  `SELECT coalesce(sum(households), 0)::bigint AS households FROM units WHERE level = 'district'`,
);
/** Children of a unit ($1 code) or the districts ($1 'city'). Uses units_parent_idx / units_level_idx. */
export const readChildren = defineSql(
  'stats.read_children',
  `SELECT code, name, level, households FROM units
    WHERE ($1 = 'city' AND level = 'district') OR ($1 <> 'city' AND parent_code = $1) ORDER BY code`,
);

/** Inside a transaction of a stats request: the statement timeout ($1 milliseconds, text). */
export const setStatsTimeout = defineSql('stats.set_timeout', `SELECT set_config('statement_timeout', $1, true)`);

/** Every unit of the levels a publication stores ($1 text[] of levels). Uses units_level_idx. */
export const readUnitsOfLevels = defineSql(
  'stats.read_units_of_levels',
  `SELECT code, name, level, households FROM units WHERE level = ANY($1::text[])`,
);
/** The month's rollup for every row of stats_daily (city, districts, streets): $1 from, $2 to. Uses stats_daily_pkey. */
export const rollupTotalsAllUnits = defineSql(
  'stats.rollup_totals_all_units',
  `SELECT d.unit_code AS code, ${sums('d')} FROM stats_daily d WHERE d.day BETWEEN $1 AND $2 GROUP BY d.unit_code`,
);
/** The month's facts summed per community and per grid of the whole city: $1 from, $2 to. Uses stats_incident_facts_day_idx. */
export const factTotalsAllCommunitiesAndGrids = defineSql(
  'stats.fact_totals_all_communities_grids',
  `SELECT CASE WHEN GROUPING(f.grid_code) = 1 THEN f.community_code ELSE f.grid_code END AS code, ${sums('f')}
     FROM stats_incident_facts f WHERE f.day BETWEEN $1 AND $2
    GROUP BY GROUPING SETS ((f.community_code), (f.community_code, f.grid_code))`,
);

/** The newest publication of a kind and month: $1 kind, $2 month (first day). Uses the unique (kind, month, formula_version). */
export const readPublication = defineSql(
  'stats.read_publication',
  `SELECT id, formula_version, published_at, published_by FROM stats_publications
    WHERE kind = $1 AND month = $2 ORDER BY formula_version DESC LIMIT 1`,
);
/** Stored scores of a publication for some units: $1 publication id, $2 codes text[]. Uses its primary key. */
export const readPublishedScores = defineSql(
  'stats.read_published_scores',
  `SELECT unit_code, score, components FROM stats_published_scores WHERE publication_id = $1 AND unit_code = ANY($2::text[])`,
);
/** $1 kind, $2 month, $3 version, $4 at, $5 account id, $6 username, $7 units. Conflict → no row (already published). */
export const insertPublication = defineSql(
  'stats.insert_publication',
  `INSERT INTO stats_publications (kind, month, formula_version, published_at, published_by_account_id, published_by, units)
   VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kind, month, formula_version) DO NOTHING RETURNING id`,
);
/** $1 publication id, $2 codes text[], $3 scores float8[], $4 components jsonb (an array, one per code). */
export const insertPublishedScores = defineSql(
  'stats.insert_published_scores',
  `INSERT INTO stats_published_scores (publication_id, unit_code, score, components)
   SELECT $1, t.code, t.score, $4::jsonb -> (t.ord - 1)::integer
     FROM unnest($2::text[], $3::float8[]) WITH ORDINALITY AS t(code, score, ord)`,
);

/**
 * The wall's "now" counts: $1 unit code or 'city'. Workers by workers_home_unit_idx / a scan of the city's 44,688;
 * devices by their micro-grid; open alarms by incidents_open_idx; open summonses by incident_summonses_deadline_idx.
 */
export const readNowCounts = defineSql(
  'stats.read_now_counts',
  `SELECT (SELECT count(*) FILTER (WHERE w.duty_status <> 'off_duty') FROM workers w WHERE $1 = 'city' OR w.home_unit_code LIKE $1 || '%')::bigint AS workers_on_duty,
          (SELECT count(*) FROM workers w WHERE $1 = 'city' OR w.home_unit_code LIKE $1 || '%')::bigint AS workers_total,
          (SELECT count(*) FILTER (WHERE c.online) FROM cameras c WHERE $1 = 'city' OR c.micro_grid_code LIKE $1 || '%')::bigint AS cameras_online,
          (SELECT count(*) FROM cameras c WHERE $1 = 'city' OR c.micro_grid_code LIKE $1 || '%')::bigint AS cameras_total,
          (SELECT count(*) FILTER (WHERE s.online) FROM sensors s WHERE $1 = 'city' OR s.micro_grid_code LIKE $1 || '%')::bigint AS sensors_online,
          (SELECT count(*) FROM sensors s WHERE $1 = 'city' OR s.micro_grid_code LIKE $1 || '%')::bigint AS sensors_total,
          (SELECT count(*) FROM incidents i WHERE incident_is_open(i.state) AND i.source IN ('video_ai', 'iot')
              AND ($1 = 'city' OR i.micro_grid_code LIKE $1 || '%'))::bigint AS open_alarms,
          (SELECT count(*) FROM incident_summonses s JOIN incidents i ON i.id = s.incident_id
            WHERE s.state = 'summoned' AND ($1 = 'city' OR i.micro_grid_code LIKE $1 || '%'))::bigint AS open_summonses`,
);

/**
 * The cases reported since $2 in unit $1 (or 'city'), newest first, at most $3: position, grade and time, for the
 * wall's density of the last hours. Uses incidents_reported_at_idx (the window is a day of ≈ 1,100 cases citywide).
 */
export const listRecentPoints = defineSql(
  'stats.list_recent_points',
  `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, grade, reported_at
     FROM incidents
    WHERE reported_at >= $2 AND ($1 = 'city' OR micro_grid_code LIKE $1 || '%')
    ORDER BY reported_at DESC LIMIT $3`,
);
