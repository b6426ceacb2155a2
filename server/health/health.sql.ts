import { defineSql } from '../db/database.js';

/** Result: level, n — one row per unit level. Uses units_level_idx. */
export const countUnitsByLevel = defineSql('health.count_units_by_level', `SELECT level, count(*)::int AS n FROM units GROUP BY level`);

/** Result: one row of counts for the other layers. */
export const countLayers = defineSql(
  'health.count_layers',
  `SELECT (SELECT count(*) FROM workers)::int AS workers,
          (SELECT count(*) FROM cameras)::int AS cameras,
          (SELECT count(*) FROM sensors)::int AS sensors,
          (SELECT count(*) FROM road_vertices)::int AS road_vertices,
          (SELECT count(*) FROM road_edges)::int AS road_edges`,
);

/** Result: value of the 'seed' app_meta row (scope, version, timings), if seeded. */
export const readSeedMeta = defineSql('health.read_seed_meta', `SELECT value FROM app_meta WHERE key = 'seed'`);
