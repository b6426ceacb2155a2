import { describe, expect, it } from 'vitest';
import { computeBalance, spreadOf, type FigureRow } from './plan-balance.js';

const row = (code: string, parentCode: string, households: number, extra: Partial<FigureRow> = {}): FigureRow => ({
  code,
  name: code,
  parentCode,
  kind: 'child',
  areaM2: 1000,
  households,
  population: households * 3,
  workers: 1,
  cameras: 0,
  sensors: 0,
  openIncidents: 0,
  incidents12m: households / 10,
  ...extra,
});
const parent = (code: string, workers: number): FigureRow => ({
  ...row(code, code, 0),
  kind: 'parent',
  name: `grid ${code}`,
  workers,
  incidents12m: 0,
  population: 0,
});

describe('computeBalance', () => {
  const rows = [parent('A', 1), parent('B', 0), row('a1', 'A', 100), row('a2', 'A', 200), row('a3', 'A', 300), row('b1', 'B', 100)];

  it('sums each parent before and after the moves; parents’ own workers stay', () => {
    const report = computeBalance(rows, new Map([['a3', 'B']]));
    const a = report.units.find((u) => u.code === 'A')!;
    const b = report.units.find((u) => u.code === 'B')!;
    expect([a.before.households, a.after.households, b.before.households, b.after.households]).toEqual([600, 300, 100, 400]);
    expect([a.before.workers, a.after.workers, b.before.workers, b.after.workers]).toEqual([4, 3, 1, 2]);
    expect(a.name).toBe('grid A');
    expect(a.affected && b.affected).toBe(true);
  });

  it('reports the spread across siblings before → after: a rebalancing lowers the coefficient of variation', () => {
    const report = computeBalance(rows, new Map([['a3', 'B']]));
    expect(report.spread.households.before).toMatchObject({ min: 100, max: 600 });
    expect(report.spread.households.after).toMatchObject({ min: 300, max: 400 });
    expect(report.spread.households.after.cv).toBeLessThan(report.spread.households.before.cv);
  });

  it('changes nothing without moves, and a move to the own parent affects nobody', () => {
    for (const moves of [new Map(), new Map([['a1', 'A']])]) {
      const report = computeBalance(rows, moves);
      for (const u of report.units) {
        expect(u.after).toEqual(u.before);
        expect(u.affected).toBe(false);
      }
    }
  });
});

describe('spreadOf', () => {
  it('is the population coefficient of variation, 0 for no values or a zero mean', () => {
    expect(spreadOf([])).toEqual({ min: 0, max: 0, cv: 0 });
    expect(spreadOf([0, 0])).toEqual({ min: 0, max: 0, cv: 0 });
    expect(spreadOf([1, 3]).cv).toBeCloseTo(0.5, 10);
  });
});
