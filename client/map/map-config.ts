/**
 * What the server tells the map before it draws: the caller's jurisdiction (TileJSON bounds) and the
 * configured external basemap, if any (TileJSON extension `gridops:basemap`, from BASEMAP_URL /
 * BASEMAP_CRS in server/config/load-config.ts).
 */
import type { BoundingBox } from './map-data.js';
import type { ExternalBasemap } from './basemap-style.js';

export interface MapConfig {
  bounds: BoundingBox | null;
  basemap: ExternalBasemap | null;
}

/** Nanjing, for a map opened before (or without) the jurisdiction. */
export const NANJING_BOUNDS: BoundingBox = [118.36, 31.23, 119.24, 32.62];

export async function fetchMapConfig(origin: string): Promise<MapConfig> {
  const response = await fetch(`${origin}/tiles/tilejson.json?layers=districts`, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`tilejson: HTTP ${response.status}`);
  const body = (await response.json()) as { bounds?: number[]; 'gridops:basemap'?: ExternalBasemap | null };
  const b = body.bounds;
  const world = !b || b.length !== 4 || b[2] - b[0] >= 359;
  return { bounds: world ? null : [b[0], b[1], b[2], b[3]], basemap: body['gridops:basemap'] ?? null };
}

export type BasemapStatus =
  { kind: 'offline' } | { kind: 'external'; crs: 'wgs84' } | { kind: 'offline'; refused: 'gcj02'; messageKey: 'map.basemap.gcj02Refused' };

/**
 * GCJ-02 raster tiles are offset by up to several hundred metres from WGS84 data and a raster cannot be
 * converted tile by tile without resampling, so a GCJ-02 basemap is refused, never silently mixed: the
 * offline basemap is drawn and the status says why.
 */
export function chooseBasemap(configured: ExternalBasemap | null): { external: ExternalBasemap | null; status: BasemapStatus } {
  if (!configured) return { external: null, status: { kind: 'offline' } };
  if (configured.crs === 'wgs84') return { external: configured, status: { kind: 'external', crs: 'wgs84' } };
  return { external: null, status: { kind: 'offline', refused: 'gcj02', messageKey: 'map.basemap.gcj02Refused' } };
}
