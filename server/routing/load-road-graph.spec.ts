import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { defineSql, type Database } from '../db/database.js';
import { loadRoadGraph } from './load-road-graph.js';
import { vertexIndexOf, type RoadGraph } from './road-graph.js';
import { travelTimesFrom } from './travel-times.js';
import { bellmanFordTimes } from '../../tests/support/bellman-ford.js';

/** $1 lon, $2 lat. Result: id of the nearest road vertex. Index: road_vertices_geom_idx (KNN). */
const nearestVertex = defineSql(
  'test.routing.nearest_vertex',
  `SELECT id FROM road_vertices ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326), id LIMIT 1`,
);
/** $1 edge ids. Result: each edge with its ends' coordinates, in the order given. Index: road_edges_pkey. */
const edgesByIds = defineSql(
  'test.routing.edges_by_ids',
  `SELECT e.id, e.source, e.target, e.travel_time_s, e.length_m,
          ST_X(ST_StartPoint(e.geom)) AS x0, ST_Y(ST_StartPoint(e.geom)) AS y0,
          ST_X(ST_EndPoint(e.geom)) AS x1, ST_Y(ST_EndPoint(e.geom)) AS y1
     FROM unnest($1::int[]) WITH ORDINALITY AS r(id, i) JOIN road_edges e ON e.id = r.id ORDER BY r.i`,
);
const totals = defineSql(
  'test.routing.totals',
  `SELECT (SELECT count(*) FROM road_vertices)::int AS vertices, (SELECT count(*) FROM road_edges)::int AS edges,
          (SELECT max(id) FROM road_edges)::int AS max_edge_id, (SELECT sum(length_m) FROM road_edges) AS metres`,
);

interface EdgeRow {
  id: number;
  source: number;
  target: number;
  travel_time_s: number;
  length_m: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

describe.each(testDatabaseModes())('loadRoadGraph on %s', (mode) => {
  let db: Database;
  let graph: RoadGraph;

  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
    graph = (await loadRoadGraph(db)).graph;
  });
  afterAll(() => db?.close());

  it('loads the Xianlin subset: 8,009 vertices and 17,712 directed edges, every one with its twin', async () => {
    const [t] = await db.query<{ vertices: number; edges: number; max_edge_id: number; metres: number }>(totals);
    expect(graph.vertexCount).toBe(8009);
    expect(graph.edgeCount).toBe(17712);
    expect(t.vertices).toBe(8009);
    expect(t.edges).toBe(17712);
    expect(graph.symmetric).toBe(true);
    expect(graph.edgeSeconds.every((s) => s >= 0)).toBe(true);
    expect(graph.edgeMetres.reduce((s, m) => s + m, 0)).toBeCloseTo(t.metres, 3);
  });

  it('reads the same graph whatever the page size', async () => {
    const { graph: paged, stats } = await loadRoadGraph(db, { pageSize: 3001 });
    expect(stats.queries).toBe(Math.ceil(8009 / 3001) + Math.ceil(17712 / 3001));
    expect(paged.vertexIds).toEqual(graph.vertexIds);
    expect(paged.lon).toEqual(graph.lon);
    expect(paged.edgeIds).toEqual(graph.edgeIds);
    expect(paged.edgeSeconds).toEqual(graph.edgeSeconds);
    expect(stats.bytes).toBeGreaterThan(0);
  });

  it('routes between two known points along a continuous chain of edges whose times add up exactly', async () => {
    const [{ id: fromId }] = await db.query<{ id: number }>(nearestVertex, [118.93, 32.105]);
    const [{ id: toId }] = await db.query<{ id: number }>(nearestVertex, [118.962, 32.122]);
    const from = vertexIndexOf(graph, fromId);
    const to = vertexIndexOf(graph, toId);
    const times = travelTimesFrom(graph, from, [to]);
    const result = times.results[0];
    if (!result.reachable) throw new Error('the two points are not connected');
    const route = times.route(0)!;
    expect(route.edgeIds.length).toBeGreaterThan(10);
    const edges = await db.query<EdgeRow>(edgesByIds, [route.edgeIds]);
    expect(edges.map((e) => e.id)).toEqual(route.edgeIds);
    expect(edges[0].source).toBe(fromId);
    expect(edges[edges.length - 1].target).toBe(toId);
    let seconds = 0;
    let metres = 0;
    edges.forEach((edge, k) => {
      if (k > 0) expect(edge.source).toBe(edges[k - 1].target);
      seconds += edge.travel_time_s;
      metres += edge.length_m;
      // The geometry drawn is the road's: vertex k and k + 1 of the route are the edge's ends.
      expect(route.coordinates[k]).toEqual([edge.x0, edge.y0]);
      expect(route.coordinates[k + 1]).toEqual([edge.x1, edge.y1]);
    });
    expect(result.seconds).toBe(seconds);
    expect(result.metres).toBe(metres);
    expect(result.seconds).toBeGreaterThan(60);
  });

  it('finds the same shortest times as Bellman–Ford from a vertex, to 200 vertices spread over the graph', async () => {
    const [{ id }] = await db.query<{ id: number }>(nearestVertex, [118.93, 32.105]);
    const source = vertexIndexOf(graph, id);
    const reference = bellmanFordTimes(graph, source);
    const targets = Array.from({ length: 200 }, (_, i) => Math.floor((i * graph.vertexCount) / 200));
    const times = travelTimesFrom(graph, source, targets);
    targets.forEach((t, i) => {
      const r = times.results[i];
      expect(r.reachable ? r.seconds : Infinity).toBeCloseTo(reference[t], 6);
    });
    expect(times.results.filter((r) => r.reachable).length).toBeGreaterThan(180);
  });
});
