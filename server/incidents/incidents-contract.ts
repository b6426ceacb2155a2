/**
 * The incidents API's contract (server/contract/api-route.ts): intake, lists, detail with timeline, responder
 * recommendations and the events of the closed loop. No Node-only imports: the client type-imports it.
 */
import { z } from 'zod';
import { apiRoute, INPUT_CRS, timestampSchema, wholeNumberText } from '../contract/api-route.js';
import { GRADES, READERS, SOURCES } from '../contract/incident-vocabulary.js';
import { recommendedResponderSchema } from '../routing/responders-contract.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const gradeSchema = z.enum(GRADES);
const workerCodeSchema = z.string().regex(/^W\d{20}$/, 'a worker code is W and 20 digits');

/** An incident id in a path. */
export const incidentParams = z.strictObject({
  id: z
    .string()
    .regex(/^\d{1,15}$/, 'an incident id is a whole number')
    .transform(Number),
});

/** An incident as the database holds it (snake_case columns), as lists and the detail give it. */
export const incidentRecordSchema = z.strictObject({
  id: z.number().int(),
  number: z.string(),
  source: z.enum(SOURCES),
  category: z.string(),
  grade: gradeSchema,
  grade_overridden: z.boolean(),
  /** The citizen's words, sanitised on the way in; only in the caller's jurisdiction. */
  description: z.string(),
  address: z.string().nullable(),
  lon: z.number(),
  lat: z.number(),
  input_crs: z.enum(INPUT_CRS),
  micro_grid_code: z.string(),
  grid_code: z.string(),
  community_code: z.string(),
  street_code: z.string(),
  district_code: z.string(),
  near_boundary_m: z.number().nullable(),
  state: z.string(),
  assigned_worker_code: z.string().nullable(),
  offer_acknowledged: z.boolean(),
  resolved_by_worker_code: z.string().nullable(),
  resolved_by_account_id: z.number().int().nullable(),
  deadline_stage: z.string().nullable(),
  deadline_at: timestampSchema.nullable(),
  escalation_level: z.number().int(),
  overdue: z.boolean(),
  satisfaction: z.number().int().nullable(),
  merged_into: z.number().int().nullable(),
  reported_at: timestampSchema,
  updated_at: timestampSchema,
  closed_at: timestampSchema.nullable(),
  generated: z.boolean(),
  /** The sensor or camera that raised an alarm case. */
  device_code: z.string().nullable(),
});

export const timelineEntrySchema = z.strictObject({
  at: timestampSchema,
  event: z.string(),
  from_state: z.string().nullable(),
  to_state: z.string().nullable(),
  actor_account_id: z.number().int().nullable(),
  actor_role: z.string().nullable(),
  worker_code: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  /** The reply to the reporter (published on /report/{id}), on a resolve or close step. */
  public_note: z.string().nullable(),
});

/** A "whistle" (吹哨报到): a department summoned about an incident, due to report by its deadline. */
export const summonsSchema = z.strictObject({
  id: z.number().int(),
  incident_id: z.number().int(),
  department_code: z.string(),
  department_name_zh: z.string(),
  department_name_en: z.string(),
  note: z.string(),
  state: z.enum(['summoned', 'reported']),
  summoned_at: timestampSchema,
  deadline_at: timestampSchema,
  escalation_level: z.number().int(),
  overdue: z.boolean(),
  reported_at: timestampSchema.nullable(),
  report_note: z.string().nullable(),
});

export const categorySchema = z.strictObject({
  code: z.string(),
  name_zh: z.string(),
  name_en: z.string(),
  skill: z.string(),
  default_grade: gradeSchema,
  alarm_grade: gradeSchema.nullable(),
});

export const categoriesRoute = apiRoute({
  method: 'get',
  path: '/api/incident-categories',
  summary: 'The incident categories with their default grades',
  tag: 'incidents',
  access: READERS,
  answer: z.strictObject({ categories: z.array(categorySchema) }),
});

export const newIncidentSchema = z.strictObject({
  source: z.enum(SOURCES).default('hotline_12345'),
  category: z.string().regex(/^[a-z_]{2,40}$/),
  description: z.string().trim().min(2).max(2000),
  address: z.string().trim().max(200).nullable().default(null),
  lon: finite.pipe(z.number().min(-180).max(180)),
  lat: finite.pipe(z.number().min(-90).max(90)),
  crs: z.enum(INPUT_CRS).default('wgs84'),
  grade: gradeSchema.optional(),
  reporter: z
    .strictObject({
      name: z.string().trim().max(40).nullable().default(null),
      phone: z
        .string()
        .regex(/^[0-9+\-\s]{3,20}$/)
        .nullable()
        .default(null),
    })
    .nullable()
    .default(null),
});

const namedUnit = z.strictObject({ code: z.string(), name: z.string() });

export const createIncidentRoute = apiRoute({
  method: 'post',
  path: '/api/incidents',
  summary: 'Take in a case (hotline or desk): located to its micro-grid, graded, with duplicate candidates nearby',
  tag: 'incidents',
  access: ['dispatcher', 'admin'],
  body: newIncidentSchema,
  status: 201,
  answer: z.strictObject({
    incident: z.strictObject({
      id: z.number().int(),
      number: z.string(),
      state: z.string(),
      grade: gradeSchema,
      deadline_stage: z.string().nullable(),
      deadline_at: timestampSchema.nullable(),
    }),
    location: z.strictObject({
      district: namedUnit,
      street: namedUnit,
      community: namedUnit,
      grid: namedUnit,
      microGrid: namedUnit,
      nearBoundaryM: z.number().nullable(),
    }),
    duplicates: z.array(z.strictObject({ id: z.number().int(), number: z.string(), state: z.string(), distance_m: z.number() })),
  }),
  errors: { 400: ['invalid_incident', 'unknown_category'], 422: ['outside_jurisdiction'] },
});

export const listIncidentsRoute = apiRoute({
  method: 'get',
  path: '/api/incidents',
  summary: 'Incidents of the jurisdiction, newest first (open or all), or one by its number',
  tag: 'incidents',
  access: READERS,
  query: z.strictObject({
    state: z.enum(['open', 'all']).default('open'),
    limit: wholeNumberText(1, 500).default(100),
    before: z
      .string()
      .regex(/^\d{1,15}$/)
      .transform(Number)
      .optional(),
    unit: z
      .string()
      .regex(/^\d{6,18}$/)
      .optional(),
    /** Exact case number, e.g. NJ20261123-0000042 (other filters then do not apply). */
    number: z
      .string()
      .trim()
      .regex(/^NJ\d{8}-\d{7,}$/, 'an incident number looks like NJ20261123-0000042')
      .optional(),
  }),
  answer: z.strictObject({ incidents: z.array(incidentRecordSchema) }),
  errors: { 400: ['invalid_incident_query'] },
});

export const incidentDetailRoute = apiRoute({
  method: 'get',
  path: '/api/incidents/:id',
  summary: 'One incident with its timeline, summonses, photos and (for the command centre) its reports',
  tag: 'incidents',
  access: READERS,
  params: incidentParams,
  answer: z.strictObject({
    incident: incidentRecordSchema,
    timeline: z.array(timelineEntrySchema),
    /** Reporters' names and phone numbers: for the command centre's desk roles only, null for the others. */
    reports: z
      .array(
        z.strictObject({
          source: z.string(),
          external_id: z.string().nullable(),
          reporter_name: z.string().nullable(),
          reporter_phone: z.string().nullable(),
          description: z.string(),
          received_at: timestampSchema,
        }),
      )
      .nullable(),
    summonses: z.array(summonsSchema),
    photos: z.array(
      z.strictObject({
        id: z.number().int(),
        mime_type: z.string(),
        size_bytes: z.number().int(),
        sha256: z.string(),
        uploaded_at: timestampSchema,
        worker_code: z.string().nullable(),
        purpose: z.string(),
        url: z.string(),
      }),
    ),
  }),
  errors: { 400: ['invalid_incident_id'], 404: ['incident_not_found'] },
});

const roadSnapSchema = z.strictObject({
  lon: z.number(),
  lat: z.number(),
  snappedLon: z.number(),
  snappedLat: z.number(),
  edge: z.number().int(),
  fraction: z.number(),
  distanceMetres: z.number(),
  offRoad: z.boolean(),
});

export const recommendationsRoute = apiRoute({
  method: 'get',
  path: '/api/incidents/:id/recommendations',
  summary: 'The nearest suitable on-duty workers by travel time on the road network, own micro-grid first',
  tag: 'incidents',
  access: ['dispatcher', 'supervisor', 'admin'],
  params: incidentParams,
  query: z.strictObject({ limit: wholeNumberText(1, 20).default(5) }),
  answer: z.strictObject({
    incidentId: z.number().int(),
    skill: z.string(),
    incident: z.strictObject({ lon: z.number(), lat: z.number(), snap: roadSnapSchema.nullable() }),
    responders: z.array(recommendedResponderSchema),
    /** Workers the straight-line pre-filter returned, and vertices the road search settled. */
    candidates: z.number().int(),
    settledVertices: z.number().int(),
  }),
  errors: { 400: ['invalid_incident_id', 'invalid_query'], 404: ['incident_not_found'] },
});

const reason = z.string().trim().min(2).max(500);

/** The events of the closed loop a person may send (server/incidents/incident-lifecycle.ts decides which apply). */
export const incidentEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('accept') }),
  z.strictObject({ type: z.literal('reject'), reason }),
  z.strictObject({ type: z.literal('dispatch'), workerCode: workerCodeSchema }),
  z.strictObject({ type: z.literal('acknowledge') }),
  z.strictObject({ type: z.literal('decline'), reason: z.string().trim().max(500).optional() }),
  z.strictObject({ type: z.literal('arrive') }),
  z.strictObject({ type: z.literal('return'), reason }),
  // publicNote: for the reporter (/report/{id}, Open311 status_notes), checked by checkPublicNote in the route.
  z.strictObject({ type: z.literal('resolve'), note: z.string().trim().min(2).max(2000), publicNote: z.string().max(2000).optional() }),
  z.strictObject({ type: z.literal('verify') }),
  z.strictObject({ type: z.literal('verify_fail'), reason }),
  z.strictObject({ type: z.literal('evaluate'), satisfaction: z.number().int().min(1).max(5) }),
  z.strictObject({ type: z.literal('close'), publicNote: z.string().max(2000).optional() }),
  z.strictObject({ type: z.literal('reopen'), reason }),
]);

export const incidentEventRoute = apiRoute({
  method: 'post',
  path: '/api/incidents/:id/events',
  summary: 'Move a case along the closed loop (accept, dispatch, arrive, resolve, verify, close, …)',
  tag: 'incidents',
  access: ['dispatcher', 'supervisor', 'admin', 'field_worker'],
  params: incidentParams,
  body: incidentEventSchema,
  /** The case as the caller may now see it; only its id, state and worker when it has left the caller's view. */
  answer: z.union([incidentRecordSchema, z.strictObject({ id: z.number().int(), state: z.string(), assigned_worker_code: z.string().nullable() })]),
  errors: {
    400: ['invalid_incident_id', 'invalid_incident_event'],
    403: ['transition_forbidden'],
    404: ['incident_not_found', 'worker_not_found'],
    409: ['transition_refused', 'worker_off_duty', 'worker_already_booked'],
    422: ['too_far_from_case', 'position_unknown', 'public_note_refused'],
  },
});

export const mergeIncidentRoute = apiRoute({
  method: 'post',
  path: '/api/incidents/:id/merge',
  summary: 'Merge a duplicate (a reported case) into the open case it repeats',
  tag: 'incidents',
  access: ['dispatcher', 'admin'],
  params: incidentParams,
  body: z.strictObject({ into: z.number().int().positive() }),
  answer: z.strictObject({ id: z.number().int(), state: z.literal('rejected'), mergedInto: z.number().int() }),
  errors: {
    400: ['invalid_incident_id', 'invalid_merge', 'merge_into_itself'],
    404: ['incident_not_found'],
    409: ['merge_target_closed', 'merge_category_differs'],
  },
});

export const INCIDENTS_ROUTES = [
  categoriesRoute,
  createIncidentRoute,
  listIncidentsRoute,
  incidentDetailRoute,
  recommendationsRoute,
  incidentEventRoute,
  mergeIncidentRoute,
];
