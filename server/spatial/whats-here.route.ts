/**
 * GET /api/whats-here?lon=&lat=[&crs=]: what lies at a clicked point — the micro-grid and its chain up to
 * the district, its responsible workers (no phone numbers), the nearest cameras with their distance, the
 * cameras whose field of view covers the point (server/video/camera-coverage.ts), and the incidents
 * reported nearby in the last 30 days. Everything in the caller's jurisdiction (RLS).
 */
import { Router } from 'express';
import type { Clock } from '../clock/clock.js';
import { authOf, scopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import { notFound } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { isPositionStale } from '../routing/responder-tier.js';
import { toWgs84 } from '../units/locate-point.js';
import { findCoveringCameras, INCIDENT_CAMERAS } from '../video/camera-coverage.js';
import { locateMicroGrid } from '../units/units.sql.js';
import { listNearestCameras, listRecentIncidentsNear } from './whats-here.sql.js';
import { WHATS_HERE_CAMERAS, WHATS_HERE_INCIDENT_DAYS, WHATS_HERE_INCIDENT_METRES, whatsHereRoute } from './spatial-contract.js';

const WHATS_HERE_INCIDENT_LIMIT = 20;

interface LocatedRow {
  code: string;
  name: string;
  kind: string;
  households: number;
  population: number;
  generated: boolean;
  grid_code: string;
  grid_name: string;
  community_code: string;
  community_name: string;
  street_code: string;
  street_name: string;
  district_code: string;
  district_name: string;
  workers: { code: string; name: string; role: string; skills: string[]; duty_status: string; last_position_at: string | null }[];
}

const metres = (value: number) => Math.round(Number(value) * 10) / 10;

/** What the router uses of the application's dependencies. */
export interface WhatsHereRouterDeps {
  clock: Clock;
}

export function whatsHereRouter({ clock }: WhatsHereRouterDeps): Router {
  const router = Router();
  router.get(whatsHereRoute.path, contractAccess(whatsHereRoute), async (req, res) => {
    const input = validateRequestPart(whatsHereRoute.query, req.query, 'invalid_coordinates');
    const point = toWgs84(input.lon, input.lat, input.crs);
    const now = clock.now();
    const db = scopedDb(req);
    const [row] = await db.query<LocatedRow>(locateMicroGrid, [point.lon, point.lat]);
    if (!row) {
      if (authOf(req).jurisdiction !== 'city') {
        throw notFound('outside_jurisdiction', 'The point is not inside a micro-grid of your jurisdiction', { wgs84: point });
      }
      throw notFound('outside_nanjing', 'The point is not inside any micro-grid of Nanjing', { wgs84: point });
    }
    const cameras = await db.query<Record<string, unknown>>(listNearestCameras, [point.lon, point.lat, WHATS_HERE_CAMERAS]);
    const coveringCameras = await findCoveringCameras(db, point.lon, point.lat, INCIDENT_CAMERAS);
    const incidents = await db.query<Record<string, unknown>>(listRecentIncidentsNear, [
      point.lon,
      point.lat,
      WHATS_HERE_INCIDENT_METRES,
      WHATS_HERE_INCIDENT_DAYS,
      now,
      WHATS_HERE_INCIDENT_LIMIT,
    ]);
    res.json({
      input: { lon: input.lon, lat: input.lat, crs: input.crs },
      wgs84: point,
      microGrid: { code: row.code, name: row.name, kind: row.kind, households: row.households, population: row.population },
      chain: [
        { level: 'district', code: row.district_code, name: row.district_name },
        { level: 'street', code: row.street_code, name: row.street_name },
        { level: 'community', code: row.community_code, name: row.community_name },
        { level: 'grid', code: row.grid_code, name: row.grid_name },
        { level: 'micro_grid', code: row.code, name: row.name },
      ],
      generated: row.generated,
      workers: row.workers.map((w) => ({
        code: w.code,
        name: w.name,
        role: w.role,
        skills: w.skills,
        dutyStatus: w.duty_status,
        lastPositionAt: w.last_position_at,
        stale: isPositionStale(w.last_position_at === null ? null : Date.parse(w.last_position_at), now.getTime()),
      })),
      cameras: cameras.map((c) => ({
        code: c.code,
        name: c.name,
        online: c.online,
        headingDeg: c.heading_deg,
        fovDeg: c.fov_deg,
        rangeM: c.range_m,
        hasStream: c.has_stream,
        sourceCrs: c.source_crs,
        lon: c.lon,
        lat: c.lat,
        distanceM: metres(c.distance_m as number),
        generated: c.generated,
      })),
      coveringCameras,
      incidents: incidents.map((i) => ({
        id: Number(i.id),
        number: i.number,
        category: i.category,
        grade: i.grade,
        state: i.state,
        reportedAt: i.reported_at,
        closedAt: i.closed_at,
        distanceM: metres(i.distance_m as number),
        generated: i.generated,
      })),
      radiusM: WHATS_HERE_INCIDENT_METRES,
      days: WHATS_HERE_INCIDENT_DAYS,
    });
  });
  return router;
}
