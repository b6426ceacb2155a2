import { describe, expect, it } from 'vitest';
import { pointInShape, snapToEdges, unitCrossedBy } from './split-target.js';

const square = (code: string, x: number) => ({
  properties: { code },
  geometry: { type: 'MultiPolygon', coordinates: [[[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]]] },
});
const identity = { project: (lng: number, lat: number) => ({ x: lng, y: lat }), unproject: (x: number, y: number) => ({ lng: x, lat: y }) };

describe('split target', () => {
  it('tells inside from outside, holes included', () => {
    const holed = { type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]] };
    expect(pointInShape([0.5, 0.5], holed)).toBe(true);
    expect(pointInShape([2, 2], holed)).toBe(false);
    expect(pointInShape([5, 2], holed)).toBe(false);
  });
  it('finds the unit a line cuts across, not the one it only starts in', () => {
    const shapes = [square('a', 0), square('b', 1)];
    expect(unitCrossedBy([[0.9, 0.5], [2.1, 0.5]], shapes)).toBe('b');
    expect(unitCrossedBy([[-1, 0.5], [-0.5, 0.5]], shapes)).toBeNull();
    expect(unitCrossedBy([[1, 1], [1, 1]], shapes)).toBeNull();
  });
  it('snaps to the nearest edge within the distance only', () => {
    const shapes = [square('a', 0)];
    expect(snapToEdges({ x: 0.5, y: 0.05 }, shapes, identity.project, identity.unproject, 0.1)).toEqual([0.5, 0]);
    expect(snapToEdges({ x: 0.5, y: 0.5 }, shapes, identity.project, identity.unproject, 0.1)).toBeUndefined();
  });
});
