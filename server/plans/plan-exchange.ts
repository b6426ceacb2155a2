/**
 * A plan as GeoJSON (RFC 7946, WGS84), readable and writable by GDAL/QGIS: the export is the community's grids
 * as the plan would make them (one polygon per grid, properties code, name, micro_grids); an import of grid
 * polygons (any of the same properties; coordinates in WGS84, CGCS2000 — within centimetres of WGS84, taken as
 * is — or GCJ-02, converted with gcoord) becomes the plan's edits: each micro-grid goes to the grid whose
 * polygon holds its point on surface. Imported geometries are checked like every drawn polygon
 * (server/geometry/validate-geometry.ts, then ST_IsValid), and the edits then go through the plan's validation.
 */
import gcoord from 'gcoord';
import type { Queryable } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { validatePolygonGeometry, type PolygonGeometry } from '../geometry/validate-geometry.js';
import type { PlanEdit, RequestedEdit } from './plan-validation.js';
import { assignByImportedGrids, checkImportedValidity, exportPlannedGrids } from './plan-exchange.sql.js';

export type ImportCrs = 'wgs84' | 'cgcs2000' | 'gcj02';
export const MAX_IMPORTED_FEATURES = 1000;

export async function exportPlanGeoJson(q: Queryable, community: string, edits: readonly PlanEdit[]) {
  const rows = await q.query<{ code: string; name: string; micro_grids: number; geometry: unknown }>(exportPlannedGrids, [
    community,
    edits.map((e) => e.unit),
    edits.map((e) => e.to),
  ]);
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((r) => ({
      type: 'Feature' as const,
      geometry: r.geometry,
      properties: { code: r.code, name: r.name, micro_grids: r.micro_grids },
    })),
  };
}

function toWgs84Geometry(geometry: PolygonGeometry, crs: ImportCrs): PolygonGeometry {
  if (crs !== 'gcj02') return geometry;
  const convert = (ring: number[][]) => ring.map(([lon, lat]) => gcoord.transform([lon, lat], gcoord.GCJ02, gcoord.WGS84) as number[]);
  return geometry.type === 'Polygon'
    ? { type: 'Polygon', coordinates: geometry.coordinates.map(convert) }
    : { type: 'MultiPolygon', coordinates: geometry.coordinates.map((polygon) => polygon.map(convert)) };
}

/** The edits that an imported set of grid polygons means for the community's micro-grids. */
export async function editsFromImport(q: Queryable, community: string, collection: unknown, crs: ImportCrs): Promise<RequestedEdit[]> {
  const features = (collection as { type?: unknown; features?: unknown })?.features;
  if ((collection as { type?: unknown })?.type !== 'FeatureCollection' || !Array.isArray(features)) {
    throw new AppError(400, 'import_not_feature_collection', 'Import a GeoJSON FeatureCollection of grid polygons');
  }
  if (features.length === 0 || features.length > MAX_IMPORTED_FEATURES) {
    throw new AppError(400, 'import_feature_count', `Import between 1 and ${MAX_IMPORTED_FEATURES} grid polygons`);
  }
  const codes: string[] = [];
  const geometries: string[] = [];
  features.forEach((feature, index) => {
    const code = (feature as { properties?: { code?: unknown } })?.properties?.code;
    if (typeof code !== 'string' || !/^\d{15}$/.test(code)) {
      throw new AppError(400, 'import_grid_code_missing', `Feature ${index} has no grid code (property code, 15 digits)`, { feature: index });
    }
    const checked = validatePolygonGeometry((feature as { geometry?: unknown }).geometry);
    if (!checked.valid) throw new AppError(400, checked.reason, `Feature ${index}: ${checked.detail}`, { feature: index, code });
    codes.push(code);
    geometries.push(JSON.stringify(toWgs84Geometry(checked.geometry, crs)));
  });
  const validity = await q.query<{ ord: number; valid: boolean }>(checkImportedValidity, [geometries]);
  const invalid = validity.find((v) => !v.valid);
  if (invalid) throw new AppError(400, 'invalid_geometry', `Feature ${invalid.ord - 1} is not a valid polygon`, { feature: invalid.ord - 1 });
  const rows = await q.query<{ code: string; parent_code: string; grid: string | null; holders: number }>(assignByImportedGrids, [
    community,
    codes,
    geometries,
  ]);
  const unassigned = rows.filter((r) => r.grid === null).map((r) => r.code);
  const ambiguous = rows.filter((r) => r.holders > 1).map((r) => r.code);
  if (unassigned.length > 0 || ambiguous.length > 0) {
    throw new AppError(422, 'import_does_not_tile', 'The imported grids must hold every micro-grid of the community exactly once', {
      unassigned: unassigned.slice(0, 50),
      ambiguous: ambiguous.slice(0, 50),
    });
  }
  return rows.filter((r) => r.grid !== r.parent_code).map((r) => ({ unit: r.code, to: r.grid! }));
}
