/**
 * Covering cameras: GET /api/cameras/covering?lon=&lat=[&crs=&limit=] for any point, and
 * GET /api/incidents/:id/cameras[?limit=] for an incident (top four by default; for a video-AI alarm also
 * `alarm: {cameraCode, snapshotUrl}`, the camera that raised it and its snapshot). Both in the caller's
 * jurisdiction (RLS on cameras and incidents). See camera-coverage.ts for the order.
 */
import { Router } from 'express';
import { z } from 'zod';
import { scopedDb } from '../auth/request-context.js';
import { access } from '../auth/route-access.js';
import { READERS } from '../contract/incident-vocabulary.js';
import { notFound } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { toWgs84 } from '../units/locate-point.js';
import { FALLBACK_RADIUS_M, findCoveringCameras, INCIDENT_CAMERAS } from './camera-coverage.js';
import { readIncidentPoint } from './camera-coverage.sql.js';

const MAX_CAMERAS = 16;

const coordinate = (min: number, max: number) =>
  z.string().trim().regex(/^[-+]?\d+(\.\d+)?$/, 'must be a decimal number').transform(Number).pipe(z.number().min(min).max(max));
const Limit = z.string().regex(/^\d{1,2}$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(1).max(MAX_CAMERAS));

const CoveringQuery = z
  .object({
    lon: coordinate(-180, 180),
    lat: coordinate(-90, 90),
    crs: z.enum(['wgs84', 'gcj02', 'bd09']).default('wgs84'),
    limit: Limit.default(INCIDENT_CAMERAS),
  })
  .strict();
const IncidentCamerasQuery = z.object({ limit: Limit.default(INCIDENT_CAMERAS) }).strict();
const IncidentId = z.string().regex(/^\d{1,15}$/, 'an incident id is a whole number').transform(Number);

/** This router needs nothing but the request's own scoped database. */
export type CamerasRouterDeps = object;

export function camerasRouter(_deps: CamerasRouterDeps): Router {
  const router = Router();

  router.get('/api/cameras/covering', access(...READERS), async (req, res) => {
    const q = validateRequestPart(CoveringQuery, req.query, 'invalid_coordinates');
    const point = toWgs84(q.lon, q.lat, q.crs);
    const cameras = await findCoveringCameras(scopedDb(req), point.lon, point.lat, q.limit);
    res.json({ wgs84: point, fallbackRadiusM: FALLBACK_RADIUS_M, cameras });
  });

  router.get('/api/incidents/:id/cameras', access(...READERS), async (req, res) => {
    const id = validateRequestPart(IncidentId, req.params.id, 'invalid_incident_id');
    const q = validateRequestPart(IncidentCamerasQuery, req.query, 'invalid_query');
    const db = scopedDb(req);
    const [at] = await db.query<{ lon: number; lat: number; source: string; device_code: string | null; snapshot_id: number | null }>(readIncidentPoint, [id]);
    if (!at) throw notFound('incident_not_found', `No incident ${id} in your jurisdiction`);
    const cameras = await findCoveringCameras(db, Number(at.lon), Number(at.lat), q.limit);
    // A video-AI alarm: the camera that raised it and the frame it saw.
    const alarm =
      at.source === 'video_ai' && at.device_code
        ? { cameraCode: at.device_code, snapshotUrl: at.snapshot_id === null ? null : `/api/incidents/${id}/photos/${Number(at.snapshot_id)}` }
        : null;
    res.json({ incidentId: id, wgs84: { lon: Number(at.lon), lat: Number(at.lat) }, fallbackRadiusM: FALLBACK_RADIUS_M, alarm, cameras });
  });

  return router;
}
