/**
 * The reader of the full-graph files, and the road-graph seed step on the seeded Xianlin subset on
 * every database mode.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, defineSql } from '../db/database.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { readRoadGraph, RoadGraph } from './read-road-graph.js';
import { readGeoJsonFeatures } from './reference-data.js';
import { seedRoads, selectEdges, XIANLIN_ROADS_FILE } from './seed-roads.js';
import { countRoadGraph } from './seed-roads.sql.js';
import { REFERENCE_DIR as referenceDir, xianlinContext } from '../../tests/support/seed-test-support.js';

const edgesByClass = defineSql(
  'test.roads.edges_by_class',
  `SELECT road_class, count(*)::int AS edges,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY 3.6 * length_m / nullif(travel_time_s, 0)) AS median_kmh
     FROM road_edges GROUP BY road_class`,
);
const edgesWithoutReverse = defineSql(
  'test.roads.edges_without_reverse',
  `SELECT count(*)::int AS n FROM road_edges e
    WHERE NOT EXISTS (SELECT 1 FROM road_edges r WHERE r.source = e.target AND r.target = e.source
                        AND r.length_m = e.length_m AND r.road_class = e.road_class)`,
);
const geometryMismatches = defineSql(
  'test.roads.geometry_mismatches',
  `SELECT count(*) FILTER (WHERE NOT ST_Equals(ST_StartPoint(e.geom), a.geom) OR NOT ST_Equals(ST_EndPoint(e.geom), b.geom))::int AS wrong_ends,
          count(*) FILTER (WHERE abs(ST_Length(e.geom::geography) - e.length_m) > greatest(2, 0.02 * e.length_m))::int AS not_straight,
          count(*)::int AS edges
     FROM road_edges e JOIN road_vertices a ON a.id = e.source JOIN road_vertices b ON b.id = e.target`,
);
const snapshot = defineSql(
  'test.roads.snapshot',
  `SELECT md5(string_agg(id || ':' || source || ':' || target || ':' || road_class || ':' || ST_AsText(geom), ',' ORDER BY id)) AS digest
     FROM road_edges`,
);
const vertexCoordinates = defineSql(
  'test.roads.vertex_coordinates',
  `SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM road_vertices WHERE id = ANY($1::int[]) ORDER BY id`,
);

describe('readRoadGraph (the full Nanjing files)', () => {
  let graph: RoadGraph;
  beforeAll(async () => {
    graph = await readRoadGraph(path.join(referenceDir, 'roads'));
  }, 30_000);

  it('reads 146,839 vertices and 321,958 directed edges, every edge in both directions', () => {
    expect(graph.lon.length).toBe(146_839);
    expect(graph.source.length).toBe(321_958);
    const directed = new Set<string>();
    for (let i = 0; i < graph.source.length; i++) directed.add(`${graph.source[i]}>${graph.target[i]}`);
    let missing = 0;
    for (let i = 0; i < graph.source.length; i++) if (!directed.has(`${graph.target[i]}>${graph.source[i]}`)) missing += 1;
    expect(missing).toBe(0);
  });

  it('reads vertices as lat lon inside Nanjing (vertex 0 is the first vertex line)', () => {
    expect([graph.lat[0], graph.lon[0]]).toEqual([31.88552, 118.60401]);
    expect([graph.lat[1], graph.lon[1]]).toEqual([32.028601, 118.712952]);
    expect(graph.lon.reduce((a, b) => Math.min(a, b))).toBeGreaterThan(118.2);
    expect(graph.lat.reduce((a, b) => Math.max(a, b))).toBeLessThan(32.7);
  });

  it('agrees with the Xianlin subset file on coordinates and lengths', () => {
    const features = readGeoJsonFeatures(path.join(referenceDir, 'roads', XIANLIN_ROADS_FILE));
    const edgeIds = selectEdges(
      graph,
      features.map((f) => [Number(f.properties.u), Number(f.properties.v)]),
    );
    expect(edgeIds.length).toBe(2 * features.length);
    const lengthOf = new Map<string, number>();
    for (const id of edgeIds) lengthOf.set(`${graph.source[id]}>${graph.target[id]}`, graph.lengthM[id]);
    for (const f of features) {
      const [u, v] = [Number(f.properties.u), Number(f.properties.v)];
      const [[lon0, lat0], [lon1, lat1]] = f.geometry.coordinates as number[][];
      expect([graph.lon[u], graph.lat[u], graph.lon[v], graph.lat[v]]).toEqual([lon0, lat0, lon1, lat1]);
      expect(Math.abs(lengthOf.get(`${u}>${v}`)! - Number(f.properties.length_m))).toBeLessThan(0.006);
    }
  });
});

describe.each(testDatabaseModes())('seedRoads on %s (Xianlin subset)', (mode) => {
  let db: Database;
  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
  });
  afterAll(async () => db?.close());

  it('loads both directions of the 8,856 listed segments and their 8,009 vertices', async () => {
    const [counts] = await db.query<{ vertices: number; edges: number }>(countRoadGraph);
    expect(counts).toEqual({ vertices: 8_009, edges: 17_712 });
    expect((await db.query<{ n: number }>(edgesWithoutReverse))[0].n).toBe(0);
  });

  it('estimates road classes from speed (free-flow speed = 0.8 × the class speed)', async () => {
    const rows = await db.query<{ road_class: string; edges: number; median_kmh: number }>(edgesByClass);
    const median = Object.fromEntries(rows.map((r) => [r.road_class, Math.round(r.median_kmh)]));
    expect(median).toEqual({ motorway: 96, primary: 80, tertiary: 56, residential: 24, service: 8 });
    const edges = Object.fromEntries(rows.map((r) => [r.road_class, r.edges]));
    // The file's own classes: 221 motorway|trunk and 1,727 primary|secondary segments, each twice.
    expect(edges.motorway).toBe(2 * 221);
    expect(edges.primary).toBe(2 * 1_727);
  });

  it('draws each edge as the straight line between its vertices, matching its length', async () => {
    const [check] = await db.query<{ wrong_ends: number; not_straight: number; edges: number }>(geometryMismatches);
    expect(check.wrong_ends).toBe(0);
    expect(check.not_straight).toBe(0);
  });

  it('stores vertex coordinates as lon/lat (vertex 191 from the subset file)', async () => {
    const [v] = await db.query<{ id: number; lon: number; lat: number }>(vertexCoordinates, [[191]]);
    expect(v).toEqual({ id: 191, lon: 118.924901, lat: 32.129178 });
  });

  it('is deterministic: a second load gives the same rows', async () => {
    const [before] = await db.query<{ digest: string }>(snapshot);
    // This copy is throwaway: CASCADE empties whatever refers to the road graph too.
    await db.execScript('test.roads.truncate', 'TRUNCATE road_edges, road_vertices CASCADE');
    await seedRoads(xianlinContext(db));
    const [after] = await db.query<{ digest: string }>(snapshot);
    expect(after.digest).toBe(before.digest);
  });
});
