/** The SQL of a plan's GeoJSON export and import (plan-exchange.ts). */
import { defineSql } from '../db/database.js';

/**
 * The grids of a community ($1) as a plan would make them ($2 moved micro-grids, $3 their grids): per grid its
 * code, name, number of micro-grids and outline (union of its micro-grids on the 1e-9° grid, decision 0001) as
 * GeoJSON with 9 decimals. units_parent_idx.
 */
export const exportPlannedGrids = defineSql(
  'plans.export_grids',
  `WITH e AS (SELECT * FROM unnest($2::text[], $3::text[]) AS e(code, target)),
        m AS (SELECT u.code, coalesce(e.target, u.parent_code) AS grid, u.geom
                FROM units p JOIN units u ON u.parent_code = p.code LEFT JOIN e ON e.code = u.code
               WHERE p.parent_code = $1 AND p.level = 'grid' AND u.level = 'micro_grid')
   SELECT g.code, g.name, count(*)::integer AS micro_grids,
          ST_AsGeoJSON(ST_UnaryUnion(ST_Collect(m.geom), 1e-9), 9)::json AS geometry
     FROM m JOIN units g ON g.code = m.grid
    GROUP BY g.code, g.name ORDER BY g.code`,
);

/**
 * Which imported grid polygon ($2 grid codes, $3 GeoJSON geometries in WGS84) holds each micro-grid of the
 * community $1 (its point on surface): code, current grid, imported grid (NULL when no polygon holds it) and
 * how many polygons hold it. units_parent_idx.
 */
export const assignByImportedGrids = defineSql(
  'plans.assign_by_imported_grids',
  `WITH f AS (SELECT x.code, ST_SetSRID(ST_GeomFromGeoJSON(x.geometry), 4326) AS geom
                FROM unnest($2::text[], $3::text[]) AS x(code, geometry)),
        m AS (SELECT u.code, u.parent_code, ST_PointOnSurface(u.geom) AS point
                FROM units p JOIN units u ON u.parent_code = p.code
               WHERE p.parent_code = $1 AND p.level = 'grid' AND u.level = 'micro_grid')
   SELECT m.code, m.parent_code, min(f.code) AS grid, count(f.code)::integer AS holders
     FROM m LEFT JOIN f ON ST_Intersects(f.geom, m.point)
    GROUP BY m.code, m.parent_code ORDER BY m.code`,
);

/** $1 GeoJSON geometries → for each, whether PostGIS finds it valid (ST_IsValid). */
export const checkImportedValidity = defineSql(
  'plans.imported_validity',
  `SELECT ord::integer AS ord, ST_IsValid(ST_GeomFromGeoJSON(g)) AS valid FROM unnest($1::text[]) WITH ORDINALITY AS x(g, ord) ORDER BY ord`,
);
