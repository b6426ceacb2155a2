/**
 * Domain events inside one server process: what changed, announced after the change is committed.
 * Publishers (incident routes, schedulers, intake of alarms and patrol reports, the simulator) emit;
 * the live channel (server/live) listens and turns them into topic messages for the screens.
 * Events carry identifiers and unit codes, never personal data; a listener that throws is isolated
 * so a broken subscriber never breaks the change that was already committed.
 */
import type { LiveSensor } from '../live/live-protocol.js';

export type DomainEvent =
  /** An incident was created or changed state, grade, assignment, escalation or deadline. */
  | { type: 'incident.changed'; incidentId: number; microGridCode: string; change: string }
  /** A worker reported a position (the simulator, or a field app). Newest position wins downstream. */
  | {
      type: 'worker.moved';
      workerCode: string;
      microGridCode: string;
      lon: number;
      lat: number;
      /** ISO time of the fix. */
      at: string;
    }
  /** A worker's duty or booking changed (on duty, busy, off duty). */
  | { type: 'worker.status'; workerCode: string; microGridCode: string; dutyStatus: string; busy: boolean }
  /** A sensor's state changed (normal / alarm / offline: server/iot/sensor-rule-engine.ts); carries the live item. */
  | { type: 'sensor.changed'; sensor: LiveSensor };

export type DomainEventListener = (event: DomainEvent) => void;

export interface DomainEvents {
  emit(event: DomainEvent): void;
  /** Returns the function that unsubscribes. */
  subscribe(listener: DomainEventListener): () => void;
}

export function createDomainEvents(onListenerError: (error: unknown, event: DomainEvent) => void = () => {}): DomainEvents {
  const listeners = new Set<DomainEventListener>();
  return {
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          onListenerError(error, event);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
