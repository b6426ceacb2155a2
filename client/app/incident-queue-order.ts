/** The order of the dispatcher's queue: highest grade first, then the nearest deadline, then the oldest. */
import type { LiveIncident } from '../api/api-types.js';
import { GRADE_RANK, isOpenIncident } from '../../server/contract/incident-vocabulary.js';

/** Overdue: flagged by the server, or its deadline has passed by `now`. */
export function isOverdue(incident: Pick<LiveIncident, 'overdue' | 'deadlineAt'>, now: number): boolean {
  return incident.overdue || (incident.deadlineAt !== null && Date.parse(incident.deadlineAt) < now);
}

export function compareQueue(a: LiveIncident, b: LiveIncident): number {
  const grade = GRADE_RANK[a.grade] - GRADE_RANK[b.grade];
  if (grade !== 0) return grade;
  const deadlineA = a.deadlineAt === null ? Infinity : Date.parse(a.deadlineAt);
  const deadlineB = b.deadlineAt === null ? Infinity : Date.parse(b.deadlineAt);
  if (deadlineA !== deadlineB) return deadlineA < deadlineB ? -1 : 1;
  const reported = Date.parse(a.reportedAt) - Date.parse(b.reportedAt);
  return reported !== 0 ? reported : a.id - b.id;
}

export function orderQueue(incidents: Iterable<LiveIncident>): LiveIncident[] {
  return [...incidents].filter(isOpenIncident).sort(compareQueue);
}
