/** SQL of spatial queries over a drawn area; runs in the caller's scope (RLS). */
import { defineSql } from '../db/database.js';

/** $1 GeoJSON geometry text. Result: valid, reason — PostGIS's authoritative validity check. */
export const checkAreaValidity = defineSql(
  'spatial.check_area_validity',
  `SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) a`,
);

/**
 * What lies in an area. $1 GeoJSON geometry text (valid, EPSG:4326). Uses the GiST indexes of units
 * (micro-grid partial index), workers, cameras and sensors.
 */
export const summariseArea = defineSql(
  'spatial.summarise_area',
  `WITH area AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g)
   SELECT ST_Area(area.g::geography) AS area_m2,
          (SELECT count(*) FROM units u WHERE u.level = 'micro_grid' AND ST_Intersects(u.geom, area.g))::int AS micro_grids,
          (SELECT coalesce(sum(u.households), 0) FROM units u
            WHERE u.level = 'micro_grid' AND ST_Intersects(u.geom, area.g) AND ST_Intersects(u.label_point, area.g))::int AS households,
          (SELECT count(*) FROM workers w WHERE ST_Intersects(w.last_position, area.g))::int AS workers,
          (SELECT count(*) FROM workers w WHERE ST_Intersects(w.last_position, area.g) AND w.duty_status = 'on_duty')::int AS workers_on_duty,
          (SELECT count(*) FROM cameras c WHERE ST_Intersects(c.geom, area.g))::int AS cameras,
          (SELECT count(*) FROM sensors s WHERE ST_Intersects(s.geom, area.g))::int AS sensors
     FROM area`,
);
