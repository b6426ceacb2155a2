/**
 * Re-partition of a community's micro-grids among its grids by households (issue 20: the planner's "rebalance"
 * proposal), pure and deterministic: greedy region growing over the micro-grids' adjacency (they share a
 * boundary line). Each grid keeps a seed — its micro-grid nearest the grid's point on surface — and then, again
 * and again, the group with the fewest households among those that can still grow takes its unassigned
 * neighbour sharing the longest boundary with it (ties: the lower code). Groups only grow through shared
 * boundaries, so each is contiguous by construction; a micro-grid no group can reach (an island) goes to its own
 * grid. The result is a set of paint moves (micro-grid → grid) for the draft, which then goes through the same
 * validation as painted ones (and can be edited, undone), and the households balance before → after.
 */
import { spreadOf, type Spread } from './plan-balance.js';

export interface RepartitionUnit {
  code: string;
  grid: string;
  households: number;
}

export interface RepartitionInput {
  units: readonly RepartitionUnit[];
  /** Per grid its seed micro-grid. */
  seeds: ReadonlyMap<string, string>;
  /** Shared boundary lengths (m) between adjacent micro-grids, each pair once. */
  adjacency: readonly { a: string; b: string; lengthM: number }[];
}

export interface RepartitionResult {
  /** Per grid (sorted) its micro-grids (sorted) and households. */
  groups: { grid: string; units: string[]; households: number }[];
  moves: { unit: string; to: string }[];
  households: { target: number; before: Spread; after: Spread };
}

export function repartition(input: RepartitionInput): RepartitionResult {
  const byCode = new Map(input.units.map((u) => [u.code, u]));
  const neighbours = new Map<string, Map<string, number>>();
  const link = (a: string, b: string, length: number) => {
    if (!byCode.has(a) || !byCode.has(b) || a === b) return;
    const m = neighbours.get(a) ?? new Map<string, number>();
    m.set(b, (m.get(b) ?? 0) + length);
    neighbours.set(a, m);
  };
  for (const e of input.adjacency) {
    link(e.a, e.b, e.lengthM);
    link(e.b, e.a, e.lengthM);
  }
  const grids = [...new Set(input.units.map((u) => u.grid))].sort();
  const owner = new Map<string, string>();
  const totals = new Map<string, number>(grids.map((g) => [g, 0]));
  /** Per group: each unassigned neighbour's shared boundary length with the group. */
  const frontier = new Map<string, Map<string, number>>(grids.map((g) => [g, new Map()]));
  const assign = (unit: string, grid: string) => {
    owner.set(unit, grid);
    totals.set(grid, totals.get(grid)! + byCode.get(unit)!.households);
    for (const f of frontier.values()) f.delete(unit);
    const own = frontier.get(grid)!;
    for (const [n, length] of neighbours.get(unit) ?? []) if (!owner.has(n)) own.set(n, (own.get(n) ?? 0) + length);
  };
  for (const grid of grids) {
    const seed = input.seeds.get(grid);
    if (seed && byCode.has(seed) && !owner.has(seed)) assign(seed, grid);
  }
  for (;;) {
    const growing = grids.filter((g) => frontier.get(g)!.size > 0);
    if (growing.length === 0) break;
    growing.sort((x, y) => totals.get(x)! - totals.get(y)! || x.localeCompare(y));
    const grid = growing[0];
    const [unit] = [...frontier.get(grid)!].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0];
    assign(unit, grid);
  }
  for (const u of input.units) if (!owner.has(u.code)) assign(u.code, u.grid);

  const before = new Map<string, number>(grids.map((g) => [g, 0]));
  for (const u of input.units) before.set(u.grid, before.get(u.grid)! + u.households);
  const total = input.units.reduce((a, u) => a + u.households, 0);
  return {
    groups: grids.map((grid) => ({
      grid,
      units: input.units
        .filter((u) => owner.get(u.code) === grid)
        .map((u) => u.code)
        .sort(),
      households: totals.get(grid)!,
    })),
    moves: input.units
      .filter((u) => owner.get(u.code) !== u.grid)
      .map((u) => ({ unit: u.code, to: owner.get(u.code)! }))
      .sort((a, b) => a.unit.localeCompare(b.unit)),
    households: {
      target: grids.length === 0 ? 0 : total / grids.length,
      before: spreadOf(grids.map((g) => before.get(g)!)),
      after: spreadOf(grids.map((g) => totals.get(g)!)),
    },
  };
}
