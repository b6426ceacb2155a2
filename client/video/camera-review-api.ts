/**
 * The camera-position review's calls to the server (server/video/import/camera-imports.route.ts and
 * camera-review.route.ts): import a file with its declared CRS, read the batch's report, page its flagged
 * cameras, ask where a drop snaps to a road, and accept / move / reject / bulk. Types are inferred from the
 * routes' contract (server/video/import/camera-imports-contract.ts).
 */
import { apiGet, apiPost, apiPostText, query } from '../api/api-client.js';
import type { z } from 'zod';
import type { AnswerOf } from '../../server/contract/api-route.js';
import type {
  acceptImportRowRoute,
  bulkReviewRoute,
  flaggedCameraSchema,
  flaggedCamerasRoute,
  importBatchRoute,
  moveImportRowRoute,
  rejectImportRowRoute,
  snapImportRowRoute,
} from '../../server/video/import/camera-imports-contract.js';
import type { QaFlag } from '../../server/video/import/camera-qa-flags.js';
import type { ImportCrs } from '../../server/video/import/camera-import-crs.js';

export { QA_FLAGS, type QaFlag } from '../../server/video/import/camera-qa-flags.js';
export { IMPORT_CRS, type ImportCrs } from '../../server/video/import/camera-import-crs.js';

export type ReviewState = FlaggedCamera['reviewState'];
export interface LonLat {
  lon: number;
  lat: number;
}
export type ImportBatch = AnswerOf<typeof importBatchRoute>;
export type FlaggedCamera = z.output<typeof flaggedCameraSchema>;
export type SnapAnswer = AnswerOf<typeof snapImportRowRoute>;

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
    apiGet<AnswerOf<typeof flaggedCamerasRoute>>(
      `${base(id)}/flagged?${query({ flag: options.flag, state: options.state, limit: options.limit ?? 200 })}`,
    ),
  snap: (id: number, line: number, at: LonLat) => apiGet<SnapAnswer>(`${base(id)}/rows/${line}/snap?${query({ lon: at.lon, lat: at.lat })}`),
  accept: (id: number, line: number, headingDeg?: number) =>
    apiPost<AnswerOf<typeof acceptImportRowRoute>>(`${base(id)}/rows/${line}/accept`, headingDeg === undefined ? {} : { headingDeg }),
  move: (id: number, line: number, at: LonLat, snapToRoad: boolean) =>
    apiPost<AnswerOf<typeof moveImportRowRoute>>(`${base(id)}/rows/${line}/move`, { lon: at.lon, lat: at.lat, snapToRoad }),
  reject: (id: number, line: number) => apiPost<AnswerOf<typeof rejectImportRowRoute>>(`${base(id)}/rows/${line}/reject`, {}),
  bulk: (id: number, action: 'accept' | 'reject', target: { flag: QaFlag } | { lines: number[] }) =>
    apiPost<AnswerOf<typeof bulkReviewRoute>>(`${base(id)}/bulk`, { action, ...target }),
};
