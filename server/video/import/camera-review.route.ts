/**
 * Review of a camera import batch (issue 21, item 4), administrators in their jurisdiction, every action audited:
 *   POST /api/cameras/imports/:id/rows/:line/accept {headingDeg?}      — the camera joins the live layer
 *   GET  /api/cameras/imports/:id/rows/:line/snap?lon=&lat=[&crs=]       — the nearest road point within SNAP_MAX_M
 *   POST /api/cameras/imports/:id/rows/:line/move {lon, lat, crs?, headingDeg?, snapToRoad?} — moved there (snapped
 *        again on the server when snapToRoad), then accepted
 *   POST /api/cameras/imports/:id/rows/:line/reject {}
 *   POST /api/cameras/imports/:id/bulk {action: accept|reject, flag | lines} — every pending row with the flag, or
 *        the pending rows among the selected lines (≤ 1,000)
 * Accepting upserts into cameras by code (camera-review.sql.ts): position = moved, else the GCJ-02 reading of a
 * likely_gcj02 camera, else as given; its field of view is generated there (migration 0017). A row that cannot
 * join (no valid heading, outside the city or the jurisdiction) is refused (one) or left pending (bulk).
 */
import { Router } from 'express';
import { auditedChange } from '../../audit/record-audit.js';
import { authOf, scopedDb } from '../../auth/request-context.js';
import { contractAccess } from '../../auth/route-access.js';
import type { Clock } from '../../clock/clock.js';
import type { Database, Queryable } from '../../db/database.js';
import { AppError, notFound } from '../../errors/app-error.js';
import { validateRequestPart } from '../../http/validate-request.js';
import { bumpLayerVersion } from '../../tiles/tile-cache.js';
import { importToWgs84 } from './camera-import-crs.js';
import { acceptImportRowRoute, bulkReviewRoute, moveImportRowRoute, rejectImportRowRoute, snapImportRowRoute } from './camera-imports-contract.js';
import { acceptRows, moveRow, readRow, rejectRows, snapToRoad } from './camera-review.sql.js';

/**
 * How far a dragged camera snaps to a road, metres: the QA's far_from_road threshold (a camera farther than this
 * from every road is flagged, so a snapped camera is never far from road).
 */
export const SNAP_MAX_M = 50;

export interface CameraReviewRouterDeps {
  clock: Clock;
  /** Its tile cache: an accepted or moved camera is drawn at once by this instance (others within REVISION_REFRESH_MS). */
  db: Database;
}

async function pendingRow(tx: Queryable, id: number, line: number) {
  const [row] = await tx.query<{ review_state: string; flags: string[] }>(readRow, [id, line]);
  if (!row) throw notFound('import_row_not_found', `No camera on line ${line} of batch ${id} in your jurisdiction`);
  if (row.review_state !== 'pending') throw new AppError(409, 'already_reviewed', `Line ${line} is already ${row.review_state}`);
  return row;
}

function noRoadNearby(): AppError {
  return new AppError(422, 'no_road_nearby', `No road within ${SNAP_MAX_M} m of that point`);
}

/** The nearest road point within SNAP_MAX_M of a WGS84 point, or null. */
async function snapped(tx: Queryable, at: { lon: number; lat: number }) {
  const [s] = await tx.query<{ lon: number; lat: number; distance_m: number; road_class: string }>(snapToRoad, [at.lon, at.lat, SNAP_MAX_M]);
  return s ? { lon: Number(s.lon), lat: Number(s.lat), distanceM: Number(s.distance_m), roadClass: s.road_class } : null;
}

function notAcceptable(): AppError {
  return new AppError(422, 'not_acceptable', 'The camera needs a heading in [0, 360) and a position inside your jurisdiction');
}

export function cameraReviewRouter(deps: CameraReviewRouterDeps): Router {
  const router = Router();
  const jurisdictionOf = (req: Parameters<typeof authOf>[0]) => {
    const j = authOf(req).jurisdiction;
    return j === 'city' ? null : j;
  };

  router.post(acceptImportRowRoute.path, contractAccess(acceptImportRowRoute), async (req, res) => {
    const p = validateRequestPart(acceptImportRowRoute.params, req.params, 'invalid_import_row');
    const body = validateRequestPart(acceptImportRowRoute.body, req.body ?? {}, 'invalid_review');
    const result = await auditedChange(
      req,
      { action: 'camera_import.accept', entityType: 'camera_import_row', entityId: `${p.id}:${p.line}` },
      async (tx) => {
        const before = await pendingRow(tx, p.id, p.line);
        const accepted = await tx.query<{ line: number; code: string }>(acceptRows, [
          p.id,
          [p.line],
          null,
          body.headingDeg ?? null,
          deps.clock.now(),
        ]);
        if (accepted.length === 0) throw notAcceptable();
        return {
          entityId: `${p.id}:${p.line}`,
          jurisdictionCode: jurisdictionOf(req),
          before: { flags: before.flags },
          after: { cameraCode: accepted[0]?.code },
          result: accepted[0],
        };
      },
    );
    bumpLayerVersion(deps.db, 'cameras');
    res.json({ accepted: result });
  });

  router.post(moveImportRowRoute.path, contractAccess(moveImportRowRoute), async (req, res) => {
    const p = validateRequestPart(moveImportRowRoute.params, req.params, 'invalid_import_row');
    const body = validateRequestPart(moveImportRowRoute.body, req.body ?? {}, 'invalid_review');
    const dropped = importToWgs84(body.lon, body.lat, body.crs);
    const result = await auditedChange(
      req,
      { action: 'camera_import.move', entityType: 'camera_import_row', entityId: `${p.id}:${p.line}` },
      async (tx) => {
        const before = await pendingRow(tx, p.id, p.line);
        const road = body.snapToRoad ? await snapped(tx, dropped) : null;
        if (body.snapToRoad && !road) throw noRoadNearby();
        const at = road ? { lon: road.lon, lat: road.lat } : dropped;
        await tx.query(moveRow, [p.id, p.line, at.lon, at.lat]);
        const accepted = await tx.query<{ line: number; code: string }>(acceptRows, [
          p.id,
          [p.line],
          null,
          body.headingDeg ?? null,
          deps.clock.now(),
        ]);
        if (accepted.length === 0) throw notAcceptable();
        const after = { cameraCode: accepted[0]?.code, wgs84: at, snappedToRoad: road !== null };
        return {
          entityId: `${p.id}:${p.line}`,
          jurisdictionCode: jurisdictionOf(req),
          before: { flags: before.flags },
          after,
          result: { accepted: accepted[0], wgs84: at, road },
        };
      },
    );
    bumpLayerVersion(deps.db, 'cameras');
    res.json(result);
  });

  // A read: where a drop would snap (the client shows it before the move is confirmed). The row must be one the
  // administrator may review (row-level security on the staged rows).
  router.get(snapImportRowRoute.path, contractAccess(snapImportRowRoute), async (req, res) => {
    const p = validateRequestPart(snapImportRowRoute.params, req.params, 'invalid_import_row');
    const q = validateRequestPart(snapImportRowRoute.query, req.query, 'invalid_query');
    const db = scopedDb(req);
    const [row] = await db.query(readRow, [p.id, p.line]);
    if (!row) throw notFound('import_row_not_found', `No camera on line ${p.line} of batch ${p.id} in your jurisdiction`);
    const dropped = importToWgs84(q.lon, q.lat, q.crs);
    const road = await snapped(db, dropped);
    if (!road) throw noRoadNearby();
    res.json({ dropped, snapped: { lon: road.lon, lat: road.lat }, distanceM: road.distanceM, roadClass: road.roadClass, maxM: SNAP_MAX_M });
  });

  router.post(rejectImportRowRoute.path, contractAccess(rejectImportRowRoute), async (req, res) => {
    const p = validateRequestPart(rejectImportRowRoute.params, req.params, 'invalid_import_row');
    validateRequestPart(rejectImportRowRoute.body, req.body ?? {}, 'invalid_review');
    await auditedChange(req, { action: 'camera_import.reject', entityType: 'camera_import_row', entityId: `${p.id}:${p.line}` }, async (tx) => {
      const before = await pendingRow(tx, p.id, p.line);
      await tx.query(rejectRows, [p.id, [p.line], null, deps.clock.now()]);
      return {
        entityId: `${p.id}:${p.line}`,
        jurisdictionCode: jurisdictionOf(req),
        before: { flags: before.flags },
        after: { reviewState: 'rejected' },
        result: null,
      };
    });
    res.json({ rejected: { line: p.line } });
  });

  router.post(bulkReviewRoute.path, contractAccess(bulkReviewRoute), async (req, res) => {
    const { id } = validateRequestPart(bulkReviewRoute.params, req.params, 'invalid_batch_id');
    const body = validateRequestPart(bulkReviewRoute.body, req.body ?? {}, 'invalid_review');
    const count = await auditedChange(
      req,
      { action: `camera_import.bulk_${body.action}`, entityType: 'camera_import_batch', entityId: String(id) },
      async (tx) => {
        const lines = 'lines' in body ? body.lines : null;
        const flag = 'flag' in body ? body.flag : null;
        const statement = body.action === 'accept' ? acceptRows : rejectRows;
        const params = body.action === 'accept' ? [id, lines, flag, null, deps.clock.now()] : [id, lines, flag, deps.clock.now()];
        const rows = await tx.query<{ line: number }>(statement, params);
        const done = rows.map((r) => Number(r.line)).sort((a, b) => a - b);
        return { entityId: String(id), jurisdictionCode: jurisdictionOf(req), after: { flag, lines, rows: done.length }, result: done };
      },
    );
    if (body.action === 'accept') bumpLayerVersion(deps.db, 'cameras');
    res.json({ batchId: id, action: body.action, flag: 'flag' in body ? body.flag : null, rows: count.length, lines: count });
  });

  return router;
}
