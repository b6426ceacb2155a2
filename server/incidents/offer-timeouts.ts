/**
 * Unanswered offers: when a dispatched worker has not acknowledged within the acknowledge time limit
 * (one minute), the offer times out (the system's `offer_timeout` event) and the next suitable worker by
 * road who has not been offered this case yet is offered it (`dispatch` by the system). With nobody left,
 * the case waits in `accepted` for a dispatcher, its dispatch deadline running. Each case is handled in a
 * transaction scoped to its street, so candidates come from the street's workers; all of it is in the
 * timeline and the audit log.
 */
import type { Clock } from '../clock/clock.js';
import { auditedSystemChange, SYSTEM_ACTOR, type SystemChange } from '../audit/audited-system-change.js';
import type { Database } from '../db/database.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { RoadGraphStore } from '../routing/road-graph-store.js';
import { applyIncidentEvent } from './incident-events.js';
import type { Actor } from './incident-lifecycle.js';
import { listOfferedWorkers, lockUnansweredOffer, selectUnansweredOffers } from './incidents.sql.js';
import { recommendForIncident, type IncidentPlace } from './recommend-for-incident.js';

const SYSTEM: Actor = { accountId: null, role: 'system' };

const auditIncident = (change: SystemChange, incident: { id: number; micro_grid_code: string }, action: string, after: Record<string, unknown>) =>
  change.audit({ action, entityType: 'incident', entityId: String(incident.id), jurisdictionCode: incident.micro_grid_code, after });

export interface Reoffer {
  id: number;
  timedOut: string;
  offeredTo: string | null;
}

/** One pass as the system; each case's changes are announced on `events` after its transaction commits. */
export async function reofferUnansweredOffers(db: Database, roads: RoadGraphStore, clock: Clock, events?: DomainEvents): Promise<Reoffer[]> {
  const now = clock.now();
  const due = await db.query<{ id: number; street_code: string }>(selectUnansweredOffers, [now, 50]);
  const done: Reoffer[] = [];
  for (const { id, street_code } of due) {
    const graph = await roads.graph();
    const scope = { jurisdiction: street_code, accountId: null, role: 'system' };
    const result = await auditedSystemChange(
      db,
      SYSTEM_ACTOR,
      async (change) => {
        const { tx } = change;
        // Still unanswered under its row lock: another pass may have handled it since the list was read.
        if ((await tx.query(lockUnansweredOffer, [id, now])).length === 0) return null;
        const timedOut = await applyIncidentEvent(tx, id, { type: 'offer_timeout', actor: SYSTEM }, now);
        change.publish(...timedOut.published);
        const incident = timedOut.before as typeof timedOut.before & IncidentPlace;
        await auditIncident(change, incident, 'incident.offer_timeout', { worker: incident.assigned_worker_code });
        const offered = new Set((await tx.query<{ worker_code: string }>(listOfferedWorkers, [id])).map((r) => r.worker_code));
        const recommendation = await recommendForIncident(tx, graph, incident, { limit: 10, now });
        const next = recommendation.responders.find((r) => r.reachable && !offered.has(r.workerCode));
        if (next) {
          const dispatched = await applyIncidentEvent(tx, id, { type: 'dispatch', actor: SYSTEM, workerCode: next.workerCode }, now);
          change.publish(...dispatched.published);
          await auditIncident(change, incident, 'incident.dispatch', { worker: next.workerCode, etaSeconds: next.etaSeconds, automatic: true });
        }
        return { id, timedOut: incident.assigned_worker_code ?? '', offeredTo: next?.workerCode ?? null };
      },
      { events, scope },
    );
    if (result) done.push(result);
  }
  return done;
}
