import { describe, expect, it } from 'vitest';
import { actionStates, type ActionIncident } from './incident-actions.js';

const incident = (changes: Partial<ActionIncident> = {}): ActionIncident => ({
  state: 'reported',
  assigned_worker_code: null,
  offer_acknowledged: false,
  resolved_by_worker_code: null,
  resolved_by_account_id: null,
  escalation_level: 0,
  ...changes,
});
const dispatcher = { id: 7, role: 'dispatcher' as const };
const byAction = (states: ReturnType<typeof actionStates>) => Object.fromEntries(states.map((s) => [s.action, s]));

describe('actionStates', () => {
  it('lets a dispatcher accept a reported case and dispatch it once a worker is chosen', () => {
    const none = byAction(actionStates(incident(), dispatcher, null));
    expect(none.accept).toMatchObject({ enabled: true, reason: null });
    expect(none.dispatch).toMatchObject({ enabled: false, reason: 'no_worker_chosen', visible: true });
    expect(byAction(actionStates(incident(), dispatcher, 'W1')).dispatch.enabled).toBe(true);
    expect(none.reject.visible).toBe(true);
    expect(none.verify.visible).toBe(false);
  });

  it('explains refusals by the lifecycle: state, role, and the verifier being the handler', () => {
    const dispatched = byAction(actionStates(incident({ state: 'dispatched', assigned_worker_code: 'W1' }), dispatcher, 'W2'));
    expect(dispatched.accept).toMatchObject({ enabled: false, reason: 'event_not_allowed_in_state', visible: true });
    expect(dispatched.dispatch.reason).toBe('event_not_allowed_in_state');
    expect(dispatched.return.enabled).toBe(true);

    const resolved = incident({ state: 'resolved', resolved_by_account_id: 9 });
    expect(byAction(actionStates(resolved, dispatcher, null)).verify).toMatchObject({ enabled: false, reason: 'role_not_allowed', visible: false });
    expect(byAction(actionStates(resolved, { id: 3, role: 'supervisor' }, null)).verify.enabled).toBe(true);
    expect(byAction(actionStates(resolved, { id: 9, role: 'supervisor' }, null)).verify.reason).toBe('verifier_is_the_handler');
  });

  it('whistle and escalate: desk dispatchers only, not on finished cases, not beyond the district', () => {
    expect(byAction(actionStates(incident(), { id: 3, role: 'supervisor' }, null)).summon.reason).toBe('role_not_allowed');
    expect(byAction(actionStates(incident({ state: 'closed' }), dispatcher, null)).summon.reason).toBe('case_finished');
    expect(byAction(actionStates(incident({ escalation_level: 2 }), dispatcher, null)).escalate.reason).toBe('already_at_top');
    expect(byAction(actionStates(incident({ escalation_level: 1 }), dispatcher, null)).escalate.enabled).toBe(true);
  });
});
