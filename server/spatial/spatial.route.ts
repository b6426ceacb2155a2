/** POST /api/spatial/summary: what lies in a drawn area (micro-grids, households, workers, cameras, sensors). */
import { Router } from 'express';
import { scopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import { AppError } from '../errors/app-error.js';
import { validatePolygonGeometry } from '../geometry/validate-geometry.js';
import { validateRequestPart } from '../http/validate-request.js';
import { summariseArea } from './spatial.sql.js';
import { whatsHereRouter, type WhatsHereRouterDeps } from './whats-here.route.js';
import { areaSummaryRoute } from './spatial-contract.js';

export function spatialRouter(deps: WhatsHereRouterDeps): Router {
  const router = Router();
  router.use(whatsHereRouter(deps));
  router.post(areaSummaryRoute.path, contractAccess(areaSummaryRoute), async (req, res) => {
    const body = validateRequestPart(areaSummaryRoute.body, req.body, 'invalid_body');
    const checked = validatePolygonGeometry(body.geometry);
    if (!checked.valid) throw new AppError(400, 'invalid_geometry', checked.detail, { reason: checked.reason });
    const text = JSON.stringify(checked.geometry);
    const db = scopedDb(req);
    const [summary] = await db.query<Record<string, number> & { valid: boolean; reason: string | null }>(summariseArea, [text]);
    if (!summary.valid) throw new AppError(400, 'invalid_geometry', `PostGIS: ${summary.reason}`, { reason: 'invalid_topology' });
    res.json({
      areaM2: Math.round(summary.area_m2),
      microGrids: summary.micro_grids,
      households: summary.households,
      workers: summary.workers,
      workersOnDuty: summary.workers_on_duty,
      cameras: summary.cameras,
      sensors: summary.sensors,
      vertices: checked.vertices,
    });
  });
  return router;
}
