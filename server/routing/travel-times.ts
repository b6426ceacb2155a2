/**
 * One-to-many shortest paths by free-flow travel time (road_edges.travel_time_s): Dijkstra over the
 * CSR arrays with an indexed binary heap, stopping as soon as every target is settled (its best time
 * is no more than the smallest tentative time left) or maxSeconds is passed.
 *
 *  - travelTimesFrom(graph, source, targets): from one location to each target (outgoing edges);
 *  - travelTimesTo(graph, destination, origins): from each origin to one location, by one search
 *    backwards over the incoming edges (what dispatch needs: workers travel to the incident).
 *
 * Costs: whole edges at their travel_time_s and length_m; the partial edge at a snapped point at that
 * edge's own speed; the straight leg from the point to the road at 15 km/h; two points close enough
 * may also meet on foot, straight across (road-location.ts). Times are in seconds and include both
 * access legs; metres are those of the same path (legs included).
 */
import { IndexedMinHeap } from './indexed-min-heap.js';
import type { RoadGraph } from './road-graph.js';
import {
  arrivalLinks,
  checkLocation,
  departureLinks,
  directLink,
  locationPoints,
  OFF_ROAD_METRES_PER_SECOND,
  type AccessLink,
  type RoadLocation,
} from './road-location.js';

export type TravelResult =
  | { readonly reachable: true; readonly seconds: number; readonly metres: number }
  /** no_route: no path at all; beyond_limit: none within maxSeconds. */
  | { readonly reachable: false; readonly reason: 'no_route' | 'beyond_limit' }
  /** The search was stopped (options.stopWhen) before it settled this target, at least this far away. */
  | { readonly reachable: false; readonly reason: 'not_settled'; readonly minimumSeconds: number };

/** What the search knows when a target has just been settled. */
export interface SearchProgress {
  /** Per target: its time once settled, Infinity once known unreachable, NaN while unknown. */
  readonly settledSeconds: Float64Array;
  /** Every target not yet settled is at least this many seconds away. */
  readonly reachedSeconds: number;
}

export interface RouteGeometry {
  /** [lon, lat] in the direction of travel: the point, where it meets the road, the vertices, … */
  readonly coordinates: Array<[number, number]>;
  /** Database ids of the whole edges travelled, in order (the partial edges at either end excluded). */
  readonly edgeIds: number[];
}

export interface TravelTimes {
  /** One per target, in the order given. */
  readonly results: readonly TravelResult[];
  /** Vertices settled by the search (its work). */
  readonly settledVertices: number;
  /** The route between the location and target i, in the direction of travel; null when unreachable. */
  route(target: number): RouteGeometry | null;
}

export interface TravelOptions {
  /** Stop the search past this many seconds; targets farther away are `beyond_limit`. */
  maxSeconds?: number;
  /** Speed of the straight leg between a snapped point and the road (default 15 km/h). */
  offRoadMetresPerSecond?: number;
  /**
   * Asked each time targets are settled, and every 1,024 vertices after the first: true stops the
   * search, the targets left being `not_settled` (dispatch stops once no unsettled candidate can
   * enter the top five: rank-candidates.ts topRanksAreFinal).
   */
  stopWhen?: (progress: SearchProgress) => boolean;
}

type Direction = 'forward' | 'backward';

/** Via-vertex markers of a target reached without passing a vertex: along its segment, or on foot. */
const ALONG = -2;
const WALK = -3;

export function travelTimesFrom(graph: RoadGraph, source: RoadLocation, targets: readonly RoadLocation[], options: TravelOptions = {}): TravelTimes {
  return search(graph, 'forward', source, targets, options);
}

export function travelTimesTo(
  graph: RoadGraph,
  destination: RoadLocation,
  origins: readonly RoadLocation[],
  options: TravelOptions = {},
): TravelTimes {
  return search(graph, 'backward', destination, origins, options);
}

function search(graph: RoadGraph, direction: Direction, anchor: RoadLocation, targets: readonly RoadLocation[], options: TravelOptions): TravelTimes {
  const speed = options.offRoadMetresPerSecond ?? OFF_ROAD_METRES_PER_SECOND;
  const maxSeconds = options.maxSeconds ?? Infinity;
  if (!(speed > 0)) throw new RangeError(`off-road speed must be positive, got ${speed}`);
  if (Number.isNaN(maxSeconds) || maxSeconds < 0) throw new RangeError(`maxSeconds must be ≥ 0, got ${maxSeconds}`);
  checkLocation(graph, anchor);
  targets.forEach((t) => checkLocation(graph, t));
  const forward = direction === 'forward';

  const n = graph.vertexCount;
  const dist = new Float64Array(n).fill(Infinity);
  const metres = new Float64Array(n);
  const predEdge = new Int32Array(n).fill(-1);
  const settled = new Uint8Array(n);
  const heap = new IndexedMinHeap(n);
  const seedComponents = new Set<number>();
  for (const link of forward ? departureLinks(graph, anchor, speed) : arrivalLinks(graph, anchor, speed)) {
    seedComponents.add(graph.component[link.vertex]);
    if (link.seconds < dist[link.vertex]) {
      dist[link.vertex] = link.seconds;
      metres[link.vertex] = link.metres;
      heap.pushOrDecrease(link.vertex, link.seconds);
    }
  }

  // Targets: best time so far, its metres, and the vertex it was reached through.
  const count = targets.length;
  const bestSeconds = new Float64Array(count).fill(Infinity);
  const bestMetres = new Float64Array(count);
  const via = new Int32Array(count).fill(-1);
  const final = new Uint8Array(count);
  const settledSeconds = new Float64Array(count).fill(Number.NaN);
  const linksAt = new Map<number, Array<{ target: number; link: AccessLink }>>();
  let pending = count;
  targets.forEach((target, i) => {
    const links = forward ? arrivalLinks(graph, target, speed) : departureLinks(graph, target, speed);
    const direct = forward ? directLink(graph, anchor, target, speed) : directLink(graph, target, anchor, speed);
    if (direct) {
      bestSeconds[i] = direct.seconds;
      bestMetres[i] = direct.metres;
      via[i] = direct.kind === 'walk' ? WALK : ALONG;
    } else if (!links.some((link) => seedComponents.has(graph.component[link.vertex]))) {
      // On another road island: unreachable, and no reason to search the whole of this one.
      final[i] = 1;
      settledSeconds[i] = Infinity;
      pending -= 1;
      return;
    }
    for (const link of links) {
      const list = linksAt.get(link.vertex);
      if (list) list.push({ target: i, link });
      else linksAt.set(link.vertex, [{ target: i, link }]);
    }
  });
  // The smallest best time among pending targets: no target can be final before the search reaches it.
  let nextCheck = bestSeconds.reduce((m, s) => Math.min(m, s), Infinity);
  let settledVertices = 0;
  let stoppedByLimit = false;
  let stoppedAt = -1;

  /** Settle the targets no farther than `reached`; true when the caller's stopWhen says enough. */
  const finalize = (reached: number): boolean => {
    nextCheck = Infinity;
    let settledAny = false;
    for (let i = 0; i < count; i++) {
      if (final[i]) continue;
      if (bestSeconds[i] <= reached) {
        final[i] = 1;
        settledSeconds[i] = bestSeconds[i];
        settledAny = true;
        pending -= 1;
      } else if (bestSeconds[i] < nextCheck) nextCheck = bestSeconds[i];
    }
    return settledAny && askToStop(reached);
  };
  const askToStop = (reached: number): boolean => {
    if (pending > 0 && options.stopWhen?.({ settledSeconds, reachedSeconds: reached })) stoppedAt = reached;
    return stoppedAt >= 0;
  };

  const firstAdjacent = forward ? graph.firstEdge : graph.firstIncoming;
  while (pending > 0 && heap.size > 0) {
    const reached = heap.peekKey();
    if (reached > maxSeconds) {
      stoppedByLimit = true;
      break;
    }
    if (reached >= nextCheck && (finalize(reached) || pending === 0)) break;
    // The radius grows between settlements too: ask again now and then (every 1,024 vertices).
    if ((settledVertices & 1023) === 1023 && pending < count && askToStop(reached)) break;
    const v = heap.pop();
    settled[v] = 1;
    settledVertices += 1;
    const dv = dist[v];
    const arrivals = linksAt.get(v);
    if (arrivals) {
      for (const { target, link } of arrivals) {
        const total = dv + link.seconds;
        if (!final[target] && total < bestSeconds[target]) {
          bestSeconds[target] = total;
          bestMetres[target] = metres[v] + link.metres;
          via[target] = v;
          if (total < nextCheck) nextCheck = total;
        }
      }
    }
    for (let k = firstAdjacent[v]; k < firstAdjacent[v + 1]; k++) {
      const e = forward ? k : graph.incomingEdges[k];
      const w = forward ? graph.edgeTarget[e] : graph.edgeSource[e];
      if (settled[w]) continue;
      const candidate = dv + graph.edgeSeconds[e];
      if (candidate < dist[w]) {
        dist[w] = candidate;
        metres[w] = metres[v] + graph.edgeMetres[e];
        predEdge[w] = e;
        heap.pushOrDecrease(w, candidate);
      }
    }
  }

  const results: TravelResult[] = Array.from({ length: count }, (_, i) => {
    if (stoppedAt >= 0 && !final[i]) return { reachable: false, reason: 'not_settled', minimumSeconds: stoppedAt };
    if (bestSeconds[i] < Infinity && bestSeconds[i] <= maxSeconds) return { reachable: true, seconds: bestSeconds[i], metres: bestMetres[i] };
    if (bestSeconds[i] < Infinity || (stoppedByLimit && !final[i])) return { reachable: false, reason: 'beyond_limit' };
    return { reachable: false, reason: 'no_route' };
  });

  const route = (i: number): RouteGeometry | null => {
    if (!(Number.isInteger(i) && i >= 0 && i < count)) throw new RangeError(`no target ${i}`);
    if (!results[i].reachable) return null;
    const start = forward ? anchor : targets[i];
    const end = forward ? targets[i] : anchor;
    if (via[i] === WALK) return { coordinates: [locationPoints(graph, start)[0], locationPoints(graph, end)[0]], edgeIds: [] };
    const edges: number[] = [];
    if (via[i] >= 0) {
      for (let v = via[i]; predEdge[v] >= 0;) {
        const e = predEdge[v];
        edges.push(e);
        v = forward ? graph.edgeSource[e] : graph.edgeTarget[e];
      }
      if (forward) edges.reverse();
    }
    // Forward, the path ends at via[i]; backward, it starts there. Either way each edge adds its target.
    const vertices: number[] = [];
    if (via[i] >= 0) {
      vertices.push(forward && edges.length ? graph.edgeSource[edges[0]] : via[i]);
      for (const e of edges) vertices.push(graph.edgeTarget[e]);
    }
    const coordinates = [
      ...locationPoints(graph, start),
      ...vertices.map((v): [number, number] => [graph.lon[v], graph.lat[v]]),
      ...locationPoints(graph, end).reverse(),
    ].filter((p, k, all) => k === 0 || p[0] !== all[k - 1][0] || p[1] !== all[k - 1][1]);
    return { coordinates, edgeIds: edges.map((e) => graph.edgeIds[e]) };
  };

  return { results, settledVertices, route };
}
