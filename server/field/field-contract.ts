/**
 * The field app's own API (/m, issue 23), for field-worker accounts, each about the calling worker
 * (server/contract/api-route.ts). No Node-only imports: the field app type-imports it (types only, nothing
 * of zod in its bundle).
 */
import { z } from 'zod';
import { apiRoute, decimalText, INPUT_CRS, timestampSchema, wholeNumberText } from '../contract/api-route.js';
import { GRADES } from '../contract/incident-vocabulary.js';
import { incidentEventRoute, incidentParams } from '../incidents/incidents-contract.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const FIELD = ['field_worker'] as const;

/** A position from the phone: the Geolocation API's fix, in any supported coordinate system. */
export const fieldPositionSchema = z.strictObject({
  lon: finite.pipe(z.number().min(-180).max(180)),
  lat: finite.pipe(z.number().min(-90).max(90)),
  /** The fix's accuracy radius in metres, as the Geolocation API gives it. */
  accuracy: finite.pipe(z.number().min(0).max(100_000)).optional(),
  crs: z.enum(INPUT_CRS).default('wgs84'),
});

/** The case the worker is booked on: an offer (dispatched) or on scene. */
export const fieldTaskSchema = z.strictObject({
  id: z.number().int(),
  number: z.string(),
  state: z.enum(['dispatched', 'on_scene']),
  grade: z.enum(GRADES),
  category: z.string(),
  category_zh: z.string(),
  category_en: z.string(),
  description: z.string(),
  address: z.string().nullable(),
  lon: z.number(),
  lat: z.number(),
  offer_acknowledged: z.boolean(),
  deadline_stage: z.string().nullable(),
  deadline_at: timestampSchema.nullable(),
  reported_at: timestampSchema,
  micro_grid_code: z.string(),
  micro_grid_name: z.string().nullable(),
});

const notAWorker = { 403: ['not_a_worker'], 404: ['worker_not_found'] } as const;

export const fieldMeRoute = apiRoute({
  method: 'get',
  path: '/api/field/me',
  summary: 'The calling worker, the case they are booked on, the server’s time and the arrival radius',
  tag: 'field',
  access: FIELD,
  answer: z.strictObject({
    worker: z.strictObject({
      code: z.string(),
      name: z.string(),
      role: z.string(),
      homeUnitCode: z.string(),
      dutyStatus: z.enum(['on_duty', 'busy', 'off_duty']),
      position: z.strictObject({ lon: z.number(), lat: z.number(), at: timestampSchema }).nullable(),
    }),
    task: fieldTaskSchema.nullable(),
    /** The phone's clock may be far off: offer countdowns run on the server's time. */
    serverTime: timestampSchema,
    arriveRadiusMetres: z.number(),
  }),
  errors: notAWorker,
});

export const fieldHistoryRoute = apiRoute({
  method: 'get',
  path: '/api/field/history',
  summary: 'The cases the calling worker holds or handled, newest change first',
  tag: 'field',
  access: FIELD,
  query: z.strictObject({ limit: wholeNumberText(1, 100).default(30) }),
  answer: z.strictObject({
    cases: z.array(
      z.strictObject({
        id: z.number().int(),
        number: z.string(),
        state: z.string(),
        grade: z.enum(GRADES),
        category: z.string(),
        category_zh: z.string(),
        category_en: z.string(),
        address: z.string().nullable(),
        reported_at: timestampSchema,
        updated_at: timestampSchema,
        resolved_by_me: z.boolean().nullable(),
      }),
    ),
  }),
  errors: { 400: ['invalid_query'], 403: ['not_a_worker'] },
});

export const fieldPositionRoute = apiRoute({
  method: 'post',
  path: '/api/field/position',
  summary: 'The calling worker’s position now (server time), announced live; refused off duty. Telemetry, not audited',
  tag: 'field',
  access: FIELD,
  body: fieldPositionSchema,
  answer: z.strictObject({ at: timestampSchema, microGridCode: z.string() }),
  errors: { 400: ['invalid_position'], ...notAWorker, 409: ['off_duty'] },
});

export const fieldDutyRoute = apiRoute({
  method: 'post',
  path: '/api/field/duty',
  summary: 'On or off duty (not off duty while booked on a case); audited',
  tag: 'field',
  access: FIELD,
  body: z.strictObject({ onDuty: z.boolean() }),
  answer: z.strictObject({ dutyStatus: z.enum(['on_duty', 'off_duty']) }),
  errors: { 400: ['invalid_duty'], ...notAWorker, 409: ['case_in_hand'] },
});

export const fieldRouteRoute = apiRoute({
  method: 'get',
  path: '/api/field/route',
  summary: 'The road route from the worker’s position (given, or last reported) to their case',
  tag: 'field',
  access: FIELD,
  query: z
    .strictObject({ lon: decimalText(-180, 180).optional(), lat: decimalText(-90, 90).optional() })
    .refine((q) => (q.lon === undefined) === (q.lat === undefined), { message: 'give both lon and lat, or neither' }),
  answer: z.union([
    z.strictObject({
      incidentId: z.number().int(),
      from: z.strictObject({ lon: z.number(), lat: z.number() }),
      to: z.strictObject({ lon: z.number(), lat: z.number() }),
      reachable: z.literal(true),
      seconds: z.number(),
      metres: z.number(),
      straightLineMetres: z.number(),
      coordinates: z.array(z.tuple([z.number(), z.number()])),
    }),
    z.strictObject({
      incidentId: z.number().int(),
      from: z.strictObject({ lon: z.number(), lat: z.number() }),
      to: z.strictObject({ lon: z.number(), lat: z.number() }),
      reachable: z.literal(false),
      reason: z.enum(['off_road', 'no_route']),
      straightLineMetres: z.number(),
    }),
  ]),
  errors: { 400: ['invalid_query'], 403: ['not_a_worker'], 404: ['no_current_case'], 422: ['position_unknown'] },
});

export const fieldArriveRoute = apiRoute({
  method: 'post',
  path: '/api/field/cases/:id/arrive',
  summary: '"On scene": the position is recorded, then the arrival refused beyond ARRIVE_RADIUS_M of the case; audited',
  tag: 'field',
  access: FIELD,
  params: incidentParams,
  body: fieldPositionSchema,
  answer: incidentEventRoute.answer,
  errors: {
    400: ['invalid_incident_id', 'invalid_position'],
    ...notAWorker,
    404: ['worker_not_found', 'incident_not_found'],
    409: ['transition_refused'],
    422: ['too_far_from_case'],
  },
});

export const FIELD_ROUTES = [fieldMeRoute, fieldHistoryRoute, fieldPositionRoute, fieldDutyRoute, fieldRouteRoute, fieldArriveRoute];
