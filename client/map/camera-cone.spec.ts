import { describe, expect, it } from 'vitest';
import { metresPerDegree } from '../../server/video/camera-sector.js';
import { fieldOfViewRing, insetFieldOfView, metresPerPixel } from './camera-cone.js';

describe('fieldOfViewRing', () => {
  const view = { lon: 118.93, lat: 32.1, headingDeg: 90, fovDeg: 60, rangeM: 100 };
  const ring = fieldOfViewRing(view);
  const { latM, lonM } = metresPerDegree(view.lat);
  it('is a closed ring starting and ending at the camera, an arc vertex every 5 degrees', () => {
    expect(ring[0]).toEqual([118.93, 32.1]);
    expect(ring[ring.length - 1]).toEqual([118.93, 32.1]);
    expect(ring).toHaveLength(12 + 3);
  });
  it('points along the heading (90° = east) and reaches the range', () => {
    const middle = ring[1 + 6];
    const east = (middle[0] - view.lon) * lonM;
    const north = (middle[1] - view.lat) * latM;
    expect(east).toBeCloseTo(100, 3);
    expect(Math.abs(north)).toBeLessThan(1e-6);
  });
  it('spans the field of view', () => {
    const bearing = ([lon, lat]: [number, number]) => (Math.atan2((lon - view.lon) * lonM, (lat - view.lat) * latM) * 180) / Math.PI;
    expect(bearing(ring[1])).toBeCloseTo(60, 6);
    expect(bearing(ring[ring.length - 2])).toBeCloseTo(120, 6);
  });
});

describe('insetFieldOfView', () => {
  const view = { lon: 118.93, lat: 32.1, headingDeg: 30, fovDeg: 70, rangeM: 120 };
  /** Metres east and north of the camera. */
  const { latM, lonM } = metresPerDegree(view.lat);
  const local = ([lon, lat]: [number, number]): [number, number] => [(lon - view.lon) * lonM, (lat - view.lat) * latM];
  /** Distance from p to the line through the camera at this bearing (degrees clockwise from north). */
  const fromSide = (p: [number, number], bearingDeg: number) => {
    const b = (bearingDeg * Math.PI) / 180;
    return Math.abs(p[0] * Math.cos(b) - p[1] * Math.sin(b));
  };

  it('keeps the inner sides and arc the inset away from the outer ones', () => {
    const inner = insetFieldOfView(view, 3)!;
    const ring = fieldOfViewRing(inner).map(local);
    // The inner apex and its first and last arc points lie 3 m from the outer sides, on the inside.
    expect(fromSide(ring[0], view.headingDeg - 35)).toBeCloseTo(3, 4);
    expect(fromSide(ring[0], view.headingDeg + 35)).toBeCloseTo(3, 4);
    expect(fromSide(ring[1], view.headingDeg - 35)).toBeCloseTo(3, 4);
    expect(fromSide(ring[ring.length - 2], view.headingDeg + 35)).toBeCloseTo(3, 4);
    // Along the heading the inner arc ends 3 m short of the outer one.
    expect(Math.hypot(...ring[1 + 7])).toBeCloseTo(117, 4);
  });

  it('leaves nothing when the inset eats the cone, and moves only the rim of a full circle', () => {
    expect(insetFieldOfView({ ...view, rangeM: 4 }, 3)).toBeNull();
    const circle = insetFieldOfView({ ...view, fovDeg: 360 }, 3)!;
    expect([circle.lon, circle.lat, circle.rangeM]).toEqual([view.lon, view.lat, 117]);
  });

  it('converts pixels to metres as MapLibre draws them', () => {
    // At z16 on the equator MapLibre's 512-pixel world (an earth of radius 6,371,008.8 m) is 2^16 times wider.
    expect(metresPerPixel(16, 0)).toBeCloseTo((2 * Math.PI * 6_371_008.8) / 512 / 65_536, 9);
    expect(metresPerPixel(17, 32.1)).toBeCloseTo(metresPerPixel(16, 32.1) / 2, 9);
  });
});
