/** SQL of the sensor seed step (seed-sensors.ts). */
import { defineSql } from '../db/database.js';
import { randomPointInPolygonSql } from './random-point-sql.js';

/**
 * The micro-grids of the seeded area. No parameters.
 * Result: code, households, residential_m2, area_m2, ordered by code. Index: units_level_idx.
 */
export const listMicroGridsForSensors = defineSql(
  'seed.list_micro_grids_for_sensors',
  `SELECT code, households, residential_m2, area_m2 FROM units WHERE level = 'micro_grid' ORDER BY code`,
);

/**
 * Undirected road segments (source < target) within $1 degrees (≈ 100 m for 0.001) of an OSM water
 * polygon. Water polygons are subdivided first so that a long river does not test every road near its
 * bounding box. Result: lo, hi. Index: road_edges_geom_idx.
 */
export const listRoadSegmentsNearWater = defineSql(
  'seed.list_road_segments_near_water',
  `SELECT DISTINCT e.source AS lo, e.target AS hi
     FROM (SELECT ST_Subdivide(geom, 64) AS g FROM osm_water) w
     JOIN road_edges e ON ST_DWithin(e.geom, w.g, $1) AND e.source < e.target`,
);

/**
 * Insert a batch of sensors. Road sensors come with their position ($4, $5); the others get a
 * deterministic point inside their micro-grid keyed by $10.
 * $1 id int[], $2 code text[], $3 kind text[], $4 lon float8[] (or NULL), $5 lat float8[] (or NULL),
 * $6 measurement_unit text[], $7 threshold float8[], $8 online bool[], $9 micro_grid_code text[],
 * $10 place key text[]. Result: none. Index: units_pkey.
 */
export const insertSensors = defineSql(
  'seed.insert_sensors',
  `INSERT INTO sensors (id, code, kind, geom, measurement_unit, threshold, online, micro_grid_code, generated)
   SELECT s.id, s.code, s.kind,
          coalesce(ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326),
                   ${randomPointInPolygonSql('m.geom', `('sensor-position:' || s.place_key)`)}),
          s.unit, s.threshold, s.online, s.micro_grid_code, true
     FROM unnest($1::int[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::text[], $7::float8[],
                 $8::boolean[], $9::text[], $10::text[])
            AS s(id, code, kind, lon, lat, unit, threshold, online, micro_grid_code, place_key)
     JOIN units m ON m.code = s.micro_grid_code AND m.level = 'micro_grid'`,
);
