/** Sector geometry of a camera's field of view (pure): headings 0 / 90 / 359, a 360° view, PTZ, the range. */
import { describe, expect, it } from 'vitest';
import {
  ARC_STEP_DEG,
  CameraView,
  CIRCLE_STEPS,
  distanceAndBearing,
  fieldOfViewRing,
  headingDifference,
  metresPerDegree,
  nearestPreset,
  projectFrom,
  seesPoint,
} from './camera-sector.js';

const AT = { lon: 118.95, lat: 32.1 };
const camera = (over: Partial<CameraView>): CameraView => ({ ...AT, headingDeg: 0, fovDeg: 60, rangeM: 100, ptz: false, ...over });
const bearingOf = (p: [number, number]) => distanceAndBearing(AT, p[0], p[1]);

describe('metresPerDegree', () => {
  it('matches the WGS84 ellipsoid at Nanjing (about 110.9 km per degree of latitude, 94.4 km of longitude)', () => {
    const { latM, lonM } = metresPerDegree(32.1);
    expect(latM).toBeGreaterThan(110_850);
    expect(latM).toBeLessThan(110_900);
    expect(lonM).toBeGreaterThan(94_350);
    expect(lonM).toBeLessThan(94_450);
  });
});

describe('fieldOfViewRing', () => {
  it('heading 0: a closed sector from the camera, its arc from −30° to +30° at the range, ≤ 5° apart', () => {
    const ring = fieldOfViewRing(camera({ headingDeg: 0, fovDeg: 60 }));
    expect(ring[0]).toEqual([AT.lon, AT.lat]);
    expect(ring[ring.length - 1]).toEqual(ring[0]);
    const arc = ring.slice(1, -1);
    expect(arc).toHaveLength(60 / ARC_STEP_DEG + 1);
    const bearings = arc.map((p) => bearingOf(p).bearingDeg);
    expect(bearings[0]).toBeCloseTo(330, 6);
    expect(bearings[arc.length - 1]).toBeCloseTo(30, 6);
    expect(bearings[arc.length / 2 - 0.5]).toBeCloseTo(0, 6);
    for (const p of arc) expect(bearingOf(p).distanceM).toBeCloseTo(100, 6);
    // Its middle vertex lies due north: same longitude, latitude up by 100 m.
    const middle = arc[6];
    expect(middle[0]).toBeCloseTo(AT.lon, 12);
    expect((middle[1] - AT.lat) * metresPerDegree(AT.lat).latM).toBeCloseTo(100, 6);
  });

  it('heading 90: the arc lies east, symmetric about the camera’s latitude', () => {
    const arc = fieldOfViewRing(camera({ headingDeg: 90, fovDeg: 40 })).slice(1, -1);
    for (const p of arc) expect(p[0]).toBeGreaterThan(AT.lon);
    expect(arc[0][1] - AT.lat).toBeCloseTo(-(arc[arc.length - 1][1] - AT.lat), 12);
    expect(bearingOf(arc[0]).bearingDeg).toBeCloseTo(70, 6);
    expect(bearingOf(arc[arc.length - 1]).bearingDeg).toBeCloseTo(110, 6);
  });

  it('heading 359 with 90°: the arc wraps through north (314° … 44°)', () => {
    const arc = fieldOfViewRing(camera({ headingDeg: 359, fovDeg: 90 })).slice(1, -1);
    expect(arc).toHaveLength(19);
    expect(bearingOf(arc[0]).bearingDeg).toBeCloseTo(314, 6);
    expect(bearingOf(arc[arc.length - 1]).bearingDeg).toBeCloseTo(44, 6);
    for (const p of arc) expect(p[1]).toBeGreaterThan(AT.lat);
  });

  it('an angle that is not a multiple of 5° still ends exactly at both edges, steps of at most 5°', () => {
    const arc = fieldOfViewRing(camera({ headingDeg: 45, fovDeg: 52 })).slice(1, -1);
    expect(arc).toHaveLength(Math.ceil(52 / 5) + 1);
    expect(bearingOf(arc[0]).bearingDeg).toBeCloseTo(19, 6);
    expect(bearingOf(arc[arc.length - 1]).bearingDeg).toBeCloseTo(71, 6);
  });

  it('angle 360 and PTZ: a full circle of the range (72 steps), not a sector through the camera', () => {
    for (const view of [camera({ fovDeg: 360, rangeM: 80 }), camera({ fovDeg: 60, rangeM: 80, ptz: true })]) {
      const ring = fieldOfViewRing(view);
      expect(ring).toHaveLength(CIRCLE_STEPS + 1);
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      for (const p of ring) expect(bearingOf(p).distanceM).toBeCloseTo(80, 6);
    }
  });

  it('the range scales the arc, not the angles', () => {
    const short = fieldOfViewRing(camera({ headingDeg: 120, rangeM: 40 })).slice(1, -1);
    const long = fieldOfViewRing(camera({ headingDeg: 120, rangeM: 150 })).slice(1, -1);
    short.forEach((p, i) => {
      expect(bearingOf(p).bearingDeg).toBeCloseTo(bearingOf(long[i]).bearingDeg, 6);
      expect(bearingOf(p).distanceM).toBeCloseTo(40, 6);
      expect(bearingOf(long[i]).distanceM).toBeCloseTo(150, 6);
    });
  });
});

describe('seesPoint', () => {
  it('sees inside the angle and range, not beyond the range or outside the angle', () => {
    const view = camera({ headingDeg: 0, fovDeg: 60, rangeM: 100 });
    expect(seesPoint(view, ...projectFrom(AT, 0, 99))).toBe(true);
    expect(seesPoint(view, ...projectFrom(AT, 29, 50))).toBe(true);
    expect(seesPoint(view, ...projectFrom(AT, 31, 50))).toBe(false);
    expect(seesPoint(view, ...projectFrom(AT, 0, 101))).toBe(false);
    expect(seesPoint(view, ...projectFrom(AT, 180, 10))).toBe(false);
    expect(seesPoint(view, AT.lon, AT.lat)).toBe(true);
  });

  it('across north: heading 359 sees 10° and 340°, not 30°', () => {
    const view = camera({ headingDeg: 359, fovDeg: 60 });
    expect(seesPoint(view, ...projectFrom(AT, 10, 50))).toBe(true);
    expect(seesPoint(view, ...projectFrom(AT, 340, 50))).toBe(true);
    expect(seesPoint(view, ...projectFrom(AT, 30, 50))).toBe(false);
  });

  it('360° and PTZ see every direction within the range only', () => {
    for (const view of [camera({ fovDeg: 360 }), camera({ ptz: true })]) {
      expect(seesPoint(view, ...projectFrom(AT, 180, 90))).toBe(true);
      expect(seesPoint(view, ...projectFrom(AT, 270, 110))).toBe(false);
    }
  });
});

describe('headings', () => {
  it('headingDifference is signed and wraps', () => {
    expect(headingDifference(359, 1)).toBeCloseTo(2);
    expect(headingDifference(1, 359)).toBeCloseTo(-2);
    expect(headingDifference(90, 270)).toBeCloseTo(180);
  });
  it('nearestPreset picks the preset closest to the bearing, across north', () => {
    expect(nearestPreset([10, 100, 190, 280], 350)).toBe(10);
    expect(nearestPreset([10, 100, 190, 280], 140)).toBe(100);
    expect(nearestPreset([], 140)).toBeNull();
  });
});
