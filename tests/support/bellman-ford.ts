/** The reference the routing tests check Dijkstra against: Bellman–Ford relaxation to a fixed point, from one vertex. */
import type { RoadGraph } from '../../server/routing/road-graph.js';

export function bellmanFordTimes(g: RoadGraph, source: number): Float64Array {
  const dist = new Float64Array(g.vertexCount).fill(Infinity);
  dist[source] = 0;
  for (let changed = true; changed;) {
    changed = false;
    for (let e = 0; e < g.edgeCount; e++) {
      const candidate = dist[g.edgeSource[e]] + g.edgeSeconds[e];
      if (candidate < dist[g.edgeTarget[e]]) {
        dist[g.edgeTarget[e]] = candidate;
        changed = true;
      }
    }
  }
  return dist;
}
