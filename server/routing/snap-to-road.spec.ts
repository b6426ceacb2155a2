import { describe, expect, it } from 'vitest';
import { makeGraph, ORIGIN_LAT, ORIGIN_LON, randomGraph, vertexOf } from '../../tests/support/hand-made-graphs.js';
import { seededRandom } from '../simulator/simulator-random.js';
import type { RoadGraph } from './road-graph.js';
import { haversineMetres } from './road-location.js';
import { METRES_PER_DEGREE, snapToRoad } from './snap-to-road.js';

/** 1 ── 2 ── 3 along the parallel, 0.001° apart (≈ 94 m each); 4 ↕ 5 a short north-south street. */
const graph = makeGraph({
  vertices: { 1: [0, 0], 2: [1, 0], 3: [2, 0], 4: [5, 0], 5: [5, 1] },
  edges: [
    [1, 2, 10],
    [2, 3, 10],
    [4, 5, 10],
  ],
});
const v = (id: number) => vertexOf(graph, id);
const metresPerDegreeLon = METRES_PER_DEGREE * Math.cos((ORIGIN_LAT * Math.PI) / 180);

/** Brute force: the exact distance from the point to every segment, in a projection centred on it. */
function bruteForce(g: RoadGraph, lon: number, lat: number): number {
  const kx = METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
  let best = Infinity;
  for (let e = 0; e < g.edgeCount; e++) {
    const a = g.edgeSource[e];
    const b = g.edgeTarget[e];
    const ax = (g.lon[a] - lon) * kx;
    const ay = (g.lat[a] - lat) * METRES_PER_DEGREE;
    const dx = (g.lon[b] - lon) * kx - ax;
    const dy = (g.lat[b] - lat) * METRES_PER_DEGREE - ay;
    const sq = dx * dx + dy * dy;
    const t = sq === 0 ? 0 : Math.min(1, Math.max(0, -(ax * dx + ay * dy) / sq));
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
  }
  return best;
}

describe('snapToRoad', () => {
  it('snaps a point beside a road to the foot of the perpendicular', () => {
    const lon = ORIGIN_LON + 0.0015;
    const lat = ORIGIN_LAT + 30 / METRES_PER_DEGREE;
    const snap = snapToRoad(graph, lon, lat)!;
    expect(snap.distanceMetres).toBeCloseTo(30, 6);
    expect(snap.snappedLon).toBeCloseTo(lon, 12);
    expect(snap.snappedLat).toBeCloseTo(ORIGIN_LAT, 12);
    expect([graph.edgeSource[snap.edge], graph.edgeTarget[snap.edge]].sort()).toEqual([v(2), v(3)].sort());
    expect(snap.fraction).toBeCloseTo(0.5, 9);
    expect(snap.offRoad).toBe(false);
  });

  it('measures the fraction from the source of the edge it reports', () => {
    const snap = snapToRoad(graph, ORIGIN_LON + 0.00125, ORIGIN_LAT)!;
    const a = graph.edgeSource[snap.edge];
    const b = graph.edgeTarget[snap.edge];
    expect(graph.lon[a] + snap.fraction * (graph.lon[b] - graph.lon[a])).toBeCloseTo(ORIGIN_LON + 0.00125, 12);
    expect(snap.distanceMetres).toBeCloseTo(0, 9);
  });

  it('snaps a point past the end of a road to its end vertex', () => {
    const snap = snapToRoad(graph, ORIGIN_LON - 0.001, ORIGIN_LAT)!;
    const end = snap.fraction === 0 ? graph.edgeSource[snap.edge] : graph.edgeTarget[snap.edge];
    expect([0, 1]).toContain(snap.fraction);
    expect(end).toBe(v(1));
    expect(snap.distanceMetres).toBeCloseTo(0.001 * metresPerDegreeLon, 6);
  });

  it('picks the nearest segment, not the segment with the nearest box', () => {
    // A long diagonal whose box holds the point (box distance 0, segment ≈ 430 m away), and a short
    // street whose box is ≈ 47 m away: the street is the answer.
    const g = makeGraph({
      vertices: { 1: [0, 0], 2: [10, 10], 3: [8.5, 2], 4: [8.5, 3] },
      edges: [
        [1, 2, 100],
        [3, 4, 10],
      ],
    });
    const snap = snapToRoad(g, ORIGIN_LON + 0.008, ORIGIN_LAT + 0.0025)!;
    expect([g.edgeSource[snap.edge], g.edgeTarget[snap.edge]].sort()).toEqual([vertexOf(g, 3), vertexOf(g, 4)].sort());
    expect(snap.distanceMetres).toBeCloseTo(0.0005 * METRES_PER_DEGREE * Math.cos(((ORIGIN_LAT + 0.0025) * Math.PI) / 180), 6);
  });

  it('flags a point farther than 500 m (or the limit given) from any road, and still snaps it', () => {
    const far = snapToRoad(graph, ORIGIN_LON + 0.001, ORIGIN_LAT - 0.006)!;
    expect(far.distanceMetres).toBeGreaterThan(600);
    expect(far.offRoad).toBe(true);
    const near = snapToRoad(graph, ORIGIN_LON + 0.001, ORIGIN_LAT - 0.0004)!;
    expect(near.offRoad).toBe(false);
    expect(snapToRoad(graph, ORIGIN_LON + 0.001, ORIGIN_LAT - 0.0004, { maxSnapMetres: 20 })!.offRoad).toBe(true);
  });

  it('returns null on a graph without edges, and refuses non-finite points', () => {
    const empty = makeGraph({ vertices: { 1: [0, 0] }, edges: [] });
    expect(snapToRoad(empty, ORIGIN_LON, ORIGIN_LAT)).toBeNull();
    expect(() => snapToRoad(graph, Number.NaN, ORIGIN_LAT)).toThrow(RangeError);
  });

  it('handles zero-length segments', () => {
    const g = makeGraph({
      vertices: { 1: [0, 0], 2: [0, 0], 3: [3, 0] },
      edges: [
        [1, 2, 0, 0],
        [2, 3, 10],
      ],
    });
    const snap = snapToRoad(g, ORIGIN_LON, ORIGIN_LAT + 0.0001)!;
    expect(snap.distanceMetres).toBeCloseTo(0.0001 * METRES_PER_DEGREE, 6);
    expect(Number.isFinite(snap.fraction)).toBe(true);
  });

  it('finds the exact nearest segment for 2,000 random points, against brute force', () => {
    const g = randomGraph(11, 400);
    const next = seededRandom(5);
    for (let i = 0; i < 2000; i++) {
      const lon = ORIGIN_LON - 0.005 + next() * 0.04;
      const lat = ORIGIN_LAT - 0.005 + next() * 0.04;
      const snap = snapToRoad(g, lon, lat)!;
      expect(snap.distanceMetres).toBeCloseTo(bruteForce(g, lon, lat), 6);
      // The reported distance is the distance to the reported point.
      expect(haversineMetres(lon, lat, snap.snappedLon, snap.snappedLat)).toBeCloseTo(snap.distanceMetres, 1);
    }
  });

  it('indexes each segment once, however many directions it has', () => {
    expect(graph.edgeCount).toBe(6);
    expect(graph.snapIndex.segmentEdges.length).toBe(3);
  });
});
