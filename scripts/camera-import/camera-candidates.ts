/**
 * Candidate positions for the planted camera import file, read from a seeded database (the city or the
 * Xianlin subset): points on roads, inside water, and far from roads, each checked with margins
 * (plant-camera-errors.ts says which). Deterministic for a seed: every choice is ordered by md5 of the seed.
 */
import { defineSql, type Queryable } from '../../server/db/database.js';
import { undeclaredGcj02Candidate } from '../../server/video/import/camera-import-crs.js';
import type { CandidatePoint, CandidatePools } from './plant-camera-errors.js';

/**
 * $1 how many, $2 seed: points part-way along road edges (fraction from md5), inside a current micro-grid,
 * ≥ 15 m from any water. Result: lon, lat, place (the community's name). Indexes: osm_water_geom_idx, units_geom_idx.
 */
const roadPoints = defineSql(
  'camera_import.road_points',
  `SELECT ST_X(p) AS lon, ST_Y(p) AS lat, c.name AS place
     FROM (SELECT ST_LineInterpolatePoint(e.geom, (get_byte(decode(md5($2 || ':f:' || e.id), 'hex'), 0) + 0.5) / 256.0) AS p
             FROM road_edges e ORDER BY md5($2 || ':' || e.id) LIMIT $1::int * 2) s
     JOIN units m ON m.level = 'micro_grid' AND m.valid_to IS NULL AND ST_Intersects(m.geom, s.p)
     JOIN units c ON c.code = m.community_code
    WHERE NOT EXISTS (SELECT 1 FROM osm_water w WHERE w.geom && ST_Expand(s.p, 0.0003) AND ST_DWithin(w.geom::geography, s.p::geography, 15))
    LIMIT $1`,
);

/**
 * $1 how many, $2 seed: random points ≥ 15 m inside water polygons of ≥ 5,000 m² that lie in the city's
 * micro-grids. Result: lon, lat, place. Index: units_geom_idx.
 */
const waterPoints = defineSql(
  'camera_import.water_points',
  `WITH w AS (
     SELECT w.osm_id, ST_Buffer(w.geom::geography, -15)::geometry AS inner_geom
       FROM osm_water w
      WHERE ST_Area(w.geom::geography) >= 5000
        AND EXISTS (SELECT 1 FROM units m WHERE m.level = 'micro_grid' AND m.valid_to IS NULL AND ST_Contains(m.geom, ST_PointOnSurface(w.geom)))
      ORDER BY md5($2 || ':' || w.osm_id) LIMIT 60)
   SELECT ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat, '水域' AS place
     FROM w, LATERAL ST_Dump(ST_GeneratePoints(w.inner_geom, greatest(1, ceil($1::int / 30.0))::int, 1 + abs(hashtext($2 || w.osm_id)))) d
    WHERE NOT ST_IsEmpty(w.inner_geom)
      AND EXISTS (SELECT 1 FROM units m WHERE m.level = 'micro_grid' AND m.valid_to IS NULL AND ST_Intersects(m.geom, d.geom))
    ORDER BY md5($2 || ST_AsText(d.geom)) LIMIT $1`,
);

/**
 * $1 how many, $2 seed: random points in micro-grids ≥ 80 m from any road and ≥ 15 m from water.
 * Result: lon, lat, place. Indexes: road_edges_geom_idx, osm_water_geom_idx.
 */
const farPoints = defineSql(
  'camera_import.far_points',
  `SELECT ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat, c.name AS place
     FROM (SELECT * FROM units WHERE level = 'micro_grid' AND valid_to IS NULL ORDER BY md5($2 || code) LIMIT $1::int * 3) m
     JOIN units c ON c.code = m.community_code,
          LATERAL ST_Dump(ST_GeneratePoints(m.geom, 2, 1 + abs(hashtext($2 || m.code)))) d
    WHERE NOT EXISTS (SELECT 1 FROM road_edges e WHERE e.geom && ST_Expand(d.geom, 0.0012) AND ST_DWithin(e.geom::geography, d.geom::geography, 80))
      AND NOT EXISTS (SELECT 1 FROM osm_water w WHERE w.geom && ST_Expand(d.geom, 0.0003) AND ST_DWithin(w.geom::geography, d.geom::geography, 15))
    LIMIT $1`,
);

/**
 * $1 lons, $2 lats: for each point (in order), whether a road lies within 20 m or it is in water.
 * Result: i, near_road, in_water. Indexes: road_edges_geom_idx, osm_water_geom_idx.
 */
const probeOffsetReadings = defineSql(
  'camera_import.probe_offset_readings',
  `SELECT p.i::int AS i,
          EXISTS (SELECT 1 FROM road_edges e WHERE e.geom && ST_Expand(g, 0.0003) AND ST_DWithin(e.geom::geography, g::geography, 20)) AS near_road,
          EXISTS (SELECT 1 FROM osm_water w WHERE w.geom && g AND ST_Intersects(w.geom, g)) AS in_water
     FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i),
          LATERAL (SELECT ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) AS g) q
    ORDER BY p.i`,
);

function points(rows: { lon: number; lat: number; place: string }[]): CandidatePoint[] {
  return rows.map((r) => ({ lon: Number(r.lon), lat: Number(r.lat), place: r.place }));
}

/** Drops the points whose GCJ-02 reading lands near a road on land (indistinguishable from an offset). */
async function withoutOffsetLookalikes(db: Queryable, list: CandidatePoint[]): Promise<CandidatePoint[]> {
  const readings = list.map((p) => undeclaredGcj02Candidate(p.lon, p.lat, 'wgs84') ?? p);
  const probe = await db.query<{ i: number; near_road: boolean; in_water: boolean }>(probeOffsetReadings, [
    readings.map((p) => p.lon),
    readings.map((p) => p.lat),
  ]);
  return list.filter((_, k) => {
    const r = probe[k];
    return r !== undefined && !(r.near_road && !r.in_water);
  });
}

/** The three pools for `count` rows at `rate` errors per kind (with room for the filters). */
export async function readCandidatePools(db: Queryable, count: number, rate: number, seed: number): Promise<CandidatePools> {
  const s = String(seed);
  const perKind = Math.max(1, Math.round(count * rate));
  const road = points(await db.query(roadPoints, [count, s]));
  const water = await withoutOffsetLookalikes(db, points(await db.query(waterPoints, [perKind * 2, s])));
  const far = await withoutOffsetLookalikes(db, points(await db.query(farPoints, [perKind * 2, s])));
  if (road.length === 0 || water.length === 0 || far.length === 0) {
    throw new Error(`not enough candidate places (road ${road.length}, water ${water.length}, far ${far.length})`);
  }
  return { road, water, far };
}
