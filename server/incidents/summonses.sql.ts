/** SQL of "whistle and report" (吹哨报到): departments and their summonses (migration 0007). */
import { defineSql } from '../db/database.js';

/** Result: every department with its report time limit, in the fixed display order. Uses departments_pkey. */
export const listDepartments = defineSql(
  'summonses.list_departments',
  `SELECT code, name_zh, name_en, report_minutes FROM departments ORDER BY sort_order`,
);

/** $1 department code. Result: code, name_zh, name_en, report_minutes. */
export const readDepartment = defineSql(
  'summonses.read_department',
  `SELECT code, name_zh, name_en, report_minutes FROM departments WHERE code = $1`,
);

const summonsColumns = `s.id, s.incident_id, s.department_code, d.name_zh AS department_name_zh, d.name_en AS department_name_en,
  s.note, s.state, s.summoned_at, s.deadline_at, s.escalation_level, s.overdue, s.reported_at, s.report_note`;

/**
 * A summons of department $2 about incident $1 with note $3 at $4 by account $5; its deadline is the
 * department's report limit from $4. Result: the summons. Fails on incident_summonses_one_open (23505) when
 * the department is already summoned about the incident and has not reported yet.
 */
export const insertSummons = defineSql(
  'summonses.insert',
  `WITH inserted AS (
     INSERT INTO incident_summonses (incident_id, department_code, note, state, summoned_at, summoned_by_account_id, deadline_at)
     SELECT $1, d.code, $3, 'summoned', $4, $5, $4::timestamptz + d.report_minutes * interval '1 minute' FROM departments d WHERE d.code = $2
     RETURNING *)
   SELECT ${summonsColumns} FROM inserted s JOIN departments d ON d.code = s.department_code`,
);

/** $1 incident, $2 summons, locked for the report. */
export const readSummonsForUpdate = defineSql(
  'summonses.read_for_update',
  `SELECT s.id, s.incident_id, s.department_code, s.state, s.deadline_at, s.overdue, s.escalation_level
     FROM incident_summonses s WHERE s.incident_id = $1 AND s.id = $2 FOR UPDATE`,
);

/** The department reports on summons $1 with note $2 at $3 by account $4. Result: the summons. */
export const reportSummons = defineSql(
  'summonses.report',
  `WITH updated AS (
     UPDATE incident_summonses SET state = 'reported', reported_at = $3, report_note = $2, reported_by_account_id = $4
      WHERE id = $1 AND state = 'summoned'
     RETURNING *)
   SELECT ${summonsColumns} FROM updated s JOIN departments d ON d.code = s.department_code`,
);

/** $1 incident: its summonses, oldest first. Uses incident_summonses_incident_idx. */
export const listSummonses = defineSql(
  'summonses.list',
  `SELECT ${summonsColumns} FROM incident_summonses s JOIN departments d ON d.code = s.department_code
    WHERE s.incident_id = $1 ORDER BY s.id`,
);

/**
 * System: summonses still waiting after their deadline $1, oldest first, at most $2, locked, with the units
 * of their incident. Uses incident_summonses_deadline_idx.
 */
export const selectOverdueSummonses = defineSql(
  'summonses.select_overdue',
  `SELECT s.id, s.incident_id, s.department_code, s.deadline_at, s.escalation_level, i.state AS incident_state,
          i.micro_grid_code, i.community_code, i.street_code, i.district_code
     FROM incident_summonses s JOIN incidents i ON i.id = s.incident_id
    WHERE s.state = 'summoned' AND s.deadline_at < $1
    ORDER BY s.deadline_at, s.id
    LIMIT $2
    FOR UPDATE OF s SKIP LOCKED`,
);

/**
 * System: summons $1 missed its deadline at $2: one level up (at most the district), marked overdue, and a
 * new report limit of the department from $2. Result: the new level and deadline; no row when the summons is
 * no longer overdue under its lock (another instance's pass escalated it first).
 */
export const escalateSummons = defineSql(
  'summonses.escalate',
  `UPDATE incident_summonses s SET escalation_level = least(2, s.escalation_level + 1), overdue = true,
          deadline_at = $2::timestamptz + d.report_minutes * interval '1 minute'
     FROM departments d
    WHERE s.id = $1 AND d.code = s.department_code AND s.state = 'summoned' AND s.deadline_at < $2
   RETURNING s.escalation_level, s.deadline_at`,
);
