/**
 * SQL of the history seed step (seed-history.ts), its first half: set-based, in one transaction, through
 * temporary tables dropped at commit, up to the cases and where each stands (seed-history-store.sql.ts
 * stores them). Randomness is md5 of a stable key per case ('hist:<micro-grid>:<k>'), cut into 16- or
 * 32-bit fractions, like gridops_unit_random — the same rows on every PostgreSQL.
 * Every statement is written in this file; the only values from outside are parameters.
 */
import { defineSql } from '../db/database.js';
import { randomPointInPolygonSql } from './random-point-sql.js';
import { CATEGORY_WEIGHTS_BY_SOURCE, DESCRIPTIONS, SOURCE_WEIGHTS } from '../simulator/incident-rhythm.js';
import { PATH_VARIANTS, VARIANT_SHARES } from './seed-history-paths.js';

/** A fraction in [0, 1) from 4 hex digits of `hex` starting at 1-based position `pos` (SQL expressions). */
const u16 = (hex: string, pos: string) => `(('x' || substr(${hex}, ${pos}, 4))::bit(16)::int::float8 / 65536)`;

/** CASE choosing among weighted literals by a fraction expression. Options are code constants. */
function weightedCase(u: string, options: ReadonlyArray<readonly [string, number]>): string {
  const total = options.reduce((s, [, w]) => s + w, 0);
  let acc = 0;
  const whens = options.slice(0, -1).map(([value, weight]) => {
    acc += weight;
    return `WHEN ${u} < ${(acc / total).toFixed(6)} THEN '${value}'`;
  });
  return `CASE ${whens.join(' ')} ELSE '${options[options.length - 1][0]}' END`;
}

const categoryBySource = `CASE r.source ${Object.entries(CATEGORY_WEIGHTS_BY_SOURCE)
  .map(([source, mix]) => `WHEN '${source}' THEN ${weightedCase('r.u_category', mix)}`)
  .join(' ')} END`;

const descriptionByCategory = `CASE c.category ${Object.entries(DESCRIPTIONS)
  .map(
    ([category, texts]) =>
      `WHEN '${category}' THEN (ARRAY[${texts.map((t) => `'${t}'`).join(', ')}])[1 + floor(c.u_description * ${texts.length})::int]`,
  )
  .join(' ')} END`;

export const createHistoryParams = defineSql(
  'seed.history_create_params',
  `CREATE TEMP TABLE history_params (
     ref_end timestamptz, shift interval, seed_at timestamptz, per_household float8, thresholds float8[]
   ) ON COMMIT DROP`,
);

/**
 * The generation window is 54 weeks of hourly slots ending one week after the reference end, shifted by
 * whole weeks; each slot's weight is hour × weekday × month × holiday (local time, unshifted calendar).
 * $1 reference end, $2 shift in days (a multiple of 7), $3 seed time, $4 incidents per household per year,
 * $5 hour weights float8[24], $6 weekday weights float8[7] (Sunday first), $7 month weights float8[12],
 * $8 holiday first days date[], $9 holiday last days date[], $10 holiday factors float8[].
 * The thresholds are the cumulative shares at the end of every slot but the last (for width_bucket).
 */
export const fillHistoryParams = defineSql(
  'seed.history_fill_params',
  `INSERT INTO history_params (ref_end, shift, seed_at, per_household, thresholds)
   WITH slot AS (
     SELECT s, ($1::timestamptz - interval '371 days' + s * interval '1 hour') AT TIME ZONE 'Asia/Shanghai' AS lt
       FROM generate_series(0, 54 * 7 * 24 - 1) AS s
   ), weighted AS (
     SELECT s, ($5::float8[])[extract(hour FROM lt)::int + 1] * ($6::float8[])[extract(dow FROM lt)::int + 1]
               * ($7::float8[])[extract(month FROM lt)::int]
               * coalesce((SELECT min(h.factor) FROM unnest($8::date[], $9::date[], $10::float8[]) AS h(first_day, last_day, factor)
                            WHERE lt::date BETWEEN h.first_day AND h.last_day), 1) AS w
       FROM slot
   ), cumulative AS (
     SELECT s, sum(w) OVER (ORDER BY s) / sum(w) OVER () AS c FROM weighted
   )
   SELECT $1::timestamptz, make_interval(days => $2::int), $3::timestamptz, $4::float8,
          (SELECT array_agg(c ORDER BY s) FROM cumulative WHERE s < 54 * 7 * 24 - 1)`,
);

/** The path table (seed-history-paths.ts): one row per step of every path. $1…$13 parallel arrays. */
export const createHistoryPaths = defineSql(
  'seed.history_create_paths',
  `CREATE TEMP TABLE history_paths ON COMMIT DROP AS
   SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::int[],
                        $10::boolean[], $11::int[], $12::text[], $13::text[])
            AS p(path, step, event, from_state, to_state, actor_role, timeline_worker, duration, assigned_worker,
                 offer_acknowledged, resolved_by, deadline_stage, detail)`,
);

/** Time limits in minutes per category and grade for each stage, from gridops_deadline (migration 0005). */
export const createHistoryLimits = defineSql(
  'seed.history_create_limits',
  `CREATE TEMP TABLE history_limits ON COMMIT DROP AS
   SELECT c.code AS category, g.grade,
          ${['accept', 'dispatch', 'arrive', 'resolve', 'verify', 'evaluate']
            .map((s) => `extract(epoch FROM gridops_deadline(c.code, g.grade, '${s}', 'epoch'::timestamptz) - 'epoch'::timestamptz) / 60 AS l_${s}`)
            .join(',\n          ')}
     FROM incident_categories c CROSS JOIN (VALUES ('blue'), ('yellow'), ('orange'), ('red')) AS g(grade)`,
);

/**
 * The workers who may handle a skill in each grid, community and street (by home micro-grid), sorted by
 * code. No parameters. Index: units_pkey.
 */
export const createHistoryWorkerPools = defineSql(
  'seed.history_create_worker_pools',
  `CREATE TEMP TABLE history_pools ON COMMIT DROP AS
   SELECT lvl.level, lvl.unit_code, s.skill, array_agg(w.code ORDER BY w.code) AS codes
     FROM workers w
     JOIN units m ON m.code = w.home_unit_code
     CROSS JOIN LATERAL unnest(w.skills) AS s(skill)
     CROSS JOIN LATERAL (VALUES ('grid', m.grid_code), ('community', m.community_code), ('street', m.street_code)) AS lvl(level, unit_code)
    WHERE w.generated
    GROUP BY lvl.level, lvl.unit_code, s.skill`,
);

/**
 * Eight tries at a point inside the micro-grid of case `q`, from its bounding box and 16-bit fractions of
 * `q.hp` (two md5 digests), the first inside wins; NULL when all miss (then the seed's general helper).
 * Consecutive tries on one polygon reuse PostGIS's prepared geometry, so a try costs little.
 */
const pointTries = (q: string) =>
  Array.from({ length: 8 }, (_, i) => {
    const pt = `ST_SetSRID(ST_MakePoint(${q}.xmin + ${q}.width * ${u16(`${q}.hp`, String(8 * i + 1))}, ${q}.ymin + ${q}.height * ${u16(`${q}.hp`, String(8 * i + 5))}), 4326)`;
    return `CASE WHEN ST_Intersects(${q}.mg_geom, ${pt}) THEN ${pt} END`;
  }).join(', ');

/** Steps a path may have after step 0 (the reopened path is the longest: 15). */
export const MAX_PATH_STEPS = 15;

/** A worker from an array of codes by a fraction; NULL for a missing array. */
const pick = (codes: string, u: string) => `${codes}[1 + floor(${u} * cardinality(${codes}))::int]`;

/** Another worker than `w1` from an array of codes (NULL when the array has no other). */
const pickOther = (codes: string, u: string, w1: string) =>
  `CASE WHEN cardinality(${codes}) > 1 THEN
     CASE WHEN ${pick(codes, u)} = ${w1} THEN ${codes}[1 + (floor(${u} * cardinality(${codes}))::int + 1) % cardinality(${codes})]
          ELSE ${pick(codes, u)} END END`;

/** CASE choosing the index of a path variant (PATH_VARIANTS order) by a fraction expression. */
function variantCase(u: string): string {
  const total = VARIANT_SHARES.reduce((sum, [, w]) => sum + w, 0);
  let acc = 0;
  const whens = VARIANT_SHARES.slice(0, -1).map(([variant, weight]) => {
    acc += weight;
    return `WHEN ${u} < ${(acc / total).toFixed(6)} THEN ${PATH_VARIANTS.indexOf(variant)}`;
  });
  return `CASE ${whens.join(' ')} ELSE ${PATH_VARIANTS.indexOf(VARIANT_SHARES[VARIANT_SHARES.length - 1][0])} END`;
}

/** The time limit (minutes) of the stage waited on before a step of duration kind `kind`, for case `h`. */
export const limitOf = (kind: string, h: string) =>
  `CASE ${kind} WHEN 'accept' THEN ${h}.l_accept WHEN 'dispatch' THEN ${h}.l_dispatch WHEN 'arrive' THEN ${h}.l_arrive
     WHEN 'resolve' THEN ${h}.l_resolve WHEN 'verify' THEN ${h}.l_verify WHEN 'evaluate' THEN ${h}.l_evaluate END`;

/**
 * Minutes spent before a step of kind `kind`, with `u` its fraction: exponential with a quarter (arrival
 * 0.3) of the stage's time limit as mean, so about one stage in fifty overruns its limit; fixed ranges for
 * the offer minute, closing and reopening. NULL kind (past the path's end) → 0.
 */
const durationOf = (kind: string, u: string, h: string) => {
  const e = `(-ln(greatest(${u}, 1.0::float8 / 65536)))`;
  return `CASE ${kind}
     WHEN 'accept' THEN greatest(0.3, ${h}.l_accept * 0.25 * ${e})
     WHEN 'dispatch' THEN greatest(0.5, ${h}.l_dispatch * 0.25 * ${e})
     WHEN 'acknowledge' THEN 0.15 + 0.75 * ${u}
     WHEN 'offer_timeout' THEN 1.0 + 0.25 * ${u}
     WHEN 'instant' THEN 0.01 + 0.02 * ${u}
     WHEN 'arrive' THEN greatest(2, ${h}.l_arrive * 0.3 * ${e})
     WHEN 'resolve' THEN greatest(5, ${h}.l_resolve * 0.25 * ${e})
     WHEN 'verify' THEN greatest(3, ${h}.l_verify * 0.25 * ${e})
     WHEN 'evaluate' THEN greatest(10, least(${h}.l_evaluate, 1440) * 0.3 * ${e})
     WHEN 'close' THEN 1 + 19 * ${u}
     WHEN 'reopen' THEN 1440 + 5760 * ${u}
     ELSE 0 END`;
};

const steps = Array.from({ length: MAX_PATH_STEPS }, (_, i) => i + 1);
const cumulative = (term: (j: number) => string) => steps.map((j) => steps.slice(0, j).map(term).join(' + '));

/** Per path: its last step, the duration kind of each step (index = step), the step of its evaluation. */
export const createHistoryPathArrays = defineSql(
  'seed.history_create_path_arrays',
  `CREATE TEMP TABLE history_path_arrays ON COMMIT DROP AS
   SELECT path, max(step) AS last_step, array_agg(duration ORDER BY step) FILTER (WHERE step > 0) AS kinds,
          min(step) FILTER (WHERE event = 'evaluate') AS evaluate_step
     FROM history_paths GROUP BY path`,
);

/**
 * One row per historical case: its micro-grid (a count per micro-grid from its households), time (a slot
 * drawn from the rhythm's cumulative shares, then a moment within the hour), source, category, grade (one
 * grade up or down by a dispatcher now and then), path, workers of its grid (else community, else street)
 * with the skill, point inside the micro-grid, distance to its edge when within 30 m, and its course:
 * `offs` the minutes from the report to each step (index = step + 1), `esc` the escalations each step's
 * wait caused (at most two), `escc` those up to and including each step. Cases outside the 365 days
 * before the seed time are dropped. No parameters (history_params). Result: none. Index: units_level_idx.
 */
export const createHistoryCases = defineSql(
  'seed.history_create_cases',
  `CREATE TEMP TABLE history_cases ON COMMIT DROP AS
   WITH raw AS MATERIALIZED (
     SELECT m.code AS micro_grid_code, m.name AS micro_grid_name, m.grid_code, m.community_code, m.street_code, m.district_code,
            m.geom AS mg_geom, m.boundary AS mg_boundary, m.xmin, m.ymin, m.width, m.height, k.key, k.dh,
            p.ref_end - interval '371 days' + p.shift
              + width_bucket(('x' || substr(k.h1, 1, 8))::bit(32)::bigint::float8 / 4294967296, p.thresholds) * interval '1 hour'
              + ${u16('k.h1', '9')} * interval '1 hour' AS reported_at,
            p.seed_at, ${u16('k.h1', '13')} AS u_source, ${u16('k.h1', '17')} AS u_category, ${u16('k.h1', '21')} AS u_grade,
            ${u16('k.h1', '25')} AS u_variant, ${u16('k.h1', '29')} AS u_satisfaction, ${u16('k.h4', '1')} AS u_w1,
            ${u16('k.h4', '5')} AS u_w2, ${u16('k.h4', '9')} AS u_description
       FROM (SELECT u.*, ST_Boundary(u.geom) AS boundary, ST_XMin(u.geom) AS xmin, ST_YMin(u.geom) AS ymin,
                    ST_XMax(u.geom) - ST_XMin(u.geom) AS width, ST_YMax(u.geom) - ST_YMin(u.geom) AS height
               FROM units u WHERE u.level = 'micro_grid') m
       CROSS JOIN history_params p
       CROSS JOIN LATERAL generate_series(1, floor(p.per_household * m.households * 378 / 365.0
                                                     + gridops_unit_random('hist-count:' || m.code))::int) AS n
       CROSS JOIN LATERAL (SELECT key, md5(key) AS h1, md5(key || ':d1') || md5(key || ':d2') AS dh, md5(key || ':w') AS h4
                             FROM (SELECT 'hist:' || m.code || ':' || n AS key) kk OFFSET 0) k
   ), sourced AS (
     SELECT r.*, CASE WHEN s.source = 'patrol' AND extract(hour FROM r.reported_at AT TIME ZONE 'Asia/Shanghai') NOT BETWEEN 8 AND 19
                      THEN 'hotline_12345' ELSE s.source END AS source
       FROM raw r CROSS JOIN LATERAL (SELECT ${weightedCase('r.u_source', SOURCE_WEIGHTS)} AS source) s
      WHERE r.reported_at >= r.seed_at - interval '365 days' AND r.reported_at <= r.seed_at
   ), categorised AS (
     SELECT r.*, ${categoryBySource} AS category FROM sourced r
   ), graded AS (
     SELECT r.*, ic.skill,
            CASE WHEN r.source IN ('video_ai', 'iot') AND ic.alarm_grade IS NOT NULL THEN ic.alarm_grade ELSE ic.default_grade END AS base_grade
       FROM categorised r JOIN incident_categories ic ON ic.code = r.category
   ), c AS MATERIALIZED (
     SELECT g.*,
            (ARRAY['blue', 'yellow', 'orange', 'red'])[least(4, greatest(1, array_position(ARRAY['blue', 'yellow', 'orange', 'red'], g.base_grade)
               + CASE WHEN g.u_grade < 0.06 THEN 1 WHEN g.u_grade >= 0.97 THEN -1 ELSE 0 END))] AS grade,
            2 * (${variantCase('g.u_variant')})
              + CASE WHEN g.source IN ('hotline_12345', 'citizen_app', 'open311', 'transfer_110') THEN 1 ELSE 0 END AS path
       FROM graded g
   ), staffed AS (
     SELECT c.*, coalesce(${pick('pg.codes', 'c.u_w1')}, ${pick('pc.codes', 'c.u_w1')}, ${pick('ps.codes', 'c.u_w1')}) AS w1,
            pc.codes AS community_codes, ps.codes AS street_codes
       FROM c
       LEFT JOIN history_pools pg ON pg.level = 'grid' AND pg.unit_code = c.grid_code AND pg.skill = c.skill
       LEFT JOIN history_pools pc ON pc.level = 'community' AND pc.unit_code = c.community_code AND pc.skill = c.skill
       LEFT JOIN history_pools ps ON ps.level = 'street' AND ps.unit_code = c.street_code AND ps.skill = c.skill
   ), placed AS MATERIALIZED (
     -- (the point helper uses the alias c inside)
     SELECT q.*, coalesce(${pickOther('q.community_codes', 'q.u_w2', 'q.w1')}, ${pickOther('q.street_codes', 'q.u_w2', 'q.w1')}, q.w1) AS w2,
            coalesce(${pointTries('q')}, ${randomPointInPolygonSql('q.mg_geom', `('hist-point:' || q.key)`)}) AS geom
       FROM (SELECT s.*, md5('hist-point:' || s.key) || md5('hist-point:' || s.key || ':2') AS hp FROM staffed s) q
   ), timed AS MATERIALIZED (
     SELECT q.*, l.l_accept, l.l_dispatch, l.l_arrive, l.l_resolve, l.l_verify, l.l_evaluate, pa.last_step,
            ${steps.map((j) => `(${durationOf(`pa.kinds[${j}]`, `f.f${j}`, 'l')})::float8 AS d${j}`).join(',\n            ')}
       FROM placed q
       CROSS JOIN LATERAL (SELECT ${steps.map((j) => `${u16('q.dh', String(4 * j - 3))} AS f${j}`).join(', ')} OFFSET 0) f
       JOIN history_limits l ON l.category = q.category AND l.grade = q.grade
       JOIN history_path_arrays pa ON pa.path = q.path
   ), escalated AS MATERIALIZED (
     SELECT t.*, ${steps.map((j) => `coalesce(floor(least(2 * (${limitOf(`pa.kinds[${j}]`, 't')}), t.d${j}) / (${limitOf(`pa.kinds[${j}]`, 't')}))::int, 0) AS e${j}`).join(', ')}
       FROM timed t JOIN history_path_arrays pa ON pa.path = t.path
   )
   SELECT c.key, c.micro_grid_code, c.grid_code, c.community_code, c.street_code, c.district_code, c.source, c.category, c.grade,
          c.grade <> c.base_grade AS grade_overridden, c.reported_at, c.geom,
          CASE WHEN ST_DWithin(c.geom, c.mg_boundary, 0.0004)
               THEN nullif(least(ST_Distance(c.geom::geography, c.mg_boundary::geography), 31), 31) END AS near_boundary_m,
          ${descriptionByCategory} AS description, c.micro_grid_name AS address, c.path, c.last_step,
          CASE WHEN c.u_satisfaction < 0.02 THEN 1 WHEN c.u_satisfaction < 0.06 THEN 2 WHEN c.u_satisfaction < 0.15 THEN 3
               WHEN c.u_satisfaction < 0.40 THEN 4 ELSE 5 END AS satisfaction,
          c.w1, c.w2, c.l_accept, c.l_dispatch, c.l_arrive, c.l_resolve, c.l_verify, c.l_evaluate,
          ARRAY[0, ${cumulative((j) => `c.d${j}`).join(', ')}]::float4[] AS offs,
          ARRAY[0, ${steps.map((j) => `c.e${j}`).join(', ')}]::int2[] AS esc,
          ARRAY[0, ${cumulative((j) => `c.e${j}`).join(', ')}]::int2[] AS escc
     FROM escalated c`,
);

/**
 * Cases still running at the seed time (reported in the last 30 days and not finished by then): the last
 * step before the seed time, the state and the worker booked then. A worker can hold one active case
 * (incidents_one_active_case_per_worker): of two, the later one is set back to waiting for dispatch
 * (step 1, accepted). No parameters. Result: none.
 */
export const createHistoryCut = defineSql(
  'seed.history_create_cut',
  `CREATE TEMP TABLE history_cut ON COMMIT DROP AS
   WITH natural_cut AS (
     SELECT h.key, h.reported_at, h.path, h.w1, h.w2, h.last_step,
            least(h.last_step, width_bucket((extract(epoch FROM p.seed_at - h.reported_at) / 60)::float4, h.offs) - 1) AS cut
       FROM history_cases h CROSS JOIN history_params p
      WHERE h.reported_at > p.seed_at - interval '30 days'
   ), running AS (
     SELECT n.key, n.cut, n.reported_at, ps.to_state IN ('dispatched', 'on_scene') AS active,
            CASE ps.assigned_worker WHEN 1 THEN n.w1 WHEN 2 THEN n.w2 END AS worker
       FROM natural_cut n JOIN history_paths ps ON ps.path = n.path AND ps.step = n.cut
      WHERE n.cut < n.last_step
   )
   SELECT key, CASE WHEN active AND row_number() OVER (PARTITION BY active, worker ORDER BY reported_at, key) > 1 THEN 1 ELSE cut END AS cut
     FROM running`,
);

/** Incident ids in time order, after any incident already stored, and the step each case stands at. */
export const createHistoryRows = defineSql(
  'seed.history_create_rows',
  `CREATE TEMP TABLE history_rows ON COMMIT DROP AS
   SELECT h.key, (SELECT coalesce(max(id), 0) FROM incidents) + row_number() OVER (ORDER BY h.reported_at, h.key) AS id,
          coalesce(c.cut, h.last_step) AS cut
     FROM history_cases h LEFT JOIN history_cut c ON c.key = h.key`,
);
