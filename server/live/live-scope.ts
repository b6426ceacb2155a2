/**
 * Who may see which live item: the same rules as the row-level security policies, applied to each delta before it
 * is queued for a client (snapshots are read through the database scope, so RLS decides there, and are filtered
 * again here).
 *
 * - incidents (migration 0005, incidents_scoped): the micro-grid code starts with the jurisdiction's code ('city' sees
 *   all). A field worker sees only the cases assigned to their worker code (stricter than the policy, which also shows
 *   the cases of their grid: the phone view is "my tasks").
 * - workers (migration 0004, workers_scoped): the worker's home unit code starts with the jurisdiction's code. A field
 *   worker sees only their own position.
 * - the viewport: workers outside the client's bbox are not sent (incidents are few and are sent for the whole scope).
 */
import type { LiveBbox, LiveIncident, LiveSensor, LiveStatsChange, LiveWorker } from './live-protocol.js';

export interface LiveViewer {
  role: string;
  /** A unit code or 'city'. */
  jurisdiction: string;
  workerCode: string | null;
}

/** A worker as the hub keeps it: the payload and the unit code RLS filters on. */
export interface HubWorker {
  item: LiveWorker;
  homeUnitCode: string;
}

export function withinJurisdiction(viewer: LiveViewer, unitCode: string): boolean {
  return viewer.jurisdiction === 'city' || unitCode.startsWith(viewer.jurisdiction);
}

export function incidentVisible(viewer: LiveViewer, incident: LiveIncident): boolean {
  if (viewer.role === 'field_worker') return viewer.workerCode !== null && incident.assignedWorkerCode === viewer.workerCode;
  return withinJurisdiction(viewer, incident.microGridCode);
}

/** Statistics changes: by the incident's micro-grid, like the stats tables' policies (migration 0013); none for a field worker. */
export function statsChangeVisible(viewer: LiveViewer, change: LiveStatsChange): boolean {
  return viewer.role !== 'field_worker' && withinJurisdiction(viewer, change.microGridCode);
}

export function workerVisible(viewer: LiveViewer, worker: HubWorker): boolean {
  if (viewer.role === 'field_worker') return viewer.workerCode !== null && worker.item.code === viewer.workerCode;
  return withinJurisdiction(viewer, worker.homeUnitCode);
}

export function insideBbox(bbox: LiveBbox | null, lon: number, lat: number): boolean {
  if (!bbox) return true;
  const [west, south, east, north] = bbox;
  return lon >= west && lon <= east && lat >= south && lat <= north;
}

/** sensors (migration 0004, sensors_scoped): the micro-grid code starts with the jurisdiction's code; field workers none. */
export function sensorVisible(viewer: LiveViewer, sensor: LiveSensor): boolean {
  return viewer.role !== 'field_worker' && withinJurisdiction(viewer, sensor.microGridCode);
}
