/**
 * An incident's photos as rows: a file already stored under UPLOAD_DIR (photo-storage.ts) recorded against its
 * incident — by a patrol, a citizen's report (Open311) or a video-AI detection's snapshot.
 */
import type { Queryable } from '../db/database.js';
import { insertTimelineEntry, readIncident } from '../incidents/incidents.sql.js';
import { insertIncidentPhoto } from './incident-photos.sql.js';
import type { StoredPhoto } from './photo-storage.js';

export type PhotoPurpose = 'patrol' | 'attachment' | 'video_ai_snapshot';

/** The photo's row alone (no timeline entry). */
export async function insertPhotoRow(
  tx: Queryable,
  incidentId: number,
  stored: StoredPhoto,
  who: { accountId: number | null; workerCode: string | null },
  purpose: PhotoPurpose,
  now: Date,
): Promise<PhotoRow> {
  const [photo] = await tx.query<PhotoRow>(insertIncidentPhoto, [
    incidentId,
    stored.storagePath,
    stored.mime,
    stored.sizeBytes,
    stored.sha256,
    now,
    who.accountId,
    who.workerCode,
    purpose,
  ]);
  return photo!;
}

export type PhotoRow = {
  id: number;
  incident_id: number;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_at: Date;
  worker_code: string | null;
  purpose: string;
};

/**
 * Records a stored file as a photo of an incident and says so on its timeline ('photo', the state unchanged).
 * RLS (incident_photos_scoped) refuses a photo of an incident that is not the caller's.
 */
export async function recordPhoto(
  tx: Queryable,
  incidentId: number,
  stored: StoredPhoto,
  who: { accountId: number | null; role: string; workerCode: string | null },
  purpose: PhotoPurpose,
  now: Date,
  extra: Record<string, unknown> = {},
): Promise<PhotoRow> {
  const photo = await insertPhotoRow(tx, incidentId, stored, who, purpose, now);
  const [incident] = await tx.query<{ state: string }>(readIncident, [incidentId]);
  await tx.query(insertTimelineEntry, [
    incidentId,
    now,
    'photo',
    incident?.state ?? null,
    incident?.state ?? null,
    who.accountId,
    who.role,
    who.workerCode,
    JSON.stringify({ photoId: Number(photo.id), purpose, mimeType: stored.mime, sizeBytes: stored.sizeBytes, sha256: stored.sha256, ...extra }),
  ]);
  return photo;
}
