/** Small reads of the plans module (the main statements are in plans.sql.ts). */
import { defineSql } from '../db/database.js';

/** $1 code → the unit when it lies in the caller's jurisdiction (its subtree, not its ancestors). Primary key. */
export const readScopeUnit = defineSql('plans.scope_unit', `SELECT code, level FROM units WHERE code = $1 AND gridops_within_jurisdiction(code)`);

/**
 * The planner's map of one community or street ($1): the units one paints and their parents — a community's
 * micro-grids (each with its grid), a street's grids (each with its community) — as GeoJSON geometry (7 decimals,
 * about a centimetre). units_parent_idx.
 */
export const listPaintableUnits = defineSql(
  'plans.paintable_units',
  `SELECT u.code, u.name, u.parent_code, u.level, u.households, ST_AsGeoJSON(u.geom, 7)::json AS geometry
     FROM units p JOIN units u ON u.parent_code = p.code
    WHERE p.parent_code = $1
      AND ((p.level = 'grid' AND u.level = 'micro_grid') OR (p.level = 'community' AND u.level = 'grid'))
    ORDER BY u.code`,
);

/**
 * What the split and reshape tools snap to besides the edges, near one community ($1, visible to the caller):
 * road centre lines (road_edges) and the banks of rivers and lakes (osm_water outlines), clipped to the
 * community's box grown by about 50 m, as GeoJSON MultiLineStrings (7 decimals) with their kind and class; at
 * most $2 lines. units primary key, road_edges_geom_idx, osm_water_geom_idx.
 */
export const listSnapLines = defineSql(
  'plans.snap_lines',
  `WITH area AS (SELECT ST_Expand(geom, 0.0005) AS box FROM units WHERE code = $1 AND level = 'community'),
        lines AS (SELECT 'road' AS kind, r.road_class AS class, ST_CollectionExtract(ST_Intersection(r.geom, a.box), 2) AS geom
                    FROM area a JOIN road_edges r ON r.geom && a.box
                  UNION ALL
                  SELECT 'water', w.fclass, ST_CollectionExtract(ST_Intersection(ST_Boundary(w.geom), a.box), 2)
                    FROM area a JOIN osm_water w ON w.geom && a.box)
   SELECT kind, class, ST_AsGeoJSON(ST_Multi(geom), 7)::json AS geometry FROM lines WHERE NOT ST_IsEmpty(geom) LIMIT $2`,
);
