/**
 * Open incidents binned into H3 hexagons (h3-js) for the density layer: the resolution follows the zoom
 * so that a hexagon stays a few dozen pixels wide.
 */
import { latLngToCell } from 'h3-js';
import { isOpenIncident } from '../../server/contract/incident-vocabulary.js';
import type { LiveIncident } from './map-data.js';

export interface HexagonCount {
  hexagon: string;
  count: number;
}

/** The density layer is drawn below this zoom (above it the points and micro-grid load say more). */
export const DENSITY_MAX_ZOOM = 13;

/** H3 resolution for a map zoom: 6 (≈ 36 km² cells) at the city view down to 8 (≈ 0.7 km²). */
export function densityResolution(zoom: number): number {
  if (zoom < 10) return 6;
  if (zoom < 11.5) return 7;
  return 8;
}

export function binIncidents(incidents: readonly LiveIncident[], resolution: number): HexagonCount[] {
  const counts = new Map<string, number>();
  for (const incident of incidents) {
    if (!isOpenIncident(incident) || !Number.isFinite(incident.lat) || !Number.isFinite(incident.lon)) continue;
    const cell = latLngToCell(incident.lat, incident.lon, resolution);
    counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  return [...counts].map(([hexagon, count]) => ({ hexagon, count })).sort((a, b) => (a.hexagon < b.hexagon ? -1 : 1));
}
