import { cellToLatLng, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { binRecentIncidents, columnHeight, recentDensityResolution } from './recent-density.js';

describe('recent incident density', () => {
  it('counts the points of each hexagon and its red and orange ones', () => {
    const [lat, lon] = cellToLatLng(latLngToCell(32.1, 118.93, 8));
    const bins = binRecentIncidents(
      [
        { lon, lat, grade: 'red' },
        { lon, lat, grade: 'blue' },
        { lon: lon + 0.0001, lat, grade: 'orange' },
        { lon: 118.5, lat: 31.6, grade: 'yellow' },
        { lon: Number.NaN, lat, grade: 'red' },
      ],
      8,
    );
    expect(bins).toHaveLength(2);
    const busy = bins.find((b) => b.count === 3);
    expect(busy).toMatchObject({ count: 3, severe: 2, hexagon: latLngToCell(lat, lon, 8) });
  });

  it('finer hexagons as the wall zooms in, heights in proportion to the busiest', () => {
    expect([9, 11, 13].map(recentDensityResolution)).toEqual([7, 8, 9]);
    expect(columnHeight(10, 10, 3000)).toBe(3000);
    expect(columnHeight(5, 10, 3000)).toBe(1500);
    expect(columnHeight(1, 1000, 3000)).toBe(90);
    expect(columnHeight(0, 10, 3000)).toBe(0);
  });
});
