/**
 * "Whistle and report" (吹哨报到) and manual escalation, in the caller's transaction: a command centre summons
 * a department about an incident, and the department must report within its own time limit; a dispatcher can
 * raise a case up the hierarchy by hand. Each step writes the incident's timeline and returns what to announce
 * after commit. The escalation pass for summonses that missed their deadline is in escalate-summonses.ts.
 */
import { DatabaseError, type Queryable } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import type { DomainEvent } from '../events/domain-events.js';
import type { StoredIncident } from './incident-events.js';
import { isFinishedState } from '../contract/incident-vocabulary.js';
import type { Actor } from './incident-lifecycle.js';
import { incidentChanged } from './incident-publishing.js';
import { ESCALATION_TARGET } from './incident-rules.js';
import { escalateIncidentManually, insertTimelineEntry, readIncidentForUpdate } from './incidents.sql.js';
import { insertSummons, readDepartment, readSummonsForUpdate, reportSummons } from './summonses.sql.js';

type LockedIncident = StoredIncident & { escalation_level: number; community_code: string; street_code: string; district_code: string };

export interface SummonsRow extends Record<string, unknown> {
  id: number;
  incident_id: number;
  department_code: string;
  state: 'summoned' | 'reported';
  deadline_at: Date;
}

async function lockOpenIncident(q: Queryable, incidentId: number, doing: string): Promise<LockedIncident> {
  const [incident] = await q.query<LockedIncident>(readIncidentForUpdate, [incidentId]);
  if (!incident) throw new AppError(404, 'incident_not_found', `No incident ${incidentId} in your jurisdiction`);
  if (isFinishedState(incident.state)) {
    throw new AppError(409, 'incident_finished', `Cannot ${doing} an incident that is ${incident.state}`, { state: incident.state });
  }
  return incident;
}

const timeline = (q: Queryable, incident: StoredIncident, now: Date, event: string, actor: Actor, detail: Record<string, unknown>) =>
  q.query(insertTimelineEntry, [incident.id, now, event, incident.state, incident.state, actor.accountId, actor.role, null, JSON.stringify(detail)]);

export async function summonDepartment(
  q: Queryable,
  incidentId: number,
  input: { departmentCode: string; note: string },
  actor: Actor,
  now: Date,
): Promise<{ incident: StoredIncident; summons: SummonsRow; published: DomainEvent[] }> {
  const incident = await lockOpenIncident(q, incidentId, 'summon a department about');
  const [department] = await q.query<{ code: string; report_minutes: number }>(readDepartment, [input.departmentCode]);
  if (!department) throw new AppError(400, 'unknown_department', `No department "${input.departmentCode}"`);
  let summons: SummonsRow;
  try {
    [summons] = await q.query<SummonsRow>(insertSummons, [incidentId, input.departmentCode, input.note, now, actor.accountId]);
  } catch (error) {
    // incident_summonses_one_open: the department is summoned already and has not reported yet.
    if (error instanceof DatabaseError && error.sqlState === '23505') {
      throw new AppError(409, 'department_already_summoned', `The department ${input.departmentCode} is already summoned about this incident`);
    }
    throw error;
  }
  await timeline(q, incident, now, 'summon', actor, {
    summonsId: Number(summons.id),
    departmentCode: input.departmentCode,
    note: input.note,
    reportMinutes: department.report_minutes,
    deadline: summons.deadline_at,
  });
  return { incident, summons, published: [incidentChanged(incidentId, incident.micro_grid_code, 'summon')] };
}

export async function reportOnSummons(
  q: Queryable,
  incidentId: number,
  summonsId: number,
  input: { note: string },
  actor: Actor,
  now: Date,
): Promise<{ incident: StoredIncident; before: SummonsRow; summons: SummonsRow; published: DomainEvent[] }> {
  // The incident first, then the summons: the same lock order as the escalation pass.
  const [incident] = await q.query<StoredIncident>(readIncidentForUpdate, [incidentId]);
  if (!incident) throw new AppError(404, 'incident_not_found', `No incident ${incidentId} in your jurisdiction`);
  const [before] = await q.query<SummonsRow & { overdue: boolean }>(readSummonsForUpdate, [incidentId, summonsId]);
  if (!before) throw new AppError(404, 'summons_not_found', `No summons ${summonsId} on incident ${incidentId}`);
  if (before.state !== 'summoned') throw new AppError(409, 'summons_already_reported', `The department has already reported on summons ${summonsId}`);
  const [summons] = await q.query<SummonsRow>(reportSummons, [summonsId, input.note, now, actor.accountId]);
  await timeline(q, incident, now, 'summons_report', actor, {
    summonsId,
    departmentCode: before.department_code,
    note: input.note,
    // Late when it missed its first limit (escalated since) or reports past the current one.
    late: before.overdue || now.getTime() > new Date(before.deadline_at).getTime(),
  });
  return { incident, before, summons, published: [incidentChanged(incidentId, incident.micro_grid_code, 'summons_report')] };
}

export async function escalateByHand(
  q: Queryable,
  incidentId: number,
  input: { reason: string },
  actor: Actor,
  now: Date,
): Promise<{ incident: LockedIncident; level: number; escalatedTo: string; unit: string; published: DomainEvent[] }> {
  const incident = await lockOpenIncident(q, incidentId, 'escalate');
  const [row] = await q.query<{ escalation_level: number }>(escalateIncidentManually, [incidentId, now]);
  if (!row)
    throw new AppError(409, 'already_at_top_level', 'The incident is already escalated to the district', { level: incident.escalation_level });
  const level = row.escalation_level;
  const escalatedTo = ESCALATION_TARGET[level];
  const unit = [incident.community_code, incident.street_code, incident.district_code][level];
  await timeline(q, incident, now, 'escalate', actor, { manual: true, reason: input.reason, level, escalatedTo, unit });
  return { incident, level, escalatedTo, unit, published: [incidentChanged(incidentId, incident.micro_grid_code, 'escalate')] };
}
