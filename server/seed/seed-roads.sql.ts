/** SQL of the road-graph seed step (seed-roads.ts). */
import { defineSql } from '../db/database.js';

/**
 * Insert a batch of road vertices. $1 id int[], $2 lon float8[], $3 lat float8[] (WGS84).
 * Result: none. Index: road_vertices_pkey (conflicts), road_vertices_geom_idx is maintained.
 */
export const insertRoadVertices = defineSql(
  'seed.insert_road_vertices',
  `INSERT INTO road_vertices (id, geom)
   SELECT id, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
     FROM unnest($1::int[], $2::float8[], $3::float8[]) AS v(id, lon, lat)`,
);

/**
 * Insert a batch of directed road edges; the geometry is the straight line between the two vertices.
 * $1 id int[], $2 source int[], $3 target int[], $4 length_m float8[], $5 travel_time_s float8[].
 * road_class is estimated from the posted speed: the data's free-flow speed is 0.8 × maxspeed, so
 * maxspeed ≈ 4.5 × metres / seconds km/h; 120 motorway/trunk, 100 primary/secondary, 60–70 tertiary,
 * 20–50 residential/unclassified, 5–15 service/living street (and the 18 zero-length edges).
 * Result: none. Index: road_vertices_pkey (to find both ends).
 */
export const insertRoadEdges = defineSql(
  'seed.insert_road_edges',
  `INSERT INTO road_edges (id, source, target, length_m, travel_time_s, road_class, geom)
   SELECT e.id, e.source, e.target, e.length_m, e.travel_time_s,
          CASE
            WHEN e.travel_time_s <= 0 THEN 'service'
            WHEN 4.5 * e.length_m / e.travel_time_s >= 110 THEN 'motorway'
            WHEN 4.5 * e.length_m / e.travel_time_s >= 85 THEN 'primary'
            WHEN 4.5 * e.length_m / e.travel_time_s >= 55 THEN 'tertiary'
            WHEN 4.5 * e.length_m / e.travel_time_s >= 18 THEN 'residential'
            ELSE 'service'
          END,
          ST_MakeLine(a.geom, b.geom)
     FROM unnest($1::int[], $2::int[], $3::int[], $4::float8[], $5::float8[])
            AS e(id, source, target, length_m, travel_time_s)
     JOIN road_vertices a ON a.id = e.source
     JOIN road_vertices b ON b.id = e.target`,
);

/**
 * Counts after loading, to check the load. No parameters.
 * Result: vertices, edges (integers). Index: none (full counts).
 */
export const countRoadGraph = defineSql(
  'seed.count_road_graph',
  `SELECT (SELECT count(*) FROM road_vertices)::int AS vertices, (SELECT count(*) FROM road_edges)::int AS edges`,
);
