/**
 * Seed step: the real road graph (146,839 vertices, 321,958 directed edges for the whole city).
 *
 * The Xianlin subset is the full graph restricted to the 8,856 segments listed in
 * xianlin_roads_wgs84.geojson (each listed once; both directions are inserted). Its rows are taken
 * from the full-graph files, so a subset row is identical to the same row of the full seed: same
 * vertex ids, same edge ids (the line index in Nanjing.road-d), same lengths, times and classes.
 * Rows are inserted in batches through unnest(); geometry and road class are computed in SQL.
 */
import path from 'node:path';
import type { Queryable } from '../db/database.js';
import { readRoadGraph, RoadGraph } from './read-road-graph.js';
import { readGeoJsonFeatures } from './reference-data.js';
import type { SeedContext } from './seed-context.js';
import { countRoadGraph, insertRoadEdges, insertRoadVertices } from './seed-roads.sql.js';

const BATCH = 20_000;
export const XIANLIN_ROADS_FILE = 'xianlin_roads_wgs84.geojson';

/** Undirected key of a segment. */
function segmentKey(u: number, v: number): string {
  return u < v ? `${u}-${v}` : `${v}-${u}`;
}

/** Edge ids of the graph that belong to the seeded area (all, or those of the listed segments). */
export function selectEdges(graph: RoadGraph, segments: Array<[number, number]> | null): Int32Array {
  if (!segments) return Int32Array.from({ length: graph.source.length }, (_, i) => i);
  const wanted = new Set(segments.map(([u, v]) => segmentKey(u, v)));
  const ids: number[] = [];
  const found = new Set<string>();
  for (let i = 0; i < graph.source.length; i++) {
    const key = segmentKey(graph.source[i], graph.target[i]);
    if (wanted.has(key)) {
      ids.push(i);
      found.add(key);
    }
  }
  if (found.size !== wanted.size) {
    throw new Error(`${XIANLIN_ROADS_FILE}: ${wanted.size - found.size} segments are not in the road graph`);
  }
  return Int32Array.from(ids);
}

/** The [u, v] vertex pairs of the Xianlin subset file. */
export function readXianlinSegments(referenceDir: string): Array<[number, number]> {
  return readGeoJsonFeatures(path.join(referenceDir, 'roads', XIANLIN_ROADS_FILE)).map((f) => [Number(f.properties.u), Number(f.properties.v)]);
}

/** The sorted ids of the vertices the edges touch. */
function verticesOf(graph: RoadGraph, edgeIds: Int32Array): number[] {
  const ids = new Set<number>();
  for (const id of edgeIds) {
    ids.add(graph.source[id]);
    ids.add(graph.target[id]);
  }
  return [...ids].sort((a, b) => a - b);
}

async function insertVertices(tx: Queryable, graph: RoadGraph, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = ids.slice(i, i + BATCH);
    await tx.query(insertRoadVertices, [batch, batch.map((id) => graph.lon[id]), batch.map((id) => graph.lat[id])]);
  }
}

async function insertEdges(tx: Queryable, graph: RoadGraph, edgeIds: Int32Array): Promise<void> {
  for (let i = 0; i < edgeIds.length; i += BATCH) {
    const batch = Array.from(edgeIds.subarray(i, i + BATCH));
    await tx.query(insertRoadEdges, [
      batch,
      batch.map((id) => graph.source[id]),
      batch.map((id) => graph.target[id]),
      batch.map((id) => graph.lengthM[id]),
      batch.map((id) => graph.travelTimeS[id]),
    ]);
  }
}

export async function seedRoads(ctx: SeedContext): Promise<void> {
  const roadsDir = path.join(ctx.referenceDir, 'roads');
  const graph = await readRoadGraph(roadsDir);
  const edgeIds = selectEdges(graph, ctx.area === 'xianlin' ? readXianlinSegments(ctx.referenceDir) : null);
  const vertices = ctx.area === 'xianlin' ? verticesOf(graph, edgeIds) : Array.from({ length: graph.lon.length }, (_, i) => i);
  ctx.progress('road graph read', { vertices: vertices.length, edges: edgeIds.length });
  await ctx.db.withTransaction(async (tx) => {
    await insertVertices(tx, graph, vertices);
    await insertEdges(tx, graph, edgeIds);
  });
  const [counts] = await ctx.db.query<{ vertices: number; edges: number }>(countRoadGraph);
  if (counts.vertices !== vertices.length || counts.edges !== edgeIds.length) {
    throw new Error(`road graph: inserted ${counts.vertices} vertices and ${counts.edges} edges, expected ${vertices.length} and ${edgeIds.length}`);
  }
  ctx.progress('road graph loaded', counts);
}
