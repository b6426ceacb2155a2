/**
 * The camera-position review's calls to the server (server/video/import/camera-imports.route.ts and
 * camera-review.route.ts): import a file with its declared CRS, read the batch's report, page its flagged
 * cameras, ask where a drop snaps to a road, and accept / move / reject / bulk. Types follow the routes' answers.
 */
import { apiGet, apiPost, apiPostText, query } from '../api/api-client.js';
import type { QaFlag } from '../../server/video/import/camera-qa-flags.js';
import type { ImportCrs } from '../../server/video/import/camera-import-crs.js';

export { QA_FLAGS, type QaFlag } from '../../server/video/import/camera-qa-flags.js';
export { IMPORT_CRS, type ImportCrs } from '../../server/video/import/camera-import-crs.js';

export type ReviewState = 'pending' | 'accepted' | 'rejected';
export interface LonLat {
  lon: number;
  lat: number;
}

export interface ImportBatch {
  id: number;
  fileName: string;
  declaredCrs: ImportCrs;
  rowsStaged: number;
  rowsRefused: number;
  rowErrors: { line: number; reason: string }[];
  cleanRows: number;
  flagCounts: Partial<Record<QaFlag, number>>;
  pendingFlagCounts: Partial<Record<QaFlag, number>>;
  flaggedByState: Partial<Record<ReviewState, number>>;
  gcj02: { likely: boolean; onRoadShareGiven: number | null; onRoadShareGcj02: number | null };
}

export interface FlaggedCamera {
  line: number;
  code: string;
  name: string;
  lon: number;
  lat: number;
  /** The QA's correction for a likely_gcj02 camera: its GCJ-02 reading. */
  suggested: LonLat | null;
  moved: LonLat | null;
  headingDeg: number | null;
  flags: QaFlag[];
  reviewState: ReviewState;
  cameraCode: string | null;
  roadMetres: { given: number | null; gcj02: number | null };
}

export interface SnapAnswer {
  dropped: LonLat;
  snapped: LonLat;
  distanceM: number;
  roadClass: string;
  maxM: number;
}

/** The file's content type from its name: .csv is CSV, .geojson / .json GeoJSON; null otherwise. */
export function importContentType(fileName: string): string | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv')) return 'text/csv';
  if (lower.endsWith('.geojson') || lower.endsWith('.json')) return 'application/geo+json';
  return null;
}

const base = (id: number) => `/api/cameras/imports/${id}`;

export const cameraReviewApi = {
  importFile: (fileName: string, text: string, crs: ImportCrs, contentType: string) =>
    apiPostText<ImportBatch>(`/api/cameras/imports?${query({ crs, name: fileName })}`, text, contentType),
  batch: (id: number) => apiGet<ImportBatch>(base(id)),
  flagged: (id: number, options: { flag: QaFlag | null; state: ReviewState | null; limit?: number }) =>
    apiGet<{ cameras: FlaggedCamera[]; nextAfter: number | null }>(
      `${base(id)}/flagged?${query({ flag: options.flag, state: options.state, limit: options.limit ?? 200 })}`,
    ),
  snap: (id: number, line: number, at: LonLat) => apiGet<SnapAnswer>(`${base(id)}/rows/${line}/snap?${query({ lon: at.lon, lat: at.lat })}`),
  accept: (id: number, line: number, headingDeg?: number) =>
    apiPost<{ accepted: { code: string } }>(`${base(id)}/rows/${line}/accept`, headingDeg === undefined ? {} : { headingDeg }),
  move: (id: number, line: number, at: LonLat, snapToRoad: boolean) =>
    apiPost<{ accepted: { code: string }; wgs84: LonLat }>(`${base(id)}/rows/${line}/move`, { lon: at.lon, lat: at.lat, snapToRoad }),
  reject: (id: number, line: number) => apiPost<{ rejected: { line: number } }>(`${base(id)}/rows/${line}/reject`, {}),
  bulk: (id: number, action: 'accept' | 'reject', target: { flag: QaFlag } | { lines: number[] }) =>
    apiPost<{ rows: number; lines: number[] }>(`${base(id)}/bulk`, { action, ...target }),
};
