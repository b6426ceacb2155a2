/**
 * The /api/plans routes' contract (server/contract/api-route.ts): each route's path, roles, schemas (from
 * plans-contract-schemas.ts) and error codes; the GeoJSON and GeoPackage exchange routes are declared in
 * plan-exchange-contract.ts and listed here too. The routers (plan-reads.route.ts, plan-drafts.route.ts,
 * plan-lifecycle.route.ts) validate with these schemas and take their access from here. No Node-only imports.
 */
import { z } from 'zod';
import { apiRoute } from '../contract/api-route.js';
import {
  ApproveBody,
  BLOCKING_EDITS,
  CreateBody,
  DRAFT_ERRORS,
  EdgeQuery,
  EditsBody,
  FiguresQuery,
  Id,
  LayerQuery,
  ListQuery,
  MapQuery,
  PLANNERS,
  RejectBody,
  SubmitBody,
  VersionsQuery,
  draftAnswerSchema,
  figureRowSchema,
  lineStringSchema,
  multiLineStringSchema,
  paintableFeatureSchema,
  parentBalanceSchema,
  planAnswer,
  planDiffSchema,
  planSchema,
  planValidationSchema,
  publishOutcomeSchema,
  publishedDiffSchema,
  repartitionAnswerSchema,
  structureAnswerSchema,
  versionRowSchema,
} from './plans-contract-schemas.js';
import { exportPlanRoute, importGeoPackageRoute, importPlanRoute, layerGeoPackageRoute, planGeoPackageRoute } from './plan-exchange-contract.js';

export { PLANNERS } from './plans-contract-schemas.js';

const TAG = 'plans';

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
        geometry: multiLineStringSchema,
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
    geometry: lineStringSchema,
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
    422: BLOCKING_EDITS,
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

export const replaceEditsRoute = apiRoute({
  method: 'put',
  path: '/api/plans/:id/edits',
  summary: 'Replace a draft’s edits: validated and claimed, with the balance of its moves and the pieces of its structural edits',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  body: EditsBody,
  answer: draftAnswerSchema,
  errors: { ...DRAFT_ERRORS, 400: ['invalid_plan_id', 'invalid_edits'], 422: BLOCKING_EDITS },
});

export const planStructureRoute = apiRoute({
  method: 'get',
  path: '/api/plans/:id/structure',
  summary: 'The plan’s splits, merges, reshapes and re-partitions as they would be published: pieces, figures, each grid’s balance',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  answer: structureAnswerSchema,
  errors: planErrors,
});

export const planBalanceRoute = apiRoute({
  method: 'get',
  path: '/api/plans/:id/balance',
  summary: 'The balance of each parent whose children the plan moves, before → after',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  answer: z.strictObject({ balance: z.array(parentBalanceSchema) }),
  errors: planErrors,
});

export const planDiffRoute = apiRoute({
  method: 'get',
  path: '/api/plans/:id/diff',
  summary: 'What the plan changes: each moved unit with what follows it, and the pieces; a published plan’s publication',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  answer: z.union([planDiffSchema, publishedDiffSchema]),
  errors: planErrors,
});

export const publishPlanRoute = apiRoute({
  method: 'post',
  path: '/api/plans/:id/publish',
  summary: 'Publish an approved plan in one transaction, or schedule it for its effective time (publication then null)',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  answer: z.strictObject({ plan: planSchema, publication: publishOutcomeSchema.nullable() }),
  errors: { ...planErrors, 409: ['plan_not_approved', 'plan_stale', 'plan_empty', 'plan_invalid'] },
});

export const rollbackPlanRoute = apiRoute({
  method: 'post',
  path: '/api/plans/:id/rollback',
  summary: 'Roll a published plan back: a new draft whose edits undo it on today’s boundaries',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  status: 201,
  answer: planAnswer,
  errors: {
    ...planErrors,
    409: ['plan_not_published', 'rollback_superseded', 'rollback_not_possible', 'plan_conflict'],
    422: BLOCKING_EDITS,
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
  layerGeoPackageRoute,
  replaceEditsRoute,
  exportPlanRoute,
  importPlanRoute,
  planGeoPackageRoute,
  importGeoPackageRoute,
  planStructureRoute,
  planBalanceRoute,
  planDiffRoute,
  publishPlanRoute,
  rollbackPlanRoute,
] as const;
