/**
 * Patrol reports with a photo, photos attached to a case, and a photo served back (server/contract/api-route.ts).
 * Uploads are multipart/form-data: the text fields are declared as the `form` schema, the file as the `photo`
 * part. No Node-only imports: the client type-imports it.
 */
import { z } from 'zod';
import { apiRoute, decimalText, INPUT_CRS, timestampSchema } from '../contract/api-route.js';
import { READERS } from '../contract/incident-vocabulary.js';
import { createIncidentRoute, incidentParams } from '../incidents/incidents-contract.js';

const photoIdText = z
  .string()
  .regex(/^\d{1,15}$/, 'a photo id is a whole number')
  .transform(Number);

/** A stored photo as the API presents it; `url` serves it to whoever can see the case. */
export const incidentPhotoSchema = z.strictObject({
  id: z.number().int(),
  incident_id: z.number().int(),
  mime_type: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  size_bytes: z.number().int(),
  sha256: z.string(),
  uploaded_at: timestampSchema,
  worker_code: z.string().nullable(),
  purpose: z.enum(['patrol', 'attachment']),
  url: z.string(),
});

/** The text fields of a patrol report's form (they arrive as text); the photo is the `photo` file part. */
export const patrolReportFields = z
  .strictObject({
    category: z.string().regex(/^[a-z_]{2,40}$/),
    description: z.string().trim().min(2).max(2000),
    address: z.string().trim().max(200).optional(),
    lon: decimalText(-180, 180).optional(),
    lat: decimalText(-90, 90).optional(),
    crs: z.enum(INPUT_CRS).default('wgs84'),
  })
  .refine((f) => (f.lon === undefined) === (f.lat === undefined), {
    message: 'give both lon and lat, or neither (then your last reported position is used)',
  });

export const patrolReportRoute = apiRoute({
  method: 'post',
  path: '/api/patrol-reports',
  summary: 'A field worker reports what they found on patrol, with a photo (multipart: the fields and a `photo` file)',
  tag: 'field',
  access: ['field_worker'],
  consumes: 'multipart/form-data',
  body: patrolReportFields,
  status: 201,
  answer: createIncidentRoute.answer.extend({
    photo: incidentPhotoSchema,
    position: z.strictObject({ from: z.enum(['given', 'worker_last_position']), at: timestampSchema.nullable() }),
  }),
  errors: {
    400: ['invalid_patrol_report', 'invalid_upload', 'photo_required', 'unknown_category'],
    403: ['not_a_worker'],
    413: ['photo_too_large'],
    415: ['photo_type_unsupported', 'photo_not_decodable'],
    422: ['position_unknown', 'outside_jurisdiction'],
  },
});

export const attachPhotoRoute = apiRoute({
  method: 'post',
  path: '/api/incidents/:id/photos',
  summary: 'Attach a photo to a case (multipart: an optional `note` and a `photo` file)',
  tag: 'incidents',
  access: ['dispatcher', 'supervisor', 'admin', 'field_worker'],
  params: incidentParams,
  consumes: 'multipart/form-data',
  body: z.strictObject({ note: z.string().trim().max(500).optional() }),
  status: 201,
  answer: z.strictObject({ photo: incidentPhotoSchema }),
  errors: {
    400: ['invalid_incident_id', 'invalid_photo', 'invalid_upload', 'photo_required'],
    404: ['incident_not_found'],
    413: ['photo_too_large'],
    415: ['photo_type_unsupported', 'photo_not_decodable'],
  },
});

export const readPhotoRoute = apiRoute({
  method: 'get',
  path: '/api/incidents/:id/photos/:photoId',
  summary: 'A case’s photo, to whoever can see the case (anyone else: 404)',
  tag: 'incidents',
  access: READERS,
  params: z.strictObject({ id: incidentParams.shape.id, photoId: photoIdText }),
  produces: 'image/*',
  errors: { 400: ['invalid_incident_id', 'invalid_photo_id'], 404: ['photo_not_found', 'photo_file_missing'] },
});

export const PATROL_ROUTES = [patrolReportRoute, attachPhotoRoute, readPhotoRoute];
