/**
 * Snapping a WGS84 point to the road graph: the nearest point on the nearest road segment, with the
 * segment's edge, the fraction along it and the distance in metres.
 *
 * The segments (an edge and its twin count once) are indexed by their bounding boxes in a flatbush
 * R-tree, in a local equirectangular projection in metres centred on the graph (at Nanjing's latitude
 * the east-west scale varies by about ±1 % over the city). A query takes the nearest box, measures
 * the exact distance d to its segment, then re-examines every segment whose box lies within d (widened
 * for the projection's scale error at the query's latitude), measuring each exactly in a projection
 * centred on the query point: the result is the exact nearest segment, not the nearest box.
 */
import Flatbush from 'flatbush';
import type { RoadGraph } from './road-graph.js';

/** Metres per degree of latitude on the mean-radius sphere (6,371,008.8 m). */
export const METRES_PER_DEGREE = (6_371_008.8 * Math.PI) / 180;
/** Farther than this from any road, a point is flagged `offRoad` (it is still snapped and routed). */
export const DEFAULT_MAX_SNAP_METRES = 500;

export interface SnapIndex {
  /** null when the graph has no edges. */
  readonly tree: Flatbush | null;
  /** The edge of each indexed segment (the lower-numbered of an edge and its twin). */
  readonly segmentEdges: Int32Array;
  readonly originLon: number;
  readonly originLat: number;
  /** Metres per degree of longitude at originLat. */
  readonly metresPerDegreeLon: number;
  readonly bytes: number;
}

export interface RoadSnap {
  /** The point as given. */
  readonly lon: number;
  readonly lat: number;
  /** The nearest point on the road. */
  readonly snappedLon: number;
  readonly snappedLat: number;
  /** The edge it lies on (u → v) and the fraction of the way from u to v, 0 … 1. */
  readonly edge: number;
  readonly fraction: number;
  /** Straight-line metres from the point to the road. */
  readonly distanceMetres: number;
  /** Farther than maxSnapMetres from any road. */
  readonly offRoad: boolean;
}

type SnapGraph = Pick<RoadGraph, 'vertexCount' | 'lon' | 'lat' | 'edgeCount' | 'edgeSource' | 'edgeTarget' | 'twinEdge'>;

export function buildSnapIndex(graph: SnapGraph): SnapIndex {
  const segments: number[] = [];
  for (let e = 0; e < graph.edgeCount; e++) {
    const twin = graph.twinEdge[e];
    if (twin < 0 || e < twin) segments.push(e);
  }
  let minLon = Infinity;
  let maxLon = -Infinity;
  let minLat = Infinity;
  let maxLat = -Infinity;
  for (let v = 0; v < graph.vertexCount; v++) {
    minLon = Math.min(minLon, graph.lon[v]);
    maxLon = Math.max(maxLon, graph.lon[v]);
    minLat = Math.min(minLat, graph.lat[v]);
    maxLat = Math.max(maxLat, graph.lat[v]);
  }
  const originLon = graph.vertexCount ? (minLon + maxLon) / 2 : 0;
  const originLat = graph.vertexCount ? (minLat + maxLat) / 2 : 0;
  const metresPerDegreeLon = METRES_PER_DEGREE * Math.cos((originLat * Math.PI) / 180);
  const segmentEdges = Int32Array.from(segments);
  if (segmentEdges.length === 0) {
    return { tree: null, segmentEdges, originLon, originLat, metresPerDegreeLon, bytes: 0 };
  }
  const tree = new Flatbush(segmentEdges.length);
  for (const e of segmentEdges) {
    const a = graph.edgeSource[e];
    const b = graph.edgeTarget[e];
    const ax = (graph.lon[a] - originLon) * metresPerDegreeLon;
    const bx = (graph.lon[b] - originLon) * metresPerDegreeLon;
    const ay = (graph.lat[a] - originLat) * METRES_PER_DEGREE;
    const by = (graph.lat[b] - originLat) * METRES_PER_DEGREE;
    tree.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
  }
  tree.finish();
  return { tree, segmentEdges, originLon, originLat, metresPerDegreeLon, bytes: tree.data.byteLength + segmentEdges.byteLength };
}

interface SegmentFit {
  fraction: number;
  distanceMetres: number;
}

/** The nearest point of edge e to (lon, lat), in a projection centred on the point. */
function fitSegment(graph: SnapGraph, e: number, lon: number, lat: number, metresPerDegreeLon: number): SegmentFit {
  const a = graph.edgeSource[e];
  const b = graph.edgeTarget[e];
  const ax = (graph.lon[a] - lon) * metresPerDegreeLon;
  const ay = (graph.lat[a] - lat) * METRES_PER_DEGREE;
  const dx = (graph.lon[b] - lon) * metresPerDegreeLon - ax;
  const dy = (graph.lat[b] - lat) * METRES_PER_DEGREE - ay;
  const squared = dx * dx + dy * dy;
  const fraction = squared === 0 ? 0 : Math.min(1, Math.max(0, -(ax * dx + ay * dy) / squared));
  return { fraction, distanceMetres: Math.hypot(ax + fraction * dx, ay + fraction * dy) };
}

/** The nearest point on the road network to (lon, lat); null for a graph without edges. */
export function snapToRoad(
  graph: Pick<RoadGraph, 'snapIndex'> & SnapGraph,
  lon: number,
  lat: number,
  options: { maxSnapMetres?: number } = {},
): RoadSnap | null {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new RangeError(`cannot snap a non-finite point (${lon}, ${lat})`);
  const index = graph.snapIndex;
  if (!index.tree) return null;
  const x = (lon - index.originLon) * index.metresPerDegreeLon;
  const y = (lat - index.originLat) * METRES_PER_DEGREE;
  const [nearestBox] = index.tree.neighbors(x, y, 1);
  const localMetresPerDegreeLon = METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
  const first = fitSegment(graph, index.segmentEdges[nearestBox], lon, lat, localMetresPerDegreeLon);
  // A segment within `first.distanceMetres` here is within this radius in the index's projection.
  const scale = Math.max(1, index.metresPerDegreeLon / localMetresPerDegreeLon);
  const radius = first.distanceMetres * scale * 1.000001 + 1e-6;
  let bestEdge = -1;
  let best: SegmentFit = first;
  for (const item of index.tree.search(x - radius, y - radius, x + radius, y + radius)) {
    const e = index.segmentEdges[item];
    const fit = fitSegment(graph, e, lon, lat, localMetresPerDegreeLon);
    if (bestEdge < 0 || fit.distanceMetres < best.distanceMetres || (fit.distanceMetres === best.distanceMetres && e < bestEdge)) {
      best = fit;
      bestEdge = e;
    }
  }
  const a = graph.edgeSource[bestEdge];
  const b = graph.edgeTarget[bestEdge];
  return {
    lon,
    lat,
    snappedLon: graph.lon[a] + best.fraction * (graph.lon[b] - graph.lon[a]),
    snappedLat: graph.lat[a] + best.fraction * (graph.lat[b] - graph.lat[a]),
    edge: bestEdge,
    fraction: best.fraction,
    distanceMetres: best.distanceMetres,
    offRoad: best.distanceMetres > (options.maxSnapMetres ?? DEFAULT_MAX_SNAP_METRES),
  };
}
