import { cellToLatLng, getResolution } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { liveIncident as incident } from '../../tests/support/live-incident.js';
import { binIncidents, densityResolution } from './incident-density.js';

describe('binIncidents', () => {
  it('puts nearby open cases in one hexagon and far ones in another, at the resolution asked', () => {
    const bins = binIncidents(
      [
        incident({ id: 1, lon: 118.93, lat: 32.1 }),
        incident({ id: 2, lon: 118.9301, lat: 32.1001 }),
        incident({ id: 3, lon: 118.78, lat: 32.05 }),
        incident({ id: 4, lon: 118.93, lat: 32.1, state: 'closed' }),
      ],
      7,
    );
    expect(bins.map((b) => b.count).sort()).toEqual([1, 2]);
    for (const bin of bins) expect(getResolution(bin.hexagon)).toBe(7);
    const busy = bins.find((b) => b.count === 2)!;
    const [lat, lon] = cellToLatLng(busy.hexagon);
    expect(Math.abs(lat - 32.1)).toBeLessThan(0.02);
    expect(Math.abs(lon - 118.93)).toBeLessThan(0.02);
  });
  it('finer hexagons as the map zooms in', () => {
    expect(densityResolution(8)).toBe(6);
    expect(densityResolution(10.5)).toBe(7);
    expect(densityResolution(12)).toBe(8);
  });
});
