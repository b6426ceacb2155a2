/**
 * Splits, merges, reshapes and grid re-partitions as plan edits, pure (shared by the server and the planner's screen):
 * the edit shapes, how many micro-grids a household target makes (repartitionCount, as SQL does), the
 * quick check of a drawn split line (enough distinct points, no self-intersection — the browser runs it while
 * drawing, the server again), and the balance of a grid's micro-grids before → after a split or merge from the
 * pieces' figures the server computes (gridops_plan_structure, migration 0030).
 */
import { BALANCE_MEASURES, spreadOf, type BalanceMeasure, type FigureRow, type Figures, type Spread } from './plan-balance.js';

export interface LineStringGeometry {
  type: 'LineString';
  coordinates: [number, number][];
}

/** Cut one micro-grid in two along a drawn line that crosses it. `from`: its grid when the edit was made. */
export interface SplitEdit {
  op: 'split';
  unit: string;
  line: LineStringGeometry;
  from?: string;
}

/**
 * Redraw the edge two sibling micro-grids share: `line` runs from one end of the edge to the other (the ends stay
 * where they are); both units change together. `from`: their grid when the edit was made.
 */
export interface ReshapeEdit {
  op: 'reshape';
  units: [string, string];
  line: LineStringGeometry;
  from?: string;
}

/** Make two adjacent sibling micro-grids one. `from`: their grid when the edit was made. */
export interface MergeEdit {
  op: 'merge';
  units: [string, string];
  from?: string;
}

/**
 * Cut a grid anew into micro-grids with the seed's partitioner (gridops_partition), as many as its households
 * divided by `households` (the planner's target per micro-grid; repartitionCount): every micro-grid of the grid is
 * retired and the new ones get new codes under the same grid. `from`: the grid's community when the edit was made.
 */
export interface RepartitionEdit {
  op: 'repartition';
  unit: string;
  households: number;
  from?: string;
}

export type StructuralEdit = SplitEdit | MergeEdit | ReshapeEdit | RepartitionEdit;

/**
 * How many micro-grids a grid of `households` households gets for a target of `target` households per micro-grid:
 * the nearest whole number, at least 1 (SQL gridops_repartition_count, migration 0045, computes the same).
 */
export function repartitionCount(households: number, target: number): number {
  return Math.max(1, Math.round(households / Math.max(target, 1)));
}

/** What re-partitioning `grid` by `target` would make, from the figures of its community's micro-grids. */
export function gridRepartitionPreview(
  figures: readonly FigureRow[],
  grid: string,
  target: number,
): { households: number; now: number; count: number } {
  const children = figures.filter((f) => f.kind === 'child' && f.parentCode === grid);
  const households = children.reduce((a, f) => a + f.households, 0);
  return { households, now: children.length, count: repartitionCount(households, target) };
}

export const MAX_SPLIT_LINE_POINTS = 200;

export function isStructural(edit: object): edit is StructuralEdit {
  const op = (edit as { op?: unknown }).op;
  return op === 'split' || op === 'merge' || op === 'reshape' || op === 'repartition';
}

/** The units a structural edit names (a re-partition: its grid, whose micro-grids it retires). */
export function unitsOf(edit: StructuralEdit): string[] {
  return edit.op === 'split' || edit.op === 'repartition' ? [edit.unit] : [...edit.units];
}

function segmentsCross(a: number[], b: number[], c: number[], d: number[]): boolean {
  const orient = (p: number[], q: number[], r: number[]) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  const onSegment = (p: number[], q: number[], r: number[]) =>
    Math.min(p[0], r[0]) <= q[0] && q[0] <= Math.max(p[0], r[0]) && Math.min(p[1], r[1]) <= q[1] && q[1] <= Math.max(p[1], r[1]);
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return (o1 === 0 && onSegment(a, c, b)) || (o2 === 0 && onSegment(a, d, b)) || (o3 === 0 && onSegment(c, a, d)) || (o4 === 0 && onSegment(c, b, d));
}

/** Why a drawn split or edge line cannot be used (null when it can): too few points, repeated points, or crossing itself. */
export function refuseSplitLine(line: LineStringGeometry): 'too_few_points' | 'too_many_points' | 'repeated_point' | 'self_intersection' | null {
  const points = line.coordinates;
  if (points.length < 2) return 'too_few_points';
  if (points.length > MAX_SPLIT_LINE_POINTS) return 'too_many_points';
  for (let i = 1; i < points.length; i += 1) {
    if (points[i][0] === points[i - 1][0] && points[i][1] === points[i - 1][1]) return 'repeated_point';
  }
  for (let i = 0; i + 1 < points.length; i += 1) {
    for (let j = i + 2; j + 1 < points.length; j += 1) {
      if (segmentsCross(points[i], points[i + 1], points[j], points[j + 1])) return 'self_intersection';
    }
  }
  return null;
}

/** A piece of a split or merge as the server computes it (plans-structure.sql.ts). */
export interface PieceFigures extends Figures {
  /** The structural edit's 1-based position in the plan's edits. */
  ord: number;
  op: StructuralEdit['op'];
  parentCode: string;
  oldCodes: string[];
  /** The code a reshaped piece keeps (null for splits and merges). */
  keepCode: string | null;
  piece: number;
  areaM2: number;
}

export interface StructureUnit {
  /** A micro-grid's code, or `ord.piece` for a piece that gets its code at publication. */
  key: string;
  code: string | null;
  before: Figures | null;
  after: Figures | null;
  affected: boolean;
}

export interface StructureBalance {
  parent: string;
  units: StructureUnit[];
  spread: Record<BalanceMeasure, { before: Spread; after: Spread }>;
}

/** Per grid with a split or merge: its micro-grids before → after (retired ones lose `after`, pieces have no `before`). */
export function computeStructureBalance(siblings: readonly FigureRow[], pieces: readonly PieceFigures[]): StructureBalance[] {
  const retired = new Set(pieces.flatMap((p) => p.oldCodes));
  // A reshaped unit is not retired: its `after` is its piece's.
  const parents = [...new Set(pieces.map((p) => p.parentCode))].sort();
  return parents.map((parent) => {
    const pick = (f: Figures): Figures => Object.fromEntries(BALANCE_MEASURES.map((m) => [m, f[m]])) as Figures;
    const units: StructureUnit[] = siblings
      .filter((s) => s.kind === 'child' && s.parentCode === parent)
      .map((s) => ({ key: s.code, code: s.code, before: pick(s), after: retired.has(s.code) ? null : pick(s), affected: retired.has(s.code) }));
    for (const p of pieces.filter((x) => x.parentCode === parent)) {
      const kept = p.keepCode ? units.find((u) => u.code === p.keepCode) : undefined;
      if (kept) kept.after = pick(p);
      else units.push({ key: `${p.ord}.${p.piece}`, code: null, before: null, after: pick(p), affected: true });
    }
    const spread = {} as StructureBalance['spread'];
    for (const m of BALANCE_MEASURES) {
      spread[m] = {
        before: spreadOf(units.flatMap((u) => (u.before ? [u.before[m]] : []))),
        after: spreadOf(units.flatMap((u) => (u.after ? [u.after[m]] : []))),
      };
    }
    return { parent, units, spread };
  });
}
