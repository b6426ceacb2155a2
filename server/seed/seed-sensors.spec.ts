/**
 * Generated IoT sensors on the seeded Xianlin subset, on every database mode: the kinds, units and
 * thresholds of sensor-kinds.ts, each sensor inside its micro-grid, road sensors on or beside the
 * roads, water-level gauges mostly near water, and the same rows from a second run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, defineSql } from '../db/database.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { SENSOR_KINDS } from './sensor-kinds.js';
import { NEAR_WATER_DEGREES, seedSensors } from './seed-sensors.js';
import { xianlinContext } from '../../tests/support/seed-test-support.js';
import { CITY_TOTALS } from './seed-thresholds.js';

const sensorsByKind = defineSql(
  'test.sensors.by_kind',
  `SELECT s.kind, s.measurement_unit, s.threshold, count(*)::int AS sensors,
          count(*) FILTER (WHERE m.code IS NULL OR NOT ST_Intersects(m.geom, s.geom))::int AS outside_micro_grid,
          max(r.distance_m) AS max_road_distance_m,
          avg((EXISTS (SELECT 1 FROM osm_water w WHERE ST_DWithin(w.geom, s.geom, $1)))::int) AS near_water_share,
          avg(s.online::int) AS online_share,
          count(*) FILTER (WHERE NOT s.generated)::int AS not_generated
     FROM sensors s
     LEFT JOIN units m ON m.code = s.micro_grid_code AND m.level = 'micro_grid'
    CROSS JOIN LATERAL (SELECT ST_Distance(s.geom::geography, e.geom::geography) AS distance_m
                          FROM road_edges e ORDER BY e.geom <-> s.geom LIMIT 1) r
    GROUP BY s.kind, s.measurement_unit, s.threshold`,
);
const mostPerMicroGrid = defineSql(
  'test.sensors.most_per_micro_grid',
  `SELECT kind, max(n)::int AS most FROM (SELECT kind, micro_grid_code, count(*) AS n FROM sensors GROUP BY 1, 2) x GROUP BY kind`,
);
const sensorDigest = defineSql(
  'test.sensors.digest',
  `SELECT md5(string_agg(concat_ws('|', id, code, kind, ST_AsText(geom), measurement_unit, threshold, online, micro_grid_code),
                         ',' ORDER BY code)) AS digest
     FROM sensors`,
);

describe('SENSOR_KINDS', () => {
  it('adds up to the 20,000 devices of the city, with distinct code prefixes', () => {
    expect(SENSOR_KINDS.reduce((s, k) => s + k.cityTotal, 0)).toBe(CITY_TOTALS.sensors);
    expect(new Set(SENSOR_KINDS.map((k) => k.prefix)).size).toBe(SENSOR_KINDS.length);
  });
});

describe.each(testDatabaseModes())('seedSensors on %s (Xianlin)', (mode) => {
  let seeded: Database;
  type KindRow = {
    kind: string;
    measurement_unit: string;
    threshold: number;
    sensors: number;
    outside_micro_grid: number;
    max_road_distance_m: number;
    near_water_share: number;
    online_share: number;
    not_generated: number;
  };
  let rows: KindRow[];
  beforeAll(async () => {
    seeded = await openSeededTestDatabase(mode);
    rows = await seeded.query<KindRow>(sensorsByKind, [NEAR_WATER_DEGREES]);
  });
  afterAll(async () => seeded?.close());

  it('seeds only the kinds of sensor-kinds.ts, with their units and thresholds, inside their micro-grids', () => {
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const row of rows) {
      const spec = SENSOR_KINDS.find((k) => k.kind === row.kind);
      expect(spec, row.kind).toBeDefined();
      expect([row.measurement_unit, row.threshold]).toEqual([spec!.measurementUnit, spec!.threshold]);
      expect(row.outside_micro_grid).toBe(0);
      expect(row.not_generated).toBe(0);
    }
    const total = rows.reduce((s, r) => s + r.sensors, 0);
    expect(rows.reduce((s, r) => s + r.online_share * r.sensors, 0) / total).toBeGreaterThan(0.9);
  });

  it('puts manholes on the road centre line and roadside sensors beside the road', () => {
    for (const spec of SENSOR_KINDS) {
      if (spec.place !== 'road') continue;
      const row = rows.find((r) => r.kind === spec.kind);
      if (row) expect(row.max_road_distance_m, spec.kind).toBeLessThanOrEqual(spec.offsetM[1] + 0.05);
    }
  });

  it('puts water-level gauges mostly near water', () => {
    const row = rows.find((r) => r.kind === 'water_level');
    expect(row?.sensors).toBeGreaterThan(0);
    expect(row!.near_water_share).toBeGreaterThan(0.5);
  });

  it('never puts more of a kind in a micro-grid than its slots', async () => {
    for (const r of await seeded.query<{ kind: string; most: number }>(mostPerMicroGrid)) {
      const spec = SENSOR_KINDS.find((k) => k.kind === r.kind)!;
      if (spec.place === 'micro_grid') expect(r.most, r.kind).toBeLessThanOrEqual(spec.slots);
    }
  });

  it('gives the same rows when run again', async () => {
    const [before] = await seeded.query<{ digest: string }>(sensorDigest);
    // This copy is throwaway: CASCADE empties whatever refers to the table too.
    await seeded.execScript('test.sensors.truncate', 'TRUNCATE sensors CASCADE');
    await seedSensors(xianlinContext(seeded));
    const [after] = await seeded.query<{ digest: string }>(sensorDigest);
    expect(after.digest).toBe(before.digest);
  });
});
