/**
 * SQL of the history seed step's second half (seed-history.ts): from the temporary tables of
 * seed-history.sql.ts to the stored incidents, reports, timelines and escalations, then the sequence, a summary
 * and the planner's statistics. Every statement is written in this file; the only values from outside are parameters.
 */
import { defineSql } from '../db/database.js';
import { limitOf } from './seed-history.sql.js';

/**
 * The incidents, as they stand at the seed time: the state after their step, the deadline of that stage
 * (from the last transition or escalation), escalation level (escalations so far, at most 2), overdue
 * when the running stage has escalated, satisfaction once evaluated, closing time. No parameters.
 */
export const insertHistoryIncidents = defineSql(
  'seed.history_insert_incidents',
  `INSERT INTO incidents (id, number, source, category, grade, grade_overridden, description, address, geom, input_crs, input_lon,
                          input_lat, micro_grid_code, grid_code, community_code, street_code, district_code, near_boundary_m,
                          state, assigned_worker_code, offer_acknowledged, resolved_by_worker_code, deadline_stage, deadline_at,
                          escalation_level, overdue, satisfaction, reported_at, updated_at, closed_at, generated)
   SELECT a.id, 'NJ' || to_char(a.reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad(a.id::text, 7, '0'),
          a.source, a.category, a.grade, a.grade_overridden, a.description, a.address, a.geom, 'wgs84', ST_X(a.geom), ST_Y(a.geom),
          a.micro_grid_code, a.grid_code, a.community_code, a.street_code, a.district_code, a.near_boundary_m,
          a.to_state, CASE a.assigned_worker WHEN 1 THEN a.w1 WHEN 2 THEN a.w2 END, a.offer_acknowledged,
          CASE a.resolved_by WHEN 1 THEN a.w1 WHEN 2 THEN a.w2 END, a.deadline_stage,
          CASE WHEN a.deadline_stage IS NOT NULL THEN gridops_deadline(a.category, a.grade, a.deadline_stage, a.changed_at) END,
          least(2, a.esc_done + a.running_esc), a.running_esc > 0,
          CASE WHEN a.evaluate_step <= a.cut THEN a.satisfaction END, a.reported_at, a.changed_at,
          CASE WHEN NOT incident_is_open(a.to_state) THEN a.cut_at END, true
     FROM (
       SELECT b.*, b.cut_at + make_interval(secs => 60 * b.running_esc * coalesce(b.lim_next, 0)) AS changed_at
         FROM (
           SELECT h.*, r.id, r.cut, ps.to_state, ps.assigned_worker, ps.offer_acknowledged, ps.resolved_by, ps.deadline_stage, pa.evaluate_step,
                  h.reported_at + make_interval(secs => 60 * h.offs[r.cut + 1]) AS cut_at, h.escc[r.cut + 1] AS esc_done, x.lim_next,
                  CASE WHEN r.cut = h.last_step OR x.lim_next IS NULL THEN 0
                       ELSE least(h.esc[r.cut + 2], floor((extract(epoch FROM p.seed_at - h.reported_at) / 60 - h.offs[r.cut + 1]) / x.lim_next))::int
                  END AS running_esc
             FROM history_cases h
             JOIN history_rows r ON r.key = h.key
             JOIN history_paths ps ON ps.path = h.path AND ps.step = r.cut
             JOIN history_path_arrays pa ON pa.path = h.path
             CROSS JOIN history_params p
             CROSS JOIN LATERAL (SELECT ${limitOf('pa.kinds[r.cut + 1]', 'h')} AS lim_next) x
         ) b
     ) a`,
);

/** One report per case, without a reporter's identity. No parameters. Result: none. */
export const insertHistoryReports = defineSql(
  'seed.history_insert_reports',
  `INSERT INTO incident_reports (incident_id, source, external_id, reporter_name, reporter_phone, description, received_at)
   SELECT r.id, h.source, NULL, NULL, NULL, h.description, h.reported_at
     FROM history_cases h JOIN history_rows r ON r.key = h.key`,
);

/** The timelines: every step up to where the case stands, flagged generated. No parameters. Result: none. */
export const insertHistoryTimeline = defineSql(
  'seed.history_insert_timeline',
  `INSERT INTO incident_timeline (incident_id, at, event, from_state, to_state, actor_account_id, actor_role, worker_code, detail, generated)
   SELECT r.id, h.reported_at + make_interval(secs => 60 * h.offs[st.step + 1]), st.event, st.from_state, st.to_state, NULL,
          CASE WHEN st.event = 'reported' THEN
                 CASE h.source WHEN 'patrol' THEN 'field_worker' WHEN 'video_ai' THEN 'system' WHEN 'iot' THEN 'system'
                               WHEN 'citizen_app' THEN 'reporter' WHEN 'open311' THEN 'reporter' ELSE 'dispatcher' END
               WHEN st.event = 'evaluate' AND h.source IN ('citizen_app', 'open311') THEN 'reporter'
               ELSE st.actor_role END,
          CASE st.timeline_worker WHEN 1 THEN h.w1 WHEN 2 THEN h.w2 END,
          CASE st.event
            WHEN 'reported' THEN jsonb_build_object('source', h.source, 'grade', h.grade, 'gradeOverridden', h.grade_overridden,
                                                   'nearBoundaryM', h.near_boundary_m, 'duplicateCandidates', '[]'::jsonb)
            WHEN 'dispatch' THEN jsonb_build_object('workerCode', CASE st.assigned_worker WHEN 1 THEN h.w1 WHEN 2 THEN h.w2 END)
            WHEN 'evaluate' THEN jsonb_build_object('satisfaction', h.satisfaction)
            ELSE st.detail::jsonb
          END,
          true
     FROM history_cases h
     JOIN history_rows r ON r.key = h.key
     JOIN history_paths st ON st.path = h.path AND st.step <= r.cut`,
);

/**
 * The escalations of missed deadlines, as the scheduler writes them: at each deadline of a stage that
 * overran (at most twice per stage), one level up, at most to the district; in the stage a case is in at
 * the seed time only those already due. No parameters. Result: none.
 */
export const insertHistoryEscalations = defineSql(
  'seed.history_insert_escalations',
  `INSERT INTO incident_timeline (incident_id, at, event, from_state, to_state, actor_account_id, actor_role, worker_code, detail, generated)
   SELECT r.id, e.at, 'escalate', st.from_state, st.from_state, NULL, 'system', NULL,
          jsonb_build_object('stage', st.duration, 'level', e.level, 'escalatedTo', (ARRAY['community', 'street', 'district'])[e.level + 1],
                             'unit', (ARRAY[h.community_code, h.street_code, h.district_code])[e.level + 1]),
          true
     FROM history_cases h
     JOIN history_rows r ON r.key = h.key
     JOIN history_paths st ON st.path = h.path AND st.step BETWEEN 1 AND r.cut + 1 AND h.esc[st.step + 1] > 0
     CROSS JOIN history_params p
     CROSS JOIN LATERAL generate_series(1, h.esc[st.step + 1]) AS j
     CROSS JOIN LATERAL (
       SELECT h.reported_at + make_interval(secs => 60 * (h.offs[st.step] + j * (${limitOf('st.duration', 'h')}))) AS at,
              least(2, h.escc[st.step] + j) AS level
     ) e
    WHERE e.at <= p.seed_at`,
);

/** Move the incident number sequence past the generated ids. Result: none. */
export const advanceIncidentSequence = defineSql(
  'seed.history_advance_sequence',
  `SELECT setval('incident_id_seq', (SELECT max(id) FROM incidents)) WHERE EXISTS (SELECT 1 FROM incidents)`,
);

/** What is stored. Result: incidents, open, active (dispatched or on scene), timeline rows, households. */
export const summariseHistory = defineSql(
  'seed.history_summary',
  `SELECT (SELECT count(*) FROM incidents WHERE generated)::int AS incidents,
          (SELECT count(*) FROM incidents WHERE generated AND incident_is_open(state))::int AS open,
          (SELECT count(*) FROM incidents WHERE generated AND state IN ('dispatched', 'on_scene'))::int AS active,
          (SELECT count(*) FROM incident_timeline WHERE generated)::int AS timeline,
          (SELECT sum(households) FROM units WHERE level = 'micro_grid')::int AS households`,
);

/** Statistics for the planner on the small temporary tables. */
export const analyzeHistoryTables = defineSql(
  'seed.history_analyze_tables',
  `ANALYZE history_params, history_paths, history_path_arrays, history_limits, history_pools`,
);
export const analyzeHistoryCases = defineSql('seed.history_analyze_cases', `ANALYZE history_cases`);
export const analyzeHistoryRows = defineSql('seed.history_analyze_rows', `ANALYZE history_cut, history_rows`);
