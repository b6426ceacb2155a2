/**
 * The closed loop of an incident as a pure function: `transition(incident, event)` returns the next
 * state (with what changes) or a reason code why the event is refused. No I/O, no clock: the caller
 * passes the time and applies the result.
 *
 *   reported ─accept→ accepted ─dispatch→ dispatched ─acknowledge→ (offer accepted) ─arrive→ on_scene
 *   ─resolve→ resolved ─verify→ verified ─evaluate→ evaluated ─close→ closed
 *
 * Return paths: a declined or unanswered offer, or a worker returning the case, goes back to accepted
 * (the next candidate is offered); a failed verification sends the case back to its handler; a closed
 * case can be reopened. A reported case can be rejected (not a case, or a duplicate merged elsewhere).
 */
import type { ActorRole, IncidentState } from '../contract/incident-vocabulary.js';

export type Actor = { accountId: number | null; role: ActorRole; workerCode?: string | null };

export type IncidentEvent =
  | { type: 'accept'; actor: Actor }
  | { type: 'reject'; actor: Actor; reason: string }
  | { type: 'dispatch'; actor: Actor; workerCode: string }
  | { type: 'acknowledge'; actor: Actor }
  | { type: 'decline'; actor: Actor; reason?: string }
  | { type: 'offer_timeout'; actor: Actor }
  | { type: 'arrive'; actor: Actor }
  | { type: 'return'; actor: Actor; reason: string }
  | { type: 'resolve'; actor: Actor; note: string; publicNote?: string }
  | { type: 'verify'; actor: Actor }
  | { type: 'verify_fail'; actor: Actor; reason: string }
  | { type: 'evaluate'; actor: Actor; satisfaction: number }
  | { type: 'close'; actor: Actor; publicNote?: string }
  | { type: 'reopen'; actor: Actor; reason: string };

export interface IncidentSnapshot {
  state: IncidentState;
  /** The worker the case is dispatched to, if any. */
  assignedWorkerCode: string | null;
  /** Whether the assigned worker has acknowledged the offer. */
  offerAcknowledged: boolean;
  /** The worker who resolved it: a supervisor verifying must be someone else. */
  resolvedByWorkerCode: string | null;
  resolvedByAccountId: number | null;
}

export type TransitionResult = { ok: true; next: IncidentSnapshot } | { ok: false; reason: TransitionRefusal };

export type TransitionRefusal =
  | 'event_not_allowed_in_state'
  | 'role_not_allowed'
  | 'not_the_assigned_worker'
  | 'verifier_is_the_handler'
  | 'offer_not_acknowledged'
  | 'invalid_satisfaction';

/** Which roles may send each event (the route checks the account; this checks the domain rule). */
const ROLES: Record<IncidentEvent['type'], readonly Actor['role'][]> = {
  accept: ['dispatcher', 'admin', 'system'],
  reject: ['dispatcher', 'admin'],
  dispatch: ['dispatcher', 'admin', 'system'],
  acknowledge: ['field_worker', 'system'],
  decline: ['field_worker', 'system'],
  offer_timeout: ['system'],
  arrive: ['field_worker', 'system'],
  return: ['field_worker', 'dispatcher', 'system'],
  resolve: ['field_worker', 'system'],
  verify: ['supervisor', 'admin', 'system'],
  verify_fail: ['supervisor', 'admin', 'system'],
  evaluate: ['reporter', 'dispatcher', 'system'],
  close: ['dispatcher', 'supervisor', 'admin', 'system'],
  reopen: ['dispatcher', 'supervisor', 'admin'],
};

/** Whether a role may ever send this event (checked before the case is read: 403 before any 409). */
export function roleMaySend(type: IncidentEvent['type'], role: Actor['role']): boolean {
  return ROLES[type].includes(role);
}

/** The states in which each event may happen. */
const FROM: Record<IncidentEvent['type'], readonly IncidentState[]> = {
  accept: ['reported'],
  reject: ['reported'],
  dispatch: ['accepted'],
  acknowledge: ['dispatched'],
  decline: ['dispatched'],
  offer_timeout: ['dispatched'],
  arrive: ['dispatched'],
  return: ['dispatched', 'on_scene'],
  resolve: ['on_scene'],
  verify: ['resolved'],
  verify_fail: ['resolved'],
  evaluate: ['verified'],
  close: ['verified', 'evaluated'],
  reopen: ['closed'],
};

/** Events a field worker sends only about a case assigned to them. */
const WORKER_OWN = new Set<IncidentEvent['type']>(['acknowledge', 'decline', 'arrive', 'return', 'resolve']);

const unassigned = { assignedWorkerCode: null, offerAcknowledged: false };

export function transition(incident: IncidentSnapshot, event: IncidentEvent): TransitionResult {
  // A worker's step on a case that is no longer theirs (re-assigned while their phone was offline) says so,
  // whatever state the case has reached meanwhile: "given to someone else" tells them more than "not now".
  if (event.actor.role === 'field_worker' && WORKER_OWN.has(event.type) && event.actor.workerCode !== incident.assignedWorkerCode) {
    return { ok: false, reason: 'not_the_assigned_worker' };
  }
  if (!FROM[event.type].includes(incident.state)) return { ok: false, reason: 'event_not_allowed_in_state' };
  if (!ROLES[event.type].includes(event.actor.role)) return { ok: false, reason: 'role_not_allowed' };
  const next = (changes: Partial<IncidentSnapshot>): TransitionResult => ({ ok: true, next: { ...incident, ...changes } });
  switch (event.type) {
    case 'accept':
      return next({ state: 'accepted' });
    case 'reject':
      return next({ state: 'rejected' });
    case 'dispatch':
      return next({ state: 'dispatched', assignedWorkerCode: event.workerCode, offerAcknowledged: false });
    case 'acknowledge':
      return next({ offerAcknowledged: true });
    case 'decline':
    case 'offer_timeout':
      if (event.type === 'offer_timeout' && incident.offerAcknowledged) return { ok: false, reason: 'event_not_allowed_in_state' };
      return next({ state: 'accepted', ...unassigned });
    case 'arrive':
      if (!incident.offerAcknowledged && event.actor.role !== 'system') return { ok: false, reason: 'offer_not_acknowledged' };
      return next({ state: 'on_scene', offerAcknowledged: true });
    case 'return':
      return next({ state: 'accepted', ...unassigned });
    case 'resolve':
      return next({ state: 'resolved', resolvedByWorkerCode: incident.assignedWorkerCode, resolvedByAccountId: event.actor.accountId });
    case 'verify':
    case 'verify_fail':
      if (event.actor.accountId !== null && event.actor.accountId === incident.resolvedByAccountId) {
        return { ok: false, reason: 'verifier_is_the_handler' };
      }
      if (event.actor.workerCode && event.actor.workerCode === incident.resolvedByWorkerCode) return { ok: false, reason: 'verifier_is_the_handler' };
      return event.type === 'verify' ? next({ state: 'verified' }) : next({ state: 'dispatched', offerAcknowledged: true });
    case 'evaluate':
      if (!Number.isInteger(event.satisfaction) || event.satisfaction < 1 || event.satisfaction > 5)
        return { ok: false, reason: 'invalid_satisfaction' };
      return next({ state: 'evaluated' });
    case 'close':
      return next({ state: 'closed' });
    case 'reopen':
      return next({ state: 'accepted', ...unassigned, resolvedByWorkerCode: null, resolvedByAccountId: null });
  }
}

/** The events possible from a state (for buttons that explain why they are disabled). */
export function eventsFrom(state: IncidentState): IncidentEvent['type'][] {
  return (Object.keys(FROM) as IncidentEvent['type'][]).filter((t) => FROM[t].includes(state));
}
