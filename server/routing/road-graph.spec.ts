import { describe, expect, it } from 'vitest';
import { makeGraph } from '../../tests/support/hand-made-graphs.js';
import { buildRoadGraph, roadGraphBytes, vertexIndexOf, type RoadGraphInput } from './road-graph.js';

function input(overrides: Partial<RoadGraphInput> = {}): RoadGraphInput {
  return {
    vertexIds: Int32Array.from([10, 20, 30]),
    lon: Float64Array.from([118.9, 118.901, 118.902]),
    lat: Float64Array.from([32.1, 32.1, 32.1]),
    // Deliberately not grouped by source.
    edgeIds: Int32Array.from([7, 5, 6, 8]),
    sourceIds: Int32Array.from([20, 10, 30, 20]),
    targetIds: Int32Array.from([30, 20, 20, 10]),
    lengthMetres: Float64Array.from([95, 94, 95, 94]),
    travelSeconds: Float64Array.from([9, 8, 9, 8]),
    ...overrides,
  };
}

describe('buildRoadGraph', () => {
  it('numbers vertices by ascending id and groups edges by source (CSR), keeping their data together', () => {
    const g = buildRoadGraph(input());
    expect(g.vertexCount).toBe(3);
    expect(g.edgeCount).toBe(4);
    expect(Array.from(g.firstEdge)).toEqual([0, 1, 3, 4]);
    expect(Array.from(g.edgeIds)).toEqual([5, 7, 8, 6]);
    expect(Array.from(g.edgeSource)).toEqual([0, 1, 1, 2]);
    expect(Array.from(g.edgeTarget)).toEqual([1, 2, 0, 1]);
    expect(Array.from(g.edgeSeconds)).toEqual([8, 9, 8, 9]);
    expect(Array.from(g.edgeMetres)).toEqual([94, 95, 94, 95]);
  });

  it('lists incoming edges per vertex, finds twins, and sees a symmetric graph', () => {
    const g = buildRoadGraph(input());
    expect(Array.from(g.firstIncoming)).toEqual([0, 1, 3, 4]);
    const incomingOf1 = Array.from(g.incomingEdges.subarray(g.firstIncoming[1], g.firstIncoming[2])).map((e) => g.edgeIds[e]);
    expect(incomingOf1.sort()).toEqual([5, 6]);
    expect(Array.from(g.twinEdge).map((t) => g.edgeIds[t])).toEqual([8, 6, 5, 7]);
    expect(g.symmetric).toBe(true);
  });

  it('is not symmetric when a twin is missing or costs differ', () => {
    expect(buildRoadGraph(input({ travelSeconds: Float64Array.from([9, 8, 9.5, 8]) })).symmetric).toBe(false);
    const oneWay = buildRoadGraph(
      input({
        edgeIds: Int32Array.from([5]),
        sourceIds: Int32Array.from([10]),
        targetIds: Int32Array.from([20]),
        lengthMetres: Float64Array.from([94]),
        travelSeconds: Float64Array.from([8]),
      }),
    );
    expect(oneWay.symmetric).toBe(false);
    expect(oneWay.twinEdge[0]).toBe(-1);
  });

  it('labels weakly connected components', () => {
    const g = makeGraph({
      vertices: { 1: [0, 0], 2: [1, 0], 3: [5, 5], 4: [6, 5], 5: [9, 9] },
      edges: [
        [1, 2, 1],
        [4, 3, 1],
      ],
      bothWays: false,
    });
    expect(g.componentCount).toBe(3);
    expect(Array.from(g.component)).toEqual([0, 0, 2, 2, 4]);
  });

  it('finds vertices by database id', () => {
    const g = buildRoadGraph(input());
    expect([10, 20, 30, 15, 0, 40].map((id) => vertexIndexOf(g, id))).toEqual([0, 1, 2, -1, -1, -1]);
  });

  it('refuses unsorted vertex ids, unknown vertices, mismatched arrays and bad costs', () => {
    expect(() => buildRoadGraph(input({ vertexIds: Int32Array.from([10, 30, 20]) }))).toThrow(/ascending/);
    expect(() => buildRoadGraph(input({ targetIds: Int32Array.from([30, 20, 20, 99]) }))).toThrow(/unknown vertex/);
    expect(() => buildRoadGraph(input({ lengthMetres: Float64Array.from([1, 2]) }))).toThrow(/lengthMetres/);
    expect(() => buildRoadGraph(input({ travelSeconds: Float64Array.from([9, -1, 9, 8]) }))).toThrow(/negative/);
    expect(() => buildRoadGraph(input({ travelSeconds: Float64Array.from([9, Number.NaN, 9, 8]) }))).toThrow(/non-finite/);
    expect(() => buildRoadGraph(input({ lat: Float64Array.from([32.1]) }))).toThrow(/length/);
  });

  it('counts the bytes it holds', () => {
    const g = buildRoadGraph(input());
    expect(roadGraphBytes(g)).toBeGreaterThan(3 * 28 + 4 * 36);
  });

  it('builds an empty graph', () => {
    const g = makeGraph({ vertices: {}, edges: [] });
    expect(g.vertexCount).toBe(0);
    expect(g.componentCount).toBe(0);
    expect(g.snapIndex.tree).toBeNull();
  });
});
