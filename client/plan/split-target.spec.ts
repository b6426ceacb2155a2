import { describe, expect, it } from 'vitest';
import { pointInShape, snapToEdges, snapToLines, unitCrossedBy } from './split-target.js';

const square = (code: string, x: number) => ({
  properties: { code },
  geometry: {
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [x, 0],
          [x + 1, 0],
          [x + 1, 1],
          [x, 1],
          [x, 0],
        ],
      ],
    ],
  },
});
const identity = { project: (lng: number, lat: number) => ({ x: lng, y: lat }), unproject: (x: number, y: number) => ({ lng: x, lat: y }) };

describe('split target', () => {
  it('tells inside from outside, holes included', () => {
    const holed = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [4, 0],
          [4, 4],
          [0, 4],
          [0, 0],
        ],
        [
          [1, 1],
          [3, 1],
          [3, 3],
          [1, 3],
          [1, 1],
        ],
      ],
    };
    expect(pointInShape([0.5, 0.5], holed)).toBe(true);
    expect(pointInShape([2, 2], holed)).toBe(false);
    expect(pointInShape([5, 2], holed)).toBe(false);
  });
  it('finds the unit a line cuts across, not the one it only starts in', () => {
    const shapes = [square('a', 0), square('b', 1)];
    expect(
      unitCrossedBy(
        [
          [0.9, 0.5],
          [2.1, 0.5],
        ],
        shapes,
      ),
    ).toBe('b');
    expect(
      unitCrossedBy(
        [
          [-1, 0.5],
          [-0.5, 0.5],
        ],
        shapes,
      ),
    ).toBeNull();
    expect(
      unitCrossedBy(
        [
          [1, 1],
          [1, 1],
        ],
        shapes,
      ),
    ).toBeNull();
  });
  it('snaps to the nearest edge within the distance only', () => {
    const shapes = [square('a', 0)];
    expect(snapToEdges({ x: 0.5, y: 0.05 }, shapes, identity.project, identity.unproject, 0.1)).toEqual([0.5, 0]);
    expect(snapToEdges({ x: 0.5, y: 0.5 }, shapes, identity.project, identity.unproject, 0.1)).toBeUndefined();
  });
  it('snaps to the nearest road or river line within the distance, on the segment, not past its ends', () => {
    const road = [
      [0, 0],
      [10, 0],
      [10, 10],
    ];
    const river = [
      [0, 3],
      [10, 3],
    ];
    const snap = (x: number, y: number, px = 1) => snapToLines({ x, y }, [road, river], identity.project, identity.unproject, px);
    expect(snap(4, 0.6)).toEqual([4, 0]);
    expect(snap(4, 2.7)).toEqual([4, 3]);
    expect(snap(10.4, 5)).toEqual([10, 5]);
    expect(snap(4, 1.5)).toBeUndefined();
    expect(snap(-0.5, -0.5)).toEqual([0, 0]);
    expect(snap(-3, 0)).toBeUndefined();
    expect(snapToLines({ x: 1, y: 1 }, [[[1, 2]]], identity.project, identity.unproject, 5)).toBeUndefined();
  });
});
