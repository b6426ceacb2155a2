import { describe, expect, it } from 'vitest';
import { importToWgs84 } from '../../server/video/import/camera-import-crs.js';
import { parseCameraCsv } from '../../server/video/import/camera-import-csv.js';
import { camerasCsv, offsetMetres, parseTruthCsv, plantCameraRows, PLANTED_FLAGS, truthCsv, type CandidatePools } from './plant-camera-errors.js';

const pools: CandidatePools = {
  road: Array.from({ length: 300 }, (_, i) => ({ lon: 118.9 + i * 0.001, lat: 32.1, place: `社区${i % 7}` })),
  water: [{ lon: 118.95, lat: 32.15, place: '水域' }],
  far: [{ lon: 118.85, lat: 32.05, place: '社区X' }],
};

describe('planted camera import file', () => {
  it('plants every kind at the rate, deterministically, and the file parses back line for line', () => {
    const rows = plantCameraRows(pools, { count: 1000, rate: 0.02, seed: 7 });
    expect(plantCameraRows(pools, { count: 1000, rate: 0.02, seed: 7 })).toEqual(rows);
    expect(plantCameraRows(pools, { count: 1000, rate: 0.02, seed: 8 })).not.toEqual(rows);
    expect(rows).toHaveLength(1000);
    const count = (flag: string) => rows.filter((r) => r.flags.includes(flag as never)).length;
    for (const flag of ['outside_nanjing', 'in_water', 'far_from_road', 'heading_missing', 'heading_impossible', 'likely_gcj02']) {
      expect(count(flag), flag).toBe(20);
    }
    // Pairs: both rows carry the flag.
    expect(count('duplicate_code')).toBe(40);
    expect(count('duplicate_nearby')).toBe(40);
    const parsed = parseCameraCsv(camerasCsv(rows));
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toHaveLength(1000);
    const truth = parseTruthCsv(truthCsv(rows));
    for (const row of parsed.rows) {
      const planted = rows[row.line - 2];
      expect(row.code).toBe(planted?.code);
      expect([...(truth.get(row.line) ?? [])]).toEqual(planted?.flags);
    }
    expect(PLANTED_FLAGS).toHaveLength(8);
  });

  it('places each kind as planted', () => {
    const rows = plantCameraRows(pools, { count: 1000, rate: 0.02, seed: 3 });
    for (const r of rows.filter((x) => x.flags.includes('heading_impossible')))
      expect(r.headingDeg === null || r.headingDeg < 0 || r.headingDeg >= 360).toBe(true);
    for (const r of rows.filter((x) => x.flags.includes('heading_missing'))) expect(r.headingDeg).toBeNull();
    for (const r of rows.filter((x) => x.flags.includes('outside_nanjing'))) expect(r.lon).toBeLessThan(118);
    // A GCJ-02 row read as GCJ-02 comes back onto its road line (lat 32.1), within the 2 m jitter.
    for (const r of rows.filter((x) => x.flags.includes('likely_gcj02'))) {
      expect(Math.abs(r.lat - 32.1) * 110_900).toBeGreaterThan(100);
      expect(Math.abs(importToWgs84(r.lon, r.lat, 'gcj02').lat - 32.1) * 110_900).toBeLessThan(2.5);
    }
    const byCode = new Map<string, number>();
    for (const r of rows) byCode.set(r.code, (byCode.get(r.code) ?? 0) + 1);
    for (const r of rows.filter((x) => x.flags.includes('duplicate_code'))) expect(byCode.get(r.code)).toBe(2);
    for (const r of rows.filter((x) => x.flags.includes('duplicate_nearby'))) {
      const twin = rows.find((o) => o !== r && o.name === r.name);
      expect(twin).toBeDefined();
      const metres = Math.hypot((r.lon - (twin?.lon ?? 0)) * 94_000, (r.lat - (twin?.lat ?? 0)) * 110_900);
      expect(metres).toBeLessThan(5);
    }
  });

  it('offsets by metres', () => {
    const p = offsetMetres(118.9, 32.1, 100, 90);
    expect(Math.abs((p.lon - 118.9) * 110_900 * Math.cos((32.1 * Math.PI) / 180) - 100)).toBeLessThan(0.01);
    expect(p.lat).toBe(32.1);
  });
});
