/**
 * Data for the map-only bench page, read from the server the way a signed-in console would see it:
 * open incidents from GET /api/incidents, workers' last positions from the OGC API (no personal data).
 * The shell feeds the real console from the live channel instead.
 */
import type { AnswerOf } from '../../server/contract/api-route.js';
import type { listIncidentsRoute } from '../../server/incidents/incidents-contract.js';
import { LIVE_STALE_POSITION_MS } from '../../server/live/live-protocol.js';
import { toLiveIncident } from '../../server/live/live-rows.js';
import type { BoundingBox, LiveIncident, LiveWorker } from '../map/map-data.js';

export async function loadOpenIncidents(): Promise<LiveIncident[]> {
  const response = await fetch('/api/incidents?state=open&limit=500', { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`incidents: HTTP ${response.status}`);
  const { incidents } = (await response.json()) as AnswerOf<typeof listIncidentsRoute>;
  return incidents.map(toLiveIncident);
}

export async function loadWorkers(bbox: BoundingBox, now = Date.now()): Promise<LiveWorker[]> {
  const response = await fetch(`/ogc/collections/workers/items?bbox=${bbox.join(',')}&limit=2000`, {
    credentials: 'same-origin',
    headers: { accept: 'application/geo+json' },
  });
  if (!response.ok) throw new Error(`workers: HTTP ${response.status}`);
  const body = (await response.json()) as {
    features: {
      geometry: { coordinates: [number, number] } | null;
      properties: { code: string; role: string; duty_status: string; last_position_at: string | null };
    }[];
  };
  return body.features
    .filter((f) => f.geometry !== null)
    .map((f) => {
      const at = f.properties.last_position_at ?? new Date(0).toISOString();
      return {
        code: f.properties.code,
        name: '',
        role: f.properties.role,
        lon: f.geometry!.coordinates[0],
        lat: f.geometry!.coordinates[1],
        at,
        dutyStatus: f.properties.duty_status,
        busy: false,
        stale: now - Date.parse(at) > LIVE_STALE_POSITION_MS,
        microGridCode: '',
      };
    });
}
