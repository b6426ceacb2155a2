/**
 * The sensors the ingest knows, in memory: code → kind, unit, threshold, micro-grid, position and the state the
 * last run left (sensor_latest). 20,000 entries, a few MB, read once at start (`loadSensorDirectory`).
 */
import type { Queryable } from '../db/database.js';
import { readSensorDirectory } from './iot.sql.js';

export type SensorState = 'normal' | 'alarm' | 'offline';

export interface SensorEntry {
  code: string;
  kind: string;
  measurementUnit: string;
  threshold: number | null;
  microGridCode: string;
  lon: number;
  lat: number;
  /** As stored at start (sensor_latest); the rule engine keeps the live state. */
  state: SensorState;
  stateSince: Date | null;
  alarmRule: string | null;
  incidentId: number | null;
  lastSeenAt: Date | null;
  /** The newest stored reading at start (sensor_latest): the rules' starting point for late readings. */
  latestObservedAt: Date | null;
  latestValue: number | null;
}

export type SensorDirectory = ReadonlyMap<string, SensorEntry>;

interface DirectoryRow {
  code: string;
  kind: string;
  measurement_unit: string;
  threshold: number | null;
  micro_grid_code: string | null;
  lon: number;
  lat: number;
  state: SensorState | null;
  state_since: Date | string | null;
  alarm_rule: string | null;
  incident_id: number | string | null;
  last_seen_at: Date | string | null;
  observed_at: Date | string | null;
  value: number | string | null;
}

const date = (v: Date | string | null) => (v === null ? null : new Date(v));

export async function loadSensorDirectory(db: Queryable): Promise<Map<string, SensorEntry>> {
  const rows = await db.query<DirectoryRow>(readSensorDirectory);
  const directory = new Map<string, SensorEntry>();
  for (const r of rows) {
    directory.set(r.code, {
      code: r.code,
      kind: r.kind,
      measurementUnit: r.measurement_unit,
      threshold: r.threshold === null ? null : Number(r.threshold),
      microGridCode: r.micro_grid_code ?? '',
      lon: Number(r.lon),
      lat: Number(r.lat),
      state: r.state ?? 'normal',
      stateSince: date(r.state_since),
      alarmRule: r.alarm_rule,
      incidentId: r.incident_id === null ? null : Number(r.incident_id),
      lastSeenAt: date(r.last_seen_at),
      latestObservedAt: date(r.observed_at),
      latestValue: r.value === null ? null : Number(r.value),
    });
  }
  return directory;
}
