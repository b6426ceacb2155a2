/**
 * Pure data shaping for the incident layers: open incidents per micro-grid, the changes of feature-state
 * between two counts, and which incidents are new enough to pulse.
 */
import { isOpenIncident, type LiveIncident } from './map-data.js';

/** Open incidents per micro-grid code. */
export function countOpenByMicroGrid(incidents: readonly LiveIncident[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const incident of incidents) {
    if (!isOpenIncident(incident) || !incident.microGridCode) continue;
    counts.set(incident.microGridCode, (counts.get(incident.microGridCode) ?? 0) + 1);
  }
  return counts;
}

/** What to set and what to remove to go from one count to the next (feature-state is sparse). */
export function diffCounts(previous: ReadonlyMap<string, number>, next: ReadonlyMap<string, number>): { set: [string, number][]; remove: string[] } {
  const set: [string, number][] = [];
  for (const [code, n] of next) if (previous.get(code) !== n) set.push([code, n]);
  const remove = [...previous.keys()].filter((code) => !next.has(code));
  return { set, remove };
}

/** A red or orange case reported within this many minutes pulses on the map. */
export const NEW_INCIDENT_MINUTES = 15;

export function isPulsing(incident: LiveIncident, nowMs: number): boolean {
  if (incident.grade !== 'red' && incident.grade !== 'orange') return false;
  if (!isOpenIncident(incident)) return false;
  const reported = Date.parse(incident.reportedAt);
  return Number.isFinite(reported) && nowMs - reported <= NEW_INCIDENT_MINUTES * 60_000 && nowMs >= reported - 60_000;
}
