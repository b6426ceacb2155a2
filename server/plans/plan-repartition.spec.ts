import { describe, expect, it } from 'vitest';
import { repartition, type RepartitionUnit } from './plan-repartition.js';

/** A row of cells c0 … c(n-1), each adjacent to the next (boundary 100 m). */
function row(households: number[], grids: string[]): { units: RepartitionUnit[]; adjacency: { a: string; b: string; lengthM: number }[] } {
  return {
    units: households.map((h, i) => ({ code: `c${i}`, grid: grids[i], households: h })),
    adjacency: households.slice(1).map((_, i) => ({ a: `c${i}`, b: `c${i + 1}`, lengthM: 100 })),
  };
}

describe('re-partition by households', () => {
  it('grows contiguous groups from the seeds, the smallest first, and balances an unbalanced row', () => {
    // Grid A holds five heavy cells, B one light cell: balanced is three and three.
    const { units, adjacency } = row([100, 100, 100, 100, 100, 100], ['A', 'A', 'A', 'A', 'A', 'B']);
    const result = repartition({
      units,
      adjacency,
      seeds: new Map([
        ['A', 'c0'],
        ['B', 'c5'],
      ]),
    });
    expect(result.groups).toEqual([
      { grid: 'A', units: ['c0', 'c1', 'c2'], households: 300 },
      { grid: 'B', units: ['c3', 'c4', 'c5'], households: 300 },
    ]);
    expect(result.moves).toEqual([
      { unit: 'c3', to: 'B' },
      { unit: 'c4', to: 'B' },
    ]);
    expect(result.households.before).toMatchObject({ min: 100, max: 500 });
    expect(result.households.after).toEqual({ min: 300, max: 300, cv: 0 });
    expect(result.households.target).toBe(300);
  });

  it('is deterministic, covers every unit once, and keeps an unreachable unit in its own grid', () => {
    const { units, adjacency } = row([50, 80, 20, 90, 40], ['A', 'A', 'B', 'B', 'B']);
    const island: RepartitionUnit = { code: 'z9', grid: 'A', households: 10 };
    const input = {
      units: [...units, island],
      adjacency,
      seeds: new Map([
        ['A', 'c0'],
        ['B', 'c4'],
      ]),
    };
    const first = repartition(input);
    expect(repartition(input)).toEqual(first);
    const all = first.groups.flatMap((g) => g.units).sort();
    expect(all).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'z9']);
    expect(first.groups.find((g) => g.grid === 'A')!.units).toContain('z9');
    expect(first.groups.reduce((a, g) => a + g.households, 0)).toBe(290);
    // Contiguous along the row: each group is one run of consecutive cells (the island apart).
    for (const g of first.groups) {
      const idx = g.units
        .filter((u) => u !== 'z9')
        .map((u) => Number(u.slice(1)))
        .sort((a, b) => a - b);
      expect(idx[idx.length - 1] - idx[0] + 1).toBe(idx.length);
    }
  });

  it('takes the neighbour sharing the longest boundary first', () => {
    const units: RepartitionUnit[] = [
      { code: 's', grid: 'A', households: 10 },
      { code: 'long', grid: 'B', households: 10 },
      { code: 'short', grid: 'B', households: 10 },
      { code: 't', grid: 'B', households: 100 },
    ];
    const adjacency = [
      { a: 's', b: 'long', lengthM: 300 },
      { a: 's', b: 'short', lengthM: 20 },
      { a: 't', b: 'long', lengthM: 50 },
      { a: 't', b: 'short', lengthM: 50 },
    ];
    const result = repartition({
      units,
      adjacency,
      seeds: new Map([
        ['A', 's'],
        ['B', 't'],
      ]),
    });
    expect(result.groups.find((g) => g.grid === 'A')!.units).toEqual(['long', 's', 'short']);
  });
});
