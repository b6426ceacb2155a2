/** SQL of the camera seed step (seed-cameras.ts). */
import { defineSql } from '../db/database.js';

/**
 * Insert a batch of cameras. $1 id int[], $2 code text[], $3 name text[], $4 lon float8[], $5 lat float8[]
 * (WGS84), $6 heading_deg float8[], $7 fov_deg float8[], $8 range_m float8[], $9 online bool[],
 * $10 source_crs text[], $11 source_lon float8[], $12 source_lat float8[], $13 micro_grid_code text[].
 * No stream URL: the console shows "no stream". PTZ cameras and their presets by the code (migration 0017's
 * gridops_seed_camera_is_ptz / _presets); the field of view is a generated column. Result: none. Index:
 * cameras_pkey, cameras_code_key.
 */
export const insertCameras = defineSql(
  'seed.insert_cameras',
  `INSERT INTO cameras (id, code, name, geom, heading_deg, fov_deg, range_m, stream_url, online,
                        source_crs, source_lon, source_lat, micro_grid_code, generated, ptz, preset_headings)
   SELECT c.id, c.code, c.name, ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326), c.heading_deg, c.fov_deg, c.range_m,
          NULL, c.online, c.source_crs, c.source_lon, c.source_lat, c.micro_grid_code, true,
          gridops_seed_camera_is_ptz(c.code), gridops_seed_camera_presets(c.code, c.heading_deg)
     FROM unnest($1::int[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[],
                 $9::boolean[], $10::text[], $11::float8[], $12::float8[], $13::text[])
            AS c(id, code, name, lon, lat, heading_deg, fov_deg, range_m, online, source_crs, source_lon, source_lat, micro_grid_code)`,
);
