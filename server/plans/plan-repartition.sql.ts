/**
 * The SQL behind the re-partition proposal (plan-repartition.ts) for one community ($1), in the caller's scope
 * (row-level security limits the units).
 */
import { defineSql } from '../db/database.js';

/**
 * $1 community → its micro-grids: code, grid, households, and whether it is its grid's seed (the micro-grid
 * nearest the grid's label point; ties by code). units_parent_idx, primary key.
 */
export const listRepartitionUnits = defineSql(
  'plans.repartition_units',
  `SELECT m.code, m.parent_code AS grid, m.households,
          m.code = (SELECT s.code FROM units s WHERE s.parent_code = g.code
                     ORDER BY ST_Distance(s.geom, g.label_point), s.code LIMIT 1) AS seed
     FROM units g JOIN units m ON m.parent_code = g.code
    WHERE g.parent_code = $1 AND g.level = 'grid' AND m.level = 'micro_grid'
    ORDER BY m.code`,
);

/**
 * $1 community → the pairs of its micro-grids (of any of its grids) that share a boundary line, with its length
 * (m, on the spheroid; their boundaries' intersection on the 1e-9° grid). units_parent_idx, units_geom_idx (&&).
 */
export const listRepartitionAdjacency = defineSql(
  'plans.repartition_adjacency',
  `WITH m AS (SELECT u.code, u.geom FROM units g JOIN units u ON u.parent_code = g.code
               WHERE g.parent_code = $1 AND g.level = 'grid' AND u.level = 'micro_grid'),
        pairs AS (SELECT a.code AS a, b.code AS b,
                         ST_Length(ST_CollectionExtract(ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom), 1e-9), 2)::geography) AS length_m
                    FROM m a JOIN m b ON a.code < b.code AND a.geom && b.geom)
   SELECT a, b, length_m FROM pairs WHERE length_m > 0 ORDER BY a, b`,
);
