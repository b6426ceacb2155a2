/**
 * The units API: locate a point (GET /api/locate), read a unit, its children and ancestors, search.
 */
import { Router, type Request } from 'express';
import { authOf, scopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import { notFound } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { NEAR_BOUNDARY_METRES, toWgs84 } from './locate-point.js';
import { listAncestors, listChildren, listNearbyMicroGrids, locateMicroGrid, readUnit, searchUnits } from './units.sql.js';
import { locateRoute, readUnitRoute, searchUnitsRoute, unitAncestorsRoute, unitChildrenRoute } from './units-contract.js';

type UnitRow = Record<string, unknown> & { label_lon: number; label_lat: number };

function presentUnit({ label_lon, label_lat, ...unit }: UnitRow) {
  return { ...unit, labelPoint: [label_lon, label_lat] };
}

/**
 * Row-level security lets a caller read the units above its jurisdiction (a street's district), for the
 * breadcrumb: of those the caller gets the name only (code, level, name), never the record or the geometry.
 */
function presentFor(req: Request) {
  const jurisdiction = authOf(req).jurisdiction;
  return (row: UnitRow) => {
    const code = String(row.code);
    if (jurisdiction === 'city' || code.startsWith(jurisdiction)) return presentUnit(row);
    return { code, level: row.level, name: row.name, nameOnly: true };
  };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function unitsRouter(): Router {
  const router = Router();

  router.get(locateRoute.path, contractAccess(locateRoute), async (req, res) => {
    const db = scopedDb(req);
    const input = validateRequestPart(locateRoute.query, req.query, 'invalid_coordinates');
    const point = toWgs84(input.lon, input.lat, input.crs);
    const [row] = await db.query<Record<string, unknown>>(locateMicroGrid, [point.lon, point.lat]);
    if (!row) {
      if (authOf(req).jurisdiction !== 'city') {
        throw notFound('outside_jurisdiction', 'The point is not inside a micro-grid of your jurisdiction', { wgs84: point });
      }
      throw notFound('outside_nanjing', 'The point is not inside any micro-grid of Nanjing', { wgs84: point });
    }
    const distance = Number(row.boundary_distance_m);
    const near = distance <= NEAR_BOUNDARY_METRES;
    const neighbours = near
      ? await db.query<{ code: string; name: string; distance_m: number }>(listNearbyMicroGrids, [
          point.lon,
          point.lat,
          NEAR_BOUNDARY_METRES,
          row.code,
        ])
      : [];
    res.json({
      input: { lon: input.lon, lat: input.lat, crs: input.crs },
      wgs84: point,
      district: { code: row.district_code, name: row.district_name },
      street: { code: row.street_code, name: row.street_name, kind: row.street_kind },
      community: { code: row.community_code, name: row.community_name, kind: row.community_kind },
      grid: { code: row.grid_code, name: row.grid_name, kind: row.grid_kind },
      microGrid: { code: row.code, name: row.name, households: row.households, population: row.population },
      generated: row.generated,
      workers: row.workers,
      nearBoundary: near
        ? {
            distanceM: Math.round(distance * 10) / 10,
            neighbours: neighbours.map((n) => ({ code: n.code, name: n.name, distanceM: Math.round(n.distance_m * 10) / 10 })),
          }
        : null,
      boundaryDistanceM: Math.round(distance * 10) / 10,
    });
  });

  router.get(searchUnitsRoute.path, contractAccess(searchUnitsRoute), async (req, res) => {
    const db = scopedDb(req);
    const input = validateRequestPart(searchUnitsRoute.query, req.query, 'invalid_search');
    const rows = await db.query<UnitRow>(searchUnits, [escapeLike(input.q), input.level ?? null, input.limit]);
    res.json({ query: input.q, units: rows.map(presentFor(req)) });
  });

  router.get(readUnitRoute.path, contractAccess(readUnitRoute), async (req, res) => {
    const db = scopedDb(req);
    const { code } = validateRequestPart(readUnitRoute.params, req.params, 'invalid_unit_code');
    const query = validateRequestPart(readUnitRoute.query, req.query, 'invalid_query');
    const [row] = await db.query<UnitRow>(readUnit, [code, query.geometry === 'true']);
    if (!row) throw notFound('unit_not_found', `No unit has the code ${code}`);
    res.json(presentFor(req)(row));
  });

  router.get(unitChildrenRoute.path, contractAccess(unitChildrenRoute), async (req, res) => {
    const db = scopedDb(req);
    const { code } = validateRequestPart(unitChildrenRoute.params, req.params, 'invalid_unit_code');
    const [parent] = await db.query<UnitRow>(readUnit, [code, false]);
    if (!parent) throw notFound('unit_not_found', `No unit has the code ${code}`);
    const rows = await db.query<UnitRow>(listChildren, [code]);
    res.json({ parent: presentFor(req)(parent), children: rows.map(presentFor(req)) });
  });

  router.get(unitAncestorsRoute.path, contractAccess(unitAncestorsRoute), async (req, res) => {
    const db = scopedDb(req);
    const { code } = validateRequestPart(unitAncestorsRoute.params, req.params, 'invalid_unit_code');
    const [unit] = await db.query<UnitRow>(readUnit, [code, false]);
    if (!unit) throw notFound('unit_not_found', `No unit has the code ${code}`);
    const rows = await db.query<UnitRow>(listAncestors, [code]);
    res.json({ unit: presentFor(req)(unit), ancestors: rows.map(presentFor(req)) });
  });

  return router;
}
