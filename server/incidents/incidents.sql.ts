/** SQL of the incidents module (migration 0005). Runs in the caller's scope unless marked system. */
import { defineSql } from '../db/database.js';

/** $1 category code. Result: code, skill, default_grade, alarm_grade. */
export const readCategory = defineSql(
  'incidents.read_category',
  `SELECT code, skill, default_grade, alarm_grade FROM incident_categories WHERE code = $1`,
);

/** Result: every category with its names (for forms and Open311 services). */
export const listCategories = defineSql(
  'incidents.list_categories',
  `SELECT code, name_zh, name_en, skill, default_grade, alarm_grade FROM incident_categories ORDER BY code`,
);

/**
 * Open incidents of category $1 within 100 m of ($2, $3) reported in the 30 minutes before $4: duplicate
 * suggestions. Uses incidents_geom_idx (the && prefilter), then the exact distance on the sphere.
 */
export const findDuplicateCandidates = defineSql(
  'incidents.find_duplicate_candidates',
  `WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($2, $3), 4326) AS g)
   SELECT i.id, i.number, i.state, round(ST_Distance(i.geom::geography, pt.g::geography, false)::numeric, 1)::float8 AS distance_m
     FROM incidents i, pt
    WHERE i.category = $1 AND incident_is_open(i.state) AND i.merged_into IS NULL
      AND i.reported_at >= $4::timestamptz - interval '30 minutes' AND i.reported_at <= $4::timestamptz
      AND i.geom && ST_Expand(pt.g, 0.0015)
      AND ST_DWithin(i.geom::geography, pt.g::geography, 100, false)
    ORDER BY distance_m, i.id
    LIMIT 3`,
);

/**
 * A new incident in state reported, its accept deadline running. $1 source, $2 category, $3 grade,
 * $4 grade overridden, $5 description, $6 address, $7 lon, $8 lat (WGS84), $9 input crs, $10 input lon,
 * $11 input lat, $12 micro-grid, $13 grid, $14 community, $15 street, $16 district, $17 near-boundary
 * metres or NULL, $18 reported at, $19 generated. Result: the incident row.
 */
export const insertIncident = defineSql(
  'incidents.insert',
  `INSERT INTO incidents (id, number, source, category, grade, grade_overridden, description, address, geom, input_crs, input_lon,
                          input_lat, micro_grid_code, grid_code, community_code, street_code, district_code, near_boundary_m,
                          state, deadline_stage, deadline_at, reported_at, updated_at, generated)
   SELECT n.id, 'NJ' || to_char($18::timestamptz AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad(n.id::text, 7, '0'),
          $1, $2, $3, $4, $5, $6, ST_SetSRID(ST_MakePoint($7, $8), 4326), $9, $10, $11, $12, $13, $14, $15, $16, $17,
          'reported', 'accept', gridops_deadline($2, $3, 'accept', $18), $18, $18, $19
     FROM (SELECT nextval('incident_id_seq') AS id) n
   RETURNING id, number, state, grade, deadline_stage, deadline_at`,
);

/** $1 incident, $2 source, $3 external id, $4 reporter name, $5 phone, $6 description, $7 received at. */
export const insertReport = defineSql(
  'incidents.insert_report',
  `INSERT INTO incident_reports (incident_id, source, external_id, reporter_name, reporter_phone, description, received_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7)`,
);

/** $1 incident, $2 at, $3 event, $4 from, $5 to, $6 account, $7 role, $8 worker, $9 detail jsonb. */
export const insertTimelineEntry = defineSql(
  'incidents.insert_timeline',
  `INSERT INTO incident_timeline (incident_id, at, event, from_state, to_state, actor_account_id, actor_role, worker_code, detail)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
);

/**
 * A step of the closed loop with the public note it may carry (resolve, close: migration 0039). $1..$9 as
 * insertTimelineEntry, $10 public note or NULL.
 */
export const insertStepTimelineEntry = defineSql(
  'incidents.insert_step_timeline',
  `INSERT INTO incident_timeline (incident_id, at, event, from_state, to_state, actor_account_id, actor_role, worker_code, detail, public_note)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)`,
);

const incidentColumns = `i.id, i.number, i.source, i.category, i.grade, i.grade_overridden, i.description, i.address,
  ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, i.input_crs, i.micro_grid_code, i.grid_code, i.community_code, i.street_code,
  i.district_code, i.near_boundary_m, i.state, i.assigned_worker_code, i.offer_acknowledged, i.resolved_by_worker_code,
  i.resolved_by_account_id, i.deadline_stage, i.deadline_at, i.escalation_level, i.overdue, i.satisfaction, i.merged_into,
  i.reported_at, i.updated_at, i.closed_at, i.generated, i.device_code`;

/** $1 id, locked for the transition. Uses incidents_pkey. */
export const readIncidentForUpdate = defineSql('incidents.read_for_update', `SELECT ${incidentColumns} FROM incidents i WHERE i.id = $1 FOR UPDATE`);

/** $1 id. */
export const readIncident = defineSql('incidents.read', `SELECT ${incidentColumns} FROM incidents i WHERE i.id = $1`);

/** $1 id: the timeline, oldest first. Uses incident_timeline_incident_idx. */
export const listTimeline = defineSql(
  'incidents.list_timeline',
  `SELECT at, event, from_state, to_state, actor_account_id, actor_role, worker_code, detail, public_note
     FROM incident_timeline WHERE incident_id = $1 ORDER BY at, id`,
);

/** $1 id: everyone who reported it (personal data: only for desk roles). */
export const listReports = defineSql(
  'incidents.list_reports',
  `SELECT source, external_id, reporter_name, reporter_phone, description, received_at
     FROM incident_reports WHERE incident_id = $1 ORDER BY received_at, id`,
);

/**
 * Incidents, newest first. $1 'open' | 'all', $2 limit, $3 before id (paging) or NULL, $4 micro-grid/unit
 * code prefix or NULL. Uses incidents_open_idx / incidents_pkey.
 */
export const listIncidents = defineSql(
  'incidents.list',
  `SELECT ${incidentColumns} FROM incidents i
    WHERE ($1 = 'all' OR incident_is_open(i.state))
      AND ($3::bigint IS NULL OR i.id < $3)
      AND ($4::text IS NULL OR i.micro_grid_code LIKE $4 || '%')
    ORDER BY i.id DESC
    LIMIT $2`,
);

/** $1 incident number: the exact-number filter of the list. Uses the unique index on incidents.number. */
export const findIncidentByNumber = defineSql('incidents.find_by_number', `SELECT ${incidentColumns} FROM incidents i WHERE i.number = $1`);

/**
 * Apply a transition. $1 id, $2 state, $3 assigned worker, $4 offer acknowledged, $5 resolved-by worker,
 * $6 resolved-by account, $7 satisfaction or NULL (keeps), $8 deadline stage or NULL, $9 now, $10 merged into.
 * The deadline of the new stage starts now; overdue clears. No RETURNING: after a field worker declines a
 * case outside their own grid, the row is no longer theirs to read.
 */
export const updateIncidentState = defineSql(
  'incidents.update_state',
  `UPDATE incidents SET state = $2, assigned_worker_code = $3, offer_acknowledged = $4, resolved_by_worker_code = $5,
          resolved_by_account_id = $6, satisfaction = coalesce($7, satisfaction), deadline_stage = $8,
          deadline_at = CASE WHEN $8::text IS NULL THEN NULL ELSE gridops_deadline(category, grade, $8, $9) END,
          overdue = false, updated_at = $9, merged_into = coalesce($10, merged_into),
          closed_at = CASE WHEN incident_is_open($2) THEN NULL ELSE $9 END
    WHERE id = $1`,
);

/** $1 worker code: visible to the caller (RLS) and on duty? Result: code, duty_status. */
export const readWorkerForDispatch = defineSql('incidents.read_worker_for_dispatch', `SELECT code, duty_status, skills FROM workers WHERE code = $1`);

/**
 * System: incidents whose deadline passed before $1, oldest first, at most $2, locked. Unanswered offers
 * (stage acknowledge) are not escalated but offered to the next candidate (offer-timeouts.ts).
 * Uses incidents_deadline_idx.
 */
export const selectOverdueIncidents = defineSql(
  'incidents.select_overdue',
  `SELECT id, number, state, escalation_level, deadline_stage, deadline_at, micro_grid_code, community_code, street_code, district_code
     FROM incidents
    WHERE deadline_at < $1 AND incident_is_open(state) AND deadline_stage <> 'acknowledge'
    ORDER BY deadline_at, id
    LIMIT $2
    FOR UPDATE SKIP LOCKED`,
);

/**
 * System: escalate one level and give the same stage a new time limit from $2. $1 id. Only while the case is
 * still overdue at $2, checked on the row's newest version under its lock: when two instances' passes race, the
 * second finds the deadline already moved and escalates nothing (no row).
 */
export const escalateIncident = defineSql(
  'incidents.escalate',
  `UPDATE incidents SET escalation_level = least(2, escalation_level + 1), overdue = true, updated_at = $2,
          deadline_at = gridops_deadline(category, grade, deadline_stage, $2)
    WHERE id = $1 AND deadline_at < $2 AND incident_is_open(state) AND deadline_stage <> 'acknowledge'
   RETURNING escalation_level, deadline_at`,
);

/** Micro-grids adjoining micro-grid $1 (sharing an edge or a corner). Uses units_micro_grid_geom_idx. */
export const listAdjoiningMicroGrids = defineSql(
  'incidents.list_adjoining_micro_grids',
  `SELECT n.code FROM units m JOIN units n ON n.level = 'micro_grid' AND n.code <> m.code AND ST_Intersects(n.geom, m.geom)
    WHERE m.code = $1 ORDER BY n.code`,
);

/** Copy every report of incident $1 to incident $2 (a merge keeps every reporter and source). */
export const copyReports = defineSql(
  'incidents.copy_reports',
  `INSERT INTO incident_reports (incident_id, source, external_id, reporter_name, reporter_phone, description, received_at)
   SELECT $2, source, external_id, reporter_name, reporter_phone, description, received_at FROM incident_reports WHERE incident_id = $1`,
);

/** Mark incident $1 as merged into $2. */
export const markMerged = defineSql('incidents.mark_merged', `UPDATE incidents SET merged_into = $2 WHERE id = $1`);

/** System: offers unanswered past their deadline $1, at most $2. Uses incidents_deadline_idx. */
export const selectUnansweredOffers = defineSql(
  'incidents.select_unanswered_offers',
  `SELECT id, street_code FROM incidents
    WHERE deadline_at < $1 AND deadline_stage = 'acknowledge' AND state = 'dispatched' AND NOT offer_acknowledged
    ORDER BY deadline_at, id
    LIMIT $2`,
);

/**
 * System, in the time-out's transaction: incident $1 locked if its offer is still unanswered past $2, else no row.
 * Two passes at once (an old and a new scheduler leader, issue 24) then time an offer out once: the second finds
 * the case re-offered with a new deadline and leaves it. Uses incidents_pkey.
 */
export const lockUnansweredOffer = defineSql(
  'incidents.lock_unanswered_offer',
  `SELECT id FROM incidents
    WHERE id = $1 AND deadline_at < $2 AND deadline_stage = 'acknowledge' AND state = 'dispatched' AND NOT offer_acknowledged
    FOR UPDATE`,
);

/** Workers already offered incident $1 (from its timeline). */
export const listOfferedWorkers = defineSql(
  'incidents.list_offered_workers',
  `SELECT DISTINCT worker_code FROM incident_timeline WHERE incident_id = $1 AND event = 'dispatch' AND worker_code IS NOT NULL`,
);

/** $1 worker codes (text[]): home unit and duty status, for worker.status events. Uses workers_code_key. */
export const readWorkerStatuses = defineSql(
  'incidents.read_worker_statuses',
  `SELECT code, home_unit_code, duty_status FROM workers WHERE code = ANY ($1::text[])`,
);

/**
 * A dispatcher raises incident $1 one level by hand at $2 (the deadline keeps running; not marked overdue).
 * Result: the new level.
 */
export const escalateIncidentManually = defineSql(
  'incidents.escalate_manually',
  `UPDATE incidents SET escalation_level = escalation_level + 1, updated_at = $2
    WHERE id = $1 AND escalation_level < 2
   RETURNING escalation_level`,
);
