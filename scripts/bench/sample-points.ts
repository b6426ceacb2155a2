/**
 * A deterministic sample of points inside the seeded area (the whole of Nanjing, or Xianlin): a
 * fixed-seed pseudo-random sequence over the bounding box of the micro-grids, kept where a
 * micro-grid contains the point, in generation order. Micro-grids tile the districts, so for the
 * whole city this is "uniformly inside Nanjing".
 */
import { defineSql, type Queryable } from '../../server/db/database.js';
import { createRandom } from './statistics.js';

/** Parameters: none. Result: the bounding box of the micro-grids. Index: units_level_idx. */
const cityExtent = defineSql(
  'bench.city_extent',
  `SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax
     FROM (SELECT ST_Extent(geom)::geometry AS e FROM units WHERE level = 'micro_grid') t`,
);

/**
 * Parameters: $1 longitudes, $2 latitudes (float8[]). Result: the 1-based positions of the points a
 * micro-grid contains, ascending. Index: units_micro_grid_geom_idx.
 */
const pointsInCity = defineSql(
  'bench.points_in_city',
  `SELECT p.i::int AS i
     FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i)
    WHERE EXISTS (SELECT 1 FROM units u
                   WHERE u.level = 'micro_grid'
                     AND ST_Intersects(u.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)))
    ORDER BY p.i`,
);

export const SAMPLE_SEED = 20261123;

export interface SamplePoint {
  lon: number;
  lat: number;
}

export async function sampleCityPoints(db: Queryable, count: number, seed = SAMPLE_SEED): Promise<SamplePoint[]> {
  const [box] = await db.query<{ xmin: number; ymin: number; xmax: number; ymax: number }>(cityExtent);
  if (box?.xmin == null) throw new Error('no micro-grids in the database: seed it first');
  const random = createRandom(seed);
  // Nanjing fills a little under half of its bounding box: draw eight candidates per point wanted.
  const candidates: SamplePoint[] = Array.from({ length: count * 8 }, () => ({
    // Six decimals (≈ 0.1 m), as a client would send them.
    lon: Number((box.xmin + random() * (box.xmax - box.xmin)).toFixed(6)),
    lat: Number((box.ymin + random() * (box.ymax - box.ymin)).toFixed(6)),
  }));
  const inside = await db.query<{ i: number }>(pointsInCity, [candidates.map((c) => c.lon), candidates.map((c) => c.lat)]);
  if (inside.length < count) throw new Error(`only ${inside.length} of ${candidates.length} candidates fall inside a micro-grid`);
  return inside.slice(0, count).map((row) => candidates[row.i - 1]);
}
