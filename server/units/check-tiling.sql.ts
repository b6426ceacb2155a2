/** SQL of the tiling check: every level must exactly tile its parent. */
import { defineSql } from '../db/database.js';

/** Result: level, units, invalid (count of geometries that are not valid MultiPolygons). */
export const countInvalidGeometries = defineSql(
  'tiling.count_invalid_geometries',
  `SELECT level, count(*)::int AS units,
          count(*) FILTER (WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom) OR GeometryType(geom) <> 'MULTIPOLYGON')::int AS invalid
     FROM units GROUP BY level`,
);

/**
 * Per parent of child level $1: the relative difference between the parent's area and the sum of its
 * children's. Result: parents, worst (max relative difference), worst_code, over (count above $2).
 */
export const compareChildAreas = defineSql(
  'tiling.compare_child_areas',
  `WITH per_parent AS (
     SELECT p.code, abs(p.area_m2 - sum(c.area_m2)) / p.area_m2 AS relative
       FROM units c JOIN units p ON p.code = c.parent_code
      WHERE c.level = $1
      GROUP BY p.code, p.area_m2)
   SELECT count(*)::int AS parents,
          coalesce(max(relative), 0) AS worst,
          (SELECT code FROM per_parent ORDER BY relative DESC, code LIMIT 1) AS worst_code,
          count(*) FILTER (WHERE relative > $2)::int AS over
     FROM per_parent`,
);

/**
 * Sibling pairs of level $1 whose interiors overlap by more than $2 m². The GiST self-join finds
 * touching siblings; the DE-9IM pattern keeps only pairs whose interiors meet in an area; only those are
 * measured. Result: pairs (overlapping pairs), worst_m2, worst_pair.
 */
export const findSiblingOverlaps = defineSql(
  'tiling.find_sibling_overlaps',
  `WITH overlapping AS (
     SELECT a.code AS a_code, b.code AS b_code, ST_Area(ST_Intersection(a.geom, b.geom, 1e-10)::geography) AS m2
       FROM units a
       JOIN units b ON b.parent_code = a.parent_code AND a.code < b.code AND a.geom && b.geom
      WHERE a.level = $1 AND ST_Relate(a.geom, b.geom, '2********'))
   SELECT count(*) FILTER (WHERE m2 > $2)::int AS pairs,
          coalesce(max(m2), 0) AS worst_m2,
          (SELECT a_code || ' / ' || b_code FROM overlapping ORDER BY m2 DESC LIMIT 1) AS worst_pair
     FROM overlapping`,
);

/** Units of level $1 whose parent is missing or not one level up. Result: n. */
export const countOrphans = defineSql(
  'tiling.count_orphans',
  `SELECT count(*)::int AS n FROM units c LEFT JOIN units p ON p.code = c.parent_code
    WHERE c.level = $1 AND (p.code IS NULL OR p.depth <> c.depth - 1)`,
);

/** Parents of level $1 that have no children at all (which would leave their area untiled). Result: n. */
export const countChildlessParents = defineSql(
  'tiling.count_childless_parents',
  `SELECT count(*)::int AS n FROM units p
    WHERE p.level = $1 AND NOT EXISTS (SELECT 1 FROM units c WHERE c.parent_code = p.code)`,
);
