/** SQL of the hierarchy seed. The geometry work is in gridops_partition (migration 0003). */
import { defineSql } from '../db/database.js';

/**
 * Partition each parent into n cells into seed_cells.
 * $1 parent code[], $2 n[], $3 key prefix, $4 residential weight. Uses units_pkey, osm_landuse_geom_idx.
 */
export const partitionParents = defineSql(
  'seed.partition_parents',
  `INSERT INTO seed_cells (parent_code, ord, geom)
   SELECT p.code, c.ord, c.geom
     FROM unnest($1::text[], $2::integer[]) AS t(code, n)
     JOIN units p ON p.code = t.code
    CROSS JOIN LATERAL gridops_partition(p.geom, t.n, $3 || ':' || p.code, $4) c`,
);

/**
 * Partition a parent with one child anchored to a fixed polygon (ord 0 = parent ∩ anchor), the rest of
 * the parent into n cells (ord 1..n). $1 parent code, $2 anchor WKT (EPSG:4326), $3 n, $4 key prefix,
 * $5 residential weight.
 */
export const partitionParentWithAnchor = defineSql(
  'seed.partition_parent_with_anchor',
  `WITH p AS (SELECT geom FROM units WHERE code = $1),
        a AS (SELECT ST_Multi(ST_CollectionExtract(ST_Intersection(p.geom, ST_GeomFromText($2, 4326), 1e-9), 3)) AS inside,
                     ST_Multi(ST_CollectionExtract(ST_Difference(p.geom, ST_GeomFromText($2, 4326), 1e-9), 3)) AS rest
                FROM p)
   INSERT INTO seed_cells (parent_code, ord, geom)
   SELECT $1, 0, a.inside FROM a
   UNION ALL
   SELECT $1, c.ord, c.geom FROM a CROSS JOIN LATERAL gridops_partition(a.rest, $3, $4 || ':' || $1, $5) c`,
);

/** Result: parent_code, ord of every pending cell. */
export const listCells = defineSql('seed.list_cells', `SELECT parent_code, ord FROM seed_cells ORDER BY parent_code, ord`);

export const clearCells = defineSql('seed.clear_cells', `DELETE FROM seed_cells`);

/**
 * Turn pending cells into units of level $6 (depth $7). $1 parent code[], $2 ord[], $3 code[], $4 name[],
 * $5 kind[]. Ancestor codes come from the parent row; the unit's own code fills its level's column.
 */
export const insertUnitsFromCells = defineSql(
  'seed.insert_units_from_cells',
  `INSERT INTO units (code, name, parent_code, level, depth, kind, district_code, street_code, community_code, grid_code,
                      geom, label_point, area_m2, generated, boundary_source)
   SELECT m.code, m.name, p.code, $6, $7, m.kind, p.district_code,
          CASE WHEN $6 = 'street' THEN m.code ELSE p.street_code END,
          CASE WHEN $6 = 'community' THEN m.code ELSE p.community_code END,
          CASE WHEN $6 = 'grid' THEN m.code ELSE p.grid_code END,
          c.geom, ST_PointOnSurface(c.geom), ST_Area(ST_Segmentize(c.geom, 0.001)::geography), true, 'generated (GridOps seed)'
     FROM unnest($1::text[], $2::integer[], $3::text[], $4::text[], $5::text[]) AS m(parent_code, ord, code, name, kind)
     JOIN seed_cells c ON c.parent_code = m.parent_code AND c.ord = m.ord
     JOIN units p ON p.code = m.parent_code`,
);

/**
 * Residential landuse area (m²) inside each unit of level $1. Uses osm_landuse_geom_idx.
 * Areas on the spheroid.
 */
export const updateResidentialArea = defineSql(
  'seed.update_residential_area',
  `UPDATE units u SET residential_m2 = r.m2
     FROM (SELECT x.code, sum(ST_Area(ST_Intersection(x.geom, l.geom, 1e-9)::geography)) AS m2
             FROM units x JOIN osm_landuse l ON l.fclass = 'residential' AND ST_Intersects(x.geom, l.geom)
            WHERE x.level = $1
            GROUP BY x.code) r
    WHERE u.code = r.code`,
);

/** Result: code, parent_code, area_m2, residential_m2 of level $1, ordered by code. */
export const listLevel = defineSql('seed.list_level', `SELECT code, parent_code, area_m2, residential_m2 FROM units WHERE level = $1 ORDER BY code`);

/**
 * Micro-grid households: 30 + one household per 55 m² of residential landuse, ±15 % deterministic
 * variation, clamped to 30–300; population 2.4–3.0 people per household.
 */
export const updateMicroGridHouseholds = defineSql(
  'seed.update_micro_grid_households',
  `UPDATE units SET
      households = h.households,
      population = round(h.households * (2.4 + 0.6 * gridops_unit_random('population:' || h.code)))::integer
     FROM (SELECT code, least(300, greatest(30, round((30 + residential_m2 / 55) * (0.85 + 0.3 * gridops_unit_random('households:' || code)))))::integer AS households
             FROM units WHERE level = 'micro_grid') h
    WHERE units.code = h.code`,
);

/** Households and population of level $1 as the sums of their children. */
export const rollUpHouseholds = defineSql(
  'seed.roll_up_households',
  `UPDATE units p SET households = s.households, population = s.population
     FROM (SELECT parent_code, sum(households)::integer AS households, sum(population)::integer AS population
             FROM units GROUP BY parent_code) s
    WHERE p.level = $1 AND p.code = s.parent_code`,
);

/**
 * Grids dominated by non-residential built landuse (industry, commerce, campuses, parks, military) with
 * little housing become dedicated grids (专属网格), named after their largest named landuse feature.
 */
export const markDedicatedGrids = defineSql(
  'seed.mark_dedicated_grids',
  `UPDATE units g SET kind = 'dedicated_grid',
          name = coalesce(d.feature_name || '专属网格' || ltrim(right(g.code, 3), '0'), g.name || '（专属）')
     FROM (SELECT x.code,
                  sum(ST_Area(ST_Intersection(x.geom, l.geom, 1e-9)::geography)) AS built_m2,
                  (array_agg(l.name ORDER BY ST_Area(l.geom) DESC) FILTER (WHERE l.name IS NOT NULL))[1] AS feature_name
             FROM units x
             JOIN osm_landuse l ON l.fclass IN ('industrial', 'commercial', 'retail', 'military', 'park', 'recreation_ground')
                               AND ST_Intersects(x.geom, l.geom)
            WHERE x.level = 'grid'
            GROUP BY x.code) d
    WHERE g.code = d.code AND d.built_m2 > 0.5 * g.area_m2 AND g.residential_m2 < 0.1 * g.area_m2`,
);
