/**
 * Snapshots of a topic for one client, read through the client's database scope (row-level security decides what
 * they hold; the hub filters them again by the same rules). Capped: the client learns `truncated` when more matched.
 */
import type { AuthContext, ScopedDb } from '../auth/request-context.js';
import type { LiveBbox, LiveIncident, LiveSensor } from './live-protocol.js';
import { type IncidentRow, toHubWorker, toLiveIncident, toWorkerState, type WorkerRow } from './live-rows.js';
import type { HubWorker } from './live-scope.js';
import type { LiveSource } from './live-source.js';
import { snapshotIncidents, snapshotSensors, snapshotWorkers } from './live.sql.js';

export interface SnapshotLimits {
  /** Open incidents per snapshot (most urgent first). */
  incidents: number;
  /** On-duty workers per snapshot (freshest position first). */
  workers: number;
  /** Sensors in alarm or offline per snapshot (newest state first). */
  sensors?: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = { incidents: 5000, workers: 5000 };

export interface Snapshot<T> {
  items: T[];
  truncated: boolean;
}

/** A field worker's own worker code ('' when the account has none: matches nothing), null for every other role. */
function fieldWorkerFilter(auth: AuthContext): string | null {
  return auth.role === 'field_worker' ? (auth.workerCode ?? '') : null;
}

export async function readIncidentSnapshot(scoped: ScopedDb, auth: AuthContext, cap: number): Promise<Snapshot<LiveIncident>> {
  const rows = await scoped.query<IncidentRow & { total: number }>(snapshotIncidents, [fieldWorkerFilter(auth), cap]);
  return { items: rows.map(toLiveIncident), truncated: rows.length > 0 && Number(rows[0].total) > rows.length };
}

export async function readWorkerSnapshot(
  scoped: ScopedDb,
  auth: AuthContext,
  bbox: LiveBbox | null,
  cap: number,
  now: Date,
  source: LiveSource,
): Promise<Snapshot<HubWorker>> {
  const [west, south, east, north] = bbox ?? [null, null, null, null];
  const rows = await scoped.query<WorkerRow & { total: number }>(snapshotWorkers, [fieldWorkerFilter(auth), west, south, east, north, cap]);
  const items: HubWorker[] = [];
  for (const row of rows) {
    const state = toWorkerState(row);
    // A position reported by an event after the database row was written wins (same worker, newer fix).
    const cached = source.workerState(row.code);
    if (cached?.at && cached.lon !== null && cached.lat !== null && (state.at === null || Date.parse(cached.at) > Date.parse(state.at))) {
      Object.assign(state, { lon: cached.lon, lat: cached.lat, at: cached.at, microGridCode: cached.microGridCode });
    }
    const worker = toHubWorker(state, now);
    if (worker) items.push(worker);
  }
  return { items, truncated: rows.length > 0 && Number(rows[0].total) > rows.length };
}

interface SensorRow {
  code: string;
  kind: string;
  state: LiveSensor['state'];
  state_since: Date | string;
  lon: number;
  lat: number;
  micro_grid_code: string | null;
  alarm_rule: string | null;
  value: number | null;
  incident_id: number | string | null;
  total: number | string;
}

/** The sensors of the caller's scope that are not normal (field workers: none). */
export async function readSensorSnapshot(scoped: ScopedDb, auth: AuthContext, cap: number): Promise<Snapshot<LiveSensor>> {
  if (auth.role === 'field_worker') return { items: [], truncated: false };
  const rows = await scoped.query<SensorRow>(snapshotSensors, [cap]);
  const items = rows.map((r) => ({
    code: r.code,
    kind: r.kind,
    state: r.state,
    since: new Date(r.state_since).toISOString(),
    lon: Number(r.lon),
    lat: Number(r.lat),
    microGridCode: r.micro_grid_code ?? '',
    alarmRule: r.alarm_rule,
    value: r.value === null ? null : Number(r.value),
    incidentId: r.incident_id === null ? null : Number(r.incident_id),
  }));
  return { items, truncated: rows.length > 0 && Number(rows[0].total) > rows.length };
}
