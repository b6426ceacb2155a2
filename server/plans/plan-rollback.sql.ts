/**
 * The SQL of rolling back a published plan's merges and reshapes (plan-rollback.ts): the edge the old units
 * shared, rebuilt from their outlines of the time (unit_history for a merge's retired units, unit_outline_history
 * for a reshape's kept ones), and whether the units the plan made are still as it made them. In the caller's
 * scope: row-level security limits the history rows and units to the jurisdiction.
 */
import { defineSql } from '../db/database.js';

/**
 * A merge's old edge: $1 merged code, $2 and $3 the two retired codes, $4 the plan → the merged unit's
 * boundary_version (NULL when it is no longer current), the number of lines the two retired outlines shared
 * (their boundaries' intersection on the 1e-9° grid, merged as unit_edges are built), and, when one, that line
 * lengthened by 2e-7° (2 cm) at both ends — so that, as a split line, it crosses the merged unit's outline
 * instead of ending on it — as GeoJSON (9 decimals) with its number of points.
 * Indexes: units primary key, unit_history primary key.
 */
export const readMergeEdge = defineSql(
  'plans.rollback_merge_edge',
  `SELECT u.boundary_version, coalesce(ST_NumGeometries(x.line), 0)::integer AS parts,
          CASE WHEN ST_NumGeometries(x.line) = 1 THEN ST_NPoints(ST_GeometryN(x.line, 1)) END AS points,
          CASE WHEN ST_NumGeometries(x.line) = 1 THEN ST_AsGeoJSON(gridops_extend_line(ST_GeometryN(x.line, 1), 2e-7), 9)::json END AS line
     FROM (SELECT 1) one
     LEFT JOIN units u ON u.code = $1
     LEFT JOIN LATERAL (
       SELECT ST_Multi(ST_LineMerge(ST_CollectionExtract(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom), 1e-9), 2))) AS line
         FROM unit_history a, unit_history b
        WHERE a.code = $2 AND b.code = $3 AND a.retired_by_plan_id = $4 AND b.retired_by_plan_id = $4) x ON true`,
);

/**
 * A reshape's old edge: $1 and $2 the two kept codes, $3 the plan → each unit's boundary_version (NULL when no
 * longer current), and the line their outlines before the plan shared (unit_outline_history rows of the plan),
 * as for a merge but not lengthened (a reshape's line runs between the edge's ends).
 * Indexes: units primary key, unit_outline_history primary key (code, …).
 */
export const readReshapeEdge = defineSql(
  'plans.rollback_reshape_edge',
  `SELECT ua.boundary_version AS version_a, ub.boundary_version AS version_b,
          coalesce(ST_NumGeometries(x.line), 0)::integer AS parts,
          CASE WHEN ST_NumGeometries(x.line) = 1 THEN ST_NPoints(ST_GeometryN(x.line, 1)) END AS points,
          CASE WHEN ST_NumGeometries(x.line) = 1 THEN ST_AsGeoJSON(ST_GeometryN(x.line, 1), 9)::json END AS line
     FROM (SELECT 1) one
     LEFT JOIN units ua ON ua.code = $1
     LEFT JOIN units ub ON ub.code = $2
     LEFT JOIN LATERAL (
       SELECT ST_Multi(ST_LineMerge(ST_CollectionExtract(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom), 1e-9), 2))) AS line
         FROM unit_outline_history a, unit_outline_history b
        WHERE a.code = $1 AND b.code = $2 AND a.plan_id = $3 AND b.plan_id = $3) x ON true`,
);
