/**
 * The server's answers as the console reads them: inferred from the route contracts (the `*-contract.ts` of each server module,
 * server/contract/api-route.ts), never written twice. Type-only imports: nothing of the server or of zod
 * reaches the bundle. The live channel's items come from its protocol module.
 */
import type { z } from 'zod';
import type { loginRoute } from '../../server/auth/auth-contract.js';
import type { AnswerOf } from '../../server/contract/api-route.js';
import type { Grade, Role } from '../../server/contract/incident-vocabulary.js';
import type {
  categorySchema,
  createIncidentRoute,
  incidentDetailRoute,
  recommendationsRoute,
  summonsSchema,
} from '../../server/incidents/incidents-contract.js';
import type { departmentSchema } from '../../server/incidents/summonses-contract.js';
import type { sensorDetailRoute } from '../../server/iot/sensors-contract.js';
import type { whatsHereRoute } from '../../server/spatial/spatial-contract.js';
import type { unitOrNameSchema, unitSchema } from '../../server/units/units-contract.js';
import type { importGeoPackageRoute } from '../../server/plans/plan-exchange-contract.js';
import type {
  planFiguresRoute,
  planMapRoute,
  planStructureRoute,
  planVersionsRoute,
  publishPlanRoute,
  readPlanRoute,
  repartitionRoute,
  replaceEditsRoute,
  sharedEdgeRoute,
  snapLinesRoute,
} from '../../server/plans/plans-contract.js';

export type { Grade, Role };
export type Bbox = [number, number, number, number];

/** The signed-in account as /api/auth/me and sign-in give it (server/auth/auth-contract.ts). */
export type Account = AnswerOf<typeof loginRoute>['account'];

/** The live channel's items: one definition, in the server's protocol module (type-only import, erased in the build). */
export type { LiveIncident, LiveWorker } from '../../server/live/live-protocol.js';

/** A unit as the units API answers it (server/units/units-contract.ts). */
export type Unit = z.output<typeof unitSchema>;
/** A unit above the caller's jurisdiction: its name only, for the breadcrumb. */
export type UnitOrName = z.output<typeof unitOrNameSchema>;

/** GET /api/whats-here (server/spatial/spatial-contract.ts). */
export type WhatsHere = AnswerOf<typeof whatsHereRoute>;

/** GET /api/incidents/:id → an incident (database columns, snake_case), its timeline, reports, summonses, photos. */
export type IncidentDetail = AnswerOf<typeof incidentDetailRoute>;
export type IncidentRecord = IncidentDetail['incident'];

/** A boundary plan as GET /api/plans/:id answers it (server/plans/plans-contract.ts). */
export type Plan = AnswerOf<typeof readPlanRoute>['plan'];
/** One published boundary version (GET /api/plans/versions). */
export type PlanVersion = AnswerOf<typeof planVersionsRoute>['versions'][number];
/** The units the planner's brush paints (GET /api/plans/map), and one of them. */
export type PaintableMap = AnswerOf<typeof planMapRoute>;
export type PaintableUnit = PaintableMap['features'][number];
/** Roads and river banks near a community, to snap split and reshape lines to (GET /api/plans/snap-lines). */
export type SnapLines = AnswerOf<typeof snapLinesRoute>;
/** The edge two micro-grids share (GET /api/plans/edge). */
export type SharedEdge = AnswerOf<typeof sharedEdgeRoute>;
/** The re-partition proposal of a community among its grids (GET /api/plans/repartition). */
export type RepartitionProposal = AnswerOf<typeof repartitionRoute>;
/** The figures behind the live balance of one parent's children (GET /api/plans/figures). */
export type PlanFigures = AnswerOf<typeof planFiguresRoute>;
/** A plan's pieces of splits, merges, reshapes and re-partitions, their grids' balance and its validation (GET …/structure). */
export type PlanStructure = AnswerOf<typeof planStructureRoute>;
/** A draft after its edits were replaced (PUT /api/plans/:id/edits): the plan, validation, balance and pieces. */
export type PlanDraft = AnswerOf<typeof replaceEditsRoute>;
/** A draft after a GeoJSON or GeoPackage import (PUT …/geopackage, PUT …/import): the plan, validation, balance. */
export type PlanImport = AnswerOf<typeof importGeoPackageRoute>;
/** A plan after POST …/publish: published (with what publication did) or scheduled (publication null). */
export type PlanPublication = AnswerOf<typeof publishPlanRoute>;
export type TimelineEntry = IncidentDetail['timeline'][number];
/** A "whistle" (吹哨报到): a department summoned about an incident, due to report by its deadline. */
export type Summons = z.output<typeof summonsSchema>;

/** A recommended worker, and the recommendation (server/incidents/incidents-contract.ts). */
export type { RecommendedResponder } from '../../server/routing/responders-contract.js';
export type Recommendations = AnswerOf<typeof recommendationsRoute>;
export type Category = z.output<typeof categorySchema>;
export type Department = z.output<typeof departmentSchema>;
/** POST /api/incidents → the new case, where it lies, and duplicate candidates nearby. */
export type IntakeAnswer = AnswerOf<typeof createIncidentRoute>;

/** GET /api/iot/sensors/:code → a sensor, its latest value and state, rules, 24 h series, alarms (server/iot/sensors-contract.ts). */
export type SensorDetail = AnswerOf<typeof sensorDetailRoute>;
