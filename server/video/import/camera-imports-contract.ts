/**
 * Camera-position quality control (issue 21, item 4) as route contracts (server/contract/api-route.ts): import
 * a file with its declared CRS, read the batch's report, page its flagged cameras, ask where a drop snaps to a
 * road, and accept / move / reject / bulk. Administrators, in their jurisdiction. The client type-imports it.
 */
import { z } from 'zod';
import { apiRoute, timestampSchema } from '../../contract/api-route.js';
import { IMPORT_CRS } from './camera-import-crs.js';
import { QA_FLAGS } from './camera-qa-flags.js';

const ADMIN = ['admin'] as const;
const TAG = 'cameras';
const REVIEW_STATES = ['pending', 'accepted', 'rejected'] as const;
const wholeText = (what: string, digits: number) =>
  z
    .string()
    .regex(new RegExp(`^\\d{1,${digits}}$`), `${what} is a whole number`)
    .transform(Number);
const batchParams = z.strictObject({ id: wholeText('a batch id', 15) });
const rowParams = z.strictObject({ id: wholeText('a batch id', 15), line: wholeText('a line', 9) });
const lonLat = z.strictObject({ lon: z.number(), lat: z.number() });
const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
const heading = z.number().min(0).lt(360);
const flagCounts = z.partialRecord(z.enum(QA_FLAGS), z.number().int());

/** A batch's report: what was staged or refused, the flags, the review's progress, the batch's GCJ-02 verdict. */
export const importBatchSchema = z.strictObject({
  id: z.number().int(),
  fileName: z.string(),
  declaredCrs: z.enum(IMPORT_CRS),
  jurisdictionCode: z.string(),
  createdAt: timestampSchema,
  rowsStaged: z.number().int(),
  rowsRefused: z.number().int(),
  /** Malformed rows, by line. */
  rowErrors: z.array(z.strictObject({ line: z.number().int(), reason: z.string() })),
  cleanRows: z.number().int(),
  flagCounts,
  /** Per flag, the cameras still to review. */
  pendingFlagCounts: flagCounts,
  flaggedByState: z.partialRecord(z.enum(REVIEW_STATES), z.number().int()),
  gcj02: z.strictObject({ likely: z.boolean(), onRoadShareGiven: z.number().nullable(), onRoadShareGcj02: z.number().nullable() }),
});

/** A flagged camera of a batch. */
export const flaggedCameraSchema = z.strictObject({
  line: z.number().int(),
  code: z.string(),
  name: z.string(),
  lon: z.number(),
  lat: z.number(),
  /** The QA's correction for a likely_gcj02 camera: its GCJ-02 reading. */
  suggested: lonLat.nullable(),
  moved: lonLat.nullable(),
  cameraCode: z.string().nullable(),
  /** Metres to the nearest road as given and read as GCJ-02 (12: 12 m or more; null: not measured). */
  roadMetres: z.strictObject({ given: z.number().nullable(), gcj02: z.number().nullable() }),
  headingDeg: z.number().nullable(),
  flags: z.array(z.enum(QA_FLAGS)),
  reviewState: z.enum(REVIEW_STATES),
});

const acceptedCamera = z.strictObject({ line: z.number().int(), code: z.string(), micro_grid_code: z.string().nullable() });
const notFoundRow = { 404: ['import_row_not_found'], 409: ['already_reviewed'] } as const;

export const importCamerasRoute = apiRoute({
  method: 'post',
  path: '/api/cameras/imports',
  summary: 'Import a camera file (text/csv or application/geo+json, ≤ 64 MB) in its declared CRS: staged and checked (audited)',
  tag: TAG,
  access: ADMIN,
  query: z.strictObject({ crs: z.string().optional(), name: z.string().trim().min(1).max(200).default('upload') }),
  consumes: 'text/csv',
  status: 201,
  answer: importBatchSchema,
  errors: { 400: ['invalid_query', 'unknown_crs'], 413: ['body_too_large'], 415: ['unsupported_file_type'], 422: ['invalid_file'] },
});

export const importBatchRoute = apiRoute({
  method: 'get',
  path: '/api/cameras/imports/:id',
  summary: 'A camera import batch’s report',
  tag: TAG,
  access: ADMIN,
  params: batchParams,
  answer: importBatchSchema,
  errors: { 400: ['invalid_batch_id'], 404: ['batch_not_found'] },
});

export const flaggedCamerasRoute = apiRoute({
  method: 'get',
  path: '/api/cameras/imports/:id/flagged',
  summary: 'A batch’s flagged cameras, by flag and review state, keyset-paged by line',
  tag: TAG,
  access: ADMIN,
  params: batchParams,
  query: z.strictObject({
    flag: z.enum(QA_FLAGS).optional(),
    state: z.enum(REVIEW_STATES).optional(),
    after: z
      .string()
      .regex(/^\d{1,9}$/)
      .transform(Number)
      .default(0),
    limit: z
      .string()
      .regex(/^\d{1,4}$/)
      .transform(Number)
      .pipe(z.number().int().min(1).max(1000))
      .default(200),
  }),
  answer: z.strictObject({
    batchId: z.number().int(),
    flag: z.enum(QA_FLAGS).nullable(),
    cameras: z.array(flaggedCameraSchema),
    nextAfter: z.number().int().nullable(),
  }),
  errors: { 400: ['invalid_batch_id', 'invalid_query'], 404: ['batch_not_found'] },
});

export const acceptImportRowRoute = apiRoute({
  method: 'post',
  path: '/api/cameras/imports/:id/rows/:line/accept',
  summary: 'Accept a flagged camera as given (or at its suggested GCJ-02 correction): it joins the live layer (audited)',
  tag: TAG,
  access: ADMIN,
  params: rowParams,
  body: z.strictObject({ headingDeg: heading.optional() }),
  answer: z.strictObject({ accepted: acceptedCamera }),
  errors: { 400: ['invalid_import_row', 'invalid_review'], ...notFoundRow, 422: ['not_acceptable'] },
});

export const moveImportRowRoute = apiRoute({
  method: 'post',
  path: '/api/cameras/imports/:id/rows/:line/move',
  summary: 'Move a flagged camera to where it really stands (snapped to a road if asked), then accept it (audited)',
  tag: TAG,
  access: ADMIN,
  params: rowParams,
  body: z.strictObject({
    lon,
    lat,
    crs: z.enum(IMPORT_CRS).default('wgs84'),
    headingDeg: heading.optional(),
    snapToRoad: z.boolean().default(false),
  }),
  answer: z.strictObject({
    accepted: acceptedCamera,
    wgs84: lonLat,
    road: z.strictObject({ lon: z.number(), lat: z.number(), distanceM: z.number(), roadClass: z.string() }).nullable(),
  }),
  errors: { 400: ['invalid_import_row', 'invalid_review'], ...notFoundRow, 422: ['not_acceptable', 'no_road_nearby'] },
});

export const snapImportRowRoute = apiRoute({
  method: 'get',
  path: '/api/cameras/imports/:id/rows/:line/snap',
  summary: 'Where a camera dropped at a point would snap to the nearest road (within 50 m), before the move',
  tag: TAG,
  access: ADMIN,
  params: rowParams,
  query: z.strictObject({ lon: z.coerce.number().pipe(lon), lat: z.coerce.number().pipe(lat), crs: z.enum(IMPORT_CRS).default('wgs84') }),
  answer: z.strictObject({ dropped: lonLat, snapped: lonLat, distanceM: z.number(), roadClass: z.string(), maxM: z.number() }),
  errors: { 400: ['invalid_import_row', 'invalid_query'], 404: ['import_row_not_found'], 422: ['no_road_nearby'] },
});

export const rejectImportRowRoute = apiRoute({
  method: 'post',
  path: '/api/cameras/imports/:id/rows/:line/reject',
  summary: 'Reject a flagged camera: it stays out of the live layer (audited)',
  tag: TAG,
  access: ADMIN,
  params: rowParams,
  body: z.strictObject({}),
  answer: z.strictObject({ rejected: z.strictObject({ line: z.number().int() }) }),
  errors: { 400: ['invalid_import_row', 'invalid_review'], ...notFoundRow },
});

export const bulkReviewRoute = apiRoute({
  method: 'post',
  path: '/api/cameras/imports/:id/bulk',
  summary: 'Accept or reject every pending camera with a flag, or the pending ones among chosen lines (≤ 1,000; audited)',
  tag: TAG,
  access: ADMIN,
  params: batchParams,
  body: z.union([
    z.strictObject({ action: z.enum(['accept', 'reject']), flag: z.enum(QA_FLAGS) }),
    z.strictObject({ action: z.enum(['accept', 'reject']), lines: z.array(z.number().int().min(1).max(999_999_999)).min(1).max(1000) }),
  ]),
  answer: z.strictObject({
    batchId: z.number().int(),
    action: z.enum(['accept', 'reject']),
    flag: z.enum(QA_FLAGS).nullable(),
    rows: z.number().int(),
    lines: z.array(z.number().int()),
  }),
  errors: { 400: ['invalid_batch_id', 'invalid_review'] },
});

export const CAMERA_IMPORTS_ROUTES = [
  importCamerasRoute,
  importBatchRoute,
  flaggedCamerasRoute,
  acceptImportRowRoute,
  moveImportRowRoute,
  snapImportRowRoute,
  rejectImportRowRoute,
  bulkReviewRoute,
];
