/** SQL of incident photos (migration 0007): rows that say where each file lies under UPLOAD_DIR. */
import { defineSql } from '../db/database.js';

/**
 * A photo of incident $1: $2 storage path (relative to UPLOAD_DIR), $3 MIME type, $4 size, $5 SHA-256 (hex),
 * $6 uploaded at, $7 account, $8 worker code or NULL, $9 purpose ('patrol' | 'attachment'). Result: the photo.
 * Refused by RLS (incident_photos_scoped) when the incident is not the caller's.
 */
export const insertIncidentPhoto = defineSql(
  'photos.insert',
  `INSERT INTO incident_photos (incident_id, storage_path, mime_type, size_bytes, sha256, uploaded_at, uploaded_by_account_id, worker_code, purpose)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
   RETURNING id, incident_id, mime_type, size_bytes, sha256, uploaded_at, worker_code, purpose`,
);

/** $1 incident: its photos, oldest first (no storage path: clients fetch them by id). Uses incident_photos_incident_idx. */
export const listIncidentPhotos = defineSql(
  'photos.list',
  `SELECT id, mime_type, size_bytes, sha256, uploaded_at, worker_code, purpose FROM incident_photos WHERE incident_id = $1 ORDER BY id`,
);

/** $1 incident, $2 photo: where the file lies and what it is. Empty when the caller may not see the incident (RLS). */
export const readIncidentPhoto = defineSql(
  'photos.read',
  `SELECT id, storage_path, mime_type, size_bytes, sha256 FROM incident_photos WHERE incident_id = $1 AND id = $2`,
);

/** $1 worker code: the last position the worker reported. Uses workers_code_key. */
export const readWorkerPosition = defineSql(
  'photos.read_worker_position',
  `SELECT ST_X(last_position) AS lon, ST_Y(last_position) AS lat, last_position_at FROM workers WHERE code = $1`,
);
