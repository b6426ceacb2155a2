/**
 * The schemas of the /api/plans contract (plans-contract.ts declares the routes with them): path parameters,
 * queries and bodies as the routers validate them, and the answers as the routes build them — the plan row
 * (plans.sql.ts), validation (plan-reason-codes.ts), balance (plan-balance.ts), the pieces of splits, merges,
 * reshapes and re-partitions (plan-structure.ts), the diff (plan-service.ts), publication (migration 0045).
 * Answers are strict: a field the code adds without saying so here fails tests/contract/api-contract.spec.ts.
 * No Node-only imports (the client type-imports the routes).
 */
import { z } from 'zod';
import { timestampSchema } from '../contract/api-route.js';
import { BALANCE_MEASURES } from './plan-balance.js';
import { PLAN_STATES } from './plan-lifecycle.js';
import { PLAN_REASONS } from './plan-reason-codes.js';
import { MAX_SPLIT_LINE_POINTS } from './plan-structure-rules.js';

export const PLANNERS = ['planner', 'admin'] as const;

/** Edits that name nothing editable in the plan: the edits are refused (422, plan-service.ts replaceEdits). */
export const BLOCKING_EDITS = [
  'unit_not_found',
  'outside_plan_scope',
  'too_many_edits',
  'duplicate_edit',
  'repartition_target_out_of_range',
] as const;
/** What refuses a change to a draft beyond its own checks. */
export const DRAFT_ERRORS = { 403: ['not_plan_author'], 404: ['plan_not_found'], 409: ['plan_not_draft', 'plan_conflict'] } as const;
/** Why imported grid polygons are refused (plan-exchange.ts, server/geometry/validate-geometry.ts). */
export const IMPORT_REFUSALS = [
  'import_needs_community',
  'import_not_feature_collection',
  'import_feature_count',
  'import_grid_code_missing',
  'invalid_geometry',
  'not_a_geometry',
  'unsupported_type',
  'malformed_coordinates',
  'coordinate_not_finite',
  'coordinate_out_of_range',
  'too_few_positions',
  'ring_not_closed',
  'too_many_vertices',
  'self_intersection',
] as const;

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
/** A 2-D position as ST_AsGeoJSON writes it. */
const lonLat = z.tuple([z.number(), z.number()]);
/** One line (the edge two micro-grids share). */
export const lineStringSchema = z.strictObject({ type: z.literal('LineString'), coordinates: z.array(lonLat) });
/** Lines as one geometry (roads and river banks to snap to, ST_Multi). */
export const multiLineStringSchema = z.strictObject({ type: z.literal('MultiLineString'), coordinates: z.array(z.array(lonLat)) });
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
export const planAnswer = z.strictObject({ plan: planSchema });

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

// ---- Answers of a plan's draft: balance, pieces, diff, exchange, publication -----------------------------------
const figuresSchema = z.strictObject(figuresShape);
const spreadsSchema = z.strictObject(
  Object.fromEntries(BALANCE_MEASURES.map((m) => [m, z.strictObject({ before: spreadSchema, after: spreadSchema })])) as Record<
    (typeof BALANCE_MEASURES)[number],
    z.ZodObject<{ before: typeof spreadSchema; after: typeof spreadSchema }, z.core.$strict>
  >,
);

/** The balance of each parent whose children the plan moves, before → after (plan-service.ts balanceOf). */
export const parentBalanceSchema = z.strictObject({
  parent: z.string(),
  level: z.enum(['micro_grid', 'grid']),
  figures: z.array(figureRowSchema),
  balance: z.strictObject({
    units: z.array(z.strictObject({ code: z.string(), name: z.string(), before: figuresSchema, after: figuresSchema, affected: z.boolean() })),
    spread: spreadsSchema,
  }),
});

const workerSchema = z.strictObject({ code: z.string(), name: z.string(), role: z.string(), homeUnit: z.string() });
const pieceFields = {
  ...figuresShape,
  ord: z.number().int(),
  op: z.enum(['split', 'merge', 'reshape', 'repartition']),
  keepCode: z.string().nullable(),
  parentCode: z.string(),
  oldCodes: z.array(z.string()),
  piece: z.number().int(),
  areaM2: z.number(),
  widthM: z.number(),
  workerList: z.array(workerSchema),
};
/** A piece of a split, merge, reshape or re-partition as publication would make it (plan-structure.ts StructurePiece). */
export const structurePieceSchema = z.strictObject({ ...pieceFields, pieces: z.number().int(), parts: z.number().int(), geometry: areaGeometry });

/** Per grid with a structural edit: its micro-grids before → after (plan-structure-rules.ts StructureBalance). */
export const structureBalanceSchema = z.strictObject({
  parent: z.string(),
  units: z.array(
    z.strictObject({
      key: z.string(),
      code: z.string().nullable(),
      before: figuresSchema.nullable(),
      after: figuresSchema.nullable(),
      affected: z.boolean(),
    }),
  ),
  spread: spreadsSchema,
});

/** The plan's pieces and the balance of the grids they change, with its validation. */
export const structureAnswerSchema = z.strictObject({
  validation: planValidationSchema,
  structure: z.array(structurePieceSchema),
  structureBalance: z.array(structureBalanceSchema),
});

/** A draft after its edits were replaced: the plan, its validation, the balance of its moves and its pieces. */
export const draftAnswerSchema = structureAnswerSchema.extend({ plan: planSchema, balance: z.array(parentBalanceSchema) });

/** A draft after an import (GeoJSON or GeoPackage): the plan, its validation and the balance of its moves. */
export const importAnswerSchema = z.strictObject({ plan: planSchema, validation: planValidationSchema, balance: z.array(parentBalanceSchema) });

/** A community's grids as a plan would make them, as GeoJSON (plan-exchange.ts exportPlanGeoJson). */
export const gridsCollectionSchema = z.strictObject({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.strictObject({
      type: z.literal('Feature'),
      geometry: areaGeometry,
      properties: z.strictObject({ code: z.string(), name: z.string(), micro_grids: z.number().int() }),
    }),
  ),
});

const diffFigures = {
  areaM2: z.number(),
  households: z.number(),
  population: z.number(),
  cameras: z.number().int(),
  sensors: z.number().int(),
  openIncidents: z.number().int(),
  incidentsTotal: z.number().int(),
  incidents12m: z.number().int(),
};
/** What an unpublished plan would change (plan-service.ts diffOf): each moved unit with what follows it, and the pieces. */
export const planDiffSchema = z.strictObject({
  moved: z.array(
    z.strictObject({
      ...diffFigures,
      code: z.string(),
      name: z.string(),
      level: z.string(),
      from: z.string(),
      to: z.string(),
      workers: z.array(workerSchema),
    }),
  ),
  totals: z.strictObject({ ...diffFigures, units: z.number().int(), workers: z.number().int() }),
  restructured: z.array(
    z.strictObject({
      op: pieceFields.op,
      parent: z.string(),
      from: z.array(z.string()),
      kept: z.array(z.string().nullable()),
      pieces: z.array(z.strictObject(pieceFields)),
    }),
  ),
});
/** A published plan's diff is what its publication did. */
export const publishedDiffSchema = z.strictObject({ published: z.literal(true), publication: publicationSchema.nullable() });

/**
 * The publication function's outcome (migration 0045 gridops_publish_boundary_plan): what the plan keeps as its
 * publication, with `ok` and the relocated open incidents (announced on the live channel after the commit).
 */
export const publishOutcomeSchema = publicationSchema.extend({
  ok: z.literal(true),
  relocated: z.array(z.strictObject({ id: z.number().int(), microGridCode: z.string() })),
});
