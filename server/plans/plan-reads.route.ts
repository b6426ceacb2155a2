/**
 * The planner's reference reads under /api/plans (no plan needed): the list of plans, the figures behind the live
 * balance, the version history, the paintable map, the live grids as a GeoPackage, the re-partition proposal, the
 * lines to snap to, the edge two micro-grids share. Planners and administrators, in their jurisdiction.
 */
import type { Router } from 'express';
import { scopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import { AppError } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { readBalanceFigures } from './plan-service.js';
import { listPlans, listVersions } from './plans.sql.js';
import { exportPlanGeoJson } from './plan-exchange.js';
import { geoJsonToGeoPackage } from './plan-geopackage.js';
import { listPaintableUnits, listSnapLines, readScopeUnit } from './plan-reads.sql.js';
import { readSharedEdges } from './plan-structure.sql.js';
import { repartition } from './plan-repartition.js';
import { listRepartitionAdjacency, listRepartitionUnits } from './plan-repartition.sql.js';
import { layerGeoPackageRoute } from './plan-exchange-contract.js';
import {
  listPlansRoute,
  planFiguresRoute,
  planMapRoute,
  planVersionsRoute,
  repartitionRoute,
  sharedEdgeRoute,
  snapLinesRoute,
} from './plans-contract.js';
import { YEAR_MS, type PlansDependencies } from './plan-route-context.js';

/** At most this many road and water lines per community for snapping (a community has a few hundred). */
const MAX_SNAP_LINES = 20000;

export function registerPlanReadRoutes(router: Router, deps: PlansDependencies): void {
  const { clock } = deps;

  router.get(listPlansRoute.path, contractAccess(listPlansRoute), async (req, res) => {
    const query = validateRequestPart(listPlansRoute.query, req.query, 'invalid_query');
    res.json({ plans: await scopedDb(req).query(listPlans, [query.state ?? null, query.limit]) });
  });

  // The figures behind the balance of one parent's children, for the planner's screen to recompute the balance
  // after each stroke without a round trip.
  router.get(planFiguresRoute.path, contractAccess(planFiguresRoute), async (req, res) => {
    const query = validateRequestPart(planFiguresRoute.query, req.query, 'invalid_query');
    const since = new Date(clock.now().getTime() - YEAR_MS);
    res.json({ parent: query.parent, level: query.level, figures: await readBalanceFigures(scopedDb(req), query.parent, query.level, since) });
  });

  // The version history: every publication the caller's jurisdiction may see, newest first (version 0 is the seed).
  router.get(planVersionsRoute.path, contractAccess(planVersionsRoute), async (req, res) => {
    const query = validateRequestPart(planVersionsRoute.query, req.query, 'invalid_query');
    res.json({ versions: await scopedDb(req).query(listVersions, [query.limit]) });
  });

  // The planner's map: the micro-grids of one community as GeoJSON, each with its grid (`grid`), or the grids of a
  // street, each with its community (in `grid` too: the parent the brush paints into).
  router.get(planMapRoute.path, contractAccess(planMapRoute), async (req, res) => {
    const query = validateRequestPart(planMapRoute.query, req.query, 'invalid_query');
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
  router.get(layerGeoPackageRoute.path, contractAccess(layerGeoPackageRoute), async (req, res) => {
    const query = validateRequestPart(layerGeoPackageRoute.query, req.query, 'invalid_query');
    const db = scopedDb(req);
    const [scope] = await db.query<{ code: string; level: string }>(readScopeUnit, [query.community]);
    if (!scope) throw new AppError(404, 'unit_not_found', 'No such community in your jurisdiction');
    if (scope.level !== 'community') throw new AppError(400, 'export_needs_community', 'Only a community’s grids are exported');
    const gpkg = await geoJsonToGeoPackage(await exportPlanGeoJson(db, query.community, []));
    res.attachment(`grids-${query.community}.gpkg`).type(layerGeoPackageRoute.produces).send(gpkg);
  });

  // A proposal re-partitioning a community's micro-grids among its grids, balanced on households (plan-repartition.ts):
  // paint moves for the draft, the groups and the balance before → after. Read-only: the page puts the moves in its draft.
  router.get(repartitionRoute.path, contractAccess(repartitionRoute), async (req, res) => {
    const query = validateRequestPart(repartitionRoute.query, req.query, 'invalid_query');
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
  router.get(snapLinesRoute.path, contractAccess(snapLinesRoute), async (req, res) => {
    const query = validateRequestPart(snapLinesRoute.query, req.query, 'invalid_query');
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
  router.get(sharedEdgeRoute.path, contractAccess(sharedEdgeRoute), async (req, res) => {
    const query = validateRequestPart(sharedEdgeRoute.query, req.query, 'invalid_query');
    const [edge] = await scopedDb(req).query<{ parts: number | null; line: unknown }>(readSharedEdges, [[query.a], [query.b]]);
    if (!edge?.line || edge.parts !== 1) throw new AppError(404, 'reshape_no_shared_edge', 'These micro-grids share no single edge');
    res.json({ type: 'Feature', geometry: edge.line, properties: { units: [query.a, query.b] } });
  });
}
