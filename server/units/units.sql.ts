/** SQL of the units module: locating a point, reading and searching the hierarchy. */
import { defineSql } from '../db/database.js';

/**
 * The micro-grid containing a WGS84 point, with its whole chain, the distance to its boundary (on the
 * sphere: within 0.3 % of the spheroid, enough for a 30 m border flag, and cheaper) and its responsible
 * workers (code, name, role, skills, duty status, last position time — no phone numbers), in one round trip.
 * $1 lon, $2 lat. Uses units_micro_grid_geom_idx (partial GiST), units_pkey for the ancestors,
 * workers_home_unit_idx. A point exactly on a shared edge belongs to the micro-grid with the smaller code.
 */
export const locateMicroGrid = defineSql(
  'units.locate_micro_grid',
  `WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g)
   SELECT m.code, m.name, m.kind, m.households, m.population, m.generated,
          gr.code AS grid_code, gr.name AS grid_name, gr.kind AS grid_kind,
          c.code AS community_code, c.name AS community_name, c.kind AS community_kind,
          s.code AS street_code, s.name AS street_name, s.kind AS street_kind,
          d.code AS district_code, d.name AS district_name,
          ST_Distance(ST_Boundary(m.geom)::geography, pt.g::geography, false) AS boundary_distance_m,
          (SELECT coalesce(json_agg(json_build_object('code', w.code, 'name', w.name, 'role', w.role, 'skills', w.skills,
                                                      'duty_status', w.duty_status, 'last_position_at', w.last_position_at)
                                    ORDER BY w.role, w.code), '[]'::json)
             FROM workers w WHERE w.home_unit_code = m.code) AS workers
     FROM pt
     JOIN units m ON m.level = 'micro_grid' AND ST_Intersects(m.geom, pt.g)
     JOIN units gr ON gr.code = m.grid_code
     JOIN units c ON c.code = m.community_code
     JOIN units s ON s.code = m.street_code
     JOIN units d ON d.code = m.district_code
    ORDER BY m.code
    LIMIT 1`,
);

/**
 * Other micro-grids within $3 metres of the point (the neighbours across a nearby edge).
 * $1 lon, $2 lat, $3 metres, $4 the containing micro-grid's code. The && prefilter (an envelope of
 * $3 metres, generously converted to degrees) keeps units_micro_grid_geom_idx in use.
 */
export const listNearbyMicroGrids = defineSql(
  'units.list_nearby_micro_grids',
  `WITH pt AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g)
   SELECT m.code, m.name, ST_Distance(m.geom::geography, pt.g::geography, false) AS distance_m
     FROM pt JOIN units m
       ON m.level = 'micro_grid' AND m.code <> $4
      AND m.geom && ST_Expand(pt.g, $3 / 80000.0)
      AND ST_DWithin(m.geom::geography, pt.g::geography, $3, false)
    ORDER BY distance_m, m.code
    LIMIT 4`,
);

const unitColumns = `u.code, u.name, u.level, u.kind, u.parent_code, u.district_code, u.street_code, u.community_code,
  u.grid_code, u.area_m2, u.households, u.population, u.generated, u.boundary_source, u.valid_from, u.valid_to,
  ST_X(u.label_point) AS label_lon, ST_Y(u.label_point) AS label_lat,
  ARRAY[ST_XMin(u.geom), ST_YMin(u.geom), ST_XMax(u.geom), ST_YMax(u.geom)] AS bbox`;

/** One unit by code, $1; with its geometry as GeoJSON when $2 is true. Uses units_pkey. */
export const readUnit = defineSql(
  'units.read_unit',
  `SELECT ${unitColumns}, CASE WHEN $2 THEN ST_AsGeoJSON(u.geom, 7)::json END AS geometry,
          (SELECT count(*) FROM units k WHERE k.parent_code = u.code)::int AS child_count
     FROM units u WHERE u.code = $1`,
);

/** Children of unit $1, ordered by code. Uses units_parent_idx. */
export const listChildren = defineSql('units.list_children', `SELECT ${unitColumns} FROM units u WHERE u.parent_code = $1 ORDER BY u.code`);

/** Ancestors of unit $1 from the district down to its parent. Uses units_pkey. */
export const listAncestors = defineSql(
  'units.list_ancestors',
  `SELECT ${unitColumns}
     FROM units self
     JOIN units u ON u.code IN (self.district_code, self.street_code, self.community_code, self.grid_code)
    WHERE self.code = $1 AND u.code <> self.code
    ORDER BY u.depth`,
);

/**
 * Search by name (substring, any level) or code (prefix). $1 text, $2 level or NULL, $3 limit.
 * Exact code first, then higher levels, then shorter names. A sequential scan of ~55,000 rows: a few ms.
 */
export const searchUnits = defineSql(
  'units.search',
  `SELECT ${unitColumns}
     FROM units u
    WHERE (u.name LIKE '%' || $1 || '%' OR u.code LIKE $1 || '%')
      AND ($2::text IS NULL OR u.level = $2)
    ORDER BY (u.code = $1) DESC, u.depth, length(u.name), u.code
    LIMIT $3`,
);
