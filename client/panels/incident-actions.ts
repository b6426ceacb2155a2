/**
 * What the signed-in user may do with an incident, and why not (iD style: a disabled action carries a
 * reason code that maps to a translated tooltip). The lifecycle rules are the server's own pure
 * `transition` (server/incidents/incident-lifecycle.ts), so the buttons and the API agree; the server
 * still decides.
 */
import { transition, type Actor, type IncidentEvent, type IncidentSnapshot } from '../../server/incidents/incident-lifecycle.js';
import { isFinishedState, type IncidentState, type Role } from '../../server/contract/incident-vocabulary.js';

export type ConsoleAction =
  'accept' | 'dispatch' | 'summon' | 'escalate' | 'reject' | 'return' | 'verify' | 'verify_fail' | 'evaluate' | 'close' | 'reopen';
/** Always shown (disabled with a reason when not possible); the others only when the state allows them. */
export const PRIMARY_ACTIONS: readonly ConsoleAction[] = ['accept', 'dispatch', 'summon', 'escalate'];
const SECONDARY_ACTIONS: readonly ConsoleAction[] = ['reject', 'return', 'verify', 'verify_fail', 'evaluate', 'close', 'reopen'];
/** Whistle and escalate: routes POST /api/incidents/:id/summons and /escalate. */
const SUMMON_ROLES: readonly Role[] = ['dispatcher', 'admin'];

export interface ActionIncident {
  state: string;
  assigned_worker_code: string | null;
  offer_acknowledged: boolean;
  resolved_by_worker_code: string | null;
  resolved_by_account_id: number | null;
  escalation_level: number;
}

export interface ActionState {
  action: ConsoleAction;
  enabled: boolean;
  /** Why it is disabled: a key under `disabled.` in the messages. */
  reason: string | null;
  /** Shown although disabled (primary), or because the state allows it. */
  visible: boolean;
}

/** A representative event of each type (its payload values are not sent): only the state machine's yes/no and reason are used. */
function eventOf(type: Exclude<ConsoleAction, 'summon' | 'escalate'>, actor: Actor, workerCode: string): IncidentEvent {
  switch (type) {
    case 'dispatch':
      return { type, actor, workerCode };
    case 'evaluate':
      return { type, actor, satisfaction: 5 };
    case 'reject':
    case 'return':
    case 'verify_fail':
    case 'reopen':
      return { type, actor, reason: 'check' };
    default:
      return { type, actor } as IncidentEvent;
  }
}

export function actionStates(incident: ActionIncident, account: { id: number | null; role: Role }, chosenWorker: string | null): ActionState[] {
  const actor = { accountId: account.id, role: account.role as Actor['role'], workerCode: null };
  const snapshot: IncidentSnapshot = {
    state: incident.state as IncidentState,
    assignedWorkerCode: incident.assigned_worker_code,
    offerAcknowledged: incident.offer_acknowledged,
    resolvedByWorkerCode: incident.resolved_by_worker_code,
    resolvedByAccountId: incident.resolved_by_account_id,
  };
  const finished = isFinishedState(incident.state);
  const state = (action: ConsoleAction, reason: string | null, primary: boolean): ActionState => ({
    action,
    enabled: reason === null,
    reason,
    visible: primary || reason === null || (reason !== 'event_not_allowed_in_state' && reason !== 'role_not_allowed'),
  });

  return [...PRIMARY_ACTIONS, ...SECONDARY_ACTIONS].map((action) => {
    const primary = PRIMARY_ACTIONS.includes(action);
    if (action === 'summon' || action === 'escalate') {
      if (!SUMMON_ROLES.includes(account.role)) return state(action, 'role_not_allowed', primary);
      if (finished) return state(action, 'case_finished', primary);
      if (action === 'escalate' && incident.escalation_level >= 2) return state(action, 'already_at_top', primary);
      return state(action, null, primary);
    }
    if (action === 'dispatch') {
      // A reported case is accepted and dispatched in one step by the console (two events, both recorded).
      let from = snapshot;
      if (snapshot.state === 'reported') {
        const accepted = transition(snapshot, eventOf('accept', actor, ''));
        if (!accepted.ok) return state(action, accepted.reason, primary);
        from = accepted.next;
      }
      const result = transition(from, eventOf('dispatch', actor, chosenWorker ?? 'W'));
      if (!result.ok) return state(action, result.reason, primary);
      return state(action, chosenWorker ? null : 'no_worker_chosen', primary);
    }
    const result = transition(snapshot, eventOf(action, actor, ''));
    return state(action, result.ok ? null : result.reason, primary);
  });
}
