import { describe, expect, it } from 'vitest';
import { edgeBetween, makeGraph, ORIGIN_LAT, ORIGIN_LON, randomGraph, vertexOf } from '../../tests/support/hand-made-graphs.js';
import { bellmanFordTimes } from '../../tests/support/bellman-ford.js';
import { seededRandom } from '../simulator/simulator-random.js';
import type { RoadGraph } from './road-graph.js';
import { OFF_ROAD_METRES_PER_SECOND } from './road-location.js';
import type { RoadSnap } from './snap-to-road.js';
import { travelTimesFrom, travelTimesTo, type TravelResult } from './travel-times.js';

/**
 *   5 ─────────┐          1–2, 2–3, 3–4: 10 s each; 1–5: 3 s; 5–3: 4 s (the quick way to 3).
 *   │          │          4–6: zero-length (6 lies on 4). 8–9: an island. 7: isolated.
 *   1 ── 2 ── 3 ── 4=6
 */
const graph = makeGraph({
  vertices: { 1: [0, 0], 2: [1, 0], 3: [2, 0], 4: [3, 0], 5: [1, 1], 6: [3, 0], 7: [5, 5], 8: [10, 10], 9: [11, 10] },
  edges: [
    [1, 2, 10],
    [2, 3, 10],
    [3, 4, 10],
    [1, 5, 3],
    [5, 3, 4],
    [4, 6, 0, 0],
    [8, 9, 5],
  ],
});
const v = (id: number) => vertexOf(graph, id);

function reachable(result: TravelResult): { seconds: number; metres: number } {
  if (!result.reachable) throw new Error(`unreachable: ${result.reason}`);
  return result;
}

/** A point on the edge u → v at `fraction`, `offset` metres north of the road. */
function pointOn(g: RoadGraph, u: number, w: number, fraction: number, offsetMetres = 0): RoadSnap {
  const e = edgeBetween(g, u, w);
  const a = g.edgeSource[e];
  const b = g.edgeTarget[e];
  const snappedLon = g.lon[a] + fraction * (g.lon[b] - g.lon[a]);
  const snappedLat = g.lat[a] + fraction * (g.lat[b] - g.lat[a]);
  const lat = snappedLat + offsetMetres / ((6_371_008.8 * Math.PI) / 180);
  return { lon: snappedLon, lat, snappedLon, snappedLat, edge: e, fraction, distanceMetres: offsetMetres, offRoad: false };
}

describe('travelTimesFrom on a hand-made graph', () => {
  it('takes the quickest way, not the shortest, and reports its metres', () => {
    const times = travelTimesFrom(graph, v(1), [v(2), v(3), v(4)]);
    expect(times.results.map((r) => reachable(r).seconds)).toEqual([10, 7, 17]);
    expect(reachable(times.results[2]).metres).toBe(30 + 40 + 100);
  });

  it('reconstructs the route as coordinates and edge ids, whose times add up', () => {
    const times = travelTimesFrom(graph, v(1), [v(4)]);
    const route = times.route(0)!;
    expect(route.edgeIds).toEqual([
      graph.edgeIds[edgeBetween(graph, 1, 5)],
      graph.edgeIds[edgeBetween(graph, 5, 3)],
      graph.edgeIds[edgeBetween(graph, 3, 4)],
    ]);
    expect(route.coordinates).toEqual([1, 5, 3, 4].map((id) => [graph.lon[v(id)], graph.lat[v(id)]]));
    const sum = route.edgeIds.reduce((s, id) => s + graph.edgeSeconds[graph.edgeIds.indexOf(id)], 0);
    expect(sum).toBe(reachable(times.results[0]).seconds);
  });

  it('gives 0 s, 0 m and a one-point route for a target equal to the source', () => {
    const times = travelTimesFrom(graph, v(3), [v(3), v(3)]);
    expect(times.results).toEqual([
      { reachable: true, seconds: 0, metres: 0 },
      { reachable: true, seconds: 0, metres: 0 },
    ]);
    expect(times.route(0)).toEqual({ coordinates: [[graph.lon[v(3)], graph.lat[v(3)]]], edgeIds: [] });
  });

  it('crosses zero-length edges at no cost', () => {
    const times = travelTimesFrom(graph, v(6), [v(4), v(1)]);
    expect(times.results.map((r) => reachable(r).seconds)).toEqual([0, 17]);
    expect(times.route(1)!.edgeIds).toHaveLength(4);
  });

  it('reports targets in other parts of the graph as unreachable without searching them', () => {
    const times = travelTimesFrom(graph, v(1), [v(9), v(7), v(4)]);
    expect(times.results[0]).toEqual({ reachable: false, reason: 'no_route' });
    expect(times.results[1]).toEqual({ reachable: false, reason: 'no_route' });
    expect(reachable(times.results[2]).seconds).toBe(17);
    expect(times.route(0)).toBeNull();
    expect(times.settledVertices).toBeLessThanOrEqual(6);
    const island = travelTimesFrom(graph, v(8), [v(9), v(1)]);
    expect(reachable(island.results[0]).seconds).toBe(5);
    expect(island.results[1]).toEqual({ reachable: false, reason: 'no_route' });
  });

  it('stops as soon as every target is settled', () => {
    const near = travelTimesFrom(graph, v(1), [v(5)]);
    expect(reachable(near.results[0]).seconds).toBe(3);
    expect(near.settledVertices).toBeLessThanOrEqual(2);
  });

  it('stops at maxSeconds: targets beyond it are beyond_limit', () => {
    const times = travelTimesFrom(graph, v(1), [v(5), v(3), v(4)], { maxSeconds: 7 });
    expect(reachable(times.results[0]).seconds).toBe(3);
    expect(reachable(times.results[1]).seconds).toBe(7);
    expect(times.results[2]).toEqual({ reachable: false, reason: 'beyond_limit' });
  });

  it('stops when stopWhen says so, the targets left not_settled and no nearer than the search had reached', () => {
    const seen: Array<{ settled: number[]; reached: number }> = [];
    const times = travelTimesFrom(graph, v(1), [v(5), v(3), v(4)], {
      stopWhen: ({ settledSeconds, reachedSeconds }) => {
        seen.push({ settled: Array.from(settledSeconds), reached: reachedSeconds });
        return !Number.isNaN(settledSeconds[0]);
      },
    });
    // Target 0 (3 s) is settled when the search moves past it, to the next vertex (3, at 7 s).
    expect(seen).toEqual([{ settled: [3, Number.NaN, Number.NaN], reached: 7 }]);
    expect(reachable(times.results[0]).seconds).toBe(3);
    expect(times.results[1]).toEqual({ reachable: false, reason: 'not_settled', minimumSeconds: 7 });
    expect(times.results[2]).toEqual({ reachable: false, reason: 'not_settled', minimumSeconds: 7 });
    expect(times.route(1)).toBeNull();
    const all = travelTimesFrom(graph, v(1), [v(5), v(3), v(4)], { stopWhen: () => false });
    expect(all.results).toEqual(travelTimesFrom(graph, v(1), [v(5), v(3), v(4)]).results);
    expect(all.settledVertices).toBeGreaterThan(times.settledVertices);
  });

  it('returns no results for no targets, and refuses unknown vertices and bad options', () => {
    expect(travelTimesFrom(graph, v(1), []).results).toEqual([]);
    expect(() => travelTimesFrom(graph, 99, [v(1)])).toThrow(RangeError);
    expect(() => travelTimesFrom(graph, v(1), [-1])).toThrow(RangeError);
    expect(() => travelTimesFrom(graph, v(1), [v(2)], { maxSeconds: -1 })).toThrow(RangeError);
    expect(() => travelTimesFrom(graph, v(1), [v(2)], { offRoadMetresPerSecond: 0 })).toThrow(RangeError);
    expect(() => travelTimesFrom(graph, v(1), [v(2)]).route(1)).toThrow(RangeError);
  });
});

describe('travel times between snapped points', () => {
  it('charges the partial edge at the edge’s own speed, both ways', () => {
    const p = pointOn(graph, 2, 3, 0.25);
    const times = travelTimesFrom(graph, p, [v(3), v(2), v(1)]);
    expect(reachable(times.results[0]).seconds).toBeCloseTo(7.5, 9);
    expect(reachable(times.results[1]).seconds).toBeCloseTo(2.5, 9);
    expect(reachable(times.results[2]).seconds).toBeCloseTo(12.5, 9);
    expect(reachable(times.results[2]).metres).toBeCloseTo(125, 9);
  });

  it('adds the off-road leg at 15 km/h and draws it', () => {
    const p = pointOn(graph, 2, 3, 0.5, 150);
    const times = travelTimesFrom(graph, p, [v(3)]);
    expect(reachable(times.results[0]).seconds).toBeCloseTo(150 / OFF_ROAD_METRES_PER_SECOND + 5, 9);
    expect(reachable(times.results[0]).metres).toBeCloseTo(150 + 50, 9);
    expect(OFF_ROAD_METRES_PER_SECOND * 3.6).toBeCloseTo(15, 12);
    const route = times.route(0)!;
    expect(route.coordinates).toEqual([
      [p.lon, p.lat],
      [p.snappedLon, p.snappedLat],
      [graph.lon[v(3)], graph.lat[v(3)]],
    ]);
    expect(route.edgeIds).toEqual([]);
  });

  it('goes along a common segment without passing a vertex, whichever edge each point was snapped to', () => {
    const a = pointOn(graph, 2, 3, 0.2);
    const b = pointOn(graph, 3, 2, 0.3); // 0.7 of the way from 2 to 3
    const times = travelTimesFrom(graph, a, [b]);
    expect(reachable(times.results[0]).seconds).toBeCloseTo(5, 9);
    expect(times.route(0)!.coordinates).toEqual([
      [a.snappedLon, a.snappedLat],
      [b.snappedLon, b.snappedLat],
    ]);
    const back = travelTimesFrom(graph, b, [a]);
    expect(reachable(back.results[0]).seconds).toBeCloseTo(5, 9);
  });

  it('lets two points near each other meet on foot, straight across', () => {
    const a = pointOn(graph, 1, 2, 0.5, 100);
    const b = pointOn(graph, 2, 3, 0.5, 100); // ≈ 94 m east of a, both 100 m from the road
    const times = travelTimesFrom(graph, a, [b, a]);
    const straight = reachable(times.results[0]).metres;
    expect(straight).toBeGreaterThan(93);
    expect(straight).toBeLessThan(95);
    expect(reachable(times.results[0]).seconds).toBeCloseTo(straight / OFF_ROAD_METRES_PER_SECOND, 9);
    expect(times.route(0)!.coordinates).toEqual([
      [a.lon, a.lat],
      [b.lon, b.lat],
    ]);
    expect(times.results[1]).toEqual({ reachable: true, seconds: 0, metres: 0 });
  });

  it('starts from a vertex and ends at a point on an edge', () => {
    const p = pointOn(graph, 3, 4, 0.6, 10);
    const times = travelTimesFrom(graph, v(1), [p]);
    expect(reachable(times.results[0]).seconds).toBeCloseTo(7 + 6 + 10 / OFF_ROAD_METRES_PER_SECOND, 9);
  });
});

describe('one-way edges and searching backwards', () => {
  // 1 → 2 → 3 one way, 3 → 1 one way: a one-way loop; 2 ↔ 4 both ways with different costs.
  const oneWay = makeGraph({
    vertices: { 1: [0, 0], 2: [1, 0], 3: [1, 1], 4: [2, 0] },
    edges: [
      [1, 2, 5],
      [2, 3, 5],
      [3, 1, 5],
      [2, 4, 1],
      [4, 2, 9],
    ],
    bothWays: false,
  });
  const w = (id: number) => vertexOf(oneWay, id);

  it('is not symmetric and follows the direction of the edges', () => {
    expect(oneWay.symmetric).toBe(false);
    expect(graph.symmetric).toBe(true);
    expect(travelTimesFrom(oneWay, w(1), [w(3)]).results.map((r) => reachable(r).seconds)).toEqual([10]);
    expect(travelTimesFrom(oneWay, w(3), [w(2)]).results.map((r) => reachable(r).seconds)).toEqual([10]);
    expect(travelTimesFrom(oneWay, w(4), [w(1)]).results.map((r) => reachable(r).seconds)).toEqual([19]);
  });

  it('travelTimesTo gives each origin’s time to the destination, and the route in the direction of travel', () => {
    const to = travelTimesTo(oneWay, w(1), [w(2), w(3), w(4)]);
    expect(to.results.map((r) => reachable(r).seconds)).toEqual([10, 5, 19]);
    expect(to.route(2)!.coordinates).toEqual([4, 2, 3, 1].map((id) => [oneWay.lon[w(id)], oneWay.lat[w(id)]]));
  });

  it('does not go the wrong way along a one-way segment between two points on it', () => {
    const e = edgeBetween(oneWay, 1, 2);
    const at = (fraction: number): RoadSnap => ({
      lon: ORIGIN_LON + fraction / 1000,
      lat: ORIGIN_LAT,
      snappedLon: ORIGIN_LON + fraction / 1000,
      snappedLat: ORIGIN_LAT,
      edge: e,
      fraction,
      distanceMetres: 0,
      offRoad: false,
    });
    expect(reachable(travelTimesFrom(oneWay, at(0.2), [at(0.6)]).results[0]).seconds).toBeCloseTo(2, 9);
    // Backwards from 0.6 to 0.2: on to 2, round the loop 2 → 3 → 1, then 0.2 of 1 → 2.
    expect(reachable(travelTimesFrom(oneWay, at(0.6), [at(0.2)]).results[0]).seconds).toBeCloseTo(2 + 10 + 1, 9);
  });
});

describe('against a reference on random graphs', () => {
  it('agrees with Bellman–Ford in both directions, and every route is continuous and adds up', () => {
    for (const seed of [1, 2, 3]) {
      const g = randomGraph(seed, 300);
      const next = seededRandom(seed * 7);
      for (let trial = 0; trial < 5; trial++) {
        const source = Math.floor(next() * g.vertexCount);
        const targets = Array.from({ length: 20 }, () => Math.floor(next() * g.vertexCount));
        const expected = bellmanFordTimes(g, source);
        const from = travelTimesFrom(g, source, targets);
        const to = travelTimesTo(g, source, targets);
        targets.forEach((t, i) => {
          const result = from.results[i];
          expect(result.reachable ? result.seconds : Infinity).toBeCloseTo(expected[t], 9);
          const back = bellmanFordTimes(g, t)[source];
          const toResult = to.results[i];
          expect(toResult.reachable ? toResult.seconds : Infinity).toBeCloseTo(back, 9);
          const route = from.route(i);
          if (!route) return;
          let at = source;
          let sum = 0;
          for (const id of route.edgeIds) {
            const e = g.edgeIds.indexOf(id);
            expect(g.edgeSource[e]).toBe(at);
            at = g.edgeTarget[e];
            sum += g.edgeSeconds[e];
          }
          expect(at).toBe(t);
          expect(sum).toBeCloseTo(expected[t], 9);
        });
      }
    }
  });
});
