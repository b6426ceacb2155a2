/**
 * Generated cameras on the seeded Xianlin subset, on every database mode: along real roads, in the
 * micro-grid that contains them, plausible view parameters, delivered coordinates that convert
 * back to the stored position, and the same rows from a second run.
 */
import gcoord from 'gcoord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, defineSql } from '../db/database.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { seedCameras } from './seed-cameras.js';
import { xianlinContext } from '../../tests/support/seed-test-support.js';

const cameraChecks = defineSql(
  'test.cameras.checks',
  `SELECT count(*)::int AS cameras,
          count(*) FILTER (WHERE m.code IS NULL OR NOT ST_Intersects(m.geom, c.geom))::int AS outside_micro_grid,
          max(r.distance_m) AS max_road_distance_m,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY r.distance_m) AS median_road_distance_m,
          count(*) FILTER (WHERE c.heading_deg < 0 OR c.heading_deg >= 360 OR c.fov_deg NOT BETWEEN 50 AND 100
                             OR c.range_m NOT BETWEEN 40 AND 150)::int AS bad_view,
          count(*) FILTER (WHERE c.stream_url IS NOT NULL OR NOT c.generated)::int AS bad_flags,
          avg(c.online::int) AS online_share,
          count(DISTINCT c.source_crs)::int AS crs_kinds
     FROM cameras c
     LEFT JOIN units m ON m.code = c.micro_grid_code AND m.level = 'micro_grid'
    CROSS JOIN LATERAL (SELECT ST_Distance(c.geom::geography, e.geom::geography) AS distance_m
                          FROM road_edges e ORDER BY e.geom <-> c.geom LIMIT 1) r`,
);
const camerasPerKm = defineSql(
  'test.cameras.per_km',
  `SELECT e.road_class, coalesce(n.cameras, 0)::float8 / (sum(e.length_m) / 1000) AS per_km
     FROM road_edges e
     LEFT JOIN (SELECT x.road_class, count(*) AS cameras
                  FROM cameras c CROSS JOIN LATERAL (SELECT road_class FROM road_edges e ORDER BY e.geom <-> c.geom LIMIT 1) x
                 GROUP BY x.road_class) n ON n.road_class = e.road_class
    WHERE e.source < e.target
    GROUP BY e.road_class, n.cameras`,
);
const deliveredPositions = defineSql(
  'test.cameras.delivered',
  `SELECT source_crs, source_lon, source_lat, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM cameras ORDER BY code`,
);
const cameraDigest = defineSql(
  'test.cameras.digest',
  `SELECT md5(string_agg(concat_ws('|', id, code, name, ST_AsText(geom), heading_deg, fov_deg, range_m, online, source_crs,
                                   source_lon, source_lat, micro_grid_code), ',' ORDER BY code)) AS digest
     FROM cameras`,
);

/** Metres between two WGS84 positions (equirectangular; fine at these distances). */
function metresBetween(a: [number, number], b: [number, number]): number {
  const k = 111_320;
  return Math.hypot((a[0] - b[0]) * k * Math.cos((a[1] * Math.PI) / 180), (a[1] - b[1]) * k);
}

describe.each(testDatabaseModes())('seedCameras on %s (Xianlin)', (mode) => {
  let seeded: Database;
  beforeAll(async () => {
    seeded = await openSeededTestDatabase(mode);
  });
  afterAll(async () => seeded?.close());

  it('puts cameras a few metres beside real roads, each in the micro-grid containing it', async () => {
    const [c] = await seeded.query<Record<string, number>>(cameraChecks);
    expect(c.cameras).toBeGreaterThan(20);
    expect(c.outside_micro_grid).toBe(0);
    expect(c.max_road_distance_m).toBeLessThanOrEqual(6.05);
    expect(c.median_road_distance_m).toBeGreaterThan(1.5);
    expect(c.bad_view).toBe(0);
    expect(c.bad_flags).toBe(0);
    expect(c.online_share).toBeGreaterThan(0.85);
  });

  it('favours busier roads: more cameras per km on primary roads than on service roads', async () => {
    const rows = await seeded.query<{ road_class: string; per_km: number }>(camerasPerKm);
    const perKm = Object.fromEntries(rows.map((r) => [r.road_class, r.per_km]));
    expect(perKm.primary).toBeGreaterThan(perKm.service);
    expect(perKm.tertiary).toBeGreaterThan(perKm.service);
  });

  it('keeps the delivered coordinates, which convert back to the stored WGS84 position', async () => {
    const rows = await seeded.query<{ source_crs: string; source_lon: number; source_lat: number; lon: number; lat: number }>(deliveredPositions);
    expect(new Set(rows.map((r) => r.source_crs))).toContain('wgs84');
    for (const r of rows) {
      if (r.source_crs === 'wgs84') {
        expect([r.source_lon, r.source_lat]).toEqual([r.lon, r.lat]);
        continue;
      }
      const from = r.source_crs === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09;
      // Shifted by hundreds of metres as delivered, back within a metre after conversion.
      expect(metresBetween([r.source_lon, r.source_lat], [r.lon, r.lat])).toBeGreaterThan(100);
      const back = gcoord.transform([r.source_lon, r.source_lat] as [number, number], from, gcoord.WGS84);
      expect(metresBetween(back as [number, number], [r.lon, r.lat])).toBeLessThan(1);
    }
  });

  it('gives the same rows when run again', async () => {
    const [before] = await seeded.query<{ digest: string }>(cameraDigest);
    // This copy is throwaway: CASCADE empties whatever refers to the table too.
    await seeded.execScript('test.cameras.truncate', 'TRUNCATE cameras CASCADE');
    await seedCameras(xianlinContext(seeded));
    const [after] = await seeded.query<{ digest: string }>(cameraDigest);
    expect(after.digest).toBe(before.digest);
  });
});
