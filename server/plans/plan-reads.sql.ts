/** Small reads of the plans module (the main statements are in plans.sql.ts). */
import { defineSql } from '../db/database.js';

/** $1 code → the unit when it lies in the caller's jurisdiction (its subtree, not its ancestors). Primary key. */
export const readScopeUnit = defineSql(
  'plans.scope_unit',
  `SELECT code, level FROM units WHERE code = $1 AND gridops_within_jurisdiction(code)`,
);


/**
 * The planner's map of one community ($1): its grids (code, name) and their micro-grids as GeoJSON geometry
 * (7 decimals, about a centimetre). units_parent_idx.
 */
export const listPaintableUnits = defineSql(
  'plans.paintable_units',
  `SELECT u.code, u.name, u.parent_code, u.level, u.households, ST_AsGeoJSON(u.geom, 7)::json AS geometry
     FROM units p JOIN units u ON u.parent_code = p.code
    WHERE p.parent_code = $1 AND p.level = 'grid' AND u.level = 'micro_grid'
    ORDER BY u.code`,
);
