/**
 * Patrol reports with a photo (field workers), photos attached to an existing incident, and photos served
 * back only to callers who can see the incident (row-level security; anyone else gets 404). Uploads are
 * multipart/form-data, checked for size (413) and real type (415) before anything is written; the file goes
 * under UPLOAD_DIR first, its row after, and the file is removed again if the transaction fails.
 */
import fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import type { AppConfig } from '../config/load-config.js';
import type { Clock } from '../clock/clock.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { Logger } from 'pino';
import { auditedChange } from '../audit/record-audit.js';
import { authOf, scopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import { AppError, notFound } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { intakeIncident } from '../incidents/incident-intake.js';
import { incidentChanged, publishAll } from '../incidents/incident-publishing.js';
import { readIncident } from '../incidents/incidents.sql.js';
import { readIncidentPhoto, readWorkerPosition } from './incident-photos.sql.js';
import { recordPhoto, type PhotoRow } from './incident-photos.js';
import { checkPhoto, photoFilePath, photoUpload, withStoredPhoto } from './photo-storage.js';
import { attachPhotoRoute, patrolReportRoute, readPhotoRoute } from './patrol-contract.js';

const photoBody = (incidentId: number, p: PhotoRow) => ({ ...p, url: `/api/incidents/${incidentId}/photos/${p.id}` });

/** What the router uses of the application's dependencies. */
export interface PatrolRouterDeps {
  clock: Clock;
  config: Pick<AppConfig, 'photoMaxBytes' | 'uploadDir'>;
  events: DomainEvents;
  logger: Logger;
}

export function patrolRouter({ clock, config, events, logger }: PatrolRouterDeps): Router {
  const router = Router();
  const upload = photoUpload(config.photoMaxBytes);

  router.post(patrolReportRoute.path, contractAccess(patrolReportRoute), upload, async (req, res) => {
    const auth = authOf(req);
    if (!auth.workerCode) throw new AppError(403, 'not_a_worker', 'This account does not act as a field worker');
    const fields = validateRequestPart(patrolReportRoute.body, req.body ?? {}, 'invalid_patrol_report');
    const photo = await checkPhoto(req.file);
    const now = clock.now();
    const result = await withStoredPhoto(config.uploadDir, photo, now, (stored) =>
      auditedChange(req, { action: 'incident.create', entityType: 'incident' }, async (tx) => {
        let position: { lon: number; lat: number; crs: 'wgs84' | 'gcj02' | 'bd09'; from: string; at?: Date | null };
        if (fields.lon !== undefined && fields.lat !== undefined) {
          position = { lon: fields.lon, lat: fields.lat, crs: fields.crs, from: 'given' };
        } else {
          const [last] = await tx.query<{ lon: number | null; lat: number | null; last_position_at: Date | null }>(readWorkerPosition, [
            auth.workerCode,
          ]);
          if (!last || last.lon === null || last.lat === null) {
            throw new AppError(422, 'position_unknown', 'Your position is not known: give lon and lat');
          }
          position = { lon: last.lon, lat: last.lat, crs: 'wgs84', from: 'worker_last_position', at: last.last_position_at };
        }
        const intake = await intakeIncident(
          tx,
          {
            source: 'patrol',
            category: fields.category,
            description: fields.description,
            address: fields.address ?? null,
            lon: position.lon,
            lat: position.lat,
            crs: position.crs,
            externalId: auth.workerCode,
          },
          { accountId: auth.accountId, role: auth.role },
          now,
        );
        const saved = await recordPhoto(
          tx,
          intake.incident.id,
          stored,
          { accountId: auth.accountId, role: auth.role, workerCode: auth.workerCode },
          'patrol',
          now,
          {
            position: position.from,
            positionAt: position.at ?? null,
          },
        );
        return {
          entityId: String(intake.incident.id),
          jurisdictionCode: intake.location.microGrid.code,
          after: {
            number: intake.incident.number,
            category: fields.category,
            grade: intake.incident.grade,
            source: 'patrol',
            microGrid: intake.location.microGrid.code,
            photoId: Number(saved.id),
            sha256: stored.sha256,
            position: position.from,
          },
          result: { ...intake, photo: photoBody(intake.incident.id, saved), position: { from: position.from, at: position.at ?? null } },
        };
      }),
    );
    publishAll(events, [incidentChanged(result.incident.id, result.location.microGrid.code, 'reported')]);
    res.status(201).json(result);
  });

  router.post(attachPhotoRoute.path, contractAccess(attachPhotoRoute), upload, async (req, res) => {
    const { id } = validateRequestPart(attachPhotoRoute.params, req.params, 'invalid_incident_id');
    const fields = validateRequestPart(attachPhotoRoute.body, req.body ?? {}, 'invalid_photo');
    const photo = await checkPhoto(req.file);
    const auth = authOf(req);
    const now = clock.now();
    const result = await withStoredPhoto(config.uploadDir, photo, now, (stored) =>
      auditedChange(req, { action: 'incident.photo_attach', entityType: 'incident', entityId: String(id) }, async (tx) => {
        const [incident] = await tx.query<{ micro_grid_code: string }>(readIncident, [id]);
        if (!incident) throw notFound('incident_not_found', `No incident ${id} in your jurisdiction`);
        const saved = await recordPhoto(
          tx,
          id,
          stored,
          { accountId: auth.accountId, role: auth.role, workerCode: auth.workerCode },
          'attachment',
          now,
          fields.note ? { note: fields.note } : {},
        );
        return {
          entityId: String(id),
          jurisdictionCode: incident.micro_grid_code,
          after: { photoId: Number(saved.id), sha256: stored.sha256, mimeType: stored.mime, sizeBytes: stored.sizeBytes },
          result: { photo: photoBody(id, saved), microGridCode: incident.micro_grid_code },
        };
      }),
    );
    publishAll(events, [incidentChanged(id, result.microGridCode, 'photo')]);
    res.status(201).json({ photo: result.photo });
  });

  router.get(readPhotoRoute.path, contractAccess(readPhotoRoute), async (req, res) => {
    const { id, photoId } = validateRequestPart(readPhotoRoute.params, req.params, 'invalid_photo_id');
    const [photo] = await scopedDb(req).query<{ storage_path: string; mime_type: string; sha256: string }>(readIncidentPhoto, [id, photoId]);
    if (!photo) throw notFound('photo_not_found', `No photo ${photoId} of incident ${id} in your jurisdiction`);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(photoFilePath(config.uploadDir, photo.storage_path), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        // A row without its file: someone removed it from UPLOAD_DIR. Say so in the log, not to the caller.
        logger.error({ incidentId: id, photoId }, 'photo file missing from the upload directory');
        throw new AppError(404, 'photo_file_missing', `The file of photo ${photoId} is missing`);
      }
      throw error;
    }
    try {
      const { size } = await handle.stat();
      res.setHeader('Content-Type', photo.mime_type);
      res.setHeader('Content-Length', String(size));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Disposition', 'inline');
      res.setHeader('Cache-Control', 'private, max-age=3600');
      res.setHeader('ETag', `"${photo.sha256}"`);
      await pipeline(handle.createReadStream(), res);
    } finally {
      // The stream closes the file when it ends; this covers a failure before that.
      await handle.close().catch(() => {});
    }
  });

  return router;
}
