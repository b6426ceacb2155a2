/**
 * What an incident change announces on the domain events (server/events/domain-events.ts). Changes are
 * collected inside the transaction and emitted only after it commits (`publishAll`), so a listener never
 * hears of a change that was rolled back. A change to a worker's booking (dispatch, acknowledge, decline,
 * resolve, close …) also announces the worker's status; whether they are busy follows from the new state.
 */
import type { DomainEvent, DomainEvents } from '../events/domain-events.js';
import type { Queryable } from '../db/database.js';
import type { IncidentEvent } from './incident-lifecycle.js';
import { readWorkerStatuses } from './incidents.sql.js';
import type { IncidentState } from '../contract/incident-vocabulary.js';

/** States in which the assigned worker is booked on the case. */
const BOOKED_STATES: readonly IncidentState[] = ['dispatched', 'on_scene'];

/** Events that change or confirm a worker's booking. */
const BOOKING_EVENTS = new Set<IncidentEvent['type']>([
  'dispatch',
  'acknowledge',
  'decline',
  'offer_timeout',
  'arrive',
  'return',
  'resolve',
  'verify_fail',
  'close',
  'reopen',
]);

export function incidentChanged(incidentId: number, microGridCode: string, change: string): DomainEvent {
  return { type: 'incident.changed', incidentId: Number(incidentId), microGridCode, change };
}

/**
 * The workers whose booking an event touched, and whether each is booked afterwards: the worker assigned
 * before and the one assigned after (the same one for most events). Pure.
 */
export function bookingChanges(
  eventType: IncidentEvent['type'],
  before: { assignedWorkerCode: string | null },
  after: { state: IncidentState; assignedWorkerCode: string | null },
): { workerCode: string; busy: boolean }[] {
  if (!BOOKING_EVENTS.has(eventType)) return [];
  const codes = [...new Set([before.assignedWorkerCode, after.assignedWorkerCode].filter((c): c is string => !!c))];
  return codes.map((workerCode) => ({ workerCode, busy: after.assignedWorkerCode === workerCode && BOOKED_STATES.includes(after.state) }));
}

/**
 * worker.status events for booking changes, with each worker's duty status and home unit read in the
 * caller's transaction (a worker the caller cannot see is left out: the caller did not book them).
 */
export async function workerStatusEvents(q: Queryable, changes: { workerCode: string; busy: boolean }[]): Promise<DomainEvent[]> {
  if (!changes.length) return [];
  const rows = await q.query<{ code: string; home_unit_code: string; duty_status: string }>(readWorkerStatuses, [changes.map((c) => c.workerCode)]);
  const byCode = new Map(rows.map((r) => [r.code, r]));
  return changes.flatMap(({ workerCode, busy }) => {
    const row = byCode.get(workerCode);
    return row ? [{ type: 'worker.status' as const, workerCode, microGridCode: row.home_unit_code, dutyStatus: row.duty_status, busy }] : [];
  });
}

/** Emit after commit. Without an event bus (a script, a unit test) nothing is announced. */
export function publishAll(events: DomainEvents | undefined, list: readonly DomainEvent[]): void {
  if (!events) return;
  for (const event of list) events.emit(event);
}
