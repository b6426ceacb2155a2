/** SQL shared by the seed steps that place devices along the road graph (cameras, road sensors). */
import { defineSql } from '../db/database.js';

/**
 * The undirected road segments (one row per pair of directed edges: source < target) at least $1 metres long.
 * Result: lo, hi (vertex ids), road_class, length_m, ordered by lo, hi. Index: none (one scan of road_edges).
 */
export const listRoadSegments = defineSql(
  'seed.list_road_segments',
  `SELECT source AS lo, target AS hi, road_class, length_m
     FROM road_edges WHERE source < target AND length_m >= $1 ORDER BY source, target`,
);

/**
 * Place one point on each given segment: at `fraction` of the way from lo to hi, then `offset_m` metres
 * to the side (`side` −1 left, +1 right, 0 on the centre line), on the spheroid; and find the seeded
 * micro-grid containing it (the lowest code where the point lies on a shared edge).
 * $1 lo int[], $2 hi int[], $3 fraction float8[], $4 offset_m float8[], $5 side int[].
 * Result: ord (1-based position in the arrays), lon, lat, azimuth_deg (bearing lo → hi, 0 = north,
 * clockwise), micro_grid_code, households, area_m2, community_code — no row for a point outside every
 * micro-grid. Index: road_edges_source_idx, units_micro_grid_geom_idx.
 */
export const locateOnRoadSegments = defineSql(
  'seed.locate_on_road_segments',
  `SELECT s.ord::int AS ord, ST_X(p.pt) AS lon, ST_Y(p.pt) AS lat, degrees(a.az) AS azimuth_deg,
          m.code AS micro_grid_code, m.households, m.area_m2, m.community_code
     FROM unnest($1::int[], $2::int[], $3::float8[], $4::float8[], $5::int[]) WITH ORDINALITY AS s(lo, hi, fraction, offset_m, side, ord)
    CROSS JOIN LATERAL (SELECT r.geom FROM road_edges r WHERE r.source = s.lo AND r.target = s.hi LIMIT 1) e
    CROSS JOIN LATERAL (SELECT ST_Azimuth(ST_StartPoint(e.geom)::geography, ST_EndPoint(e.geom)::geography) AS az) a
    CROSS JOIN LATERAL (
      SELECT CASE WHEN s.side = 0 OR s.offset_m = 0 THEN ST_LineInterpolatePoint(e.geom, s.fraction)
                  ELSE ST_Project(ST_LineInterpolatePoint(e.geom, s.fraction)::geography, s.offset_m, a.az + s.side * pi() / 2)::geometry
             END AS pt) p
    CROSS JOIN LATERAL (
      SELECT u.code, u.households, u.area_m2, u.community_code FROM units u
       WHERE u.level = 'micro_grid' AND ST_Intersects(u.geom, p.pt) ORDER BY u.code LIMIT 1) m`,
);

/**
 * Short names of the seeded communities, for device names. No parameters.
 * Result: code, name. Index: units_level_idx.
 */
export const listCommunityNames = defineSql('seed.list_community_names', `SELECT code, name FROM units WHERE level = 'community' ORDER BY code`);
