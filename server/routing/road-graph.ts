/**
 * The road graph in memory: compact typed arrays, built once from the rows of road_vertices and
 * road_edges (load-road-graph.ts) or from hand-made arrays in tests.
 *
 * Vertices are numbered 0 … vertexCount − 1 in ascending database id; edges 0 … edgeCount − 1 in CSR
 * order (grouped by source vertex, in ascending database id within a group). Outgoing edges of vertex
 * v are firstEdge[v] … firstEdge[v + 1] − 1; incoming edges are incomingEdges[firstIncoming[v] …
 * firstIncoming[v + 1] − 1] (edge numbers), for searches towards a point. Every edge is a straight
 * line between its two vertices (that is how the seed builds road_edges.geom), so vertex coordinates
 * are the whole geometry.
 */
import { buildSnapIndex, type SnapIndex } from './snap-to-road.js';

export interface RoadGraphInput {
  /** Strictly ascending database ids, with WGS84 coordinates. */
  vertexIds: Int32Array;
  lon: Float64Array;
  lat: Float64Array;
  /** Directed edges, by database vertex id. */
  edgeIds: Int32Array;
  sourceIds: Int32Array;
  targetIds: Int32Array;
  lengthMetres: Float64Array;
  travelSeconds: Float64Array;
}

export interface RoadGraph {
  readonly vertexCount: number;
  readonly edgeCount: number;
  readonly vertexIds: Int32Array;
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly firstEdge: Int32Array;
  readonly edgeSource: Int32Array;
  readonly edgeTarget: Int32Array;
  /** Free-flow travel time (road_edges.travel_time_s) and length (length_m) of each edge. */
  readonly edgeSeconds: Float64Array;
  readonly edgeMetres: Float64Array;
  readonly edgeIds: Int32Array;
  /** The edge in the opposite direction (v → u for u → v), or -1. */
  readonly twinEdge: Int32Array;
  readonly firstIncoming: Int32Array;
  readonly incomingEdges: Int32Array;
  /** Every edge has a twin with the same time and length (true of the Nanjing data). */
  readonly symmetric: boolean;
  /**
   * Weakly connected component of each vertex (numbered by their smallest vertex). Vertices in
   * different components cannot reach each other, so a search need not exhaust its component to
   * learn that a target on a road island is unreachable.
   */
  readonly component: Int32Array;
  readonly componentCount: number;
  /** One entry per road segment (an edge and its twin count once), for snapping. */
  readonly snapIndex: SnapIndex;
}

/** The vertex number of a database id, or -1 (binary search over the ascending ids). */
export function vertexIndexOf(graph: Pick<RoadGraph, 'vertexIds'>, id: number): number {
  const ids = graph.vertexIds;
  let low = 0;
  let high = ids.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = ids[middle];
    if (value === id) return middle;
    if (value < id) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

function checkInput(input: RoadGraphInput): void {
  const v = input.vertexIds.length;
  if (input.lon.length !== v || input.lat.length !== v) throw new Error('road graph: vertex arrays differ in length');
  for (let i = 1; i < v; i++) {
    if (input.vertexIds[i] <= input.vertexIds[i - 1]) throw new Error('road graph: vertex ids must be strictly ascending');
  }
  const e = input.edgeIds.length;
  for (const [name, array] of Object.entries({
    sourceIds: input.sourceIds,
    targetIds: input.targetIds,
    lengthMetres: input.lengthMetres,
    travelSeconds: input.travelSeconds,
  })) {
    if (array.length !== e) throw new Error(`road graph: ${name} has ${array.length} entries for ${e} edges`);
  }
  for (let i = 0; i < e; i++) {
    const seconds = input.travelSeconds[i];
    const metres = input.lengthMetres[i];
    if (!(Number.isFinite(seconds) && seconds >= 0 && Number.isFinite(metres) && metres >= 0)) {
      throw new Error(`road graph: edge ${input.edgeIds[i]} has a negative or non-finite time or length`);
    }
  }
}

/** Group edges by a vertex array: CSR offsets and the edge numbers in group order (stable). */
function groupBy(keys: Int32Array, vertexCount: number): { first: Int32Array; order: Int32Array } {
  const first = new Int32Array(vertexCount + 1);
  for (let i = 0; i < keys.length; i++) first[keys[i] + 1] += 1;
  for (let v = 0; v < vertexCount; v++) first[v + 1] += first[v];
  const next = first.slice(0, vertexCount);
  const order = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) order[next[keys[i]]++] = i;
  return { first, order };
}

export function buildRoadGraph(input: RoadGraphInput): RoadGraph {
  checkInput(input);
  const vertexCount = input.vertexIds.length;
  const edgeCount = input.edgeIds.length;
  const sourceOf = new Int32Array(edgeCount);
  const targetOf = new Int32Array(edgeCount);
  const graphIds = { vertexIds: input.vertexIds };
  for (let i = 0; i < edgeCount; i++) {
    sourceOf[i] = vertexIndexOf(graphIds, input.sourceIds[i]);
    targetOf[i] = vertexIndexOf(graphIds, input.targetIds[i]);
    if (sourceOf[i] < 0 || targetOf[i] < 0) throw new Error(`road graph: edge ${input.edgeIds[i]} refers to an unknown vertex`);
  }
  const { first: firstEdge, order } = groupBy(sourceOf, vertexCount);
  const edgeSource = new Int32Array(edgeCount);
  const edgeTarget = new Int32Array(edgeCount);
  const edgeSeconds = new Float64Array(edgeCount);
  const edgeMetres = new Float64Array(edgeCount);
  const edgeIds = new Int32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    const row = order[e];
    edgeSource[e] = sourceOf[row];
    edgeTarget[e] = targetOf[row];
    edgeSeconds[e] = input.travelSeconds[row];
    edgeMetres[e] = input.lengthMetres[row];
    edgeIds[e] = input.edgeIds[row];
  }
  const { first: firstIncoming, order: incomingEdges } = groupBy(edgeTarget, vertexCount);
  const twinEdge = new Int32Array(edgeCount).fill(-1);
  let symmetric = true;
  for (let e = 0; e < edgeCount; e++) {
    const u = edgeSource[e];
    const v = edgeTarget[e];
    for (let f = firstEdge[v]; f < firstEdge[v + 1]; f++) {
      if (edgeTarget[f] === u) {
        twinEdge[e] = f;
        break;
      }
    }
    const twin = twinEdge[e];
    if (twin < 0 || edgeSeconds[twin] !== edgeSeconds[e] || edgeMetres[twin] !== edgeMetres[e]) symmetric = false;
  }
  const { component, componentCount } = labelComponents(vertexCount, firstEdge, edgeTarget, firstIncoming, incomingEdges, edgeSource);
  const core = { vertexCount, lon: input.lon, lat: input.lat, edgeCount, edgeSource, edgeTarget, twinEdge };
  return {
    vertexCount,
    edgeCount,
    vertexIds: input.vertexIds,
    lon: input.lon,
    lat: input.lat,
    firstEdge,
    edgeSource,
    edgeTarget,
    edgeSeconds,
    edgeMetres,
    edgeIds,
    twinEdge,
    firstIncoming,
    incomingEdges,
    symmetric,
    component,
    componentCount,
    snapIndex: buildSnapIndex(core),
  };
}

/** Label the weakly connected components by a breadth-first search over edges in both directions. */
function labelComponents(
  vertexCount: number,
  firstEdge: Int32Array,
  edgeTarget: Int32Array,
  firstIncoming: Int32Array,
  incomingEdges: Int32Array,
  edgeSource: Int32Array,
): { component: Int32Array; componentCount: number } {
  const component = new Int32Array(vertexCount).fill(-1);
  const queue = new Int32Array(vertexCount);
  let componentCount = 0;
  for (let start = 0; start < vertexCount; start++) {
    if (component[start] >= 0) continue;
    componentCount += 1;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    component[start] = start;
    while (head < tail) {
      const v = queue[head++];
      for (let e = firstEdge[v]; e < firstEdge[v + 1]; e++) {
        const w = edgeTarget[e];
        if (component[w] < 0) {
          component[w] = start;
          queue[tail++] = w;
        }
      }
      for (let k = firstIncoming[v]; k < firstIncoming[v + 1]; k++) {
        const w = edgeSource[incomingEdges[k]];
        if (component[w] < 0) {
          component[w] = start;
          queue[tail++] = w;
        }
      }
    }
  }
  return { component, componentCount };
}

/** Bytes held by the graph's arrays and its spatial index. */
export function roadGraphBytes(graph: RoadGraph): number {
  const arrays = [
    graph.vertexIds,
    graph.lon,
    graph.lat,
    graph.firstEdge,
    graph.edgeSource,
    graph.edgeTarget,
    graph.edgeSeconds,
    graph.edgeMetres,
    graph.edgeIds,
    graph.twinEdge,
    graph.firstIncoming,
    graph.incomingEdges,
    graph.component,
  ];
  return arrays.reduce((sum, a) => sum + a.byteLength, 0) + graph.snapIndex.bytes;
}
