-- Statistics maintained, not scanned (issue 19; formulas in docs/stats-formulas.md).
--
--   incidents / incident_timeline / incident_summonses
--        │ deferred constraint triggers: at COMMIT, once per changed row
--        ▼
--   stats_incident_facts   one row per incident: its report day and hour, its unit chain, 0/1 counters and the
--        │                 histogram bucket of each stage's minutes (computed by the view stats_fact_source)
--        │ statement triggers with transition tables: set-based, so one incident and a 400,000-row rebuild
--        ▼                 take the same path
--   stats_daily            per (unit, day) for the city, each district and each street: the counters summed and
--                          one 40-bucket histogram per stage
--
-- Figures of a community, grid or micro-grid are summed from the facts (a community has about 25 incidents a
-- month); of a street, district or the city from stats_daily (at most one row per day). Nothing scans the history.

-- Upper edges of the minute histograms' buckets are the next lower edge; the last bucket is open (≥ 30 days).
CREATE FUNCTION gridops_stats_bucket(minutes double precision) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT greatest(1, width_bucket(minutes, '{0,1,2,3,4,5,6,8,10,12,15,20,25,30,40,50,60,75,90,105,120,150,180,240,300,360,480,600,720,960,1200,1440,2160,2880,4320,5760,7200,10080,20160,43200}'::double precision[]))::smallint $$;

-- Cumulative limits from the report: accepted by accept; dispatched by accept + dispatch; on scene by
-- + acknowledge + arrive; resolved by + resolve; closed by + verify + evaluate.
CREATE VIEW stats_stage_limits AS
SELECT c.code AS category, g.grade, m.accept, m.accept + m.dispatch AS dispatch,
       m.accept + m.dispatch + m.acknowledge + m.arrive AS arrive,
       m.accept + m.dispatch + m.acknowledge + m.arrive + m.resolve AS resolve,
       m.accept + m.dispatch + m.acknowledge + m.arrive + m.resolve + m.verify + m.evaluate AS close
  FROM incident_categories c
 CROSS JOIN (VALUES ('blue'), ('yellow'), ('orange'), ('red')) AS g(grade)
 CROSS JOIN LATERAL (
   -- The category's own limit where it has one, else the grade's (as gridops_deadline), in one scan.
   SELECT coalesce(max(l.minutes) FILTER (WHERE l.stage = 'accept' AND l.category = c.code), max(l.minutes) FILTER (WHERE l.stage = 'accept' AND l.category IS NULL)) AS accept,
          coalesce(max(l.minutes) FILTER (WHERE l.stage = 'dispatch' AND l.category = c.code), max(l.minutes) FILTER (WHERE l.stage = 'dispatch' AND l.category IS NULL)) AS dispatch,
          coalesce(max(l.minutes) FILTER (WHERE l.stage = 'acknowledge' AND l.category = c.code), max(l.minutes) FILTER (WHERE l.stage = 'acknowledge' AND l.category IS NULL)) AS acknowledge,
          coalesce(max(l.minutes) FILTER (WHERE l.stage = 'arrive' AND l.category = c.code), max(l.minutes) FILTER (WHERE l.stage = 'arrive' AND l.category IS NULL)) AS arrive,
          coalesce(max(l.minutes) FILTER (WHERE l.stage = 'resolve' AND l.category = c.code), max(l.minutes) FILTER (WHERE l.stage = 'resolve' AND l.category IS NULL)) AS resolve,
          coalesce(max(l.minutes) FILTER (WHERE l.stage = 'verify' AND l.category = c.code), max(l.minutes) FILTER (WHERE l.stage = 'verify' AND l.category IS NULL)) AS verify,
          coalesce(max(l.minutes) FILTER (WHERE l.stage = 'evaluate' AND l.category = c.code), max(l.minutes) FILTER (WHERE l.stage = 'evaluate' AND l.category IS NULL)) AS evaluate
     FROM incident_time_limits l WHERE l.grade = g.grade AND (l.category = c.code OR l.category IS NULL)
 ) m
-- Not flattened into a query that joins it: its 24 rows are computed once, not per joined row.
OFFSET 0;

-- What an incident contributes, from the incident tables alone. Filtered by incident_id, the grouped
-- subqueries receive the filter (incident_timeline_incident_idx, incident_summonses_incident_idx); unfiltered,
-- they are hash aggregates over the tables (the rebuild). Repeat: the same micro-grid and category reported in
-- the 30 days before (incidents_micro_grid_idx).
CREATE VIEW stats_fact_source AS
SELECT i.id AS incident_id,
       (i.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
       extract(hour FROM i.reported_at AT TIME ZONE 'Asia/Shanghai')::smallint AS hour,
       i.district_code, i.street_code, i.community_code, i.grid_code, i.micro_grid_code,
       i.source, i.category, i.grade, i.state, i.reported_at,
       1::smallint AS incidents,
       (t.accepted_at IS NOT NULL)::int::smallint AS accepted,
       (t.dispatched_at IS NOT NULL)::int::smallint AS dispatched,
       (t.arrived_at IS NOT NULL)::int::smallint AS on_scene,
       (t.resolved_at IS NOT NULL)::int::smallint AS resolved,
       (i.state = 'closed')::int::smallint AS closed,
       (i.state = 'rejected')::int::smallint AS rejected,
       coalesce(m.accept <= l.accept, false)::int::smallint AS on_time_accept,
       coalesce(m.dispatch <= l.dispatch, false)::int::smallint AS on_time_dispatch,
       coalesce(m.arrive <= l.arrive, false)::int::smallint AS on_time_arrive,
       coalesce(m.resolve <= l.resolve, false)::int::smallint AS on_time_resolve,
       coalesce(m.close <= l.close, false)::int::smallint AS on_time_close,
       (i.escalation_level > 0)::int::smallint AS escalated,
       coalesce(s.summonses, 0)::smallint AS summonses,
       coalesce(s.late, 0)::smallint AS summonses_late,
       r.repeat::int::smallint AS repeats,
       (i.satisfaction IS NOT NULL)::int::smallint AS rated,
       coalesce(i.satisfaction, 0)::smallint AS satisfaction_sum,
       (i.source = 'hotline_12345')::int::smallint AS src_hotline_12345,
       (i.source = 'citizen_app')::int::smallint AS src_citizen_app,
       (i.source = 'open311')::int::smallint AS src_open311,
       (i.source = 'patrol')::int::smallint AS src_patrol,
       (i.source = 'video_ai')::int::smallint AS src_video_ai,
       (i.source = 'iot')::int::smallint AS src_iot,
       (i.source = 'transfer_110')::int::smallint AS src_transfer_110,
       (i.category = 'safety_hazard')::int::smallint AS cat_safety_hazard,
       (i.category = 'dispute')::int::smallint AS cat_dispute,
       (i.category = 'city_management')::int::smallint AS cat_city_management,
       (i.category = 'fire_safety')::int::smallint AS cat_fire_safety,
       (i.category = 'public_order')::int::smallint AS cat_public_order,
       (i.category = 'environment')::int::smallint AS cat_environment,
       (i.grade = 'blue')::int::smallint AS grade_blue,
       (i.grade = 'yellow')::int::smallint AS grade_yellow,
       (i.grade = 'orange')::int::smallint AS grade_orange,
       (i.grade = 'red')::int::smallint AS grade_red,
       -- Grade weights blue 1, yellow 2, orange 4, red 8 (docs/stats-formulas.md).
       (CASE WHEN i.category IN ('public_order', 'fire_safety', 'safety_hazard')
             THEN CASE i.grade WHEN 'blue' THEN 1 WHEN 'yellow' THEN 2 WHEN 'orange' THEN 4 ELSE 8 END ELSE 0 END)::smallint AS safety_weighted,
       (CASE WHEN i.source IN ('iot', 'video_ai')
             THEN CASE i.grade WHEN 'blue' THEN 1 WHEN 'yellow' THEN 2 WHEN 'orange' THEN 4 ELSE 8 END ELSE 0 END)::smallint AS alarms_weighted,
       m.accept AS accept_minutes, m.dispatch AS dispatch_minutes, m.arrive AS arrive_minutes,
       m.resolve AS resolve_minutes, m.close AS close_minutes,
       gridops_stats_bucket(m.accept) AS b_accept, gridops_stats_bucket(m.dispatch) AS b_dispatch,
       gridops_stats_bucket(m.arrive) AS b_arrive, gridops_stats_bucket(m.resolve) AS b_resolve,
       gridops_stats_bucket(m.close) AS b_close
  FROM incidents i
  LEFT JOIN (
    SELECT incident_id,
           min(at) FILTER (WHERE to_state = 'accepted') AS accepted_at,
           min(at) FILTER (WHERE to_state = 'dispatched') AS dispatched_at,
           min(at) FILTER (WHERE to_state = 'on_scene') AS arrived_at,
           min(at) FILTER (WHERE to_state = 'resolved') AS resolved_at,
           min(at) FILTER (WHERE to_state = 'closed') AS closed_at
      FROM incident_timeline
     GROUP BY incident_id
  ) t ON t.incident_id = i.id
  LEFT JOIN (
    SELECT incident_id, count(*) AS summonses,
           count(*) FILTER (WHERE overdue OR reported_at > deadline_at) AS late
      FROM incident_summonses
     GROUP BY incident_id
  ) s ON s.incident_id = i.id
  JOIN stats_stage_limits l ON l.category = i.category AND l.grade = i.grade
 CROSS JOIN LATERAL (
   SELECT EXISTS (SELECT 1 FROM incidents p
                   WHERE p.micro_grid_code = i.micro_grid_code AND p.category = i.category
                     AND p.reported_at >= i.reported_at - interval '30 days' AND p.reported_at <= i.reported_at
                     AND (p.reported_at, p.id) < (i.reported_at, i.id)) AS repeat
 ) r
 CROSS JOIN LATERAL (
   SELECT extract(epoch FROM t.accepted_at - i.reported_at)::double precision / 60 AS accept,
          extract(epoch FROM t.dispatched_at - i.reported_at)::double precision / 60 AS dispatch,
          extract(epoch FROM t.arrived_at - i.reported_at)::double precision / 60 AS arrive,
          extract(epoch FROM t.resolved_at - i.reported_at)::double precision / 60 AS resolve,
          CASE WHEN i.state = 'closed' THEN extract(epoch FROM t.closed_at - i.reported_at)::double precision / 60 END AS close
 ) m;

CREATE TABLE stats_incident_facts AS SELECT * FROM stats_fact_source WITH NO DATA;
ALTER TABLE stats_incident_facts ADD PRIMARY KEY (incident_id);
-- Summed directly for communities, grids and micro-grids, and read for drill-downs and hourly series.
CREATE INDEX stats_incident_facts_day_idx ON stats_incident_facts (day);
CREATE INDEX stats_incident_facts_district_idx ON stats_incident_facts (district_code, day);
CREATE INDEX stats_incident_facts_street_idx ON stats_incident_facts (street_code, day);
CREATE INDEX stats_incident_facts_community_idx ON stats_incident_facts (community_code, day);

-- The rollup of the city ('city'), each district and each street by day. Counters are the facts' summed.
CREATE TABLE stats_daily (
  unit_code text NOT NULL,
  day date NOT NULL,
  incidents integer NOT NULL, accepted integer NOT NULL, dispatched integer NOT NULL, on_scene integer NOT NULL,
  resolved integer NOT NULL, closed integer NOT NULL, rejected integer NOT NULL,
  on_time_accept integer NOT NULL, on_time_dispatch integer NOT NULL, on_time_arrive integer NOT NULL,
  on_time_resolve integer NOT NULL, on_time_close integer NOT NULL,
  escalated integer NOT NULL, summonses integer NOT NULL, summonses_late integer NOT NULL, repeats integer NOT NULL,
  rated integer NOT NULL, satisfaction_sum integer NOT NULL,
  src_hotline_12345 integer NOT NULL, src_citizen_app integer NOT NULL, src_open311 integer NOT NULL, src_patrol integer NOT NULL,
  src_video_ai integer NOT NULL, src_iot integer NOT NULL, src_transfer_110 integer NOT NULL,
  cat_safety_hazard integer NOT NULL, cat_dispute integer NOT NULL, cat_city_management integer NOT NULL,
  cat_fire_safety integer NOT NULL, cat_public_order integer NOT NULL, cat_environment integer NOT NULL,
  grade_blue integer NOT NULL, grade_yellow integer NOT NULL, grade_orange integer NOT NULL, grade_red integer NOT NULL,
  safety_weighted integer NOT NULL, alarms_weighted integer NOT NULL,
  -- Per stage: how many incidents reached it within each bucket of gridops_stats_bucket (40 buckets).
  h_accept integer[] NOT NULL, h_dispatch integer[] NOT NULL, h_arrive integer[] NOT NULL,
  h_resolve integer[] NOT NULL, h_close integer[] NOT NULL,
  PRIMARY KEY (unit_code, day)
);

-- Adds the signed contributions of changed facts (new rows +1, old rows -1) to stats_daily, set-based.
CREATE FUNCTION gridops_stats_apply_changes() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  -- One scratch table per session (a temporary table per transaction would churn the catalogue).
  IF to_regclass('pg_temp.stats_changed_facts') IS NULL THEN
    CREATE TEMP TABLE stats_changed_facts (LIKE stats_incident_facts, sign integer) ON COMMIT DELETE ROWS;
  END IF;
  DELETE FROM stats_changed_facts;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    EXECUTE 'INSERT INTO stats_changed_facts SELECT *, 1 FROM new_facts';
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    EXECUTE 'INSERT INTO stats_changed_facts SELECT *, -1 FROM old_facts';
  END IF;
  -- Summed per street and day first (one pass over the changed facts), then up to the district and the city.
  WITH per_street AS (
    SELECT district_code, street_code, day,
           sum(sign * incidents) AS incidents, sum(sign * accepted) AS accepted, sum(sign * dispatched) AS dispatched,
           sum(sign * on_scene) AS on_scene, sum(sign * resolved) AS resolved, sum(sign * closed) AS closed,
           sum(sign * rejected) AS rejected, sum(sign * on_time_accept) AS on_time_accept, sum(sign * on_time_dispatch) AS on_time_dispatch,
           sum(sign * on_time_arrive) AS on_time_arrive, sum(sign * on_time_resolve) AS on_time_resolve, sum(sign * on_time_close) AS on_time_close,
           sum(sign * escalated) AS escalated, sum(sign * summonses) AS summonses, sum(sign * summonses_late) AS summonses_late,
           sum(sign * repeats) AS repeats, sum(sign * rated) AS rated, sum(sign * satisfaction_sum) AS satisfaction_sum,
           sum(sign * src_hotline_12345) AS src_hotline_12345, sum(sign * src_citizen_app) AS src_citizen_app, sum(sign * src_open311) AS src_open311,
           sum(sign * src_patrol) AS src_patrol, sum(sign * src_video_ai) AS src_video_ai, sum(sign * src_iot) AS src_iot,
           sum(sign * src_transfer_110) AS src_transfer_110, sum(sign * cat_safety_hazard) AS cat_safety_hazard, sum(sign * cat_dispute) AS cat_dispute,
           sum(sign * cat_city_management) AS cat_city_management, sum(sign * cat_fire_safety) AS cat_fire_safety, sum(sign * cat_public_order) AS cat_public_order,
           sum(sign * cat_environment) AS cat_environment, sum(sign * grade_blue) AS grade_blue, sum(sign * grade_yellow) AS grade_yellow,
           sum(sign * grade_orange) AS grade_orange, sum(sign * grade_red) AS grade_red, sum(sign * safety_weighted) AS safety_weighted,
           sum(sign * alarms_weighted) AS alarms_weighted
      FROM stats_changed_facts GROUP BY district_code, street_code, day
  ), counters AS (
    SELECT u.code AS unit_code, p.day,
           sum(p.incidents) AS incidents, sum(p.accepted) AS accepted, sum(p.dispatched) AS dispatched,
           sum(p.on_scene) AS on_scene, sum(p.resolved) AS resolved, sum(p.closed) AS closed,
           sum(p.rejected) AS rejected, sum(p.on_time_accept) AS on_time_accept, sum(p.on_time_dispatch) AS on_time_dispatch,
           sum(p.on_time_arrive) AS on_time_arrive, sum(p.on_time_resolve) AS on_time_resolve, sum(p.on_time_close) AS on_time_close,
           sum(p.escalated) AS escalated, sum(p.summonses) AS summonses, sum(p.summonses_late) AS summonses_late,
           sum(p.repeats) AS repeats, sum(p.rated) AS rated, sum(p.satisfaction_sum) AS satisfaction_sum,
           sum(p.src_hotline_12345) AS src_hotline_12345, sum(p.src_citizen_app) AS src_citizen_app, sum(p.src_open311) AS src_open311,
           sum(p.src_patrol) AS src_patrol, sum(p.src_video_ai) AS src_video_ai, sum(p.src_iot) AS src_iot,
           sum(p.src_transfer_110) AS src_transfer_110, sum(p.cat_safety_hazard) AS cat_safety_hazard, sum(p.cat_dispute) AS cat_dispute,
           sum(p.cat_city_management) AS cat_city_management, sum(p.cat_fire_safety) AS cat_fire_safety, sum(p.cat_public_order) AS cat_public_order,
           sum(p.cat_environment) AS cat_environment, sum(p.grade_blue) AS grade_blue, sum(p.grade_yellow) AS grade_yellow,
           sum(p.grade_orange) AS grade_orange, sum(p.grade_red) AS grade_red, sum(p.safety_weighted) AS safety_weighted,
           sum(p.alarms_weighted) AS alarms_weighted
      FROM per_street p CROSS JOIN LATERAL unnest(ARRAY['city', p.district_code, p.street_code]) AS u(code)
     GROUP BY u.code, p.day
  ), street_buckets AS (
    SELECT f.district_code, f.street_code, f.day, s.stage, s.b, sum(f.sign)::integer AS n
      FROM stats_changed_facts f
     CROSS JOIN LATERAL (VALUES (1, f.b_accept), (2, f.b_dispatch), (3, f.b_arrive), (4, f.b_resolve), (5, f.b_close)) AS s(stage, b)
     WHERE s.b IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5
  ), buckets AS (
    SELECT u.code AS unit_code, sb.day, sb.stage, sb.b, sum(sb.n)::integer AS n
      FROM street_buckets sb CROSS JOIN LATERAL unnest(ARRAY['city', sb.district_code, sb.street_code]) AS u(code)
     GROUP BY 1, 2, 3, 4
  ), sparse AS (
    SELECT unit_code, day,
           array_agg(b ORDER BY b) FILTER (WHERE stage = 1) AS i1, array_agg(n ORDER BY b) FILTER (WHERE stage = 1) AS n1,
           array_agg(b ORDER BY b) FILTER (WHERE stage = 2) AS i2, array_agg(n ORDER BY b) FILTER (WHERE stage = 2) AS n2,
           array_agg(b ORDER BY b) FILTER (WHERE stage = 3) AS i3, array_agg(n ORDER BY b) FILTER (WHERE stage = 3) AS n3,
           array_agg(b ORDER BY b) FILTER (WHERE stage = 4) AS i4, array_agg(n ORDER BY b) FILTER (WHERE stage = 4) AS n4,
           array_agg(b ORDER BY b) FILTER (WHERE stage = 5) AS i5, array_agg(n ORDER BY b) FILTER (WHERE stage = 5) AS n5
      FROM buckets GROUP BY unit_code, day
  )
  INSERT INTO stats_daily AS d
  SELECT c.*, ARRAY(SELECT coalesce(s.n1[array_position(s.i1, g::smallint)], 0) FROM generate_series(1, 40) AS g ORDER BY g), ARRAY(SELECT coalesce(s.n2[array_position(s.i2, g::smallint)], 0) FROM generate_series(1, 40) AS g ORDER BY g), ARRAY(SELECT coalesce(s.n3[array_position(s.i3, g::smallint)], 0) FROM generate_series(1, 40) AS g ORDER BY g),
         ARRAY(SELECT coalesce(s.n4[array_position(s.i4, g::smallint)], 0) FROM generate_series(1, 40) AS g ORDER BY g), ARRAY(SELECT coalesce(s.n5[array_position(s.i5, g::smallint)], 0) FROM generate_series(1, 40) AS g ORDER BY g)
    FROM counters c LEFT JOIN sparse s ON s.unit_code = c.unit_code AND s.day = c.day
   -- Always the same lock order (district, street, then 'city'), so two commits never deadlock on these rows.
   ORDER BY c.unit_code, c.day
  ON CONFLICT (unit_code, day) DO UPDATE SET
    incidents = d.incidents + EXCLUDED.incidents, accepted = d.accepted + EXCLUDED.accepted,
    dispatched = d.dispatched + EXCLUDED.dispatched, on_scene = d.on_scene + EXCLUDED.on_scene,
    resolved = d.resolved + EXCLUDED.resolved, closed = d.closed + EXCLUDED.closed, rejected = d.rejected + EXCLUDED.rejected,
    on_time_accept = d.on_time_accept + EXCLUDED.on_time_accept, on_time_dispatch = d.on_time_dispatch + EXCLUDED.on_time_dispatch,
    on_time_arrive = d.on_time_arrive + EXCLUDED.on_time_arrive, on_time_resolve = d.on_time_resolve + EXCLUDED.on_time_resolve,
    on_time_close = d.on_time_close + EXCLUDED.on_time_close, escalated = d.escalated + EXCLUDED.escalated,
    summonses = d.summonses + EXCLUDED.summonses, summonses_late = d.summonses_late + EXCLUDED.summonses_late,
    repeats = d.repeats + EXCLUDED.repeats, rated = d.rated + EXCLUDED.rated, satisfaction_sum = d.satisfaction_sum + EXCLUDED.satisfaction_sum,
    src_hotline_12345 = d.src_hotline_12345 + EXCLUDED.src_hotline_12345, src_citizen_app = d.src_citizen_app + EXCLUDED.src_citizen_app,
    src_open311 = d.src_open311 + EXCLUDED.src_open311, src_patrol = d.src_patrol + EXCLUDED.src_patrol,
    src_video_ai = d.src_video_ai + EXCLUDED.src_video_ai, src_iot = d.src_iot + EXCLUDED.src_iot,
    src_transfer_110 = d.src_transfer_110 + EXCLUDED.src_transfer_110,
    cat_safety_hazard = d.cat_safety_hazard + EXCLUDED.cat_safety_hazard, cat_dispute = d.cat_dispute + EXCLUDED.cat_dispute,
    cat_city_management = d.cat_city_management + EXCLUDED.cat_city_management, cat_fire_safety = d.cat_fire_safety + EXCLUDED.cat_fire_safety,
    cat_public_order = d.cat_public_order + EXCLUDED.cat_public_order, cat_environment = d.cat_environment + EXCLUDED.cat_environment,
    grade_blue = d.grade_blue + EXCLUDED.grade_blue, grade_yellow = d.grade_yellow + EXCLUDED.grade_yellow,
    grade_orange = d.grade_orange + EXCLUDED.grade_orange, grade_red = d.grade_red + EXCLUDED.grade_red,
    safety_weighted = d.safety_weighted + EXCLUDED.safety_weighted, alarms_weighted = d.alarms_weighted + EXCLUDED.alarms_weighted,
    h_accept = ARRAY(SELECT d.h_accept[g] + EXCLUDED.h_accept[g] FROM generate_series(1, 40) AS g ORDER BY g), h_dispatch = ARRAY(SELECT d.h_dispatch[g] + EXCLUDED.h_dispatch[g] FROM generate_series(1, 40) AS g ORDER BY g),
    h_arrive = ARRAY(SELECT d.h_arrive[g] + EXCLUDED.h_arrive[g] FROM generate_series(1, 40) AS g ORDER BY g), h_resolve = ARRAY(SELECT d.h_resolve[g] + EXCLUDED.h_resolve[g] FROM generate_series(1, 40) AS g ORDER BY g),
    h_close = ARRAY(SELECT d.h_close[g] + EXCLUDED.h_close[g] FROM generate_series(1, 40) AS g ORDER BY g);
  RETURN NULL;
END
$$;
CREATE TRIGGER stats_facts_inserted AFTER INSERT ON stats_incident_facts REFERENCING NEW TABLE AS new_facts
  FOR EACH STATEMENT EXECUTE FUNCTION gridops_stats_apply_changes();
CREATE TRIGGER stats_facts_updated AFTER UPDATE ON stats_incident_facts REFERENCING OLD TABLE AS old_facts NEW TABLE AS new_facts
  FOR EACH STATEMENT EXECUTE FUNCTION gridops_stats_apply_changes();
CREATE TRIGGER stats_facts_deleted AFTER DELETE ON stats_incident_facts REFERENCING OLD TABLE AS old_facts
  FOR EACH STATEMENT EXECUTE FUNCTION gridops_stats_apply_changes();

-- Bring one incident's fact up to date (no write when nothing it contributes changed).
CREATE FUNCTION gridops_stats_refresh_incident(id bigint) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM stats_incident_facts f WHERE f.incident_id = id)
     AND NOT EXISTS ((SELECT * FROM stats_fact_source s WHERE s.incident_id = id)
                     EXCEPT (SELECT * FROM stats_incident_facts f WHERE f.incident_id = id)) THEN
    RETURN;
  END IF;
  DELETE FROM stats_incident_facts f WHERE f.incident_id = id;
  INSERT INTO stats_incident_facts SELECT * FROM stats_fact_source s WHERE s.incident_id = id;
END
$$;

CREATE FUNCTION gridops_stats_incident_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
  IF TG_TABLE_NAME = 'incidents' THEN
    PERFORM gridops_stats_refresh_incident(NEW.id);
  ELSE
    PERFORM gridops_stats_refresh_incident(NEW.incident_id);
  END IF;
  RETURN NULL;
END
$$;
-- At commit, when the incident, its timeline and its summonses are all written. The seed disables these
-- triggers while it writes the history and rebuilds afterwards (gridops_stats_rebuild).
CREATE CONSTRAINT TRIGGER stats_incidents_changed AFTER INSERT OR UPDATE ON incidents
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gridops_stats_incident_changed();
CREATE CONSTRAINT TRIGGER stats_timeline_changed AFTER INSERT ON incident_timeline
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gridops_stats_incident_changed();
CREATE CONSTRAINT TRIGGER stats_summonses_changed AFTER INSERT OR UPDATE ON incident_summonses
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gridops_stats_incident_changed();

-- Everything from the incident tables again (after a bulk load, or to repair): set-based, one statement.
CREATE FUNCTION gridops_stats_rebuild() RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  n bigint;
BEGIN
  TRUNCATE stats_daily, stats_incident_facts;
  INSERT INTO stats_incident_facts SELECT * FROM stats_fact_source;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

SELECT gridops_stats_rebuild();

GRANT SELECT ON stats_incident_facts, stats_daily TO gridops_app;
GRANT SELECT ON stats_stage_limits TO gridops_app;

-- Like every table: the jurisdiction decides (a unit code prefix; the city's row only for the whole city).
ALTER TABLE stats_incident_facts ENABLE ROW LEVEL SECURITY;
ALTER TABLE stats_incident_facts FORCE ROW LEVEL SECURITY;
CREATE POLICY stats_incident_facts_owner ON stats_incident_facts TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY stats_incident_facts_scoped ON stats_incident_facts FOR SELECT TO gridops_app
  USING (gridops_within_jurisdiction(micro_grid_code));

ALTER TABLE stats_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE stats_daily FORCE ROW LEVEL SECURITY;
CREATE POLICY stats_daily_owner ON stats_daily TO PUBLIC USING (current_user <> 'gridops_app');
CREATE POLICY stats_daily_scoped ON stats_daily FOR SELECT TO gridops_app
  USING (gridops_within_jurisdiction(unit_code));
