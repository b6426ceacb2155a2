/**
 * Domain events → hub topics.
 * - incident.changed: the incident's summary is read once (a system read, unscoped) and published to `incidents`.
 *   Reads run one at a time; several events for one incident before its read starts make one read, and an event
 *   during its read makes another, so the last published item is never older than the last event.
 * - worker.moved / worker.status: the worker's name, role, home unit and duty are read once and cached (a few MB for
 *   the whole city); positions and duty then come from the events. Staged in the hub, newest position per worker;
 *   an older fix than the one known is ignored.
 * A failed read is logged (statement and SQLSTATE only) and does not stop the channel.
 */
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { type Database, DatabaseError } from '../db/database.js';
import type { DomainEvent, DomainEvents } from '../events/domain-events.js';
import type { LiveHub } from './live-hub.js';
import { type IncidentRow, toHubWorker, toLiveIncident, toWorkerState, type WorkerRow, type WorkerState } from './live-rows.js';
import { readIncidentSummary, readWorkerProfile } from './live.sql.js';

/** The Asia/Shanghai calendar day (UTC+8, no daylight saving) of an ISO time: the day the statistics count it in. */
function shanghaiDay(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
}

export interface LiveSource {
  /** Resolves when every event received so far has reached the hub (tests). */
  idle(): Promise<void>;
  /** The cached state of a worker (used to overlay snapshots with positions newer than the database's). */
  workerState(code: string): WorkerState | undefined;
  stop(): void;
}

export interface LiveSourceDeps {
  db: Database;
  events: DomainEvents;
  hub: LiveHub;
  clock: Clock;
  logger: Logger;
  /** The cluster's live event log publishes incidents (live-log-reader.ts): incident.changed events are left to it. */
  incidentsFromLog?: boolean;
}

export function connectLiveSource({ db, events, hub, clock, logger, incidentsFromLog = false }: LiveSourceDeps): LiveSource {
  const workers = new LRUCache<string, WorkerState>({ max: 60_000 });
  const loading = new Map<string, Promise<WorkerState | null>>();
  const pending = new Set<Promise<unknown>>();
  const dirtyIncidents = new Set<number>();
  /** The latest change of each dirty incident (for the stats topic's `kind`). */
  const changes = new Map<number, string>();
  let draining: Promise<void> | null = null;
  let stopped = false;

  const logFailure = (what: string, error: unknown) => {
    const detail =
      error instanceof DatabaseError
        ? { statement: error.statementName, sqlState: error.sqlState }
        : { error: String((error as Error)?.name ?? 'error') };
    logger.warn(detail, `live: ${what} failed`);
  };
  const track = <T>(promise: Promise<T>): void => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise));
  };

  const drainIncidents = async () => {
    while (dirtyIncidents.size > 0 && !stopped) {
      const id: number = dirtyIncidents.values().next().value!;
      dirtyIncidents.delete(id);
      try {
        const change = changes.get(id) ?? 'changed';
        changes.delete(id);
        const [row] = await db.query<IncidentRow>(readIncidentSummary, [id]);
        if (row && !stopped) {
          const incident = toLiveIncident(row);
          hub.publishIncident(incident);
          // Topic `stats`: its figures moved (the rollups were updated in the same commit, migration 0013).
          hub.publishStatsChange({
            incidentId: id,
            microGridCode: incident.microGridCode,
            day: shanghaiDay(incident.reportedAt),
            kind: change,
            at: clock.now().toISOString(),
          });
        }
      } catch (error) {
        logFailure('incident read', error);
      }
    }
    draining = null;
  };

  const profile = (code: string): Promise<WorkerState | null> => {
    const cached = workers.get(code);
    if (cached) return Promise.resolve(cached);
    let load = loading.get(code);
    if (!load) {
      load = db
        .query<WorkerRow>(readWorkerProfile, [code])
        .then(([row]) => {
          if (!row) return null;
          const state = workers.get(code) ?? toWorkerState(row);
          workers.set(code, state);
          return state;
        })
        .finally(() => loading.delete(code));
      loading.set(code, load);
    }
    return load;
  };

  const stage = (state: WorkerState) => {
    const worker = toHubWorker(state, clock.now());
    if (worker && !stopped) hub.stageWorker(worker);
  };

  const onWorkerEvent = async (event: Extract<DomainEvent, { type: 'worker.moved' | 'worker.status' }>) => {
    try {
      const state = await profile(event.workerCode);
      if (!state) return;
      if (event.type === 'worker.moved') {
        const at = new Date(event.at);
        if (!Number.isFinite(event.lon) || !Number.isFinite(event.lat) || Number.isNaN(at.getTime())) return;
        if (state.at !== null && at.getTime() < Date.parse(state.at)) return;
        state.lon = event.lon;
        state.lat = event.lat;
        state.at = at.toISOString();
        state.microGridCode = event.microGridCode;
      } else {
        state.dutyStatus = event.dutyStatus;
        state.busy = event.busy;
      }
      stage(state);
    } catch (error) {
      logFailure('worker read', error);
    }
  };

  const unsubscribe = events.subscribe((event) => {
    if (stopped) return;
    if (event.type === 'incident.changed') {
      if (incidentsFromLog) return;
      if (!Number.isSafeInteger(event.incidentId)) return;
      dirtyIncidents.add(event.incidentId);
      changes.set(event.incidentId, event.change);
      if (!draining) {
        draining = drainIncidents();
        track(draining);
      }
    } else if (event.type === 'sensor.changed') {
      hub.publishSensor(event.sensor);
    } else if (event.type === 'worker.moved' || event.type === 'worker.status') {
      track(onWorkerEvent(event));
    }
  });

  return {
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    workerState: (code) => workers.get(code),
    stop() {
      stopped = true;
      unsubscribe();
    },
  };
}
