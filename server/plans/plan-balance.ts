/**
 * Live balance, pure (shared by the server and the planner's screen, which recomputes it within a frame of a
 * paint stroke from the same figures the server sends): the figures of every unit at the painted level under
 * one parent (households, residents, workers, cameras, sensors, open incidents, the last 12 months' incidents),
 * summed per parent before and after the plan's moves, with the spread across the parents (min / max /
 * coefficient of variation) before → after.
 */
export const BALANCE_MEASURES = ['households', 'population', 'workers', 'cameras', 'sensors', 'openIncidents', 'incidents12m'] as const;
export type BalanceMeasure = (typeof BALANCE_MEASURES)[number];
export type Figures = Record<BalanceMeasure, number>;

/** A unit at the painted level (its subtree's figures) or a parent's own figures (workers homed on it). */
export interface FigureRow extends Figures {
  code: string;
  name: string;
  /** The unit's current parent; for a parent's own row, the parent itself. */
  parentCode: string;
  kind: 'child' | 'parent';
  areaM2: number;
}

export interface UnitBalance {
  code: string;
  name: string;
  before: Figures;
  after: Figures;
  /** Moved in or out by the plan. */
  affected: boolean;
}

export interface Spread {
  min: number;
  max: number;
  /** Coefficient of variation: standard deviation / mean (population), 0 when the mean is 0. */
  cv: number;
}

export interface BalanceReport {
  units: UnitBalance[];
  spread: Record<BalanceMeasure, { before: Spread; after: Spread }>;
}

export function emptyFigures(): Figures {
  return { households: 0, population: 0, workers: 0, cameras: 0, sensors: 0, openIncidents: 0, incidents12m: 0 };
}

export function spreadOf(values: number[]): Spread {
  if (values.length === 0) return { min: 0, max: 0, cv: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return { min: Math.min(...values), max: Math.max(...values), cv: mean === 0 ? 0 : Math.sqrt(variance) / mean };
}

/** The balance of the parents of `rows` when each unit in `moves` (code → new parent) has moved. */
export function computeBalance(rows: readonly FigureRow[], moves: ReadonlyMap<string, string>): BalanceReport {
  const names = new Map<string, string>();
  const before = new Map<string, Figures>();
  const after = new Map<string, Figures>();
  const add = (into: Map<string, Figures>, parent: string, row: Figures) => {
    let f = into.get(parent);
    if (!f) into.set(parent, (f = emptyFigures()));
    for (const m of BALANCE_MEASURES) f[m] += row[m];
  };
  for (const row of rows) {
    if (row.kind === 'parent') names.set(row.code, row.name);
    add(before, row.parentCode, row);
    add(after, row.kind === 'child' ? (moves.get(row.code) ?? row.parentCode) : row.parentCode, row);
  }
  const affectedParents = new Set<string>();
  for (const row of rows) {
    const target = row.kind === 'child' ? moves.get(row.code) : undefined;
    if (target !== undefined && target !== row.parentCode) {
      affectedParents.add(target);
      affectedParents.add(row.parentCode);
    }
  }
  const parents = [...new Set([...before.keys(), ...after.keys()])].sort();
  const units = parents.map((code) => ({
    code,
    name: names.get(code) ?? code,
    before: before.get(code) ?? emptyFigures(),
    after: after.get(code) ?? emptyFigures(),
    affected: affectedParents.has(code),
  }));
  const spread = {} as BalanceReport['spread'];
  for (const m of BALANCE_MEASURES) {
    spread[m] = { before: spreadOf(units.map((u) => u.before[m])), after: spreadOf(units.map((u) => u.after[m])) };
  }
  return { units, spread };
}
