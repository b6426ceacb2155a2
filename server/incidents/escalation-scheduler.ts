/**
 * Time limits and escalation. Deadlines are stored on the incidents, so a restart loses nothing: each
 * pass finds the incidents whose deadline passed, raises them one level (community → street → district),
 * marks them overdue, gives the stage a new limit, and records it in the timeline and the audit log as
 * the system. Unanswered offers go to the next candidate instead (offer-timeouts.ts); summonses whose
 * department did not report in time are escalated too (escalate-summonses.ts). Every change is announced
 * on the domain events after its transaction commits. The clock is injected, so tests move time instead of waiting.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { auditedSystemChange, SYSTEM_ACTOR } from '../audit/audited-system-change.js';
import type { Database } from '../db/database.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { RoadGraphStore } from '../routing/road-graph-store.js';
import { escalateOverdueSummonses } from './escalate-summonses.js';
import { incidentChanged } from './incident-publishing.js';
import { ESCALATION_TARGET } from './incident-rules.js';
import { reofferUnansweredOffers } from './offer-timeouts.js';
import { escalateIncident, insertTimelineEntry, selectOverdueIncidents } from './incidents.sql.js';

const BATCH = 200;

interface OverdueRow {
  id: number;
  micro_grid_code: string;
  number: string;
  state: string;
  escalation_level: number;
  deadline_stage: string;
  deadline_at: Date;
  community_code: string;
  street_code: string;
  district_code: string;
}

/** One pass; returns the incidents escalated. Runs as the system, across every jurisdiction. */
export async function escalateOverdueIncidents(db: Database, clock: Clock, events?: DomainEvents): Promise<{ id: number; level: number }[]> {
  const now = clock.now();
  return auditedSystemChange(
    db,
    SYSTEM_ACTOR,
    async ({ tx, audit, publish }) => {
      const overdue = await tx.query<OverdueRow>(selectOverdueIncidents, [now, BATCH]);
      const escalated: { id: number; level: number }[] = [];
      for (const incident of overdue) {
        const [row] = await tx.query<{ escalation_level: number; deadline_at: Date }>(escalateIncident, [incident.id, now]);
        // Another instance's pass escalated it first.
        if (!row) continue;
        const target = ESCALATION_TARGET[row.escalation_level];
        const targetUnit = [incident.community_code, incident.street_code, incident.district_code][row.escalation_level];
        const detail = {
          stage: incident.deadline_stage,
          missedDeadline: incident.deadline_at,
          level: row.escalation_level,
          escalatedTo: target,
          unit: targetUnit,
          newDeadline: row.deadline_at,
        };
        await tx.query(insertTimelineEntry, [
          incident.id,
          now,
          'escalate',
          incident.state,
          incident.state,
          null,
          'system',
          null,
          JSON.stringify(detail),
        ]);
        await audit({
          action: 'incident.escalate',
          entityType: 'incident',
          entityId: String(incident.id),
          jurisdictionCode: incident.community_code,
          before: { escalationLevel: incident.escalation_level },
          after: detail,
        });
        publish(incidentChanged(incident.id, incident.micro_grid_code, 'escalate'));
        escalated.push({ id: incident.id, level: row.escalation_level });
      }
      return escalated;
    },
    { events },
  );
}

/**
 * Every `intervalMs`: escalate overdue cases and summonses, and offer unanswered offers to the next candidate.
 * The offer time limit is one minute, so the pass runs every 15 s by default.
 */
export function startEscalationScheduler(
  db: Database,
  roads: RoadGraphStore,
  clock: Clock,
  logger: Logger,
  options: { events?: DomainEvents; intervalMs?: number } = {},
): () => void {
  const { events, intervalMs = 15_000 } = options;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    escalateOverdueIncidents(db, clock, events)
      .then(async (escalated) => {
        if (escalated.length) logger.info({ escalated: escalated.length }, 'overdue incidents escalated');
        const summonses = await escalateOverdueSummonses(db, clock, events);
        if (summonses.length) logger.info({ escalated: summonses.length }, 'overdue summonses escalated');
        const reoffered = await reofferUnansweredOffers(db, roads, clock, events);
        if (reoffered.length) logger.info({ reoffered: reoffered.length }, 'unanswered offers passed on');
      })
      .catch((error) => logger.error({ err: { message: (error as Error).message } }, 'escalation pass failed'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
