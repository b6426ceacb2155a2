/**
 * Camera-position quality control routes (issue 21, item 4), for administrators, in their jurisdiction:
 *   POST /api/cameras/imports?crs=wgs84|gcj02|bd09|cgcs2000[&name=] — body text/csv or application/geo+json
 *        (≤ 64 MB): parse (malformed rows reported by line, the rest staged), QA in SQL; 201 the batch summary.
 *   GET  /api/cameras/imports/:id — the summary (flag counts, row errors, the batch's GCJ-02 verdict).
 *   GET  /api/cameras/imports/:id/flagged[?flag=&state=&after=&limit=] — flagged cameras (state: pending |
 *        accepted | rejected), keyset-paged by line; `suggested` is the GCJ-02 reading of a likely_gcj02 camera.
 * See camera-import-service.ts for the flags, camera-imports-contract.ts for the answers.
 */
import express, { Router } from 'express';
import { auditedChange } from '../../audit/record-audit.js';
import { authOf, scopedDb } from '../../auth/request-context.js';
import { contractAccess } from '../../auth/route-access.js';
import type { Clock } from '../../clock/clock.js';
import { AppError, badRequest, notFound } from '../../errors/app-error.js';
import { validateRequestPart } from '../../http/validate-request.js';
import { CsvHeaderError } from './camera-import-csv.js';
import { flaggedCamerasRoute, importBatchRoute, importCamerasRoute } from './camera-imports-contract.js';
import { IMPORT_CRS } from './camera-import-crs.js';
import { GeoJsonFileError } from './camera-import-geojson.js';
import { importCameraBatch, readBatch, type ImportFormat } from './camera-import-service.js';
import { listFlaggedRows } from './camera-import.sql.js';

export const IMPORT_BODY_LIMIT = '64mb';

export interface CameraImportsRouterDeps {
  clock: Clock;
  config: { videoGatewayUrl: string | null };
}

const CONTENT_TYPES: Record<string, ImportFormat> = { 'text/csv': 'csv', 'application/geo+json': 'geojson' };

export function cameraImportsRouter(deps: CameraImportsRouterDeps): Router {
  const router = Router();
  const body = express.text({ type: Object.keys(CONTENT_TYPES), limit: IMPORT_BODY_LIMIT });

  router.post(importCamerasRoute.path, contractAccess(importCamerasRoute), body, async (req, res) => {
    const q = validateRequestPart(importCamerasRoute.query, req.query, 'invalid_query');
    const crs = IMPORT_CRS.find((c) => c === (q.crs ?? '').toLowerCase());
    if (!crs) throw badRequest('unknown_crs', `Declare the file's coordinate system: crs=${IMPORT_CRS.join('|')}`);
    const format = CONTENT_TYPES[(req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''];
    if (!format || typeof req.body !== 'string') {
      throw new AppError(415, 'unsupported_file_type', 'Send the file as text/csv or application/geo+json');
    }
    const text = req.body;
    const auth = authOf(req);
    const summary = await auditedChange(req, { action: 'camera_import.create', entityType: 'camera_import_batch' }, async (tx) => {
      let id: number;
      try {
        id = await importCameraBatch(tx, {
          fileName: q.name,
          format,
          crs,
          text,
          jurisdiction: auth.jurisdiction,
          accountId: auth.accountId,
          now: deps.clock.now(),
          gatewayTemplate: deps.config.videoGatewayUrl,
        });
      } catch (error) {
        if (error instanceof CsvHeaderError || error instanceof GeoJsonFileError) throw new AppError(422, 'invalid_file', error.message);
        throw error;
      }
      const batch = await readBatch(tx, id);
      if (!batch) throw new Error('the new batch is not visible to its importer');
      return {
        entityId: String(id),
        jurisdictionCode: auth.jurisdiction === 'city' ? null : auth.jurisdiction,
        after: { fileName: batch.fileName, crs, rowsStaged: batch.rowsStaged, rowsRefused: batch.rowsRefused, flagCounts: batch.flagCounts },
        result: batch,
      };
    });
    res.status(201).json(summary);
  });

  router.get(importBatchRoute.path, contractAccess(importBatchRoute), async (req, res) => {
    const { id } = validateRequestPart(importBatchRoute.params, req.params, 'invalid_batch_id');
    const batch = await readBatch(scopedDb(req), id);
    if (!batch) throw notFound('batch_not_found', `No camera import batch ${id} in your jurisdiction`);
    res.json(batch);
  });

  router.get(flaggedCamerasRoute.path, contractAccess(flaggedCamerasRoute), async (req, res) => {
    const { id } = validateRequestPart(flaggedCamerasRoute.params, req.params, 'invalid_batch_id');
    const q = validateRequestPart(flaggedCamerasRoute.query, req.query, 'invalid_query');
    const db = scopedDb(req);
    const batch = await readBatch(db, id);
    if (!batch) throw notFound('batch_not_found', `No camera import batch ${id} in your jurisdiction`);
    const rows = await db.query<Record<string, unknown>>(listFlaggedRows, [id, q.flag ?? null, q.after, q.limit, q.state ?? null]);
    const cameras = rows.map((r) => ({
      line: Number(r.line),
      code: r.code,
      name: r.name,
      lon: Number(r.lon),
      lat: Number(r.lat),
      // The QA's suggested correction: the GCJ-02 reading, for a camera it judged likely_gcj02.
      suggested: r.gcj_lon === null || !(r.flags as string[]).includes('likely_gcj02') ? null : { lon: Number(r.gcj_lon), lat: Number(r.gcj_lat) },
      moved: r.moved_lon === null ? null : { lon: Number(r.moved_lon), lat: Number(r.moved_lat) },
      cameraCode: r.camera_code ?? null,
      // Metres to the nearest road as given and read as GCJ-02 (12: 12 m or more; null: not measured).
      roadMetres: { given: r.road_m_given === null ? null : Number(r.road_m_given), gcj02: r.road_m_gcj02 === null ? null : Number(r.road_m_gcj02) },
      headingDeg: r.heading_deg === null ? null : Number(r.heading_deg),
      flags: r.flags,
      reviewState: r.review_state,
    }));
    const last = cameras.at(-1);
    res.json({ batchId: id, flag: q.flag ?? null, cameras, nextAfter: cameras.length === q.limit && last ? last.line : null });
  });

  return router;
}
