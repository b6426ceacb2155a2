/**
 * The contract of the /api/plans exchange routes (server/contract/api-route.ts; listed in PLANS_ROUTES of
 * plans-contract.ts): a plan's grids out as GeoJSON or a GeoPackage, grid polygons in from either as a draft's
 * edits (plan-exchange.ts, plan-geopackage.ts). A GeoPackage travels as a file of its own media type (`produces`,
 * `consumes`); the GeoJSON export is JSON of application/geo+json. No Node-only imports.
 */
import { apiRoute } from '../contract/api-route.js';
import {
  BLOCKING_EDITS,
  DRAFT_ERRORS,
  GeoPackageQuery,
  IMPORT_REFUSALS,
  Id,
  ImportBody,
  LayerQuery,
  PLANNERS,
  gridsCollectionSchema,
  importAnswerSchema,
} from './plans-contract-schemas.js';
import { GEOJSON_TYPE, GEOPACKAGE_TYPE } from './plan-file-types.js';

const TAG = 'plans';
const exportErrors = { 400: ['invalid_plan_id', 'export_needs_community'], 404: ['plan_not_found'] } as const;

export const layerGeoPackageRoute = apiRoute({
  method: 'get',
  path: '/api/plans/layer/geopackage',
  summary: 'The published grids of one community as a GeoPackage (layer `grids`, EPSG:4326): what a plan starts from in QGIS',
  tag: TAG,
  access: PLANNERS,
  query: LayerQuery,
  produces: GEOPACKAGE_TYPE,
  errors: { 400: ['invalid_query', 'export_needs_community'], 404: ['unit_not_found'] },
});

export const exportPlanRoute = apiRoute({
  method: 'get',
  path: '/api/plans/:id/export',
  summary: 'A community plan’s grids as the plan would make them, as GeoJSON (GDAL and QGIS read it)',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  produces: GEOJSON_TYPE,
  answer: gridsCollectionSchema,
  errors: exportErrors,
});

export const importPlanRoute = apiRoute({
  method: 'put',
  path: '/api/plans/:id/import',
  summary: 'Import grid polygons (GeoJSON in WGS84, CGCS2000 or GCJ-02) as a draft’s edits, validated like painted ones',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  body: ImportBody,
  answer: importAnswerSchema,
  errors: { ...DRAFT_ERRORS, 400: ['invalid_plan_id', 'invalid_import', ...IMPORT_REFUSALS], 422: ['import_does_not_tile', ...BLOCKING_EDITS] },
});

export const planGeoPackageRoute = apiRoute({
  method: 'get',
  path: '/api/plans/:id/geopackage',
  summary: 'A community plan’s grids as a GeoPackage (layer `grids`, EPSG:4326), converted by ogr2ogr',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  produces: GEOPACKAGE_TYPE,
  errors: exportErrors,
});

export const importGeoPackageRoute = apiRoute({
  method: 'put',
  path: '/api/plans/:id/geopackage',
  summary: 'Import a GeoPackage of grid polygons (its first layer, in the CRS chosen) as a draft’s edits (≤ 20 MB)',
  tag: TAG,
  access: PLANNERS,
  params: Id,
  query: GeoPackageQuery,
  consumes: GEOPACKAGE_TYPE,
  answer: importAnswerSchema,
  errors: {
    ...DRAFT_ERRORS,
    400: ['invalid_plan_id', 'invalid_query', 'import_not_geopackage', 'import_unreadable', ...IMPORT_REFUSALS],
    413: ['body_too_large'],
    415: ['import_not_geopackage'],
    422: ['import_does_not_tile', ...BLOCKING_EDITS],
  },
});
