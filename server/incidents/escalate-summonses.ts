/**
 * Summonses whose department did not report in time: each pass (run by the escalation scheduler) marks them
 * overdue, raises them one level up the hierarchy (street, then district — as incidents), gives the department
 * a new report limit, and records it in the incident's timeline and the audit log as the system. The clock is
 * injected, so tests move time instead of waiting.
 */
import type { Clock } from '../clock/clock.js';
import { auditedSystemChange, SYSTEM_ACTOR } from '../audit/audited-system-change.js';
import type { Database } from '../db/database.js';
import type { DomainEvents } from '../events/domain-events.js';
import { incidentChanged } from './incident-publishing.js';
import { ESCALATION_TARGET } from './incident-rules.js';
import { insertTimelineEntry } from './incidents.sql.js';
import { escalateSummons, selectOverdueSummonses } from './summonses.sql.js';

const BATCH = 200;

interface OverdueSummons {
  id: number;
  incident_id: number;
  department_code: string;
  deadline_at: Date;
  escalation_level: number;
  incident_state: string;
  micro_grid_code: string;
  community_code: string;
  street_code: string;
  district_code: string;
}

/** One pass as the system, across every jurisdiction; returns the summonses escalated. */
export async function escalateOverdueSummonses(
  db: Database,
  clock: Clock,
  events?: DomainEvents,
): Promise<{ id: number; incidentId: number; level: number }[]> {
  const now = clock.now();
  return auditedSystemChange(
    db,
    SYSTEM_ACTOR,
    async ({ tx, audit, publish }) => {
      const overdue = await tx.query<OverdueSummons>(selectOverdueSummonses, [now, BATCH]);
      const escalated: { id: number; incidentId: number; level: number }[] = [];
      for (const s of overdue) {
        const [row] = await tx.query<{ escalation_level: number; deadline_at: Date }>(escalateSummons, [s.id, now]);
        // Another instance's pass escalated it first.
        if (!row) continue;
        const level = row.escalation_level;
        const detail = {
          summonsId: Number(s.id),
          departmentCode: s.department_code,
          missedDeadline: s.deadline_at,
          level,
          escalatedTo: ESCALATION_TARGET[level],
          unit: [s.community_code, s.street_code, s.district_code][level],
          newDeadline: row.deadline_at,
        };
        await tx.query(insertTimelineEntry, [
          s.incident_id,
          now,
          'summons_escalate',
          s.incident_state,
          s.incident_state,
          null,
          'system',
          null,
          JSON.stringify(detail),
        ]);
        await audit({
          action: 'incident.summons_escalate',
          entityType: 'incident',
          entityId: String(s.incident_id),
          jurisdictionCode: s.micro_grid_code,
          before: { summonsId: Number(s.id), escalationLevel: s.escalation_level },
          after: detail,
        });
        publish(incidentChanged(s.incident_id, s.micro_grid_code, 'summons_escalate'));
        escalated.push({ id: Number(s.id), incidentId: Number(s.incident_id), level });
      }
      return escalated;
    },
    { events },
  );
}
