/**
 * The simulator's pure parts: the daily rhythm, arrivals, movement along a polyline and over a road
 * graph, and the handling state machine.
 */
import { describe, expect, it } from 'vitest';
import { buildRoadGraph } from '../routing/road-graph.js';
import { haversineMetres } from '../routing/road-location.js';
import { nextSimulatedAction, STEP_DELAYS, stepDelay, handledBySimulator, type HandledCase } from './handling-plan.js';
import { arrivalCount, candidatePoints, cumulativeHouseholds, drawArrivalKind, drawMicroGrid, expectedArrivals } from './incident-arrivals.js';
import { arrivalWeight, CATEGORY_WEIGHTS_BY_SOURCE, shanghaiFields } from './incident-rhythm.js';
import { advanceWalk, cumulativeMetres, positionAlong, walkPosition, type LonLat } from './road-walk.js';
import { poisson, seededRandom } from './simulator-random.js';

const at = (iso: string) => new Date(iso);

describe('daily rhythm', () => {
  it('is low at night, peaks in the morning and afternoon, lower at weekends and over the Spring Festival', () => {
    // Tuesday 2026-06-16, local time (UTC+8).
    const night = arrivalWeight(at('2026-06-16T04:00:00+08:00'));
    const morning = arrivalWeight(at('2026-06-16T10:00:00+08:00'));
    const noon = arrivalWeight(at('2026-06-16T12:30:00+08:00'));
    const afternoon = arrivalWeight(at('2026-06-16T15:00:00+08:00'));
    expect(morning).toBeGreaterThan(10 * night);
    expect(morning).toBeGreaterThan(noon);
    expect(afternoon).toBeGreaterThan(noon);
    expect(arrivalWeight(at('2026-06-14T10:00:00+08:00'))).toBeLessThan(morning); // Sunday
    expect(arrivalWeight(at('2026-02-18T10:00:00+08:00'))).toBeLessThan(0.7 * arrivalWeight(at('2026-03-18T10:00:00+08:00')));
    expect(arrivalWeight(at('2026-07-14T10:00:00+08:00'))).toBeGreaterThan(arrivalWeight(at('2026-01-13T10:00:00+08:00')));
  });

  it('reads local Shanghai time whatever the server zone', () => {
    expect(shanghaiFields(at('2026-11-22T16:30:00Z'))).toMatchObject({ hour: 0, date: '2026-11-23', weekday: 1 });
  });

  it('draws as many arrivals as the rate says, on average', () => {
    const random = seededRandom(7);
    const when = at('2026-06-16T10:00:00+08:00');
    let total = 0;
    for (let i = 0; i < 2000; i += 1) total += arrivalCount(random, 12, when, 1);
    expect(total / 2000).toBeCloseTo(expectedArrivals(12, when, 1), 1);
    expect(expectedArrivals(12, when, 60)).toBeGreaterThan(12);
    expect(expectedArrivals(12, at('2026-06-16T04:00:00+08:00'), 60)).toBeLessThan(2);
    expect(poisson(random, 0)).toBe(0);
  });

  it('draws kinds from the source mixes: the hotline most, patrols only by day', () => {
    const random = seededRandom(3);
    const day = Array.from({ length: 4000 }, () => drawArrivalKind(random, at('2026-06-16T10:00:00+08:00')));
    const count = (s: string) => day.filter((k) => k.source === s).length;
    expect(count('hotline_12345')).toBeGreaterThan(count('patrol'));
    expect(count('patrol')).toBeGreaterThan(count('iot'));
    for (const k of day) expect(CATEGORY_WEIGHTS_BY_SOURCE[k.source].map(([c]) => c)).toContain(k.category);
    const night = Array.from({ length: 500 }, () => drawArrivalKind(random, at('2026-06-16T03:00:00+08:00')));
    expect(night.some((k) => k.source === 'patrol')).toBe(false);
  });

  it('draws micro-grids in proportion to households, points inside their box', () => {
    const grids = [
      { code: 'a', households: 100, xmin: 0, ymin: 0, xmax: 1, ymax: 1 },
      { code: 'b', households: 300, xmin: 2, ymin: 2, xmax: 3, ymax: 3 },
    ];
    const cumulative = cumulativeHouseholds(grids);
    const random = seededRandom(11);
    const picks = Array.from({ length: 4000 }, () => drawMicroGrid(random, grids, cumulative).code);
    expect(picks.filter((c) => c === 'b').length / 4000).toBeCloseTo(0.75, 1);
    const { lon, lat } = candidatePoints(random, grids[1]);
    expect(lon.every((x) => x >= 2 && x <= 3) && lat.every((y) => y >= 2 && y <= 3)).toBe(true);
  });
});

describe('movement', () => {
  const line: LonLat[] = [
    [118.9, 32.1],
    [118.91, 32.1],
    [118.91, 32.11],
  ];
  const cumulative = cumulativeMetres(line);

  it('interpolates along a polyline and clamps at both ends', () => {
    expect(cumulative[1]).toBeCloseTo(haversineMetres(118.9, 32.1, 118.91, 32.1), 6);
    expect(positionAlong(line, cumulative, -5)).toEqual(line[0]);
    expect(positionAlong(line, cumulative, 1e9)).toEqual(line[2]);
    const half = positionAlong(line, cumulative, cumulative[1] / 2);
    expect(half[0]).toBeCloseTo(118.905, 9);
    expect(half[1]).toBeCloseTo(32.1, 9);
    const corner = positionAlong(line, cumulative, cumulative[1] + (cumulative[2] - cumulative[1]) / 4);
    expect(corner[0]).toBeCloseTo(118.91, 9);
    expect(corner[1]).toBeCloseTo(32.1025, 6);
  });

  it('walks the graph edge by edge, covering the distance asked, always on an edge', () => {
    // A square of four vertices with two-way edges of ~1 km.
    const graph = buildRoadGraph({
      vertexIds: Int32Array.from([1, 2, 3, 4]),
      lon: Float64Array.from([118.9, 118.91, 118.91, 118.9]),
      lat: Float64Array.from([32.1, 32.1, 32.11, 32.11]),
      edgeIds: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
      sourceIds: Int32Array.from([1, 2, 2, 3, 3, 4, 4, 1]),
      targetIds: Int32Array.from([2, 1, 3, 2, 4, 3, 1, 4]),
      travelSeconds: Float64Array.from([100, 100, 100, 100, 100, 100, 100, 100]),
      lengthMetres: Float64Array.from([944, 944, 1112, 1112, 944, 944, 1112, 1112]),
    });
    const random = seededRandom(5);
    let walk = { edge: 0, metres: 0 };
    let travelled = 0;
    for (let i = 0; i < 200; i += 1) {
      walk = advanceWalk(graph, walk, 37, random);
      travelled += 37;
      const [lon, lat] = walkPosition(graph, walk);
      // On the square's outline: one coordinate on an edge line.
      const onVertical = Math.abs(lon - 118.9) < 1e-9 || Math.abs(lon - 118.91) < 1e-9;
      const onHorizontal = Math.abs(lat - 32.1) < 1e-9 || Math.abs(lat - 32.11) < 1e-9;
      expect(onVertical || onHorizontal).toBe(true);
      expect(walk.metres).toBeLessThanOrEqual(graph.edgeMetres[walk.edge]);
    }
    expect(travelled).toBe(7400);
  });
});

describe('simulated handling', () => {
  const base: HandledCase = {
    id: 42,
    state: 'reported',
    offerAcknowledged: false,
    assignedWorkerCode: null,
    secondsInState: 0,
    hasReporter: true,
    arrived: null,
  };
  const later = (c: Partial<HandledCase>) => ({ ...base, secondsInState: 10_000, ...c });

  it('waits its drawn delay, then takes the next step of the closed loop', () => {
    expect(nextSimulatedAction(base, true)).toBeNull();
    expect(nextSimulatedAction({ ...base, secondsInState: stepDelay(42, 'accept') + 0.01 }, true)).toBe('accept');
    expect(nextSimulatedAction(later({ state: 'accepted' }), true)).toBe('dispatch');
    expect(nextSimulatedAction(later({ state: 'dispatched', assignedWorkerCode: 'W1' }), true)).toBe('acknowledge');
    expect(nextSimulatedAction(later({ state: 'dispatched', assignedWorkerCode: 'W1', offerAcknowledged: true, arrived: false }), true)).toBeNull();
    expect(nextSimulatedAction({ ...base, state: 'dispatched', assignedWorkerCode: 'W1', offerAcknowledged: true, arrived: true }, true)).toBe(
      'arrive',
    );
    expect(nextSimulatedAction(later({ state: 'dispatched', assignedWorkerCode: 'W1', offerAcknowledged: true }), true)).toBe('arrive');
    expect(nextSimulatedAction(later({ state: 'on_scene', assignedWorkerCode: 'W1' }), true)).toBe('resolve');
    expect(nextSimulatedAction(later({ state: 'resolved' }), true)).toBe('verify');
    expect(nextSimulatedAction(later({ state: 'verified' }), true)).toBe('evaluate');
    expect(nextSimulatedAction(later({ state: 'verified', hasReporter: false }), true)).toBe('close');
    expect(nextSimulatedAction(later({ state: 'evaluated' }), true)).toBe('close');
    expect(nextSimulatedAction(later({ state: 'closed' }), true)).toBeNull();
  });

  it('acknowledges well inside the one-minute offer limit', () => {
    expect(STEP_DELAYS.acknowledge[1]).toBeLessThan(60);
    for (let id = 1; id < 200; id += 1) expect(stepDelay(id, 'acknowledge')).toBeLessThan(60);
  });

  it('leaves the desk and supervisor steps of the people’s share to people, but plays the worker', () => {
    expect(nextSimulatedAction(later({ state: 'reported' }), false)).toBeNull();
    expect(nextSimulatedAction(later({ state: 'accepted' }), false)).toBeNull();
    expect(nextSimulatedAction(later({ state: 'resolved' }), false)).toBeNull();
    expect(nextSimulatedAction(later({ state: 'dispatched', assignedWorkerCode: 'W1' }), false)).toBe('acknowledge');
    expect(nextSimulatedAction(later({ state: 'on_scene', assignedWorkerCode: 'W1' }), false)).toBe('resolve');
    const share = Array.from({ length: 1000 }, (_, i) => handledBySimulator(i, 0.8)).filter(Boolean).length;
    expect(share).toBeGreaterThan(750);
    expect(share).toBeLessThan(850);
  });
});
