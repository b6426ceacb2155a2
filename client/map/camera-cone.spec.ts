import { describe, expect, it } from 'vitest';
import { fieldOfViewRing } from './camera-cone.js';

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
