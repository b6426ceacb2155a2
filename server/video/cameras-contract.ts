/**
 * The video module's routes (server/contract/api-route.ts): covering cameras of a point or a case, and a
 * camera's live video; and the covering camera's shape that what's-here reuses. No Node-only imports: the
 * client type-imports it.
 */
import { z } from 'zod';
import { apiRoute, pointQuerySchema } from '../contract/api-route.js';
import { READERS } from '../contract/incident-vocabulary.js';
import { incidentParams } from '../incidents/incidents-contract.js';

/** A camera whose field of view covers a point, or a near one that may not see it (server/video/camera-coverage.ts). */
export const coveringCameraSchema = z.strictObject({
  code: z.string(),
  name: z.string(),
  online: z.boolean(),
  ptz: z.boolean(),
  presetHeadings: z.array(z.number()),
  headingDeg: z.number(),
  fovDeg: z.number(),
  rangeM: z.number(),
  lon: z.number(),
  lat: z.number(),
  /** Metres from the camera to the point, on the sphere. */
  distanceM: z.number(),
  /** Bearing from the camera to the point (degrees clockwise from north). */
  bearingDeg: z.number(),
  /** The point lies in the camera's field of view. */
  covers: z.boolean(),
  /** Near, but its field of view does not include the point. */
  mayNotSee: z.boolean(),
  /** A PTZ camera's preset closest to the point's bearing. */
  suggestedPresetDeg: z.number().nullable(),
  generated: z.boolean(),
});
export type CoveringCamera = z.output<typeof coveringCameraSchema>;

const TAG = 'cameras';
const MAX_CAMERAS = 16;
/** How many covering cameras an incident shows by default (camera-coverage.ts). */
export const INCIDENT_CAMERAS = 4;
const limitText = z
  .string()
  .regex(/^\d{1,2}$/, 'must be a whole number')
  .transform(Number)
  .pipe(z.number().int().min(1).max(MAX_CAMERAS));
const cameraParams = z.strictObject({ code: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'a camera code is letters, digits, - and _') });
const wgs84 = z.strictObject({ lon: z.number(), lat: z.number() });
const cameraNotFound = { 400: ['invalid_camera_code'], 404: ['camera_not_found'] } as const;

export const coveringCamerasRoute = apiRoute({
  method: 'get',
  path: '/api/cameras/covering',
  summary: 'The cameras whose field of view covers a point, nearest first, then near ones that may not see it',
  tag: TAG,
  access: READERS,
  query: pointQuerySchema.extend({ limit: limitText.default(INCIDENT_CAMERAS) }),
  answer: z.strictObject({ wgs84, fallbackRadiusM: z.number(), cameras: z.array(coveringCameraSchema) }),
  errors: { 400: ['invalid_coordinates'] },
});

export const incidentCamerasRoute = apiRoute({
  method: 'get',
  path: '/api/incidents/:id/cameras',
  summary: 'The cameras covering a case; for a video-AI alarm also the camera that raised it and its snapshot',
  tag: TAG,
  access: READERS,
  params: incidentParams,
  query: z.strictObject({ limit: limitText.default(INCIDENT_CAMERAS) }),
  answer: z.strictObject({
    incidentId: z.number().int(),
    wgs84,
    fallbackRadiusM: z.number(),
    alarm: z.strictObject({ cameraCode: z.string(), snapshotUrl: z.string().nullable() }).nullable(),
    cameras: z.array(coveringCameraSchema),
  }),
  errors: { 400: ['invalid_incident_id', 'invalid_query'], 404: ['incident_not_found'] },
});

export const cameraStreamRoute = apiRoute({
  method: 'get',
  path: '/api/cameras/:code/stream',
  summary: 'Where a camera’s live video plays (HLS): the demo clips looped as live, or the video gateway proxied',
  tag: TAG,
  access: READERS,
  params: cameraParams,
  answer: z.strictObject({
    code: z.string(),
    name: z.string(),
    online: z.boolean(),
    source: z.enum(['demo', 'gateway']),
    playlistUrl: z.string(),
    /** True for the demo clips: generated, not the camera's picture. */
    generated: z.boolean(),
  }),
  errors: { ...cameraNotFound, 502: ['stream_outside_gateway'], 503: ['video_unavailable'] },
});

export const livePlaylistRoute = apiRoute({
  method: 'get',
  path: '/api/cameras/:code/live/index.m3u8',
  summary: 'A camera’s live HLS playlist (checked against the caller’s jurisdiction on every request)',
  tag: TAG,
  access: READERS,
  params: cameraParams,
  query: z.strictObject({
    origin: z
      .string()
      .regex(/^\d{1,15}$/, 'a sequence number')
      .transform(Number)
      .optional(),
  }),
  produces: 'application/vnd.apple.mpegurl',
  errors: {
    400: ['invalid_camera_code', 'invalid_origin'],
    404: ['camera_not_found'],
    409: ['camera_offline'],
    502: ['stream_outside_gateway', 'stream_unavailable'],
    503: ['video_unavailable'],
  },
});

export const liveSegmentRoute = apiRoute({
  method: 'get',
  path: '/api/cameras/:code/live/seg/:sequence.ts',
  summary: 'A demo stream’s segment of the live window (MPEG-TS)',
  tag: TAG,
  access: READERS,
  params: cameraParams.extend({
    sequence: z
      .string()
      .regex(/^\d{1,12}$/, 'a segment number')
      .transform(Number),
  }),
  produces: 'video/mp2t',
  errors: { 400: ['invalid_camera_code', 'invalid_segment'], 404: ['camera_not_found', 'segment_not_found'], 409: ['camera_offline'] },
});

export const gatewayProxyRoute = apiRoute({
  method: 'get',
  path: '/api/cameras/:code/live/gw',
  summary: 'A video gateway’s playlist or segment, proxied (only addresses inside the gateway)',
  tag: TAG,
  access: READERS,
  params: cameraParams,
  query: z.strictObject({ p: z.string().min(1).max(1000) }),
  produces: '*/*',
  errors: {
    400: ['invalid_camera_code', 'invalid_segment'],
    404: ['camera_not_found', 'segment_not_found'],
    409: ['camera_offline'],
    502: ['stream_outside_gateway', 'stream_unavailable'],
  },
});

export const CAMERAS_ROUTES = [coveringCamerasRoute, incidentCamerasRoute, cameraStreamRoute, livePlaylistRoute, liveSegmentRoute, gatewayProxyRoute];
