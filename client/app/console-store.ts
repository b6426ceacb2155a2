/**
 * The console's live state, fed by the live channel (client/live/live-client.ts): the open incidents of
 * the jurisdiction and the on-duty workers. It hands them to the map (setIncidents / setWorkers) and tells
 * the panels what changed. Worker markers glide between fixes in the map itself (client/map/layers/
 * workers.layer.ts: a deck.gl position transition, items kept in a stable order by code), so the store hands
 * over the newest fix per worker and never interpolates — one animation, not two fighting.
 */
import type { LiveIncident, LiveWorker } from '../api/api-types.js';
import { isRemovedFromOpenView } from '../../server/live/live-protocol.js';
import { orderQueue } from './incident-queue-order.js';
import { nowMs, systemClock, type Clock } from '../../server/clock/clock.js';
import type { LiveSensor } from '../live/live-client.js';

export type LiveTopic = 'incidents' | 'workers' | 'sensors';
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';
export type StoreChange = 'incidents' | 'workers' | 'sensors' | 'connection';

export interface MapSink {
  setIncidents(items: LiveIncident[]): void;
  setWorkers(items: LiveWorker[]): void;
  /** Optional: sinks without a sensors layer ignore them. */
  setSensors?(items: LiveSensor[]): void;
}

export interface ConsoleStoreOptions {
  sink: MapSink;
  clock?: Clock;
  /** How long an incident that arrived live stays highlighted as new (ms). */
  newForMs?: number;
}

export interface ConsoleStore {
  applySnapshot(topic: string, items: unknown[]): void;
  applyDelta(topic: string, items: unknown[]): void;
  setConnection(status: ConnectionStatus): void;
  connection(): ConnectionStatus;
  /** Open incidents in queue order. */
  queue(): LiveIncident[];
  incident(id: number): LiveIncident | undefined;
  worker(code: string): LiveWorker | undefined;
  /** A sensor's live state when it is not normal. */
  sensor(code: string): LiveSensor | undefined;
  isNew(id: number): boolean;
  markSeen(id: number): void;
  subscribe(listener: (change: StoreChange) => void): () => void;
}

export function createConsoleStore({ sink, clock = systemClock, newForMs = 120_000 }: ConsoleStoreOptions): ConsoleStore {
  const now = () => nowMs(clock);
  const incidents = new Map<number, LiveIncident>();
  const workers = new Map<string, LiveWorker>();
  const sensors = new Map<string, LiveSensor>();
  const arrivedAt = new Map<number, number>();
  const listeners = new Set<(change: StoreChange) => void>();
  let status: ConnectionStatus = 'connecting';

  const notify = (change: StoreChange) => {
    for (const listener of listeners) listener(change);
  };
  const publishIncidents = () => {
    sink.setIncidents([...incidents.values()]);
    notify('incidents');
  };
  const publishWorkers = () => {
    sink.setWorkers([...workers.values()]);
    notify('workers');
  };

  const publishSensors = () => {
    sink.setSensors?.([...sensors.values()]);
    notify('sensors');
  };
  /** Only sensors not normal are kept: a normal one is drawn by the tiles. */
  const upsertSensors = (items: LiveSensor[]) => {
    for (const item of items) {
      if (item.state === 'normal') sensors.delete(item.code);
      else sensors.set(item.code, item);
    }
  };

  const upsertIncidents = (items: LiveIncident[], live: boolean) => {
    for (const item of items) {
      if (isRemovedFromOpenView(item)) {
        incidents.delete(item.id);
        arrivedAt.delete(item.id);
        continue;
      }
      if (live && !incidents.has(item.id)) arrivedAt.set(item.id, now());
      incidents.set(item.id, item);
    }
  };

  return {
    applySnapshot(topic, items) {
      if (topic === 'incidents') {
        const known = new Set(incidents.keys());
        incidents.clear();
        // After a reconnect, a snapshot may carry cases that arrived while away: still new to the dispatcher.
        upsertIncidents(items as LiveIncident[], false);
        if (known.size > 0) for (const id of incidents.keys()) if (!known.has(id)) arrivedAt.set(id, now());
        publishIncidents();
      } else if (topic === 'sensors') {
        sensors.clear();
        upsertSensors(items as LiveSensor[]);
        publishSensors();
      } else if (topic === 'workers') {
        workers.clear();
        for (const worker of items as LiveWorker[]) workers.set(worker.code, worker);
        publishWorkers();
      }
    },
    applyDelta(topic, items) {
      if (topic === 'sensors') {
        upsertSensors(items as LiveSensor[]);
        publishSensors();
      } else if (topic === 'incidents') {
        upsertIncidents(items as LiveIncident[], true);
        publishIncidents();
      } else if (topic === 'workers') {
        for (const worker of items as LiveWorker[]) {
          // Deltas are batched, newest fix per worker; an older fix arriving late never moves a marker back.
          const known = workers.get(worker.code);
          if (known && Date.parse(known.at) > Date.parse(worker.at)) continue;
          // A worker going off duty stays, drawn as off duty by the map, until the next snapshot.
          workers.set(worker.code, worker);
        }
        publishWorkers();
      }
    },
    setConnection(next) {
      if (next === status) return;
      status = next;
      notify('connection');
    },
    connection: () => status,
    queue: () => orderQueue(incidents.values()),
    incident: (id) => incidents.get(id),
    worker: (code) => workers.get(code),
    sensor: (code) => sensors.get(code),
    isNew(id) {
      const at = arrivedAt.get(id);
      return at !== undefined && now() - at < newForMs;
    },
    markSeen(id) {
      if (arrivedAt.delete(id)) notify('incidents');
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
