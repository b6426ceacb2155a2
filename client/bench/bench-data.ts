/**
 * Data for the map-only bench page, read from the server the way a signed-in console would see it:
 * open incidents from GET /api/incidents, workers' last positions from the OGC API (no personal data).
 * The shell feeds the real console from the live channel instead.
 */
import type { BoundingBox, LiveIncident, LiveWorker } from '../map/map-data.js';

interface IncidentRow {
  id: number;
  number: string;
  state: string;
  grade: LiveIncident['grade'];
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
  deadline_at: string | null;
  reported_at: string;
  generated: boolean;
}

const STALE_MS = 10 * 60_000;

export async function loadOpenIncidents(): Promise<LiveIncident[]> {
  const response = await fetch('/api/incidents?state=open&limit=500', { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`incidents: HTTP ${response.status}`);
  const { incidents } = (await response.json()) as { incidents: IncidentRow[] };
  return incidents.map((r) => ({
    id: r.id,
    number: r.number,
    state: r.state,
    grade: r.grade,
    category: r.category,
    source: r.source,
    lon: r.lon,
    lat: r.lat,
    microGridCode: r.micro_grid_code,
    communityCode: r.community_code,
    streetCode: r.street_code,
    districtCode: r.district_code,
    assignedWorkerCode: r.assigned_worker_code,
    escalationLevel: r.escalation_level,
    overdue: r.overdue,
    deadlineAt: r.deadline_at,
    reportedAt: r.reported_at,
    generated: r.generated,
  }));
}

export async function loadWorkers(bbox: BoundingBox, now = Date.now()): Promise<LiveWorker[]> {
  const response = await fetch(`/ogc/collections/workers/items?bbox=${bbox.join(',')}&limit=2000`, {
    credentials: 'same-origin',
    headers: { accept: 'application/geo+json' },
  });
  if (!response.ok) throw new Error(`workers: HTTP ${response.status}`);
  const body = (await response.json()) as {
    features: { geometry: { coordinates: [number, number] } | null; properties: { code: string; role: string; duty_status: string; last_position_at: string | null } }[];
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
        stale: now - Date.parse(at) > STALE_MS,
        microGridCode: '',
      };
    });
}
