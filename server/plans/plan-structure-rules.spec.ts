import { describe, expect, it } from 'vitest';
import type { FigureRow } from './plan-balance.js';
import { gridRepartitionPreview, isStructural, repartitionCount, unitsOf } from './plan-structure-rules.js';

const row = (code: string, parentCode: string, households: number, kind: 'child' | 'parent' = 'child'): FigureRow => ({
  code,
  name: code,
  parentCode,
  kind,
  areaM2: 1,
  households,
  population: 0,
  workers: 0,
  cameras: 0,
  sensors: 0,
  openIncidents: 0,
  incidents12m: 0,
});

describe('re-partition of a grid by a household target', () => {
  it('makes the nearest whole number of micro-grids, at least one', () => {
    expect(repartitionCount(600, 100)).toBe(6);
    expect(repartitionCount(640, 100)).toBe(6);
    expect(repartitionCount(650, 100)).toBe(7);
    expect(repartitionCount(40, 300)).toBe(1);
    expect(repartitionCount(0, 100)).toBe(1);
    expect(repartitionCount(500, 0)).toBe(500);
  });

  it('previews the grid’s households, micro-grids now and after, from its children only', () => {
    const figures = [row('g1', 'g1', 0, 'parent'), row('m1', 'g1', 120), row('m2', 'g1', 180), row('m3', 'g1', 300), row('m4', 'g2', 999)];
    expect(gridRepartitionPreview(figures, 'g1', 100)).toEqual({ households: 600, now: 3, count: 6 });
    expect(gridRepartitionPreview(figures, 'g1', 300)).toEqual({ households: 600, now: 3, count: 2 });
    expect(gridRepartitionPreview(figures, 'g9', 100)).toEqual({ households: 0, now: 0, count: 1 });
  });

  it('is a structural edit naming its grid', () => {
    const edit = { op: 'repartition' as const, unit: '320113007001001', households: 80 };
    expect(isStructural(edit)).toBe(true);
    expect(unitsOf(edit)).toEqual(['320113007001001']);
    expect(isStructural({ unit: 'a', to: 'b' })).toBe(false);
  });
});
