/**
 * What the simulated command centre and its simulated workers do next with an open generated case, pure:
 * from the case's state and how long it has been in it, the next lifecycle event (or nothing yet).
 * Delays are compressed so that the console visibly lives (a case closes within about half an hour) and
 * are drawn from a hash of the case and its state, so a restart continues where it stopped.
 *
 * Cases outside the simulator's share (SIMULATOR_HANDLED_SHARE) are left to the human dispatchers and
 * supervisors; once a dispatcher sends one to a generated worker, that worker still plays its part
 * (acknowledge, drive, arrive, resolve).
 */
import { unitRandom } from '../seed/unit-random.js';
import type { IncidentState } from '../contract/incident-vocabulary.js';

export type SimulatedAction = 'accept' | 'dispatch' | 'acknowledge' | 'arrive' | 'resolve' | 'verify' | 'evaluate' | 'close';

export interface HandledCase {
  id: number;
  state: IncidentState;
  offerAcknowledged: boolean;
  assignedWorkerCode: string | null;
  /** Seconds since the case last changed (updated_at). */
  secondsInState: number;
  /** Whether a reporter can be called back (the hotline, apps, Open311, 110 transfers). */
  hasReporter: boolean;
  /** Whether the simulated worker has reached the scene (movement), or null when it is not being driven. */
  arrived: boolean | null;
}

/** Seconds [min, max) each step waits, for the simulated desk and workers. */
export const STEP_DELAYS: Record<SimulatedAction, readonly [number, number]> = {
  accept: [10, 40],
  dispatch: [5, 25],
  // Well inside the one-minute offer limit (else the offer times out and passes on).
  acknowledge: [4, 20],
  // Without a route to drive (after a restart): the time to arrive.
  arrive: [120, 480],
  resolve: [180, 720],
  verify: [60, 240],
  evaluate: [60, 180],
  close: [15, 60],
};

/** Whether the simulator handles this case end to end (a stable share of the case ids). */
export function handledBySimulator(id: number, share: number): boolean {
  return unitRandom(`sim-share:${id}`) < share;
}

export function stepDelay(id: number, action: SimulatedAction): number {
  const [min, max] = STEP_DELAYS[action];
  return min + (max - min) * unitRandom(`sim-delay:${id}:${action}`);
}

/** The action due now, or null. `fullHandling`: the desk and supervisor parts too, not only the worker's. */
export function nextSimulatedAction(c: HandledCase, fullHandling: boolean): SimulatedAction | null {
  const due = (action: SimulatedAction) => (c.secondsInState >= stepDelay(c.id, action) ? action : null);
  switch (c.state) {
    case 'reported':
      return fullHandling ? due('accept') : null;
    case 'accepted':
      return fullHandling ? due('dispatch') : null;
    case 'dispatched':
      if (!c.assignedWorkerCode) return null;
      if (!c.offerAcknowledged) return due('acknowledge');
      // Driven along its route: arrives when the movement says so; otherwise after a drawn time.
      if (c.arrived !== null) return c.arrived ? 'arrive' : null;
      return due('arrive');
    case 'on_scene':
      return due('resolve');
    case 'resolved':
      return fullHandling ? due('verify') : null;
    case 'verified':
      if (!fullHandling) return null;
      return c.hasReporter ? due('evaluate') : due('close');
    case 'evaluated':
      return fullHandling ? due('close') : null;
    default:
      return null;
  }
}
