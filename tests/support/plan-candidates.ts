/**
 * The plan specs' standard case: a 仙林街道 micro-grid that can be painted into a neighbouring grid of its community
 * (they share an edge), whose own grid keeps more than two micro-grids and stays one contiguous polygon without it.
 * With a point inside it, for a click on the map.
 */
import { defineSql } from '../../server/db/database.js';

export interface PaintCandidate {
  code: string;
  source: string;
  target: string;
  community: string;
  lon: number;
  lat: number;
}

export const pickPaintCandidate = defineSql(
  'test.plans.paint_candidate',
  `SELECT m.code, m.parent_code AS source, g.code AS target, m.community_code AS community,
          ST_X(ST_PointOnSurface(m.geom)) AS lon, ST_Y(ST_PointOnSurface(m.geom)) AS lat
     FROM units m
     JOIN units g ON g.parent_code = m.community_code AND g.level = 'grid' AND g.code <> m.parent_code
                 AND g.geom && m.geom AND ST_Relate(m.geom, g.geom, 'F***1****')
    WHERE m.level = 'micro_grid' AND m.street_code = '320113007'
      AND (SELECT count(*) FROM units s WHERE s.parent_code = m.parent_code) > 2
      AND (SELECT ST_NumGeometries(ST_UnaryUnion(ST_Collect(s.geom), 1e-9)) FROM units s
            WHERE s.parent_code = m.parent_code AND s.code <> m.code) = 1
    ORDER BY m.code LIMIT 1`,
);

export interface SplitCandidate {
  code: string;
  grid: string;
  community: string;
  households: number;
  /** A west–east line through a point inside it, reaching 50 m past its bounding box on both sides. */
  line: { type: 'LineString'; coordinates: [number, number][] };
  lon: number;
  lat: number;
}

/**
 * A 仙林街道 micro-grid that a west–east line through its point on surface cuts in exactly two pieces of at least
 * 3,000 m² each, in a grid of more than two micro-grids; the one with the most open incidents (they must follow).
 */
export const pickSplitCandidate = defineSql(
  'test.plans.split_candidate',
  `WITH c AS (
     SELECT m.code, m.parent_code AS grid, m.community_code AS community, m.households, ST_PointOnSurface(m.geom) AS p,
            ST_MakeLine(ST_MakePoint(ST_XMin(m.geom) - 0.0005, ST_Y(ST_PointOnSurface(m.geom))),
                        ST_MakePoint(ST_XMax(m.geom) + 0.0005, ST_Y(ST_PointOnSurface(m.geom)))) AS line, m.geom
       FROM units m
      WHERE m.level = 'micro_grid' AND m.street_code = '320113007' AND m.area_m2 > 12000 AND m.households >= 60
        AND (SELECT count(*) FROM units s WHERE s.parent_code = m.parent_code) > 2),
        cut AS (SELECT c.*, (SELECT array_agg(ST_Area(d.geom::geography)) FROM ST_Dump(ST_Split(c.geom, ST_SetSRID(c.line, 4326))) d) AS areas FROM c)
   SELECT code, grid, community, households, ST_AsGeoJSON(ST_SetSRID(line, 4326), 7)::json AS line, ST_X(p) AS lon, ST_Y(p) AS lat
     FROM cut
    WHERE cardinality(areas) = 2 AND areas[1] > 3000 AND areas[2] > 3000
    ORDER BY (SELECT count(*) FROM incidents i WHERE i.micro_grid_code = cut.code AND i.state NOT IN ('closed', 'rejected')) DESC, code
    LIMIT 1`,
);

/** Two 仙林街道 micro-grids of one grid sharing an edge (a micro_grid-level unit edge), not $1. */
export const pickMergeCandidate = defineSql(
  'test.plans.merge_candidate',
  `SELECT e.left_code AS a, e.right_code AS b, l.parent_code AS grid, l.community_code AS community, l.households + r.households AS households
     FROM unit_edges e JOIN units l ON l.code = e.left_code JOIN units r ON r.code = e.right_code
    WHERE e.level = 'micro_grid' AND l.street_code = '320113007' AND e.left_code <> $1 AND e.right_code <> $1
      AND ST_Length(e.geom::geography) > 50
    ORDER BY e.left_code, e.right_code LIMIT 1`,
);

/**
 * Two 仙林街道 micro-grids of one grid whose shared edge is one line over 80 m long, not $1 nor $2 (units other
 * specs of the same database change), with the edge's middle point moved 8 m across it (towards the second unit)
 * as the reshape's new line: the edge's own points with that point inserted in the middle of its longest segment.
 */
export const pickReshapeCandidate = defineSql(
  'test.plans.reshape_candidate',
  `WITH e AS (SELECT e.left_code AS a, e.right_code AS b, ST_GeometryN(ST_Multi(ST_LineMerge(e.geom)), 1) AS line, l.community_code AS community, l.parent_code AS grid
                FROM unit_edges e JOIN units l ON l.code = e.left_code
               WHERE e.level = 'micro_grid' AND l.street_code = '320113007' AND ST_NumGeometries(ST_LineMerge(e.geom)) = 1
                 AND ST_Length(e.geom::geography) > 80 AND NOT (e.left_code = ANY ($1::text[]) OR e.right_code = ANY ($1::text[]))
                 AND NOT (l.parent_code = ANY ($2::text[]))
               ORDER BY e.left_code DESC, e.right_code LIMIT 1),
        seg AS (SELECT e.*, s.path[1] AS i, ST_StartPoint(s.geom) AS p, ST_EndPoint(s.geom) AS q
                  FROM e CROSS JOIN LATERAL ST_DumpSegments(e.line) s ORDER BY ST_Length(s.geom) DESC LIMIT 1),
        mid AS (SELECT seg.*, (ST_X(p) + ST_X(q)) / 2 AS mx, (ST_Y(p) + ST_Y(q)) / 2 AS my,
                       ST_Y(q) - ST_Y(p) AS nx, ST_X(p) - ST_X(q) AS ny FROM seg),
        moved AS (SELECT mid.*, sqrt(nx * nx + ny * ny) AS n,
                         (SELECT ST_PointOnSurface(u.geom) FROM units u WHERE u.code = mid.b) AS inside_b FROM mid),
        point AS (SELECT moved.*,
                         ST_SetSRID(ST_MakePoint(mx + sgn * nx / n * 0.00008, my + sgn * ny / n * 0.00008), 4326) AS np
                    FROM moved CROSS JOIN LATERAL (SELECT CASE WHEN (ST_X(inside_b) - mx) * nx + (ST_Y(inside_b) - my) * ny > 0 THEN 1 ELSE -1 END AS sgn) g)
   SELECT a, b, community, grid, ST_X(np) AS lon, ST_Y(np) AS lat, mx AS mid_lon, my AS mid_lat,
          (SELECT ARRAY[ST_X(ST_PointOnSurface(u.geom)), ST_Y(ST_PointOnSurface(u.geom))] FROM units u WHERE u.code = point.a) AS inside_a,
          ARRAY[ST_X(inside_b), ST_Y(inside_b)] AS inside_b_point, mx AS mid_lon, my AS mid_lat,
          (SELECT ARRAY[ST_X(ST_PointOnSurface(u.geom)), ST_Y(ST_PointOnSurface(u.geom))] FROM units u WHERE u.code = point.a) AS inside_a,
          ARRAY[ST_X(inside_b), ST_Y(inside_b)] AS inside_b_point,
          ST_AsGeoJSON(ST_AddPoint(line, np, i), 9)::json AS line, ST_AsGeoJSON(line, 9)::json AS old_line
     FROM point`,
);

export interface GridMoveCandidate {
  code: string;
  source: string;
  target: string;
  lon: number;
  lat: number;
}

/**
 * A 仙林街道 grid on its community's edge with a neighbouring community (they share a boundary line), whose own
 * community keeps more than two grids and stays one polygon without it; with a point inside it, for a click.
 */
export const pickGridMoveCandidate = defineSql(
  'test.plans.grid_move_candidate',
  `SELECT g.code, g.parent_code AS source, k.code AS target,
          ST_X(ST_PointOnSurface(g.geom)) AS lon, ST_Y(ST_PointOnSurface(g.geom)) AS lat
     FROM units g
     JOIN units k ON k.parent_code = g.street_code AND k.level = 'community' AND k.code <> g.parent_code
                 AND k.geom && g.geom AND ST_Relate(g.geom, k.geom, 'F***1****')
    WHERE g.level = 'grid' AND g.street_code = '320113007'
      AND (SELECT count(*) FROM units s WHERE s.parent_code = g.parent_code) > 2
      AND (SELECT ST_NumGeometries(ST_UnaryUnion(ST_Collect(s.geom), 1e-9)) FROM units s
            WHERE s.parent_code = g.parent_code AND s.code <> g.code) = 1
    ORDER BY g.code LIMIT 1`,
);
