/**
 * Covering cameras: GET /api/cameras/covering?lon=&lat=[&crs=&limit=] for any point, and
 * GET /api/incidents/:id/cameras[?limit=] for an incident (top four by default; for a video-AI alarm also
 * `alarm: {cameraCode, snapshotUrl}`, the camera that raised it and its snapshot). Both in the caller's
 * jurisdiction (RLS on cameras and incidents). See camera-coverage.ts for the order.
 */
import { Router } from 'express';
import { scopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import { notFound } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { toWgs84 } from '../units/locate-point.js';
import { FALLBACK_RADIUS_M, findCoveringCameras } from './camera-coverage.js';
import { coveringCamerasRoute, incidentCamerasRoute } from './cameras-contract.js';
import { readIncidentPoint } from './camera-coverage.sql.js';

/** This router needs nothing but the request's own scoped database. */
export type CamerasRouterDeps = object;

export function camerasRouter(_deps: CamerasRouterDeps): Router {
  const router = Router();

  router.get(coveringCamerasRoute.path, contractAccess(coveringCamerasRoute), async (req, res) => {
    const q = validateRequestPart(coveringCamerasRoute.query, req.query, 'invalid_coordinates');
    const point = toWgs84(q.lon, q.lat, q.crs);
    const cameras = await findCoveringCameras(scopedDb(req), point.lon, point.lat, q.limit);
    res.json({ wgs84: point, fallbackRadiusM: FALLBACK_RADIUS_M, cameras });
  });

  router.get(incidentCamerasRoute.path, contractAccess(incidentCamerasRoute), async (req, res) => {
    const { id } = validateRequestPart(incidentCamerasRoute.params, req.params, 'invalid_incident_id');
    const q = validateRequestPart(incidentCamerasRoute.query, req.query, 'invalid_query');
    const db = scopedDb(req);
    const [at] = await db.query<{ lon: number; lat: number; source: string; device_code: string | null; snapshot_id: number | null }>(
      readIncidentPoint,
      [id],
    );
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
