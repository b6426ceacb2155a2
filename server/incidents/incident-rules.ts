/**
 * Pure rules of intake and time limits: the grade of a new incident, and which stage's deadline runs in
 * each state. The minutes come from the incident_time_limits table.
 */
import type { IncidentState } from './incident-lifecycle.js';

export const GRADES = ['blue', 'yellow', 'orange', 'red'] as const;
export type Grade = (typeof GRADES)[number];

export const SOURCES = ['hotline_12345', 'citizen_app', 'open311', 'patrol', 'video_ai', 'iot', 'transfer_110'] as const;
export type IncidentSource = (typeof SOURCES)[number];

/** Alarms from machines (video AI, IoT) start at the category's alarm grade when it has one. */
const ALARM_SOURCES: readonly IncidentSource[] = ['video_ai', 'iot'];

export function gradeOf(
  category: { default_grade: Grade; alarm_grade: Grade | null },
  source: IncidentSource,
  override?: Grade,
): { grade: Grade; overridden: boolean } {
  if (override) return { grade: override, overridden: true };
  if (ALARM_SOURCES.includes(source) && category.alarm_grade) return { grade: category.alarm_grade, overridden: false };
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
