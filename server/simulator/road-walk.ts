/**
 * Movement along roads, pure: a position a given distance along a polyline (a worker driving the route
 * dispatch computed), and a random walk over the road graph's edges (a worker on patrol), which keeps
 * every position on a road segment of the real graph.
 */
import type { RoadGraph } from '../routing/road-graph.js';
import { haversineMetres } from '../routing/road-location.js';
import type { Random } from './simulator-random.js';

export type LonLat = [number, number];

/** Cumulative metres at each vertex of a polyline (first 0). */
export function cumulativeMetres(coords: readonly LonLat[]): number[] {
  const out = [0];
  for (let i = 1; i < coords.length; i += 1) out.push(out[i - 1] + haversineMetres(coords[i - 1][0], coords[i - 1][1], coords[i][0], coords[i][1]));
  return out;
}

/** The point `metres` along the polyline (clamped to its ends), by linear interpolation between vertices. */
export function positionAlong(coords: readonly LonLat[], cumulative: readonly number[], metres: number): LonLat {
  if (coords.length === 0) throw new RangeError('an empty route has no positions');
  if (metres <= 0 || coords.length === 1) return [coords[0][0], coords[0][1]];
  const total = cumulative[cumulative.length - 1];
  if (metres >= total) return [coords[coords.length - 1][0], coords[coords.length - 1][1]];
  let lo = 0;
  let hi = cumulative.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] <= metres) lo = mid;
    else hi = mid;
  }
  const span = cumulative[hi] - cumulative[lo];
  const f = span > 0 ? (metres - cumulative[lo]) / span : 0;
  return [coords[lo][0] + (coords[hi][0] - coords[lo][0]) * f, coords[lo][1] + (coords[hi][1] - coords[lo][1]) * f];
}

/** A walker on the graph: on edge `edge` (u → v), `metres` from u. */
export interface EdgeWalk {
  edge: number;
  metres: number;
}

type WalkGraph = Pick<RoadGraph, 'lon' | 'lat' | 'firstEdge' | 'edgeSource' | 'edgeTarget' | 'edgeMetres' | 'twinEdge'>;

/** Where a walker is. */
export function walkPosition(graph: WalkGraph, walk: EdgeWalk): LonLat {
  const u = graph.edgeSource[walk.edge];
  const v = graph.edgeTarget[walk.edge];
  const length = graph.edgeMetres[walk.edge];
  const f = length > 0 ? Math.min(1, walk.metres / length) : 1;
  return [graph.lon[u] + (graph.lon[v] - graph.lon[u]) * f, graph.lat[u] + (graph.lat[v] - graph.lat[u]) * f];
}

/**
 * Advance a walker `metres` along the graph: at each vertex a random outgoing edge, avoiding the way back
 * unless it is a dead end. Returns a new walk (the input is not changed).
 */
export function advanceWalk(graph: WalkGraph, walk: EdgeWalk, metres: number, random: Random): EdgeWalk {
  let edge = walk.edge;
  let along = walk.metres + Math.max(0, metres);
  // A bounded number of vertices per step: zero-length edges cannot loop forever.
  for (let hops = 0; hops < 1000 && along >= graph.edgeMetres[edge]; hops += 1) {
    along -= graph.edgeMetres[edge];
    const v = graph.edgeTarget[edge];
    const first = graph.firstEdge[v];
    const last = graph.firstEdge[v + 1];
    const options: number[] = [];
    for (let e = first; e < last; e += 1) if (e !== graph.twinEdge[edge]) options.push(e);
    if (options.length === 0) {
      if (last > first) options.push(graph.twinEdge[edge] >= 0 ? graph.twinEdge[edge] : first);
      else return { edge, metres: graph.edgeMetres[edge] };
    }
    edge = options[Math.floor(random() * options.length)];
  }
  return { edge, metres: Math.min(along, graph.edgeMetres[edge]) };
}
