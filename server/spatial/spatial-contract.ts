/**
 * The spatial module's contract (server/contract/api-route.ts): what lies at a clicked point, and what lies in
 * a drawn area. No Node-only imports: the client type-imports it.
 */
import { z } from 'zod';
import { apiRoute, pointEchoSchema, pointQuerySchema, timestampSchema, unitLevelSchema } from '../contract/api-route.js';
import { DESK_ROLES, GRADES, READERS } from '../contract/incident-vocabulary.js';
import { coveringCameraSchema } from '../video/cameras-contract.js';

/** How many cameras, how far and how far back incidents are looked for. */
export const WHATS_HERE_CAMERAS = 5;
export const WHATS_HERE_INCIDENT_METRES = 300;
export const WHATS_HERE_INCIDENT_DAYS = 30;

export const whatsHereRoute = apiRoute({
  method: 'get',
  path: '/api/whats-here',
  summary: 'What lies at a point: its micro-grid and chain, workers, nearest and covering cameras, recent incidents',
  tag: 'spatial',
  access: READERS,
  query: pointQuerySchema,
  answer: pointEchoSchema.extend({
    microGrid: z.strictObject({
      code: z.string(),
      name: z.string(),
      kind: z.string().nullable(),
      households: z.number().int(),
      population: z.number().int(),
    }),
    chain: z.array(z.strictObject({ level: unitLevelSchema, code: z.string(), name: z.string() })),
    generated: z.boolean(),
    /** The micro-grid's responsible workers, no phone numbers. */
    workers: z.array(
      z.strictObject({
        code: z.string(),
        name: z.string(),
        role: z.string(),
        skills: z.array(z.string()),
        dutyStatus: z.string(),
        lastPositionAt: timestampSchema.nullable(),
        stale: z.boolean(),
      }),
    ),
    /** The nearest cameras, whatever they look at. */
    cameras: z.array(
      z.strictObject({
        code: z.string(),
        name: z.string(),
        online: z.boolean(),
        headingDeg: z.number().nullable(),
        fovDeg: z.number().nullable(),
        rangeM: z.number().nullable(),
        hasStream: z.boolean(),
        sourceCrs: z.string(),
        lon: z.number(),
        lat: z.number(),
        distanceM: z.number(),
        generated: z.boolean(),
      }),
    ),
    /** Cameras whose field of view covers the point, then near ones that may not see it. */
    coveringCameras: z.array(coveringCameraSchema),
    incidents: z.array(
      z.strictObject({
        id: z.number().int(),
        number: z.string(),
        category: z.string(),
        grade: z.enum(GRADES),
        state: z.string(),
        reportedAt: timestampSchema,
        closedAt: timestampSchema.nullable(),
        distanceM: z.number(),
        generated: z.boolean(),
      }),
    ),
    radiusM: z.number(),
    days: z.number().int(),
  }),
  errors: { 400: ['invalid_coordinates'], 404: ['outside_jurisdiction', 'outside_nanjing'] },
});

export const areaSummaryRoute = apiRoute({
  method: 'post',
  path: '/api/spatial/summary',
  summary: 'What lies in a drawn polygon: area, micro-grids, households, workers (on duty), cameras and sensors',
  tag: 'spatial',
  access: DESK_ROLES,
  /** A GeoJSON Polygon or MultiPolygon in WGS84, checked by server/geometry/validate-geometry.ts. */
  body: z.strictObject({ geometry: z.unknown() }),
  answer: z.strictObject({
    areaM2: z.number(),
    microGrids: z.number().int(),
    households: z.number().int(),
    workers: z.number().int(),
    workersOnDuty: z.number().int(),
    cameras: z.number().int(),
    sensors: z.number().int(),
    vertices: z.number().int(),
  }),
  errors: { 400: ['invalid_body', 'invalid_geometry'] },
});

export const SPATIAL_ROUTES = [whatsHereRoute, areaSummaryRoute];
