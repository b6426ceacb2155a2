import gcoord from 'gcoord';
import { describe, expect, it } from 'vitest';
import { toWgs84 } from './locate-point.js';

// 仙林街道, in WGS84.
const XIANLIN = { lon: 118.93, lat: 32.105 };
const metres = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) =>
  Math.hypot((a.lon - b.lon) * 111320 * Math.cos((a.lat * Math.PI) / 180), (a.lat - b.lat) * 110574);

describe('toWgs84', () => {
  it('leaves WGS84 input as it is', () => {
    expect(toWgs84(XIANLIN.lon, XIANLIN.lat, 'wgs84')).toEqual(XIANLIN);
  });

  it.each(['gcj02', 'bd09'] as const)('undoes the %s offset to within a metre', (crs) => {
    const [lon, lat] = gcoord.transform([XIANLIN.lon, XIANLIN.lat], gcoord.WGS84, crs === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09) as number[];
    // The obfuscation moves points by hundreds of metres in Nanjing: converting is not optional.
    expect(metres({ lon, lat }, XIANLIN)).toBeGreaterThan(300);
    expect(metres(toWgs84(lon, lat, crs), XIANLIN)).toBeLessThan(1);
  });
});
