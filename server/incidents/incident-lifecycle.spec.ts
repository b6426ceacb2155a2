import { describe, expect, it } from 'vitest';
import { Actor, eventsFrom, IncidentEvent, IncidentSnapshot, transition } from './incident-lifecycle.js';
import { INCIDENT_STATES, IncidentState } from '../contract/incident-vocabulary.js';

const dispatcher: Actor = { accountId: 1, role: 'dispatcher' };
const supervisor: Actor = { accountId: 2, role: 'supervisor' };
const worker: Actor = { accountId: 3, role: 'field_worker', workerCode: 'W1' };
const otherWorker: Actor = { accountId: 4, role: 'field_worker', workerCode: 'W2' };
const system: Actor = { accountId: null, role: 'system' };
const reporter: Actor = { accountId: null, role: 'reporter' };

/** Each event sent by an actor allowed to send it. */
const EVENTS: IncidentEvent[] = [
  { type: 'accept', actor: dispatcher },
  { type: 'reject', actor: dispatcher, reason: 'duplicate' },
  { type: 'dispatch', actor: dispatcher, workerCode: 'W1' },
  { type: 'acknowledge', actor: worker },
  { type: 'decline', actor: worker },
  { type: 'offer_timeout', actor: system },
  { type: 'arrive', actor: worker },
  { type: 'return', actor: worker, reason: 'needs a department' },
  { type: 'resolve', actor: worker, note: 'fixed' },
  { type: 'verify', actor: supervisor },
  { type: 'verify_fail', actor: supervisor, reason: 'not fixed' },
  { type: 'evaluate', actor: reporter, satisfaction: 5 },
  { type: 'close', actor: dispatcher },
  { type: 'reopen', actor: dispatcher, reason: 'came back' },
];

/** state → event → next state, for every allowed pair; everything else is refused. */
const EXPECTED: Partial<Record<IncidentState, Partial<Record<IncidentEvent['type'], IncidentState>>>> = {
  reported: { accept: 'accepted', reject: 'rejected' },
  accepted: { dispatch: 'dispatched' },
  dispatched: { acknowledge: 'dispatched', decline: 'accepted', offer_timeout: 'accepted', arrive: 'on_scene', return: 'accepted' },
  on_scene: { return: 'accepted', resolve: 'resolved' },
  resolved: { verify: 'verified', verify_fail: 'dispatched' },
  verified: { evaluate: 'evaluated', close: 'closed' },
  evaluated: { close: 'closed' },
  closed: { reopen: 'accepted' },
  rejected: {},
};

const snapshot = (state: IncidentState, extra: Partial<IncidentSnapshot> = {}): IncidentSnapshot => ({
  state,
  assignedWorkerCode: ['dispatched', 'on_scene', 'resolved', 'verified', 'evaluated', 'closed'].includes(state) ? 'W1' : null,
  // An acknowledged offer, so that arrive is possible from dispatched.
  offerAcknowledged: state !== 'reported' && state !== 'accepted',
  resolvedByWorkerCode: ['resolved', 'verified', 'evaluated', 'closed'].includes(state) ? 'W1' : null,
  resolvedByAccountId: ['resolved', 'verified', 'evaluated', 'closed'].includes(state) ? 3 : null,
  ...extra,
});

describe('transition: every state × event', () => {
  for (const state of INCIDENT_STATES) {
    for (const event of EVENTS) {
      const expected = EXPECTED[state]?.[event.type];
      // offer_timeout after an acknowledged offer is refused: the worker answered.
      const effective = event.type === 'offer_timeout' && state === 'dispatched' ? undefined : expected;
      it(`${state} × ${event.type} → ${effective ?? 'refused'}`, () => {
        const result = transition(snapshot(state), event);
        if (effective) {
          expect(result).toMatchObject({ ok: true, next: { state: effective } });
        } else {
          expect(result.ok).toBe(false);
        }
      });
    }
  }

  it('lists the possible events of each state', () => {
    for (const state of INCIDENT_STATES) expect(eventsFrom(state).sort()).toEqual(Object.keys(EXPECTED[state] ?? {}).sort());
  });
});

describe('transition: rules beyond the state', () => {
  it('offers time out only while unanswered, and free the case for the next candidate', () => {
    const offered = snapshot('dispatched', { offerAcknowledged: false });
    expect(transition(offered, { type: 'offer_timeout', actor: system })).toEqual({
      ok: true,
      next: { ...offered, state: 'accepted', assignedWorkerCode: null, offerAcknowledged: false },
    });
    expect(transition(offered, { type: 'arrive', actor: worker })).toEqual({ ok: false, reason: 'offer_not_acknowledged' });
  });

  it('lets only the assigned worker act on a case', () => {
    const offered = snapshot('dispatched', { offerAcknowledged: false });
    expect(transition(offered, { type: 'acknowledge', actor: otherWorker })).toEqual({ ok: false, reason: 'not_the_assigned_worker' });
    expect(transition(offered, { type: 'acknowledge', actor: worker })).toMatchObject({ ok: true, next: { offerAcknowledged: true } });
  });

  it('tells a worker whose case was given to someone else so, whatever state it reached meanwhile', () => {
    // Resolved on a phone offline; meanwhile returned and dispatched to another worker (not on scene yet).
    const reassigned = snapshot('dispatched', { assignedWorkerCode: otherWorker.workerCode!, offerAcknowledged: false });
    expect(transition(reassigned, { type: 'resolve', actor: worker, note: '已处理' })).toEqual({ ok: false, reason: 'not_the_assigned_worker' });
    // Taken back and not given to anyone yet.
    expect(transition(snapshot('accepted', { assignedWorkerCode: null }), { type: 'arrive', actor: worker })).toEqual({
      ok: false,
      reason: 'not_the_assigned_worker',
    });
    // Their own case in the wrong state is still "not now".
    expect(transition(snapshot('dispatched', { offerAcknowledged: true }), { type: 'resolve', actor: worker, note: '已处理' })).toEqual({
      ok: false,
      reason: 'event_not_allowed_in_state',
    });
  });

  it('refuses roles that may not send an event', () => {
    expect(transition(snapshot('reported'), { type: 'accept', actor: worker })).toEqual({ ok: false, reason: 'role_not_allowed' });
    expect(transition(snapshot('resolved'), { type: 'verify', actor: dispatcher })).toEqual({ ok: false, reason: 'role_not_allowed' });
    expect(transition(snapshot('dispatched'), { type: 'offer_timeout', actor: dispatcher })).toEqual({ ok: false, reason: 'role_not_allowed' });
  });

  it('never lets the handler verify their own work', () => {
    const resolved = snapshot('resolved', { resolvedByAccountId: 2 });
    expect(transition(resolved, { type: 'verify', actor: supervisor })).toEqual({ ok: false, reason: 'verifier_is_the_handler' });
    expect(transition(snapshot('resolved'), { type: 'verify', actor: { accountId: 9, role: 'supervisor', workerCode: 'W1' } })).toEqual({
      ok: false,
      reason: 'verifier_is_the_handler',
    });
  });

  it('records who resolved, and clears it on reopen', () => {
    const resolved = transition(snapshot('on_scene'), { type: 'resolve', actor: worker, note: 'done' });
    expect(resolved).toMatchObject({ ok: true, next: { resolvedByWorkerCode: 'W1', resolvedByAccountId: 3 } });
    expect(transition(snapshot('closed'), { type: 'reopen', actor: dispatcher, reason: 'x' })).toMatchObject({
      ok: true,
      next: { state: 'accepted', assignedWorkerCode: null, resolvedByWorkerCode: null },
    });
  });

  it('accepts satisfaction 1–5 only', () => {
    for (const satisfaction of [0, 6, 2.5, Number.NaN]) {
      expect(transition(snapshot('verified'), { type: 'evaluate', actor: reporter, satisfaction })).toEqual({
        ok: false,
        reason: 'invalid_satisfaction',
      });
    }
  });

  it('never mutates its input', () => {
    const before = snapshot('accepted');
    const copy = structuredClone(before);
    transition(before, { type: 'dispatch', actor: dispatcher, workerCode: 'W9' });
    expect(before).toEqual(copy);
  });
});
