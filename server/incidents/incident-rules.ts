/**
 * Pure rules of intake and time limits: the grade of a new incident, and which stage's deadline runs in
 * each state. The minutes come from the incident_time_limits table.
 */
import { ALARM_SOURCES, type Grade, type IncidentSource, type IncidentState } from '../contract/incident-vocabulary.js';

export function gradeOf(
  category: { default_grade: Grade; alarm_grade: Grade | null },
  source: IncidentSource,
  override?: Grade,
): { grade: Grade; overridden: boolean } {
  if (override) return { grade: override, overridden: true };
  if ((ALARM_SOURCES as readonly IncidentSource[]).includes(source) && category.alarm_grade)
    return { grade: category.alarm_grade, overridden: false };
  return { grade: category.default_grade, overridden: false };
}

export type DeadlineStage = 'accept' | 'dispatch' | 'acknowledge' | 'arrive' | 'resolve' | 'verify' | 'evaluate';

/** The stage whose time limit runs while an incident is in a state (none once finished). */
export function deadlineStageOf(state: IncidentState, offerAcknowledged: boolean): DeadlineStage | null {
  switch (state) {
    case 'reported':
      return 'accept';
    case 'accepted':
      return 'dispatch';
    case 'dispatched':
      return offerAcknowledged ? 'arrive' : 'acknowledge';
    case 'on_scene':
      return 'resolve';
    case 'resolved':
      return 'verify';
    case 'verified':
      return 'evaluate';
    default:
      return null;
  }
}

/** The escalation level after a missed deadline: community (0) → street (1) → district (2). */
export function escalatedLevel(level: number): number {
  return Math.min(2, level + 1);
}

export const ESCALATION_TARGET = ['community', 'street', 'district'] as const;
