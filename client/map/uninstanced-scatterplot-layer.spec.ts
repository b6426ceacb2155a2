import { describe, expect, it } from 'vitest';
import { POINT_CORNERS, pointStartIndices, VERTICES_PER_POINT } from './uninstanced-scatterplot-layer.js';

type Point = [number, number];

/** The two triangles of POINT_CORNERS (x, y of each vertex). */
function triangles(): [Point, Point, Point][] {
  const vertex = (i: number): Point => [POINT_CORNERS[i * 3], POINT_CORNERS[i * 3 + 1]];
  return [0, 1].map((t) => [vertex(t * 3), vertex(t * 3 + 1), vertex(t * 3 + 2)]);
}

const cross = (a: Point, b: Point, c: Point) => (b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1]);

function contains([a, b, c]: [Point, Point, Point], p: Point): boolean {
  const [d1, d2, d3] = [cross(a, b, p), cross(b, c, p), cross(c, a, p)];
  return (d1 > 0 && d2 > 0 && d3 > 0) || (d1 < 0 && d2 < 0 && d3 < 0);
}

describe('the uninstanced scatterplot geometry', () => {
  it('covers the square around the unit circle with two triangles, each place once, one winding', () => {
    expect(POINT_CORNERS).toHaveLength(VERTICES_PER_POINT * 3);
    expect(POINT_CORNERS.filter((_, i) => i % 3 === 2).every((z) => z === 0)).toBe(true);
    const [first, second] = triangles();
    expect(Math.sign(cross(...first))).toBe(Math.sign(cross(...second)));
    // Places all over the square, off both diagonals: each lies in exactly one triangle.
    const samples: Point[] = [];
    for (const x of [-0.9, -0.5, -0.1, 0.3, 0.7]) for (const y of [-0.8, -0.4, 0.2, 0.6, 0.95]) if (Math.abs(x) !== Math.abs(y)) samples.push([x, y]);
    for (const p of samples)
      expect(
        [first, second].filter((t) => contains(t, p)),
        `(${p})`,
      ).toHaveLength(1);
  });

  it('starts each point VERTICES_PER_POINT vertices after the one before, and ends after the last', () => {
    expect([...pointStartIndices(3)]).toEqual([0, 6, 12, 18]);
    expect([...pointStartIndices(0)]).toEqual([0]);
  });
});
