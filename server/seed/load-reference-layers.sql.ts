import { defineSql } from '../db/database.js';

/**
 * Insert OSM polygons. $1 osm_id[], $2 fclass[], $3 name[], $4 GeoJSON geometry text[].
 * Invalid rings (self-touching, as shipped) are repaired with ST_MakeValid; only polygonal parts kept.
 */
export const insertLandusePolygons = defineSql(
  'seed.insert_landuse',
  `INSERT INTO osm_landuse (osm_id, fclass, name, geom)
   SELECT id, fclass, nullif(name, ''), ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)), 3))
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, fclass, name, g)
   ON CONFLICT (osm_id) DO NOTHING`,
);

export const insertWaterPolygons = defineSql(
  'seed.insert_water',
  `INSERT INTO osm_water (osm_id, fclass, name, geom)
   SELECT id, fclass, nullif(name, ''), ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)), 3))
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, fclass, name, g)
   ON CONFLICT (osm_id) DO NOTHING`,
);

/**
 * Insert the real districts as level-1 units. $1 adcode[], $2 name[], $3 GeoJSON text[].
 * area_m2 on the spheroid; label point inside the polygon.
 */
export const insertDistricts = defineSql(
  'seed.insert_districts',
  `INSERT INTO units (code, name, parent_code, level, depth, kind, district_code, geom, label_point, area_m2, generated, boundary_source)
   SELECT code, name, NULL, 'district', 1, 'district', code, g, ST_PointOnSurface(g), ST_Area(ST_Segmentize(g, 0.001)::geography), false, 'poi86.com (Amap-derived)'
     FROM (SELECT code, name, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(gj), 4326)), 3)) AS g
             FROM unnest($1::text[], $2::text[], $3::text[]) AS t(code, name, gj)) d`,
);
