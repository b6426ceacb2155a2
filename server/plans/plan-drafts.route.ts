/**
 * A plan's draft under /api/plans: create, read, replace its edits (validated, with the live balance and the
 * pieces of its splits and merges), export and import as GeoJSON or GeoPackage, and the read-only views —
 * validation, structure, balance, diff. Every change through auditedChange.
 */
import express, { type Request, type Response, type Router } from 'express';
import { auditedChange } from '../audit/record-audit.js';
import { scopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import { AppError } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { movesOf } from './plan-structure.js';
import { assertAllowed, balanceOf, createPlan, diffOf, loadPlan, replaceEdits, structureBalance, validateStoredPlan } from './plan-service.js';
import { editsFromImport, exportPlanGeoJson, type ImportCrs } from './plan-exchange.js';
import { MAX_GEOPACKAGE_BYTES, geoJsonToGeoPackage, geoPackageToGeoJson } from './plan-geopackage.js';
import { exportPlanRoute, importGeoPackageRoute, importPlanRoute, planGeoPackageRoute } from './plan-exchange-contract.js';
import {
  createPlanRoute,
  planBalanceRoute,
  planDiffRoute,
  planStructureRoute,
  planValidationRoute,
  readPlanRoute,
  replaceEditsRoute,
} from './plans-contract.js';
import { actorOf, planIdOf, type PlansDependencies } from './plan-route-context.js';

export function registerPlanDraftRoutes(router: Router, deps: PlansDependencies): void {
  const { clock } = deps;
  const limits = deps.config.planLimits;

  router.post(createPlanRoute.path, contractAccess(createPlanRoute), async (req, res) => {
    const body = validateRequestPart(createPlanRoute.body, req.body, 'invalid_plan');
    const plan = await auditedChange(req, { action: 'plan.create', entityType: 'boundary_plan' }, async (tx) => {
      const created = await createPlan(tx, { name: body.name, scopeCode: body.scopeCode }, actorOf(req), clock.now());
      const withEdits = body.edits?.length ? (await replaceEdits(tx, created, body.edits, limits, clock.now())).plan : created;
      return {
        entityId: String(created.id),
        jurisdictionCode: created.scope_code,
        after: { name: body.name, edits: withEdits.edits.length },
        result: withEdits,
      };
    });
    res.status(201).json({ plan });
  });

  router.get(readPlanRoute.path, contractAccess(readPlanRoute), async (req, res) => {
    res.json({ plan: await loadPlan(scopedDb(req), planIdOf(req)) });
  });

  router.put(replaceEditsRoute.path, contractAccess(replaceEditsRoute), async (req, res) => {
    const id = planIdOf(req);
    const body = validateRequestPart(replaceEditsRoute.body, req.body, 'invalid_edits');
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
  router.get(exportPlanRoute.path, contractAccess(exportPlanRoute), async (req, res) => {
    const db = scopedDb(req);
    const plan = await loadPlan(db, planIdOf(req));
    if (plan.scope_code.length !== 12) throw new AppError(400, 'export_needs_community', 'Only a community’s plan is exported as grids');
    res.type(exportPlanRoute.produces).json(await exportPlanGeoJson(db, plan.scope_code, movesOf(plan.edits)));
  });

  // Grid polygons (GeoJSON, WGS84 / CGCS2000 / GCJ-02) imported as the plan's edits, validated like painted ones.
  const importInto = async (req: Request, res: Response, read: () => Promise<{ collection: unknown; crs: ImportCrs; format: string }>) => {
    const id = planIdOf(req);
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

  router.put(importPlanRoute.path, contractAccess(importPlanRoute), async (req, res) => {
    const body = validateRequestPart(importPlanRoute.body, req.body, 'invalid_import');
    await importInto(req, res, async () => ({ collection: body.collection, crs: body.crs, format: 'geojson' }));
  });

  // The same as a GeoPackage file, converted by ogr2ogr on the server (plan-geopackage.ts).
  router.get(planGeoPackageRoute.path, contractAccess(planGeoPackageRoute), async (req, res) => {
    const db = scopedDb(req);
    const plan = await loadPlan(db, planIdOf(req));
    if (plan.scope_code.length !== 12) throw new AppError(400, 'export_needs_community', 'Only a community’s plan is exported as grids');
    const gpkg = await geoJsonToGeoPackage(await exportPlanGeoJson(db, plan.scope_code, movesOf(plan.edits)));
    res.attachment(`plan-${plan.id}.gpkg`).type(planGeoPackageRoute.produces).send(gpkg);
  });

  router.put(
    importGeoPackageRoute.path,
    contractAccess(importGeoPackageRoute),
    express.raw({ type: importGeoPackageRoute.consumes, limit: MAX_GEOPACKAGE_BYTES }),
    async (req, res) => {
      const query = validateRequestPart(importGeoPackageRoute.query, req.query, 'invalid_query');
      if (!Buffer.isBuffer(req.body)) throw new AppError(415, 'import_not_geopackage', `Send the file as ${importGeoPackageRoute.consumes}`);
      const file = req.body;
      await importInto(req, res, async () => ({ collection: await geoPackageToGeoJson(file, query.crs), crs: query.crs, format: 'geopackage' }));
    },
  );

  router.get(planValidationRoute.path, contractAccess(planValidationRoute), async (req, res) => {
    const db = scopedDb(req);
    const plan = await loadPlan(db, planIdOf(req));
    res.json((await validateStoredPlan(db, plan, limits, clock.now())).validation);
  });

  // The plan's splits and merges as they would be published: the pieces (outline, figures) and each grid's balance.
  router.get(planStructureRoute.path, contractAccess(planStructureRoute), async (req, res) => {
    const db = scopedDb(req);
    const plan = await loadPlan(db, planIdOf(req));
    const outcome = await validateStoredPlan(db, plan, limits, clock.now());
    res.json({ validation: outcome.validation, structure: outcome.structure, structureBalance: await structureBalance(db, outcome, clock.now()) });
  });

  router.get(planBalanceRoute.path, contractAccess(planBalanceRoute), async (req, res) => {
    const db = scopedDb(req);
    const plan = await loadPlan(db, planIdOf(req));
    res.json({ balance: await balanceOf(db, await validateStoredPlan(db, plan, limits, clock.now()), clock.now()) });
  });

  router.get(planDiffRoute.path, contractAccess(planDiffRoute), async (req, res) => {
    const db = scopedDb(req);
    const plan = await loadPlan(db, planIdOf(req));
    if (plan.state === 'published') {
      res.json({ published: true, publication: plan.publication });
      return;
    }
    res.json(await diffOf(db, plan.edits, clock.now()));
  });
}
