import { area, feature } from '@turf/turf';
import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { loadLevel, tintShapes } from './micro-grid-tint.js';

const box = (w: number, s: number, e: number, n: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ],
  ],
});

describe('tintShapes', () => {
  it('joins the overlapping tile pieces of a micro-grid into one shape of its whole area', () => {
    // One micro-grid 118.90–118.92 across a tile edge at 118.91, each tile's piece reaching 0.001 into the other.
    const west = box(118.9, 32.1, 118.911, 32.11);
    const east = box(118.909, 32.1, 118.92, 32.11);
    const [shape, ...rest] = tintShapes(
      [
        { code: 'A', geometry: west },
        { code: 'A', geometry: east },
      ],
      new Map([['A', 2]]),
    );
    expect(rest).toEqual([]);
    expect(shape.code).toBe('A');
    expect(shape.load).toBe(2);
    const whole = area(feature(box(118.9, 32.1, 118.92, 32.11)));
    expect(area(feature(shape.geometry)) / whole).toBeCloseTo(1, 6);
    // Drawn piece by piece, the overlap would be tinted twice.
    expect((area(feature(west)) + area(feature(east))) / whole).toBeGreaterThan(1.05);
  });

  it('keeps only micro-grids with open incidents, in code order, a single piece as it is', () => {
    const b = box(118.93, 32.1, 118.94, 32.11);
    const shapes = tintShapes(
      [
        { code: 'C', geometry: box(118.95, 32.1, 118.96, 32.11) },
        { code: 'B', geometry: b },
        { code: 'Z', geometry: box(118.97, 32.1, 118.98, 32.11) },
      ],
      new Map([
        ['B', 1],
        ['C', 5],
        ['Y', 3],
        ['Z', 0],
      ]),
    );
    expect(shapes.map((s) => [s.code, s.load])).toEqual([
      ['B', 1],
      ['C', 5],
    ]);
    expect(shapes[0].geometry).toBe(b);
    expect(tintShapes([], new Map([['B', 1]]))).toEqual([]);
  });
});

describe('loadLevel', () => {
  it('is the palette colour of 1, 2–3 and 4 or more open incidents', () => {
    expect([1, 2, 3, 4, 9].map(loadLevel)).toEqual([1, 2, 2, 3, 3]);
  });
});
