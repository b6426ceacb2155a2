/**
 * The courses a generated historical case can take, each a list of events run through the real
 * lifecycle (`transition`, server/incidents/incident-lifecycle.ts), so that every seeded timeline is
 * one the application itself would have written: the state, assignment and acknowledgement after
 * every step come from the same pure function that guards live cases.
 *
 * A path is chosen per case by a hash (seed-history.sql.ts); its shares are realistic for a grid
 * platform: most cases run straight through, a few are rejected, declined, unanswered, returned,
 * fail verification or are reopened. Whether a reporter evaluates depends on the source (citizens
 * are called back; patrol findings and machine alarms close after verification).
 */
import { type Actor, type IncidentEvent, type IncidentSnapshot, transition } from '../incidents/incident-lifecycle.js';
import { deadlineStageOf } from '../incidents/incident-rules.js';

/** What the time before a step is spent on (seed-history.sql.ts turns it into minutes). */
export type DurationKind =
  'none' | 'accept' | 'dispatch' | 'acknowledge' | 'offer_timeout' | 'instant' | 'arrive' | 'resolve' | 'verify' | 'evaluate' | 'close' | 'reopen';

/** Stages whose time limit escalates a late case (the offer minute is passed on, never escalated). */
export const ESCALATING_KINDS: readonly DurationKind[] = ['accept', 'dispatch', 'arrive', 'resolve', 'verify', 'evaluate'];

export const PATH_VARIANTS = ['straight', 'rejected', 'declined', 'offer_timeout', 'returned', 'verify_failed', 'reopened'] as const;
export type PathVariant = (typeof PATH_VARIANTS)[number];

/** Shares of the variants in percent (the rest runs straight through). */
export const VARIANT_SHARES: ReadonlyArray<readonly [PathVariant, number]> = [
  ['rejected', 3],
  ['declined', 2.5],
  ['offer_timeout', 2.5],
  ['returned', 1.5],
  ['verify_failed', 2],
  ['reopened', 1],
  ['straight', 87.5],
];

export interface PathStep {
  path: number;
  step: number;
  event: string;
  fromState: string | null;
  toState: string;
  actorRole: Actor['role'];
  /** Worker slot written in the timeline's worker_code (0 none, 1 first worker, 2 second worker). */
  timelineWorker: 0 | 1 | 2;
  duration: DurationKind;
  /** The case after this step. */
  assignedWorker: 0 | 1 | 2;
  offerAcknowledged: boolean;
  resolvedBy: 0 | 1 | 2;
  deadlineStage: string | null;
  /** The timeline detail the application writes for this event (reason, note); dispatch and evaluate get theirs in SQL. */
  detail: string;
}

type Planned = { event: IncidentEvent; duration: DurationKind };

const slot = (code: string | null | undefined): 0 | 1 | 2 => (code === 'w1' ? 1 : code === 'w2' ? 2 : 0);
const dispatcher: Actor = { accountId: null, role: 'dispatcher' };
const supervisor: Actor = { accountId: null, role: 'supervisor' };
const system: Actor = { accountId: null, role: 'system' };
const worker = (w: string): Actor => ({ accountId: null, role: 'field_worker', workerCode: w });

function handle(w: string): Planned[] {
  return [
    { event: { type: 'acknowledge', actor: worker(w) }, duration: 'acknowledge' },
    { event: { type: 'arrive', actor: worker(w) }, duration: 'arrive' },
    { event: { type: 'resolve', actor: worker(w), note: '已处置' }, duration: 'resolve' },
  ];
}

function finish(evaluated: boolean): Planned[] {
  return [
    { event: { type: 'verify', actor: supervisor }, duration: 'verify' },
    ...(evaluated ? [{ event: { type: 'evaluate', actor: dispatcher, satisfaction: 5 } as IncidentEvent, duration: 'evaluate' as const }] : []),
    { event: { type: 'close', actor: dispatcher }, duration: 'close' },
  ];
}

export function plannedEvents(variant: PathVariant, evaluated: boolean): Planned[] {
  const accept: Planned = { event: { type: 'accept', actor: dispatcher }, duration: 'accept' };
  const dispatch = (w: string, actor = dispatcher, duration: DurationKind = 'dispatch'): Planned => ({
    event: { type: 'dispatch', actor, workerCode: w },
    duration,
  });
  switch (variant) {
    case 'straight':
      return [accept, dispatch('w1'), ...handle('w1'), ...finish(evaluated)];
    case 'rejected':
      return [{ event: { type: 'reject', actor: dispatcher, reason: 'not_a_case' }, duration: 'accept' }];
    case 'declined':
      return [
        accept,
        dispatch('w1'),
        { event: { type: 'decline', actor: worker('w1'), reason: 'busy' }, duration: 'acknowledge' },
        dispatch('w2'),
        ...handle('w2'),
        ...finish(evaluated),
      ];
    case 'offer_timeout':
      return [
        accept,
        dispatch('w1'),
        { event: { type: 'offer_timeout', actor: system }, duration: 'offer_timeout' },
        dispatch('w2', system, 'instant'),
        ...handle('w2'),
        ...finish(evaluated),
      ];
    case 'returned': {
      const [ack, arrive] = handle('w1');
      return [
        accept,
        dispatch('w1'),
        ack,
        arrive,
        { event: { type: 'return', actor: worker('w1'), reason: 'needs_other_skill' }, duration: 'resolve' },
        dispatch('w2'),
        ...handle('w2'),
        ...finish(evaluated),
      ];
    }
    case 'verify_failed':
      return [
        accept,
        dispatch('w1'),
        ...handle('w1'),
        { event: { type: 'verify_fail', actor: supervisor, reason: 'not_fixed' }, duration: 'verify' },
        { event: { type: 'arrive', actor: worker('w1') }, duration: 'arrive' },
        { event: { type: 'resolve', actor: worker('w1'), note: '已返工' }, duration: 'resolve' },
        ...finish(evaluated),
      ];
    case 'reopened':
      return [
        accept,
        dispatch('w1'),
        ...handle('w1'),
        ...finish(evaluated),
        { event: { type: 'reopen', actor: dispatcher, reason: 'reported_again' } as IncidentEvent, duration: 'reopen' as const },
        dispatch('w1'),
        ...handle('w1'),
        ...finish(false),
      ];
  }
}

/** Path number of a variant and whether it is evaluated (evaluated paths are odd). */
export function pathNumber(variant: PathVariant, evaluated: boolean): number {
  return PATH_VARIANTS.indexOf(variant) * 2 + (evaluated ? 1 : 0);
}

/** Every step of every path, starting with step 0 = reported; throws if the lifecycle refuses a step. */
export function historyPathSteps(): PathStep[] {
  const rows: PathStep[] = [];
  for (const variant of PATH_VARIANTS) {
    for (const evaluated of [false, true]) {
      const path = pathNumber(variant, evaluated);
      let state: IncidentSnapshot = {
        state: 'reported',
        assignedWorkerCode: null,
        offerAcknowledged: false,
        resolvedByWorkerCode: null,
        resolvedByAccountId: null,
      };
      rows.push({
        path,
        step: 0,
        event: 'reported',
        fromState: null,
        toState: 'reported',
        actorRole: 'dispatcher',
        timelineWorker: 0,
        duration: 'none',
        assignedWorker: 0,
        offerAcknowledged: false,
        resolvedBy: 0,
        deadlineStage: 'accept',
        detail: '{}',
      });
      plannedEvents(variant, evaluated).forEach(({ event, duration }, i) => {
        const result = transition(state, event);
        if (!result.ok) throw new Error(`history path ${variant}: ${event.type} refused in ${state.state} (${result.reason})`);
        const next = result.next;
        rows.push({
          path,
          step: i + 1,
          event: event.type,
          fromState: state.state,
          toState: next.state,
          actorRole: event.actor.role,
          timelineWorker: slot(next.assignedWorkerCode ?? event.actor.workerCode),
          duration,
          assignedWorker: slot(next.assignedWorkerCode),
          offerAcknowledged: next.offerAcknowledged,
          resolvedBy: slot(next.resolvedByWorkerCode),
          deadlineStage: deadlineStageOf(next.state, next.offerAcknowledged),
          detail: JSON.stringify(
            Object.fromEntries((['reason', 'note'] as const).filter((k) => k in event).map((k) => [k, (event as Record<string, unknown>)[k]])),
          ),
        });
        state = next;
      });
    }
  }
  return rows;
}
