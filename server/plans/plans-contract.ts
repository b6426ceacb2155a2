/**
 * The /api/plans routes' contract (server/contract/api-route.ts): the schemas of their path parameters, queries,
 * bodies and answers, their roles and error codes. The routers (plan-reads.route.ts, plan-drafts.route.ts,
 * plan-lifecycle.route.ts) validate with these schemas and take their access from here. Routes still listed in
 * tests/contract/undeclared-routes.ts use the request schemas below without a declared answer. No Node-only imports.
 */
import { z } from 'zod';
import { apiRoute, timestampSchema } from '../contract/api-route.js';
import { BALANCE_MEASURES } from './plan-balance.js';
import { PLAN_STATES } from './plan-lifecycle.js';
import { PLAN_REASONS } from './plan-reason-codes.js';
import { MAX_SPLIT_LINE_POINTS } from './plan-structure-rules.js';

export const PLANNERS = ['planner', 'admin'] as const;
const TAG = 'plans';

// ---- Requests -------------------------------------------------------------------------------------------------
export const Code = z.string().regex(/^\d{6,18}$/, 'a unit code is 6 to 18 digits');
export const Id = z.strictObject({
  id: z
    .string()
    .regex(/^\d{1,12}$/, 'a plan id is a whole number')
    .transform(Number),
});
export const Lon = z.number().finite().min(-180).max(180);
export const Lat = z.number().finite().min(-90).max(90);
export const SplitLine = z.strictObject({
  type: z.literal('LineString'),
  coordinates: z
    .array(z.tuple([Lon, Lat]))
    .min(2)
    .max(MAX_SPLIT_LINE_POINTS),
});
export const Edits = z
  .array(
    z.union([
      z.strictObject({ unit: Code, to: Code }),
      z.strictObject({ op: z.literal('split'), unit: Code, line: SplitLine }),
      z.strictObject({ op: z.literal('merge'), units: z.tuple([Code, Code]) }),
      z.strictObject({ op: z.literal('reshape'), units: z.tuple([Code, Code]), line: SplitLine }),
      z.strictObject({ op: z.literal('repartition'), unit: Code, households: z.number().int().min(0).max(100000) }),
    ]),
  )
  .max(2000);
export const CreateBody = z.strictObject({ name: z.string().trim().min(1).max(120), scopeCode: Code, edits: Edits.optional() });
export const EditsBody = z.strictObject({ edits: Edits });
export const SubmitBody = z.strictObject({ warningReason: z.string().trim().min(1).max(1000).optional() });
export const ApproveBody = z.strictObject({ effectiveAt: z.iso.datetime({ offset: true }).optional() });
export const RejectBody = z.strictObject({ reason: z.string().trim().min(1).max(1000) });
const limitText = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().min(1).max(200));
export const ListQuery = z.strictObject({ state: z.enum(PLAN_STATES).optional(), limit: limitText.default(50) });
export const FiguresQuery = z.strictObject({ parent: Code, level: z.enum(['micro_grid', 'grid']) });
export const MapQuery = z.strictObject({ parent: Code });
export const VersionsQuery = z.strictObject({ limit: limitText.default(50) });
export const LayerQuery = z.strictObject({ community: Code });
export const EdgeQuery = z.strictObject({ a: Code, b: Code });
export const GeoPackageQuery = z.strictObject({ crs: z.enum(['wgs84', 'cgcs2000', 'gcj02']).default('wgs84') });
export const ImportBody = z.strictObject({ crs: z.enum(['wgs84', 'cgcs2000', 'gcj02']).default('wgs84'), collection: z.unknown() });

// ---- Answers --------------------------------------------------------------------------------------------------
const position = z.array(z.number()).min(2).max(3);
const lineGeometry = z.union([
  z.strictObject({ type: z.literal('LineString'), coordinates: z.array(position) }),
  z.strictObject({ type: z.literal('MultiLineString'), coordinates: z.array(z.array(position)) }),
]);
const areaGeometry = z.union([
  z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(z.array(position)) }),
  z.strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(position))) }),
]);

/** An edit as a plan stores it: with the parent (`from`) it was made in, for the stale check. */
export const storedEditSchema = z.union([
  z.strictObject({ unit: z.string(), from: z.string(), to: z.string() }),
  z.strictObject({ op: z.literal('split'), unit: z.string(), from: z.string(), line: SplitLine }),
  z.strictObject({ op: z.literal('merge'), units: z.tuple([z.string(), z.string()]), from: z.string() }),
  z.strictObject({ op: z.literal('reshape'), units: z.tuple([z.string(), z.string()]), from: z.string(), line: SplitLine }),
  z.strictObject({ op: z.literal('repartition'), unit: z.string(), households: z.number().int(), from: z.string() }),
]);

/** What publication did (migrations 0016, 0030), as the plan keeps it. */
export const publicationSchema = z.strictObject({
  version: z.number().int(),
  moved: z.array(z.strictObject({ from: z.string(), to: z.string() })),
  restructured: z
    .array(z.strictObject({ op: z.enum(['split', 'merge', 'reshape', 'repartition']), from: z.array(z.string()), to: z.array(z.string()) }))
    .nullable(),
  relocatedIncidents: z.number().int(),
  edgesRebuilt: z.number().int(),
  changedParents: z.array(z.string()),
  structure: z.record(z.string(), z.number()).nullable(),
  workers: z.number().int(),
  cameras: z.number().int(),
  sensors: z.number().int(),
  accounts: z.number().int(),
  screenTokens: z.number().int(),
});

/** A boundary plan (boundary_plans; migration 0015). */
export const planSchema = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  scope_code: z.string(),
  state: z.enum(PLAN_STATES),
  based_on_version: z.number().int(),
  edits: z.array(storedEditSchema),
  author_account_id: z.number().int(),
  author_username: z.string(),
  warning_reason: z.string().nullable(),
  submitted_at: timestampSchema.nullable(),
  approved_by_account_id: z.number().int().nullable(),
  approved_by_username: z.string().nullable(),
  approved_at: timestampSchema.nullable(),
  rejected_reason: z.string().nullable(),
  effective_at: timestampSchema.nullable(),
  published_at: timestampSchema.nullable(),
  published_version: z.number().int().nullable(),
  publication: publicationSchema.nullable(),
  rollback_of_plan_id: z.number().int().nullable(),
  created_at: timestampSchema,
  updated_at: timestampSchema,
});
const planAnswer = z.strictObject({ plan: planSchema });

export const planIssueSchema = z.strictObject({
  reason: z.enum(Object.keys(PLAN_REASONS) as [keyof typeof PLAN_REASONS, ...(keyof typeof PLAN_REASONS)[]]),
  severity: z.enum(['error', 'warning']),
  unit: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export const planValidationSchema = z.strictObject({
  valid: z.boolean(),
  errors: z.number().int(),
  warnings: z.number().int(),
  issues: z.array(planIssueSchema),
});

const figuresShape = Object.fromEntries(BALANCE_MEASURES.map((m) => [m, z.number()])) as Record<(typeof BALANCE_MEASURES)[number], z.ZodNumber>;
/** A unit's figures behind the balance (plan-balance.ts FigureRow). */
export const figureRowSchema = z.strictObject({
  ...figuresShape,
  code: z.string(),
  name: z.string(),
  parentCode: z.string(),
  kind: z.enum(['child', 'parent']),
  areaM2: z.number(),
});
const spreadSchema = z.strictObject({ min: z.number(), max: z.number(), cv: z.number() });

export const versionRowSchema = z.strictObject({
  version: z.number().int(),
  published_at: timestampSchema,
  effective_at: timestampSchema,
  plan_id: z.number().int(),
  name: z.string(),
  scope_code: z.string(),
  author_username: z.string(),
  approved_by_username: z.string().nullable(),
  rollback_of_plan_id: z.number().int().nullable(),
  moved: z.number().int(),
  restructured: z.number().int(),
  relocated_incidents: z.number().int(),
});

export const paintableFeatureSchema = z.strictObject({
  type: z.literal('Feature'),
  id: z.string(),
  geometry: areaGeometry,
  properties: z.strictObject({ code: z.string(), name: z.string(), grid: z.string(), households: z.number().int() }),
});

export const repartitionAnswerSchema = z.strictObject({
  community: z.string(),
  groups: z.array(z.strictObject({ grid: z.string(), units: z.array(z.string()), households: z.number() })),
  moves: z.array(z.strictObject({ unit: z.string(), to: z.string() })),
  households: z.strictObject({ target: z.number(), before: spreadSchema, after: spreadSchema }),
});

// ---- Routes ---------------------------------------------------------------------------------------------------
const readErrors = { 400: ['invalid_query'] } as const;
const planErrors = { 400: ['invalid_plan_id'], 404: ['plan_not_found'] } as const;

export const listPlansRoute = apiRoute({
  method: 'get',
  path: '/api/plans',
  summary: 'The boundary plans of the caller’s jurisdiction, newest first (optionally of one state)',
  tag: TAG,
  access: PLANNERS,
  query: ListQuery,
  answer: z.strictObject({ plans: z.array(planSchema) }),
  errors: readErrors,
});

export const planFiguresRoute = apiRoute({
  method: 'get',
  path: '/api/plans/figures',
  summary: 'The figures behind the live balance of one parent’s children (the page recomputes the balance after each stroke)',
  tag: TAG,
  access: PLANNERS,
  query: FiguresQuery,
  answer: z.strictObject({ parent: z.string(), level: z.enum(['micro_grid', 'grid']), figures: z.array(figureRowSchema) }),
  errors: readErrors,
});

export const planVersionsRoute = apiRoute({
  method: 'get',
  path: '/api/plans/versions',
  summary: 'The boundary versions the caller may see, newest first (version 0 is the seed)',
  tag: TAG,
  access: PLANNERS,
  query: VersionsQuery,
  answer: z.strictObject({ versions: z.array(versionRowSchema) }),
  errors: readErrors,
});

export const planMapRoute = apiRoute({
  method: 'get',
  path: '/api/plans/map',
  summary: 'The paintable units under a community (micro-grids) or a street (grids), each with its parent, as GeoJSON',
  tag: TAG,
  access: PLANNERS,
  query: MapQuery,
  answer: z.strictObject({ type: z.literal('FeatureCollection'), features: z.array(paintableFeatureSchema) }),
  errors: readErrors,
});

export const repartitionRoute = apiRoute({
  method: 'get',
  path: '/api/plans/repartition',
  summary: 'A proposal regrouping a community’s micro-grids among its grids, balanced on households (moves for a draft)',
  tag: TAG,
  access: PLANNERS,
  query: LayerQuery,
  answer: repartitionAnswerSchema,
  errors: { ...readErrors, 404: ['unit_not_found'] },
});

export const snapLinesRoute = apiRoute({
  method: 'get',
  path: '/api/plans/snap-lines',
  summary: 'Road centre lines and river banks near a community, for split and reshape lines to snap to',
  tag: TAG,
  access: PLANNERS,
  query: LayerQuery,
  answer: z.strictObject({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.strictObject({
        type: z.literal('Feature'),
        geometry: lineGeometry,
        properties: z.strictObject({ kind: z.enum(['road', 'water']), class: z.string().nullable() }),
      }),
    ),
  }),
  errors: { ...readErrors, 404: ['unit_not_found'] },
});

export const sharedEdgeRoute = apiRoute({
  method: 'get',
  path: '/api/plans/edge',
  summary: 'The one edge two micro-grids share, as a GeoJSON line (what the reshape tool edits)',
  tag: TAG,
  access: PLANNERS,
  query: EdgeQuery,
  answer: z.strictObject({
    type: z.literal('Feature'),
    geometry: lineGeometry,
    properties: z.strictObject({ units: z.tuple([z.string(), z.string()]) }),
  }),
  errors: { ...readErrors, 404: ['reshape_no_shared_edge'] },
});

export const createPlanRoute = apiRoute({
  method: 'post',
  path: '/api/plans',
  summary: 'A new draft plan for a community or street, optionally with edits (validated and claimed)',
  tag: TAG,
  access: PLANNERS,
  body: CreateBody,
  status: 201,
  answer: planAnswer,
  errors: {
    400: ['invalid_plan', 'plan_scope_level'],
    404: ['unit_not_found'],
    409: ['plan_conflict'],
    422: ['unit_not_found', 'outside_plan_scope', 'too_many_edits', 'duplicate_edit', 'repartition_target_out_of_range'],
  },
});

export const readPlanRoute = apiRoute({
  method: 'get',
  path: '/api/plans/:id',
  summary: 'One plan: its state, edits, author, approval and publication',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  answer: planAnswer,
  errors: planErrors,
});

export const planValidationRoute = apiRoute({
  method: 'get',
  path: '/api/plans/:id/validation',
  summary: 'The plan validated on today’s boundaries: every issue with its reason code and severity',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  answer: planValidationSchema,
  errors: planErrors,
});

const stateErrors = ['plan_not_open', 'plan_not_draft', 'plan_not_submitted', 'plan_not_approved'] as const;

export const submitPlanRoute = apiRoute({
  method: 'post',
  path: '/api/plans/:id/submit',
  summary: 'Submit a draft for approval (warnings need a written reason; errors refuse it)',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  body: SubmitBody,
  answer: planAnswer,
  errors: {
    400: ['invalid_plan_id', 'invalid_submission'],
    403: ['not_plan_author'],
    404: ['plan_not_found'],
    409: [...stateErrors, 'plan_empty'],
    422: ['plan_invalid', 'warning_reason_required'],
  },
});

export const withdrawPlanRoute = apiRoute({
  method: 'post',
  path: '/api/plans/:id/withdraw',
  summary: 'Withdraw an open plan (its units are released)',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  answer: planAnswer,
  errors: { ...planErrors, 403: ['not_plan_author'], 409: stateErrors },
});

export const approvePlanRoute = apiRoute({
  method: 'post',
  path: '/api/plans/:id/approve',
  summary: 'Approve a submitted plan, effective now or at a chosen time (a second person: never the author)',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  body: ApproveBody,
  answer: planAnswer,
  errors: {
    400: ['invalid_plan_id', 'invalid_approval'],
    403: ['own_plan_approval', 'role_cannot_approve'],
    404: ['plan_not_found'],
    409: stateErrors,
    422: ['plan_invalid'],
  },
});

export const rejectPlanRoute = apiRoute({
  method: 'post',
  path: '/api/plans/:id/reject',
  summary: 'Reject a submitted plan with a reason (its units are released)',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  body: RejectBody,
  answer: planAnswer,
  errors: {
    400: ['invalid_plan_id', 'invalid_rejection'],
    403: ['own_plan_approval', 'role_cannot_approve'],
    404: ['plan_not_found'],
    409: stateErrors,
  },
});

export const PLANS_ROUTES = [
  listPlansRoute,
  planFiguresRoute,
  planVersionsRoute,
  planMapRoute,
  repartitionRoute,
  snapLinesRoute,
  sharedEdgeRoute,
  createPlanRoute,
  readPlanRoute,
  planValidationRoute,
  submitPlanRoute,
  withdrawPlanRoute,
  rejectPlanRoute,
  approvePlanRoute,
] as const;
