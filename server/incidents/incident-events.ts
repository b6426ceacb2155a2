/**
 * Applying an event to a stored incident: lock it, run the pure transition, write the new state, its
 * deadline and a timeline entry — in the caller's transaction. A refused event is a 409 with the reason.
 */
import type { Queryable } from '../db/database.js';
import { DatabaseError } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { IncidentEvent, IncidentSnapshot, transition } from './incident-lifecycle.js';
import { deadlineStageOf } from './incident-rules.js';
import { bookingChanges, incidentChanged, workerStatusEvents } from './incident-publishing.js';
import type { DomainEvent } from '../events/domain-events.js';
import { insertStepTimelineEntry, readIncident, readIncidentForUpdate, readWorkerForDispatch, updateIncidentState } from './incidents.sql.js';
import { IncidentState } from '../contract/incident-vocabulary.js';

const FORBIDDING = new Set(['role_not_allowed', 'not_the_assigned_worker', 'verifier_is_the_handler']);

export interface StoredIncident extends Record<string, unknown> {
  id: number;
  number: string;
  state: IncidentState;
  assigned_worker_code: string | null;
  offer_acknowledged: boolean;
  resolved_by_worker_code: string | null;
  resolved_by_account_id: number | null;
  micro_grid_code: string;
}

export async function applyIncidentEvent(
  q: Queryable,
  incidentId: number,
  event: IncidentEvent,
  now: Date,
): Promise<{ before: StoredIncident; after: Record<string, unknown>; next: IncidentSnapshot; published: DomainEvent[] }> {
  const [before] = await q.query<StoredIncident>(readIncidentForUpdate, [incidentId]);
  if (!before) throw new AppError(404, 'incident_not_found', `No incident ${incidentId} in your jurisdiction`);
  if (event.type === 'dispatch') {
    const [worker] = await q.query<{ code: string; duty_status: string }>(readWorkerForDispatch, [event.workerCode]);
    if (!worker) throw new AppError(404, 'worker_not_found', `No worker ${event.workerCode} in your jurisdiction`);
    if (worker.duty_status === 'off_duty') throw new AppError(409, 'worker_off_duty', `Worker ${event.workerCode} is off duty`);
  }
  const snapshot: IncidentSnapshot = {
    state: before.state,
    assignedWorkerCode: before.assigned_worker_code,
    offerAcknowledged: before.offer_acknowledged,
    resolvedByWorkerCode: before.resolved_by_worker_code,
    resolvedByAccountId: before.resolved_by_account_id,
  };
  const result = transition(snapshot, event);
  if (!result.ok) {
    // Who may act is a permission (403); when is a conflict with the case's state (409).
    if (FORBIDDING.has(result.reason)) {
      throw new AppError(403, 'transition_forbidden', `You may not ${event.type} this incident`, { reason: result.reason, state: before.state });
    }
    throw new AppError(409, 'transition_refused', `Cannot ${event.type} an incident that is ${before.state}`, {
      reason: result.reason,
      state: before.state,
    });
  }
  const next = result.next;
  try {
    await q.query(updateIncidentState, [
      incidentId,
      next.state,
      next.assignedWorkerCode,
      next.offerAcknowledged,
      next.resolvedByWorkerCode,
      next.resolvedByAccountId,
      event.type === 'evaluate' ? event.satisfaction : null,
      deadlineStageOf(next.state, next.offerAcknowledged),
      now,
      null,
    ]);
  } catch (error) {
    // incidents_one_active_case_per_worker: another dispatcher booked this worker first.
    if (error instanceof DatabaseError && error.sqlState === '23505') {
      throw new AppError(409, 'worker_already_booked', 'This worker has just been booked on another case; choose another', {
        workerCode: next.assignedWorkerCode,
      });
    }
    throw error;
  }
  const detail: Record<string, unknown> = {};
  for (const key of ['reason', 'note', 'satisfaction', 'workerCode'] as const) {
    if (key in event) detail[key] = (event as Record<string, unknown>)[key];
  }
  await q.query(insertStepTimelineEntry, [
    incidentId,
    now,
    event.type,
    before.state,
    next.state,
    event.actor.accountId,
    event.actor.role,
    next.assignedWorkerCode ?? event.actor.workerCode ?? null,
    JSON.stringify(detail),
    // Public (the reporter reads it on /report/{id}): checked by the route with checkPublicNote.
    'publicNote' in event && event.publicNote ? event.publicNote : null,
  ]);
  // Re-read what the caller may see; a case a worker has just declined outside their grid is no longer theirs.
  const [updated] = await q.query<Record<string, unknown>>(readIncident, [incidentId]);
  // Announced by the caller after commit: the case, and the booking of the workers it touched.
  const published = [
    incidentChanged(incidentId, before.micro_grid_code, event.type),
    ...(await workerStatusEvents(q, bookingChanges(event.type, { assignedWorkerCode: before.assigned_worker_code }, next))),
  ];
  return { before, after: updated ?? { id: incidentId, state: next.state, assigned_worker_code: next.assignedWorkerCode }, next, published };
}
