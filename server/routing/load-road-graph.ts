/**
 * Load the road graph from road_vertices and road_edges once, in pages ordered by id (keyset paging,
 * 50,000 vertices or edges per query by default, each page one row of arrays: routing.sql.ts), into
 * the typed arrays of road-graph.ts. The road tables are written by the seed only, so pages read in
 * separate statements see the same graph.
 */
import type { Queryable, SqlStatement } from '../db/database.js';
import { buildRoadGraph, roadGraphBytes, type RoadGraph } from './road-graph.js';
import { readRoadEdgesPage, readRoadVerticesPage } from './routing.sql.js';

export const DEFAULT_PAGE_SIZE = 50_000;

export interface RoadGraphLoadStats {
  vertices: number;
  edges: number;
  queries: number;
  /** Reading the pages; building the CSR arrays and the spatial index. */
  readMs: number;
  buildMs: number;
  /** Bytes held by the graph's typed arrays and spatial index. */
  bytes: number;
}

/** One page: column name → the column's values (NULL past the last page). */
type Page = Record<string, number[] | null>;

/** Read every page of a statement; returns the columns concatenated and the number of queries. */
async function readPages<C extends string>(
  db: Queryable,
  statement: SqlStatement,
  columns: readonly C[],
  pageSize: number,
): Promise<{ columns: Record<C, number[][]>; queries: number }> {
  const out = Object.fromEntries(columns.map((c) => [c, [] as number[][]])) as Record<C, number[][]>;
  let after = -1;
  let queries = 0;
  for (;;) {
    const [page] = await db.query<Page>(statement, [after, pageSize]);
    queries += 1;
    const ids = page?.id;
    if (!ids || ids.length === 0) break;
    for (const c of columns) {
      const values = page[c];
      if (!values || values.length !== ids.length) throw new Error(`${statement.name}: column ${c} does not match the ids`);
      out[c].push(values);
    }
    if (ids.length < pageSize) break;
    after = ids[ids.length - 1];
  }
  return { columns: out, queries };
}

function concat<T extends Int32Array | Float64Array>(Type: new (n: number) => T, chunks: number[][]): T {
  const result = new Type(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    result.set(chunk, offset);
    offset += chunk.length;
  }
  return result;
}

export async function loadRoadGraph(db: Queryable, options: { pageSize?: number } = {}): Promise<{ graph: RoadGraph; stats: RoadGraphLoadStats }> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!(Number.isInteger(pageSize) && pageSize > 0)) throw new RangeError(`page size must be a positive integer, got ${pageSize}`);
  const started = performance.now();
  const vertices = await readPages(db, readRoadVerticesPage, ['id', 'lon', 'lat'], pageSize);
  const edges = await readPages(db, readRoadEdgesPage, ['id', 'source', 'target', 'length_m', 'travel_time_s'], pageSize);
  const read = performance.now();
  const graph = buildRoadGraph({
    vertexIds: concat(Int32Array, vertices.columns.id),
    lon: concat(Float64Array, vertices.columns.lon),
    lat: concat(Float64Array, vertices.columns.lat),
    edgeIds: concat(Int32Array, edges.columns.id),
    sourceIds: concat(Int32Array, edges.columns.source),
    targetIds: concat(Int32Array, edges.columns.target),
    lengthMetres: concat(Float64Array, edges.columns.length_m),
    travelSeconds: concat(Float64Array, edges.columns.travel_time_s),
  });
  const queries = vertices.queries + edges.queries;
  return {
    graph,
    stats: {
      vertices: graph.vertexCount,
      edges: graph.edgeCount,
      queries,
      readMs: read - started,
      buildMs: performance.now() - read,
      bytes: roadGraphBytes(graph),
    },
  };
}
