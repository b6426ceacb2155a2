/** Database rows of live.sql.ts → the wire items of live-protocol.ts. */
import type { Grade } from '../contract/incident-vocabulary.js';
import { LIVE_STALE_POSITION_MS, type LiveIncident } from './live-protocol.js';
import type { HubWorker } from './live-scope.js';

export interface IncidentRow {
  id: number;
  number: string;
  state: string;
  grade: string;
  category: string;
  source: string;
  lon: number;
  lat: number;
  micro_grid_code: string;
  community_code: string;
  street_code: string;
  district_code: string;
  assigned_worker_code: string | null;
  escalation_level: number;
  overdue: boolean;
  deadline_at: Date | string | null;
  reported_at: Date | string;
  generated: boolean;
}

export interface WorkerRow {
  code: string;
  name: string;
  role: string;
  home_unit_code: string;
  duty_status: string;
  lon: number | null;
  lat: number | null;
  last_position_at: Date | string | null;
  busy: boolean;
}

const iso = (value: Date | string): string => new Date(value).toISOString();

export function toLiveIncident(row: IncidentRow): LiveIncident {
  return {
    id: Number(row.id),
    number: row.number,
    state: row.state,
    grade: row.grade as Grade,
    category: row.category,
    source: row.source,
    lon: row.lon,
    lat: row.lat,
    microGridCode: row.micro_grid_code,
    communityCode: row.community_code,
    streetCode: row.street_code,
    districtCode: row.district_code,
    assignedWorkerCode: row.assigned_worker_code,
    escalationLevel: Number(row.escalation_level),
    overdue: row.overdue,
    deadlineAt: row.deadline_at === null ? null : iso(row.deadline_at),
    reportedAt: iso(row.reported_at),
    generated: row.generated,
  };
}

/** What the channel remembers of a worker between events. */
export interface WorkerState {
  code: string;
  name: string;
  role: string;
  homeUnitCode: string;
  dutyStatus: string;
  busy: boolean;
  lon: number | null;
  lat: number | null;
  /** ISO time of the position, null when none is known. */
  at: string | null;
  /** Where the worker is now (from worker.moved); the home micro-grid until they move. */
  microGridCode: string;
}

export function toWorkerState(row: WorkerRow): WorkerState {
  return {
    code: row.code,
    name: row.name,
    role: row.role,
    homeUnitCode: row.home_unit_code,
    dutyStatus: row.duty_status,
    busy: row.busy,
    lon: row.lon,
    lat: row.lat,
    at: row.last_position_at === null ? null : iso(row.last_position_at),
    microGridCode: row.home_unit_code,
  };
}

/** The hub's item for a worker, or null when no position is known yet (nothing to draw). */
export function toHubWorker(state: WorkerState, now: Date): HubWorker | null {
  if (state.lon === null || state.lat === null || state.at === null) return null;
  return {
    homeUnitCode: state.homeUnitCode,
    item: {
      code: state.code,
      name: state.name,
      role: state.role,
      lon: state.lon,
      lat: state.lat,
      at: state.at,
      dutyStatus: state.dutyStatus,
      busy: state.busy || state.dutyStatus === 'busy',
      stale: now.getTime() - Date.parse(state.at) > LIVE_STALE_POSITION_MS,
      microGridCode: state.microGridCode,
    },
  };
}
