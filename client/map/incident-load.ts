/**
 * Pure data shaping for the incident layers: open incidents per micro-grid, and which incidents are new
 * enough to pulse.
 */
import { isOpenIncident } from '../../server/contract/incident-vocabulary.js';
import type { LiveIncident } from './map-data.js';

/** Open incidents per micro-grid code. */
export function countOpenByMicroGrid(incidents: readonly LiveIncident[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const incident of incidents) {
    if (!isOpenIncident(incident) || !incident.microGridCode) continue;
    counts.set(incident.microGridCode, (counts.get(incident.microGridCode) ?? 0) + 1);
  }
  return counts;
}

/** A red or orange case reported within this many minutes pulses on the map. */
export const NEW_INCIDENT_MINUTES = 15;

export function isPulsing(incident: LiveIncident, nowMs: number): boolean {
  if (incident.grade !== 'red' && incident.grade !== 'orange') return false;
  if (!isOpenIncident(incident)) return false;
  const reported = Date.parse(incident.reportedAt);
  return Number.isFinite(reported) && nowMs - reported <= NEW_INCIDENT_MINUTES * 60_000 && nowMs >= reported - 60_000;
}
