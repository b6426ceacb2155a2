/**
 * Small hand-made road graphs for the routing unit tests, placed in Xianlin so that distances and the
 * projection are realistic: 0.001° of longitude ≈ 94.3 m, 0.001° of latitude ≈ 111.2 m.
 */
import { buildRoadGraph, vertexIndexOf, type RoadGraph } from '../../server/routing/road-graph.js';
import { seededRandom } from '../../server/simulator/simulator-random.js';

export const ORIGIN_LON = 118.9;
export const ORIGIN_LAT = 32.1;

export interface HandMadeGraph {
  /** Vertices: database id → [dx, dy] in thousandths of a degree from the origin. */
  vertices: Record<number, [number, number]>;
  /** Edges: [source id, target id, seconds, metres?]; metres default to 10 × seconds. */
  edges: Array<[number, number, number, number?]>;
  /** Add each edge's reverse with the same cost (default true). */
  bothWays?: boolean;
}

export function makeGraph(spec: HandMadeGraph): RoadGraph {
  const ids = Object.keys(spec.vertices)
    .map(Number)
    .sort((a, b) => a - b);
  const edges = spec.edges.flatMap(([u, v, seconds, metres]) => {
    const m = metres ?? seconds * 10;
    return spec.bothWays === false
      ? [{ u, v, seconds, metres: m }]
      : [
          { u, v, seconds, metres: m },
          { u: v, v: u, seconds, metres: m },
        ];
  });
  return buildRoadGraph({
    vertexIds: Int32Array.from(ids),
    lon: Float64Array.from(ids.map((id) => ORIGIN_LON + spec.vertices[id][0] / 1000)),
    lat: Float64Array.from(ids.map((id) => ORIGIN_LAT + spec.vertices[id][1] / 1000)),
    edgeIds: Int32Array.from(edges, (_, i) => 1000 + i),
    sourceIds: Int32Array.from(edges, (e) => e.u),
    targetIds: Int32Array.from(edges, (e) => e.v),
    lengthMetres: Float64Array.from(edges, (e) => e.metres),
    travelSeconds: Float64Array.from(edges, (e) => e.seconds),
  });
}

/** The vertex number of a database id, failing loudly in a test. */
export function vertexOf(graph: RoadGraph, id: number): number {
  const v = vertexIndexOf(graph, id);
  if (v < 0) throw new Error(`no vertex ${id}`);
  return v;
}

/** The edge number of the edge u → v (database ids). */
export function edgeBetween(graph: RoadGraph, u: number, v: number): number {
  const a = vertexOf(graph, u);
  const b = vertexOf(graph, v);
  for (let e = graph.firstEdge[a]; e < graph.firstEdge[a + 1]; e++) if (graph.edgeTarget[e] === b) return e;
  throw new Error(`no edge ${u} → ${v}`);
}

/**
 * A random graph: `count` vertices scattered over a 3 × 3 km square, each joined to a few random
 * neighbours, one-way or both ways with different costs; some vertices left isolated.
 */
export function randomGraph(seed: number, count: number): RoadGraph {
  const next = seededRandom(seed);
  const vertices: HandMadeGraph['vertices'] = {};
  for (let id = 0; id < count; id++) vertices[id * 3 + 7] = [next() * 30, next() * 30];
  const edges: HandMadeGraph['edges'] = [];
  const seen = new Set<string>();
  for (let k = 0; k < count * 2; k++) {
    const u = Math.floor(next() * count) * 3 + 7;
    const v = Math.floor(next() * count) * 3 + 7;
    if (u === v || seen.has(`${u}-${v}`)) continue;
    seen.add(`${u}-${v}`);
    const seconds = next() < 0.05 ? 0 : Math.round(next() * 1000) / 10;
    edges.push([u, v, seconds, seconds * 8]);
  }
  return makeGraph({ vertices, edges, bothWays: false });
}
