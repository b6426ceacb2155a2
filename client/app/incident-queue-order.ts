/** The order of the dispatcher's queue: highest grade first, then the nearest deadline, then the oldest. */
import type { Grade, LiveIncident } from '../api/api-types.js';

export const GRADE_RANK: Record<Grade, number> = { red: 0, orange: 1, yellow: 2, blue: 3 };
const FINISHED = new Set(['closed', 'rejected']);

export function isOpenIncident(incident: Pick<LiveIncident, 'state'>): boolean {
  return !FINISHED.has(incident.state);
}

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
