import { describe, expect, it } from 'vitest';
import { fieldOfViewRing, insetFieldOfView, metresPerPixel } from './camera-cone.js';

const METRES_PER_DEGREE = 111_320;

describe('fieldOfViewRing', () => {
  const view = { lon: 118.93, lat: 32.1, headingDeg: 90, fovDeg: 60, rangeM: 100 };
  const ring = fieldOfViewRing(view, 6);
  it('is a closed ring starting and ending at the camera', () => {
    expect(ring[0]).toEqual([118.93, 32.1]);
    expect(ring[ring.length - 1]).toEqual([118.93, 32.1]);
    expect(ring).toHaveLength(6 + 3);
  });
  it('points along the heading (90° = east) and reaches the range', () => {
    const middle = ring[1 + 3];
    const east = (middle[0] - view.lon) * METRES_PER_DEGREE * Math.cos((view.lat * Math.PI) / 180);
    const north = (middle[1] - view.lat) * METRES_PER_DEGREE;
    expect(east).toBeCloseTo(100, 3);
    expect(Math.abs(north)).toBeLessThan(1e-6);
  });
  it('spans the field of view', () => {
    const bearing = ([lon, lat]: [number, number]) =>
      (Math.atan2((lon - view.lon) * Math.cos((view.lat * Math.PI) / 180), lat - view.lat) * 180) / Math.PI;
    expect(bearing(ring[1])).toBeCloseTo(60, 6);
    expect(bearing(ring[ring.length - 2])).toBeCloseTo(120, 6);
  });
});

describe('insetFieldOfView', () => {
  const view = { lon: 118.93, lat: 32.1, headingDeg: 30, fovDeg: 70, rangeM: 120 };
  /** Metres east and north of the camera. */
  const local = ([lon, lat]: [number, number]): [number, number] => [
    (lon - view.lon) * METRES_PER_DEGREE * Math.cos((view.lat * Math.PI) / 180),
    (lat - view.lat) * METRES_PER_DEGREE,
  ];
  /** Distance from p to the line through the camera at this bearing (degrees clockwise from north). */
  const fromSide = (p: [number, number], bearingDeg: number) => {
    const b = (bearingDeg * Math.PI) / 180;
    return Math.abs(p[0] * Math.cos(b) - p[1] * Math.sin(b));
  };

  it('keeps the inner sides and arc the inset away from the outer ones', () => {
    const inner = insetFieldOfView(view, 3)!;
    const ring = fieldOfViewRing(inner, 8).map(local);
    // The inner apex and its first and last arc points lie 3 m from the outer sides, on the inside.
    expect(fromSide(ring[0], view.headingDeg - 35)).toBeCloseTo(3, 4);
    expect(fromSide(ring[0], view.headingDeg + 35)).toBeCloseTo(3, 4);
    expect(fromSide(ring[1], view.headingDeg - 35)).toBeCloseTo(3, 4);
    expect(fromSide(ring[ring.length - 2], view.headingDeg + 35)).toBeCloseTo(3, 4);
    // Along the heading the inner arc ends 3 m short of the outer one.
    expect(Math.hypot(...ring[1 + 4])).toBeCloseTo(117, 4);
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
