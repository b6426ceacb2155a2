-- Per-unit statistics for analysts (issue 25): each district's and street's figures per calendar month
-- (Asia/Shanghai days, as the statistics API counts them), summed from the daily rollups (stats_daily,
-- migration 0013) and joined to the unit's boundary, for the OGC API collection `unit_statistics`.
-- security_invoker: the caller's row-level security applies to stats_daily and units, so a street's dispatcher
-- sees its own street's months only. The ratios follow server/stats/stats-figures.ts (docs/stats-formulas.md).
CREATE VIEW ogc_unit_month_stats WITH (security_invoker = true) AS
SELECT m.unit_code || ':' || to_char(m.month, 'YYYY-MM') AS id,
       m.unit_code AS code, u.name, u.level, u.parent_code, u.district_code,
       to_char(m.month, 'YYYY-MM') AS month,
       (m.month::timestamp AT TIME ZONE 'Asia/Shanghai') AS month_start,
       m.incidents, m.accepted, m.dispatched, m.on_scene, m.resolved, m.closed, m.rejected,
       m.escalated, m.summonses, m.summonses_late, m.repeats, m.rated,
       m.grade_blue, m.grade_yellow, m.grade_orange, m.grade_red,
       round(m.closed::numeric / nullif(m.incidents, 0), 4)::float8 AS closure_rate,
       round(m.on_time_close::numeric / nullif(m.closed, 0), 4)::float8 AS on_time_rate,
       round(m.satisfaction_sum::numeric / nullif(m.rated, 0), 3)::float8 AS satisfaction_mean,
       u.households,
       round(m.incidents * 1000::numeric / nullif(u.households, 0), 3)::float8 AS per_1000_households,
       u.generated, u.geom
  FROM (SELECT unit_code, date_trunc('month', day)::date AS month,
               sum(incidents)::int AS incidents, sum(accepted)::int AS accepted, sum(dispatched)::int AS dispatched,
               sum(on_scene)::int AS on_scene, sum(resolved)::int AS resolved, sum(closed)::int AS closed,
               sum(rejected)::int AS rejected, sum(on_time_close)::int AS on_time_close,
               sum(escalated)::int AS escalated, sum(summonses)::int AS summonses, sum(summonses_late)::int AS summonses_late,
               sum(repeats)::int AS repeats, sum(rated)::int AS rated, sum(satisfaction_sum)::int AS satisfaction_sum,
               sum(grade_blue)::int AS grade_blue, sum(grade_yellow)::int AS grade_yellow,
               sum(grade_orange)::int AS grade_orange, sum(grade_red)::int AS grade_red
          FROM stats_daily WHERE unit_code <> 'city'
         GROUP BY unit_code, date_trunc('month', day)) m
  JOIN units u ON u.code = m.unit_code;

GRANT SELECT ON ogc_unit_month_stats TO gridops_app;
