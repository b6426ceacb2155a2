/**
 * Snapshots of a topic for one client, read through the client's database scope (row-level security decides what
 * they hold; the hub filters them again by the same rules). Capped: the client learns `truncated` when more matched.
 */
import type { AuthContext, ScopedDb } from '../auth/request-context.js';
import type { LiveBbox, LiveIncident } from './live-protocol.js';
import { type IncidentRow, toHubWorker, toLiveIncident, toWorkerState, type WorkerRow } from './live-rows.js';
import type { HubWorker } from './live-scope.js';
import type { LiveSource } from './live-source.js';
import { snapshotIncidents, snapshotWorkers } from './live.sql.js';

export interface SnapshotLimits {
  /** Open incidents per snapshot (most urgent first). */
  incidents: number;
  /** On-duty workers per snapshot (freshest position first). */
  workers: number;
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
