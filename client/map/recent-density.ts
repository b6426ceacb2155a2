/**
 * The incidents of the last 24 hours (any state) binned into H3 hexagons for the big screen's extruded density:
 * pure, tested beside it. The resolution follows the zoom like the console's density (incident-density.ts).
 */
import { latLngToCell } from 'h3-js';
import type { RecentIncidentPoint } from './map-data.js';

export interface RecentHexagon {
  hexagon: string;
  count: number;
  /** Red and orange cases in the hexagon (the column's colour leans to the worst). */
  severe: number;
}

/** H3 resolution for the wall's zoom: 7 (≈ 5 km²) for the city, 8 for a district, 9 for a street. */
export function recentDensityResolution(zoom: number): number {
  if (zoom < 10.5) return 7;
  if (zoom < 12.5) return 8;
  return 9;
}

export function binRecentIncidents(points: readonly RecentIncidentPoint[], resolution: number): RecentHexagon[] {
  const bins = new Map<string, RecentHexagon>();
  for (const point of points) {
    if (!Number.isFinite(point.lat) || !Number.isFinite(point.lon)) continue;
    const hexagon = latLngToCell(point.lat, point.lon, resolution);
    let bin = bins.get(hexagon);
    if (!bin) bins.set(hexagon, (bin = { hexagon, count: 0, severe: 0 }));
    bin.count += 1;
    if (point.grade === 'red' || point.grade === 'orange') bin.severe += 1;
  }
  return [...bins.values()].sort((a, b) => (a.hexagon < b.hexagon ? -1 : 1));
}

/** Column height in metres: the busiest hexagon reaches `maxMetres`, others in proportion (at least a sliver). */
export function columnHeight(count: number, busiest: number, maxMetres: number): number {
  if (busiest <= 0 || count <= 0) return 0;
  return Math.max(maxMetres * 0.03, (count / busiest) * maxMetres);
}
