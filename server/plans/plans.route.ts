/**
 * /api/plans — the planner's boundary plans (issue 20): draft plans of edits that never touch the live map,
 * validation with reason codes, live balance, the diff, submission, approval by a second person, effective-dated
 * publication in one transaction, rollback as a new plan. Planners and administrators, in their jurisdiction
 * (row-level security on boundary_plans by the plan's scope). Every change through auditedChange.
 */
import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { auditedChange } from '../audit/record-audit.js';
import { authOf, scopedDb } from '../auth/request-context.js';
import { forgetCachedCredentials } from '../auth/authenticate.js';
import { access } from '../auth/route-access.js';
import type { AppConfig } from '../config/load-config.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import type { DomainEvents } from '../events/domain-events.js';
import { validateRequestPart } from '../http/validate-request.js';
import { incidentChanged } from '../incidents/incident-publishing.js';
import { bumpLayerVersion } from '../tiles/tile-cache.js';
import { UNIT_LAYERS } from '../tiles/tile-layers.js';
import { PLAN_STATES } from './plan-lifecycle.js';
import { MAX_SPLIT_LINE_POINTS } from './plan-structure-rules.js';
import { movesOf } from './plan-structure.js';
import { readSharedEdges } from './plan-structure.sql.js';
import {
  assertAllowed,
  balanceOf,
  createPlan,
  diffOf,
  loadPlan,
  publishOrSchedule,
  readBalanceFigures,
  replaceEdits,
  setPlanState,
  structureBalance,
  submitPlan,
  validateStoredPlan,
  type PlanActorFull,
} from './plan-service.js';
import { listPlans, listVersions } from './plans.sql.js';
import { editsFromImport, exportPlanGeoJson, type ImportCrs } from './plan-exchange.js';
import { GEOPACKAGE_TYPE, MAX_GEOPACKAGE_BYTES, geoJsonToGeoPackage, geoPackageToGeoJson } from './plan-geopackage.js';
import { listPaintableUnits, listSnapLines, readScopeUnit } from './plan-reads.sql.js';
import { refuseRollbackPieces, rollbackEdits } from './plan-rollback.js';
import { repartition } from './plan-repartition.js';
import { listRepartitionAdjacency, listRepartitionUnits } from './plan-repartition.sql.js';

export interface PlansDependencies {
  db: Database;
  config: Pick<AppConfig, 'planLimits'>;
  clock: { now(): Date };
  logger: Logger;
  events?: DomainEvents;
}

const PLANNERS = ['planner', 'admin'] as const;
const Code = z.string().regex(/^\d{6,18}$/, 'a unit code is 6 to 18 digits');
const Id = z.object({ id: z.string().regex(/^\d{1,12}$/, 'a plan id is a whole number').transform(Number) }).strict();
const Lon = z.number().finite().min(-180).max(180);
const Lat = z.number().finite().min(-90).max(90);
const SplitLine = z.object({ type: z.literal('LineString'), coordinates: z.array(z.tuple([Lon, Lat])).min(2).max(MAX_SPLIT_LINE_POINTS) }).strict();
const Edits = z
  .array(
    z.union([
      z.object({ unit: Code, to: Code }).strict(),
      z.object({ op: z.literal('split'), unit: Code, line: SplitLine }).strict(),
      z.object({ op: z.literal('merge'), units: z.tuple([Code, Code]) }).strict(),
      z.object({ op: z.literal('reshape'), units: z.tuple([Code, Code]), line: SplitLine }).strict(),
    ]),
  )
  .max(2000);
const CreateBody = z.object({ name: z.string().trim().min(1).max(120), scopeCode: Code, edits: Edits.optional() }).strict();
const EditsBody = z.object({ edits: Edits }).strict();
const SubmitBody = z.object({ warningReason: z.string().trim().min(1).max(1000).optional() }).strict();
const ApproveBody = z.object({ effectiveAt: z.iso.datetime({ offset: true }).optional() }).strict();
const RejectBody = z.object({ reason: z.string().trim().min(1).max(1000) }).strict();
const ListQuery = z
  .object({
    state: z.enum(PLAN_STATES).optional(),
    limit: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().min(1).max(200)).default(50),
  })
  .strict();
const FiguresQuery = z.object({ parent: Code, level: z.enum(['micro_grid', 'grid']) }).strict();
const MapQuery = z.object({ parent: Code }).strict();
const VersionsQuery = z.object({ limit: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().min(1).max(200)).default(50) }).strict();
const LayerQuery = z.object({ community: Code }).strict();
const EdgeQuery = z.object({ a: Code, b: Code }).strict();
const GeoPackageQuery = z.object({ crs: z.enum(['wgs84', 'cgcs2000', 'gcj02']).default('wgs84') }).strict();
const ImportBody = z.object({ crs: z.enum(['wgs84', 'cgcs2000', 'gcj02']).default('wgs84'), collection: z.unknown() }).strict();

const YEAR_MS = 365 * 24 * 3600 * 1000;
/** At most this many road and water lines per community for snapping (a community has a few hundred). */
const MAX_SNAP_LINES = 20000;

function actorOf(req: Request): PlanActorFull {
  const auth = authOf(req);
  return { accountId: auth.accountId, role: auth.role, username: auth.username };
}

export function plansRouter(deps: PlansDependencies): Router {
  const router = Router();
  const { clock, config } = deps;
  const limits = config.planLimits;
  const idOf = (req: Request) => validateRequestPart(Id, req.params, 'invalid_plan_id').id;

  router.get('/api/plans', access(...PLANNERS), async (req, res) => {
    const query = validateRequestPart(ListQuery, req.query, 'invalid_query');
    res.json({ plans: await scopedDb(req).query(listPlans, [query.state ?? null, query.limit]) });
  });

  // The figures behind the balance of one parent's children, for the planner's screen to recompute the balance
  // after each stroke without a round trip.
  router.get('/api/plans/figures', access(...PLANNERS), async (req, res) => {
    const query = validateRequestPart(FiguresQuery, req.query, 'invalid_query');
    const since = new Date(clock.now().getTime() - YEAR_MS);
    res.json({ parent: query.parent, level: query.level, figures: await readBalanceFigures(scopedDb(req), query.parent, query.level, since) });
  });

  // The version history: every publication the caller's jurisdiction may see, newest first (version 0 is the seed).
  router.get('/api/plans/versions', access(...PLANNERS), async (req, res) => {
    const query = validateRequestPart(VersionsQuery, req.query, 'invalid_query');
    res.json({ versions: await scopedDb(req).query(listVersions, [query.limit]) });
  });

  // The planner's map: the micro-grids of one community as GeoJSON, each with its grid (`grid`), or the grids of a
  // street, each with its community (in `grid` too: the parent the brush paints into).
  router.get('/api/plans/map', access(...PLANNERS), async (req, res) => {
    const query = validateRequestPart(MapQuery, req.query, 'invalid_query');
    const rows = await scopedDb(req).query<{ code: string; name: string; parent_code: string; households: number; geometry: unknown }>(
      listPaintableUnits,
      [query.parent],
    );
    res.json({
      type: 'FeatureCollection',
      features: rows.map((r) => ({
        type: 'Feature',
        id: r.code,
        geometry: r.geometry,
        properties: { code: r.code, name: r.name, grid: r.parent_code, households: r.households },
      })),
    });
  });

  // The published grids of one community as a GeoPackage (the live layer, no plan): what a plan starts from in QGIS.
  router.get('/api/plans/layer/geopackage', access(...PLANNERS), async (req, res) => {
    const query = validateRequestPart(LayerQuery, req.query, 'invalid_query');
    const db = scopedDb(req);
    const [scope] = await db.query<{ code: string; level: string }>(readScopeUnit, [query.community]);
    if (!scope) throw new AppError(404, 'unit_not_found', 'No such community in your jurisdiction');
    if (scope.level !== 'community') throw new AppError(400, 'export_needs_community', 'Only a community’s grids are exported');
    const gpkg = await geoJsonToGeoPackage(await exportPlanGeoJson(db, query.community, []));
    res.attachment(`grids-${query.community}.gpkg`).type(GEOPACKAGE_TYPE).send(gpkg);
  });

  // A proposal re-partitioning a community's micro-grids among its grids, balanced on households (plan-repartition.ts):
  // paint moves for the draft, the groups and the balance before → after. Read-only: the page puts the moves in its draft.
  router.get('/api/plans/repartition', access(...PLANNERS), async (req, res) => {
    const query = validateRequestPart(LayerQuery, req.query, 'invalid_query');
    const db = scopedDb(req);
    const [scope] = await db.query<{ code: string; level: string }>(readScopeUnit, [query.community]);
    if (!scope || scope.level !== 'community') throw new AppError(404, 'unit_not_found', 'No such community in your jurisdiction');
    const [units, adjacency] = await Promise.all([
      db.query<{ code: string; grid: string; households: number; seed: boolean }>(listRepartitionUnits, [query.community]),
      db.query<{ a: string; b: string; length_m: number }>(listRepartitionAdjacency, [query.community]),
    ]);
    const result = repartition({
      units: units.map((u) => ({ code: u.code, grid: u.grid, households: Number(u.households) })),
      seeds: new Map(units.filter((u) => u.seed).map((u) => [u.grid, u.code])),
      adjacency: adjacency.map((e) => ({ a: e.a, b: e.b, lengthM: Number(e.length_m) })),
    });
    res.json({ community: query.community, ...result });
  });

  // Roads and river banks near a community, for the split and reshape tools to snap to.
  router.get('/api/plans/snap-lines', access(...PLANNERS), async (req, res) => {
    const query = validateRequestPart(LayerQuery, req.query, 'invalid_query');
    const db = scopedDb(req);
    const [scope] = await db.query<{ code: string; level: string }>(readScopeUnit, [query.community]);
    if (!scope || scope.level !== 'community') throw new AppError(404, 'unit_not_found', 'No such community in your jurisdiction');
    const rows = await db.query<{ kind: string; class: string; geometry: unknown }>(listSnapLines, [query.community, MAX_SNAP_LINES]);
    res.json({
      type: 'FeatureCollection',
      features: rows.map((r) => ({ type: 'Feature', geometry: r.geometry, properties: { kind: r.kind, class: r.class } })),
    });
  });

  // The edge two micro-grids share, as one GeoJSON line (the reshape tool edits it): 404 when they share none.
  router.get('/api/plans/edge', access(...PLANNERS), async (req, res) => {
    const query = validateRequestPart(EdgeQuery, req.query, 'invalid_query');
    const [edge] = await scopedDb(req).query<{ parts: number | null; line: unknown }>(readSharedEdges, [[query.a], [query.b]]);
    if (!edge?.line || edge.parts !== 1) throw new AppError(404, 'reshape_no_shared_edge', 'These micro-grids share no single edge');
    res.json({ type: 'Feature', geometry: edge.line, properties: { units: [query.a, query.b] } });
  });

  router.post('/api/plans', access(...PLANNERS), async (req, res) => {
    const body = validateRequestPart(CreateBody, req.body, 'invalid_plan');
    const plan = await auditedChange(req, { action: 'plan.create', entityType: 'boundary_plan' }, async (tx) => {
      const created = await createPlan(tx, { name: body.name, scopeCode: body.scopeCode }, actorOf(req), clock.now());
      const withEdits = body.edits?.length ? (await replaceEdits(tx, created, body.edits, limits, clock.now())).plan : created;
      return { entityId: String(created.id), jurisdictionCode: created.scope_code, after: { name: body.name, edits: withEdits.edits.length }, result: withEdits };
    });
    res.status(201).json({ plan });
  });

  router.get('/api/plans/:id', access(...PLANNERS), async (req, res) => {
    res.json({ plan: await loadPlan(scopedDb(req), idOf(req)) });
  });

  router.put('/api/plans/:id/edits', access(...PLANNERS), async (req, res) => {
    const id = idOf(req);
    const body = validateRequestPart(EditsBody, req.body, 'invalid_edits');
    const done = await auditedChange(req, { action: 'plan.edit', entityType: 'boundary_plan', entityId: String(id) }, async (tx) => {
      const plan = await loadPlan(tx, id, true);
      assertAllowed(plan, 'edit', actorOf(req));
      const { plan: updated, outcome } = await replaceEdits(tx, plan, body.edits, limits, clock.now());
      const balance = await balanceOf(tx, outcome, clock.now());
      return {
        entityId: String(id),
        jurisdictionCode: plan.scope_code,
        before: { edits: plan.edits },
        after: { edits: updated.edits },
        result: {
          plan: updated,
          validation: outcome.validation,
          balance,
          structure: outcome.structure,
          structureBalance: await structureBalance(tx, outcome, clock.now()),
        },
      };
    });
    res.json(done);
  });

  // The community's grids as the plan would make them, as GeoJSON (GDAL/QGIS read it; ogr2ogr makes a GeoPackage).
  router.get('/api/plans/:id/export', access(...PLANNERS), async (req, res) => {
    const db = scopedDb(req);
    const plan = await loadPlan(db, idOf(req));
    if (plan.scope_code.length !== 12) throw new AppError(400, 'export_needs_community', 'Only a community’s plan is exported as grids');
    res.type('application/geo+json').json(await exportPlanGeoJson(db, plan.scope_code, movesOf(plan.edits)));
  });

  // Grid polygons (GeoJSON, WGS84 / CGCS2000 / GCJ-02) imported as the plan's edits, validated like painted ones.
  const importInto = async (req: Request, res: Response, read: () => Promise<{ collection: unknown; crs: ImportCrs; format: string }>) => {
    const id = idOf(req);
    const done = await auditedChange(req, { action: 'plan.import', entityType: 'boundary_plan', entityId: String(id) }, async (tx) => {
      const plan = await loadPlan(tx, id, true);
      assertAllowed(plan, 'edit', actorOf(req));
      if (plan.scope_code.length !== 12) throw new AppError(400, 'import_needs_community', 'Grids are imported into a community’s plan');
      const { collection, crs, format } = await read();
      const edits = await editsFromImport(tx, plan.scope_code, collection, crs);
      const { plan: updated, outcome } = await replaceEdits(tx, plan, edits, limits, clock.now());
      const balance = await balanceOf(tx, outcome, clock.now());
      return {
        entityId: String(id),
        jurisdictionCode: plan.scope_code,
        before: { edits: plan.edits },
        after: { edits: updated.edits, crs, format },
        result: { plan: updated, validation: outcome.validation, balance },
      };
    });
    res.json(done);
  };

  router.put('/api/plans/:id/import', access(...PLANNERS), async (req, res) => {
    const body = validateRequestPart(ImportBody, req.body, 'invalid_import');
    await importInto(req, res, async () => ({ collection: body.collection, crs: body.crs, format: 'geojson' }));
  });

  // The same as a GeoPackage file, converted by ogr2ogr on the server (plan-geopackage.ts).
  router.get('/api/plans/:id/geopackage', access(...PLANNERS), async (req, res) => {
    const db = scopedDb(req);
    const plan = await loadPlan(db, idOf(req));
    if (plan.scope_code.length !== 12) throw new AppError(400, 'export_needs_community', 'Only a community’s plan is exported as grids');
    const gpkg = await geoJsonToGeoPackage(await exportPlanGeoJson(db, plan.scope_code, movesOf(plan.edits)));
    res.attachment(`plan-${plan.id}.gpkg`).type(GEOPACKAGE_TYPE).send(gpkg);
  });

  router.put(
    '/api/plans/:id/geopackage',
    access(...PLANNERS),
    express.raw({ type: GEOPACKAGE_TYPE, limit: MAX_GEOPACKAGE_BYTES }),
    async (req, res) => {
      const query = validateRequestPart(GeoPackageQuery, req.query, 'invalid_query');
      if (!Buffer.isBuffer(req.body)) throw new AppError(415, 'import_not_geopackage', `Send the file as ${GEOPACKAGE_TYPE}`);
      const file = req.body;
      await importInto(req, res, async () => ({ collection: await geoPackageToGeoJson(file, query.crs), crs: query.crs, format: 'geopackage' }));
    },
  );

  router.get('/api/plans/:id/validation', access(...PLANNERS), async (req, res) => {
    const db = scopedDb(req);
    const plan = await loadPlan(db, idOf(req));
    res.json((await validateStoredPlan(db, plan, limits, clock.now())).validation);
  });

  // The plan's splits and merges as they would be published: the pieces (outline, figures) and each grid's balance.
  router.get('/api/plans/:id/structure', access(...PLANNERS), async (req, res) => {
    const db = scopedDb(req);
    const plan = await loadPlan(db, idOf(req));
    const outcome = await validateStoredPlan(db, plan, limits, clock.now());
    res.json({ validation: outcome.validation, structure: outcome.structure, structureBalance: await structureBalance(db, outcome, clock.now()) });
  });

  router.get('/api/plans/:id/balance', access(...PLANNERS), async (req, res) => {
    const db = scopedDb(req);
    const plan = await loadPlan(db, idOf(req));
    res.json({ balance: await balanceOf(db, await validateStoredPlan(db, plan, limits, clock.now()), clock.now()) });
  });

  router.get('/api/plans/:id/diff', access(...PLANNERS), async (req, res) => {
    const db = scopedDb(req);
    const plan = await loadPlan(db, idOf(req));
    if (plan.state === 'published') {
      res.json({ published: true, publication: plan.publication });
      return;
    }
    res.json(await diffOf(db, plan.edits, clock.now()));
  });

  router.post('/api/plans/:id/submit', access(...PLANNERS), async (req, res) => {
    const id = idOf(req);
    const body = validateRequestPart(SubmitBody, req.body ?? {}, 'invalid_submission');
    const plan = await auditedChange(req, { action: 'plan.submit', entityType: 'boundary_plan', entityId: String(id) }, async (tx) => {
      const current = await loadPlan(tx, id, true);
      assertAllowed(current, 'submit', actorOf(req));
      const updated = await submitPlan(tx, current, body.warningReason ?? null, limits, clock.now());
      return { entityId: String(id), jurisdictionCode: current.scope_code, before: { state: current.state }, after: { state: updated.state, warningReason: body.warningReason ?? null }, result: updated };
    });
    res.json({ plan });
  });

  router.post('/api/plans/:id/withdraw', access(...PLANNERS), async (req, res) => {
    const id = idOf(req);
    const plan = await auditedChange(req, { action: 'plan.withdraw', entityType: 'boundary_plan', entityId: String(id) }, async (tx) => {
      const current = await loadPlan(tx, id, true);
      assertAllowed(current, 'withdraw', actorOf(req));
      const updated = await setPlanState(tx, current, 'withdrawn', clock.now());
      return { entityId: String(id), jurisdictionCode: current.scope_code, before: { state: current.state }, after: { state: updated.state }, result: updated };
    });
    res.json({ plan });
  });

  router.post('/api/plans/:id/approve', access(...PLANNERS), async (req, res) => {
    const id = idOf(req);
    const body = validateRequestPart(ApproveBody, req.body ?? {}, 'invalid_approval');
    const plan = await auditedChange(req, { action: 'plan.approve', entityType: 'boundary_plan', entityId: String(id) }, async (tx) => {
      const current = await loadPlan(tx, id, true);
      assertAllowed(current, 'approve', actorOf(req));
      // Approval looks at the plan as it stands today: errors that appeared since submission block it.
      const { validation } = await validateStoredPlan(tx, current, limits, clock.now());
      if (!validation.valid) throw new AppError(422, 'plan_invalid', 'The plan has errors', { issues: validation.issues });
      const effectiveAt = body.effectiveAt ? new Date(body.effectiveAt) : clock.now();
      const updated = await setPlanState(tx, current, 'approved', clock.now(), { approver: actorOf(req), effectiveAt });
      return { entityId: String(id), jurisdictionCode: current.scope_code, before: { state: current.state }, after: { state: updated.state, effectiveAt }, result: updated };
    });
    res.json({ plan });
  });

  router.post('/api/plans/:id/reject', access(...PLANNERS), async (req, res) => {
    const id = idOf(req);
    const body = validateRequestPart(RejectBody, req.body, 'invalid_rejection');
    const plan = await auditedChange(req, { action: 'plan.reject', entityType: 'boundary_plan', entityId: String(id) }, async (tx) => {
      const current = await loadPlan(tx, id, true);
      assertAllowed(current, 'reject', actorOf(req));
      const updated = await setPlanState(tx, current, 'rejected', clock.now(), { approver: actorOf(req), rejectedReason: body.reason });
      return { entityId: String(id), jurisdictionCode: current.scope_code, before: { state: current.state }, after: { state: updated.state, reason: body.reason }, result: updated };
    });
    res.json({ plan });
  });

  router.post('/api/plans/:id/publish', access(...PLANNERS), async (req, res) => {
    const id = idOf(req);
    const done = await auditedChange(req, { action: 'plan.publish', entityType: 'boundary_plan', entityId: String(id) }, async (tx) => {
      const current = await loadPlan(tx, id, true);
      assertAllowed(current, 'publish', actorOf(req));
      const outcome = await publishOrSchedule(tx, current, actorOf(req), clock.now());
      return {
        entityId: String(id),
        jurisdictionCode: current.scope_code,
        before: { state: current.state, basedOnVersion: current.based_on_version },
        after: { state: outcome.plan.state, publication: outcome.publication },
        result: outcome,
      };
    });
    if (done.publication) afterPublication(deps, done.relocated);
    if (done.publication?.accounts) forgetCachedCredentials(req);
    res.json({ plan: done.plan, publication: done.publication });
  });

  router.post('/api/plans/:id/rollback', access(...PLANNERS), async (req, res) => {
    const id = idOf(req);
    const plan = await auditedChange(req, { action: 'plan.rollback', entityType: 'boundary_plan', entityId: String(id) }, async (tx) => {
      const published = await loadPlan(tx, id);
      const edits = await rollbackEdits(tx, published);
      const created = await createPlan(tx, { name: `回退 ${published.name}`.slice(0, 120), scopeCode: published.scope_code, rollbackOf: id }, actorOf(req), clock.now());
      const { plan: withEdits, outcome } = await replaceEdits(tx, created, edits, limits, clock.now());
      refuseRollbackPieces(outcome.validation.issues);
      return { entityId: String(created.id), jurisdictionCode: published.scope_code, after: { rollbackOf: id, edits: withEdits.edits }, result: withEdits };
    });
    res.status(201).json({ plan });
  });

  return router;
}

/** After the commit: the map's tiles of every unit layer drawn anew, the relocated incidents announced. */
export function afterPublication(deps: Pick<PlansDependencies, 'db' | 'events'>, relocated: { id: number; microGridCode: string }[]): void {
  for (const layer of UNIT_LAYERS) bumpLayerVersion(deps.db, layer);
  for (const incident of relocated) deps.events?.emit(incidentChanged(incident.id, incident.microGridCode, 'boundary_relocated'));
}
