/**
 * The SQL of splits and merges in plans (plan-structure.ts). The pieces come from gridops_plan_structure
 * (migration 0030), the same function publication applies, so what is validated and shown is what is published.
 * Everything runs in the caller's scope: row-level security limits the units and what is counted in them.
 */
import { defineSql } from '../db/database.js';

/** $1 codes → per visible unit its level and parent (units primary key). */
export const resolveStructureUnits = defineSql(
  'plans.structure_units',
  `SELECT code, level, parent_code FROM units WHERE code = ANY ($1::text[]) ORDER BY code`,
);

/** $1 first codes, $2 second codes → per pair whether they share an edge (unit_edges_left_code_idx). */
export const findSharedEdges = defineSql(
  'plans.structure_shared_edges',
  `SELECT x.a, x.b, EXISTS (SELECT 1 FROM unit_edges e WHERE e.left_code = least(x.a, x.b) AND e.right_code = greatest(x.a, x.b)) AS adjacent
     FROM unnest($1::text[], $2::text[]) AS x(a, b)`,
);

/**
 * The pieces of a plan's splits and merges ($1 edits jsonb, $2 since): per piece its edit (ord, op, parent, old
 * codes), number, the edit's piece count, area, households, residents, parts, width (twice the radius of the
 * largest inscribed circle, m, local equirectangular scale), outline as GeoJSON (7 decimals), the workers it would
 * be responsible for (those of the old units go to piece 1), and the cameras, sensors, open incidents and
 * incidents since $2 whose point lies in it (the nearest piece for a point in none). Indexes: units primary key,
 * workers_home_unit_idx, cameras_micro_grid_code_idx, sensors_micro_grid_idx, incidents_micro_grid_idx.
 * Each thing is placed by one join of the things with the (piece, old code) pairs and one sort (DISTINCT ON), not
 * by a scan of all the pairs per thing: that was quadratic in a plan's micro-grids (a plan re-partitioning 100
 * grids of the city’s largest community: the preview beyond its pieces took 15 s before, 1.3 s after).
 */
export const previewStructure = defineSql(
  'plans.structure_preview',
  `WITH p AS (SELECT * FROM gridops_plan_structure($1::jsonb)),
        m AS (SELECT p.ord, p.piece, unnest(p.old_codes) AS old_code, p.geom FROM p),
        things AS (SELECT 'camera' AS kind, x.id::bigint AS id, x.micro_grid_code AS old_code, x.geom, NULL::text AS state, NULL::timestamptz AS reported_at
                     FROM cameras x WHERE x.micro_grid_code IN (SELECT old_code FROM m)
                   UNION ALL
                   SELECT 'sensor', x.id, x.micro_grid_code, x.geom, NULL, NULL FROM sensors x WHERE x.micro_grid_code IN (SELECT old_code FROM m)
                   UNION ALL
                   SELECT 'incident', x.id, x.micro_grid_code, x.geom, x.state, x.reported_at FROM incidents x
                    WHERE x.micro_grid_code IN (SELECT old_code FROM m) AND (incident_is_open(x.state) OR x.reported_at >= $2)),
        placed AS (SELECT DISTINCT ON (t.kind, t.id) t.kind, t.state, t.reported_at, m.ord, m.piece
                     FROM things t JOIN m ON m.old_code = t.old_code
                    ORDER BY t.kind, t.id, ST_Distance(m.geom, t.geom), m.piece),
        counts AS (SELECT ord, piece,
                          count(*) FILTER (WHERE kind = 'camera')::integer AS cameras,
                          count(*) FILTER (WHERE kind = 'sensor')::integer AS sensors,
                          count(*) FILTER (WHERE kind = 'incident' AND incident_is_open(state))::integer AS open_incidents,
                          count(*) FILTER (WHERE kind = 'incident' AND reported_at >= $2)::integer AS incidents_12m
                     FROM placed GROUP BY ord, piece),
        w AS (SELECT m.ord, jsonb_agg(jsonb_build_object('code', x.code, 'name', x.name, 'role', x.role, 'homeUnit', x.home_unit_code)
                                      ORDER BY x.code) AS list
                FROM m JOIN workers x ON x.home_unit_code = m.old_code WHERE m.piece = 1 GROUP BY m.ord)
   SELECT p.ord, p.op, p.parent_code, p.old_codes, p.keep_code, p.piece, p.pieces, p.area_m2, p.households, p.population,
          ST_NumGeometries(p.geom) AS parts,
          2 * 111320 * (ST_MaximumInscribedCircle(ST_Scale(p.geom, cos(radians(ST_Y(ST_Centroid(p.geom)))), 1))).radius AS width_m,
          ST_AsGeoJSON(p.geom, 7)::json AS geometry,
          CASE WHEN p.piece = 1 THEN coalesce(w.list, '[]'::jsonb) ELSE '[]'::jsonb END AS workers,
          coalesce(c.cameras, 0) AS cameras, coalesce(c.sensors, 0) AS sensors,
          coalesce(c.open_incidents, 0) AS open_incidents, coalesce(c.incidents_12m, 0) AS incidents_12m
     FROM p LEFT JOIN counts c ON c.ord = p.ord AND c.piece = p.piece LEFT JOIN w ON w.ord = p.ord
    ORDER BY p.ord, p.piece`,
);

/** $1 retired code, $2 plan id → the codes the plan issued for it, current ones only (unit_successors primary key). */
export const listSuccessors = defineSql(
  'plans.structure_successors',
  `SELECT s.new_code FROM unit_successors s JOIN units u ON u.code = s.new_code WHERE s.old_code = $1 AND s.plan_id = $2 ORDER BY s.new_code`,
);

/**
 * The edge two micro-grids share ($1 first codes, $2 second codes): per pair the number of lines it merges into,
 * its first and last point (lon, lat), and the line as GeoJSON (9 decimals); NULLs when they share none (one
 * unit_edges row per pair: the edges are built per pair of siblings).
 * unit_edges_left_code_idx.
 */
export const readSharedEdges = defineSql(
  'plans.structure_shared_edge_lines',
  `SELECT x.a, x.b, ST_NumGeometries(m.line) AS parts,
          CASE WHEN ST_NumGeometries(m.line) = 1 THEN ARRAY[ST_X(ST_StartPoint(ST_GeometryN(m.line, 1))), ST_Y(ST_StartPoint(ST_GeometryN(m.line, 1)))] END AS first,
          CASE WHEN ST_NumGeometries(m.line) = 1 THEN ARRAY[ST_X(ST_EndPoint(ST_GeometryN(m.line, 1))), ST_Y(ST_EndPoint(ST_GeometryN(m.line, 1)))] END AS last,
          ST_AsGeoJSON(ST_GeometryN(m.line, 1), 9)::json AS line
     FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(a, b, ord)
     LEFT JOIN LATERAL (SELECT ST_Multi(ST_LineMerge(e.geom)) AS line FROM unit_edges e
                         WHERE e.left_code = least(x.a, x.b) AND e.right_code = greatest(x.a, x.b) LIMIT 1) m ON true
    ORDER BY x.ord`,
);

/**
 * Whether each reshape's new line ($3 GeoJSON) runs inside the union of its two micro-grids ($1, $2), within 1e-7°
 * (about a centimetre, the drawing's rounding). Units primary key.
 */
export const checkLinesInside = defineSql(
  'plans.structure_lines_inside',
  `SELECT x.ord::integer AS ord,
          ST_CoveredBy(ST_SetSRID(ST_GeomFromGeoJSON(x.line), 4326), ST_Buffer(ST_Union(a.geom, b.geom), 1e-7)) AS inside
     FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS x(a, b, line, ord)
     JOIN units a ON a.code = x.a JOIN units b ON b.code = x.b
    ORDER BY x.ord`,
);
