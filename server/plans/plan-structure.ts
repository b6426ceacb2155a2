/**
 * Validation and preview of a plan's splits, merges and reshapes (issue 20), next to the moves of
 * plan-validation.ts: a split names a micro-grid and a drawn line that must cut it in exactly two pieces, a merge
 * two adjacent sibling micro-grids (they share a unit edge) that become one polygon, a reshape two such
 * micro-grids and a new line for their shared edge with the same two end points, which must cut their union in two
 * (one piece on each side, so the coverage stays exact by construction); every piece keeps the minimum area and
 * width (errors) and the households range (warning). The pieces and what would follow them (workers, devices,
 * open incidents, the last 12 months' incidents) come from plan-structure.sql.ts — the function publication
 * applies. A grid re-partition (migration 0045) names a grid and a target of households per micro-grid within the
 * configured range (else repartition_target_out_of_range, which refuses the edits); no other edit may name the grid
 * or its micro-grids; its pieces are checked like a split's.
 * `validatePlan` is the whole plan's validation: moves and structural edits, one unit in one edit.
 */
import type { Queryable } from '../db/database.js';
import type { FigureRow } from './plan-balance.js';
import { MAX_PLAN_EDITS, planIssue, summariseIssues, type PlanIssue } from './plan-reason-codes.js';
import {
  computeStructureBalance,
  isStructural,
  refuseSplitLine,
  unitsOf,
  type MergeEdit,
  type PieceFigures,
  type RepartitionEdit,
  type ReshapeEdit,
  type SplitEdit,
  type StructuralEdit,
  type StructureBalance,
} from './plan-structure-rules.js';
import { checkLinesInside, findSharedEdges, previewStructure, readSharedEdges, resolveStructureUnits } from './plan-structure.sql.js';
import { validatePlanEdits, type PlanEdit, type PlanLimits, type RequestedEdit, type ValidationOutcome } from './plan-validation.js';

export type AnyRequestedEdit = RequestedEdit | SplitEdit | MergeEdit | ReshapeEdit | RepartitionEdit;
export type StoredStructuralEdit = (SplitEdit | MergeEdit | ReshapeEdit | RepartitionEdit) & { from: string };
export type StoredEdit = PlanEdit | StoredStructuralEdit;

export interface StructurePiece extends PieceFigures {
  pieces: number;
  parts: number;
  widthM: number;
  geometry: GeoJSON.Geometry;
  workerList: { code: string; name: string; role: string; homeUnit: string }[];
}

export interface PlanOutcome extends ValidationOutcome {
  /** Every edit as stored: the moves, then the splits and merges, each with its parent when made. */
  stored: StoredEdit[];
  structure: StructurePiece[];
}

export const movesOf = (edits: readonly StoredEdit[]): PlanEdit[] => edits.filter((e): e is PlanEdit => !isStructural(e));
export const structuralOf = (edits: readonly StoredEdit[]): StoredStructuralEdit[] => edits.filter((e): e is StoredStructuralEdit => isStructural(e));

/** The requested form of stored edits (without the parents they were made in). */
export function requestedFormOf(edits: readonly StoredEdit[]): AnyRequestedEdit[] {
  return edits.map((e) => {
    if (!isStructural(e)) return { unit: e.unit, to: e.to };
    if (e.op === 'split') return { op: 'split', unit: e.unit, line: e.line };
    if (e.op === 'repartition') return { op: 'repartition', unit: e.unit, households: e.households };
    return e.op === 'merge' ? { op: 'merge', units: e.units } : { op: 'reshape', units: e.units, line: e.line };
  });
}

export async function validatePlan(
  q: Queryable,
  requested: readonly AnyRequestedEdit[],
  scopeCode: string,
  limits: PlanLimits,
  since: Date,
): Promise<PlanOutcome> {
  const moves = requested.filter((e): e is RequestedEdit => !isStructural(e));
  const structural = requested.filter((e): e is StructuralEdit => isStructural(e));
  if (requested.length > MAX_PLAN_EDITS) {
    const issues = [planIssue('too_many_edits', null, { edits: requested.length, max: MAX_PLAN_EDITS })];
    return { validation: summariseIssues(issues), edits: [], grandparents: [], level: null, stored: [], structure: [] };
  }
  const base: ValidationOutcome =
    moves.length > 0 || structural.length === 0
      ? await validatePlanEdits(q, moves, scopeCode, limits)
      : { validation: summariseIssues([]), edits: [], grandparents: [], level: null };
  if (structural.length === 0) return { ...base, stored: base.edits, structure: [] };

  const issues: PlanIssue[] = [...base.validation.issues];
  const seen = new Set(moves.map((m) => m.unit));
  const codes = [...new Set(structural.flatMap(unitsOf))];
  const units = new Map(
    (await q.query<{ code: string; level: string; parent_code: string }>(resolveStructureUnits, [codes])).map((u) => [u.code, u]),
  );
  const stored: StoredStructuralEdit[] = [];
  const failed = new Set<number>();
  const merges: { index: number; a: string; b: string }[] = [];
  const reshapes: { index: number; edit: ReshapeEdit }[] = [];
  for (const edit of structural) {
    const named = unitsOf(edit);
    const before = issues.length;
    for (const code of named) {
      if (seen.has(code)) issues.push(planIssue('duplicate_edit', code));
      seen.add(code);
      if (!code.startsWith(scopeCode)) issues.push(planIssue('outside_plan_scope', code, { scope: scopeCode }));
      else if (!units.has(code)) issues.push(planIssue('unit_not_found', code));
      else if (edit.op === 'repartition') {
        if (units.get(code)!.level !== 'grid') issues.push(planIssue('level_not_repartitionable', code, { level: units.get(code)!.level }));
      } else if (units.get(code)!.level !== 'micro_grid') issues.push(planIssue('level_not_restructurable', code, { level: units.get(code)!.level }));
    }
    if (edit.op === 'repartition') {
      const [min, max] = [limits.microGridHouseholdsMin, limits.microGridHouseholdsMax];
      if (!(edit.households >= Math.max(min, 1) && edit.households <= max)) {
        issues.push(planIssue('repartition_target_out_of_range', edit.unit, { households: edit.households, min: Math.max(min, 1), max }));
      }
    } else if (edit.op !== 'merge') {
      const problem = refuseSplitLine(edit.line);
      if (problem) issues.push(planIssue('line_invalid', named[0], { problem }));
    }
    if ((edit.op === 'merge' || edit.op === 'reshape') && issues.length === before) {
      const [a, b] = edit.units;
      if (a === b) issues.push(planIssue('duplicate_edit', a));
      else if (units.get(a)!.parent_code !== units.get(b)!.parent_code) {
        issues.push(planIssue(edit.op === 'merge' ? 'merge_not_siblings' : 'reshape_no_shared_edge', a, { units: edit.units }));
      }
    }
    const parent = units.get(named[0])?.parent_code;
    if (!parent || named.some((c) => !units.has(c))) continue;
    const index = base.edits.length + stored.length;
    stored.push({ ...edit, from: parent });
    if (issues.length > before) failed.add(index);
    else if (edit.op === 'merge') merges.push({ index, a: edit.units[0], b: edit.units[1] });
    else if (edit.op === 'reshape') reshapes.push({ index, edit });
  }
  // A re-partitioned grid's micro-grids (and the grid as a paint target) belong to that edit alone.
  for (const r of structural.filter((e): e is RepartitionEdit => e.op === 'repartition')) {
    const under = (code: string) => code !== r.unit && code.startsWith(r.unit);
    const others = [...moves.flatMap((m) => [m.unit, m.to]), ...structural.filter((e) => e !== r).flatMap(unitsOf)];
    const clash = others.find((code) => under(code) || code === r.unit);
    if (clash) {
      issues.push(planIssue('duplicate_edit', clash, { repartitionOf: r.unit }));
      const at = stored.findIndex((s) => s.op === 'repartition' && s.unit === r.unit);
      if (at >= 0) failed.add(base.edits.length + at);
    }
  }
  if (reshapes.length > 0) {
    const edges = await q.query<{ a: string; b: string; parts: number | null; first: number[] | null; last: number[] | null }>(readSharedEdges, [
      reshapes.map((r) => r.edit.units[0]),
      reshapes.map((r) => r.edit.units[1]),
    ]);
    edges.forEach((edge, i) => {
      const { index, edit } = reshapes[i];
      const refuse = (reason: 'reshape_no_shared_edge' | 'reshape_endpoints_moved', detail: Record<string, unknown>) => {
        issues.push(planIssue(reason, edit.units[0], detail));
        failed.add(index);
      };
      if (!edge.first || !edge.last || edge.parts !== 1) return refuse('reshape_no_shared_edge', { units: edit.units, parts: edge.parts ?? 0 });
      const points = edit.line.coordinates;
      const near = (p: number[], q: number[]) => Math.abs(p[0] - q[0]) <= ENDPOINT_TOLERANCE_DEG && Math.abs(p[1] - q[1]) <= ENDPOINT_TOLERANCE_DEG;
      const [start, end] = [points[0], points[points.length - 1]];
      if (!((near(start, edge.first) && near(end, edge.last)) || (near(start, edge.last) && near(end, edge.first)))) {
        refuse('reshape_endpoints_moved', { edgeEnds: [edge.first, edge.last] });
      }
    });
    const inside = await q.query<{ ord: number; inside: boolean }>(checkLinesInside, [
      reshapes.map((r) => r.edit.units[0]),
      reshapes.map((r) => r.edit.units[1]),
      reshapes.map((r) => JSON.stringify(r.edit.line)),
    ]);
    for (const row of inside) {
      const { index, edit } = reshapes[row.ord - 1];
      if (row.inside || failed.has(index)) continue;
      issues.push(planIssue('reshape_outside_units', edit.units[0], { units: edit.units }));
      failed.add(index);
    }
  }
  if (merges.length > 0) {
    const shared = await q.query<{ a: string; b: string; adjacent: boolean }>(findSharedEdges, [merges.map((m) => m.a), merges.map((m) => m.b)]);
    shared.forEach((s, i) => {
      if (s.adjacent) return;
      issues.push(planIssue('merge_not_adjacent', s.a, { units: [s.a, s.b] }));
      failed.add(merges[i].index);
    });
  }
  const all: StoredEdit[] = [...base.edits, ...stored];
  const structure = await previewPieces(
    q,
    all.map((e, i) => (failed.has(i) ? {} : e)),
    since,
  );
  for (const [i, edit] of all.entries()) {
    if (!isStructural(edit) || failed.has(i)) continue;
    const pieces = structure.filter((p) => p.ord === i + 1);
    const unit = unitsOf(edit)[0];
    if (edit.op === 'split' && pieces.length !== 2) {
      issues.push(planIssue('split_not_two_parts', unit, { parts: pieces.length }));
      continue;
    }
    if (edit.op === 'repartition' && pieces.length === 0) {
      issues.push(planIssue('level_not_repartitionable', unit, { microGrids: 0 }));
      continue;
    }
    if (edit.op === 'reshape' && (pieces.length !== 2 || new Set(pieces.map((p) => p.keepCode)).size !== 2)) {
      issues.push(planIssue('reshape_not_two_parts', unit, { parts: pieces.length }));
      continue;
    }
    for (const p of pieces) {
      if (p.parts > 1) issues.push(planIssue('not_contiguous', unit, { parts: p.parts, piece: p.piece }));
      if (p.areaM2 < limits.minAreaM2)
        issues.push(planIssue('area_too_small', unit, { piece: p.piece, areaM2: round(p.areaM2), minAreaM2: limits.minAreaM2 }));
      if (p.widthM < limits.minWidthM)
        issues.push(planIssue('too_narrow', unit, { piece: p.piece, widthM: round(p.widthM), minWidthM: limits.minWidthM }));
      if (p.households < limits.microGridHouseholdsMin || p.households > limits.microGridHouseholdsMax) {
        issues.push(
          planIssue('households_out_of_range', unit, {
            piece: p.piece,
            households: p.households,
            min: limits.microGridHouseholdsMin,
            max: limits.microGridHouseholdsMax,
          }),
        );
      }
    }
  }
  return { ...base, validation: summariseIssues(issues), stored: all, structure };
}

export async function previewPieces(q: Queryable, edits: readonly object[], since: Date): Promise<StructurePiece[]> {
  if (!edits.some((e) => isStructural(e))) return [];
  const rows = await q.query<Record<string, unknown>>(previewStructure, [JSON.stringify(edits), since]);
  return rows.map((r) => {
    const workerList = r.workers as StructurePiece['workerList'];
    return {
      ord: Number(r.ord),
      op: r.op as StructurePiece['op'],
      keepCode: (r.keep_code as string | null) ?? null,
      parentCode: String(r.parent_code),
      oldCodes: r.old_codes as string[],
      piece: Number(r.piece),
      pieces: Number(r.pieces),
      areaM2: Number(r.area_m2),
      households: Number(r.households),
      population: Number(r.population),
      parts: Number(r.parts),
      widthM: Number(r.width_m),
      geometry: r.geometry as GeoJSON.Geometry,
      workerList,
      workers: workerList.length,
      cameras: Number(r.cameras),
      sensors: Number(r.sensors),
      openIncidents: Number(r.open_incidents),
      incidents12m: Number(r.incidents_12m),
    };
  });
}

/** The balance of each grid with a split or merge, from its micro-grids' figures (the community's) and the pieces. */
export function structureBalanceOf(communityFigures: readonly FigureRow[], structure: readonly StructurePiece[]): StructureBalance[] {
  return computeStructureBalance(communityFigures, structure);
}

/** The diff of the splits and merges: per edit the retired units and the pieces with what follows each. */
export function structureDiffOf(structure: readonly StructurePiece[]) {
  const byEdit = new Map<number, StructurePiece[]>();
  for (const p of structure) byEdit.set(p.ord, [...(byEdit.get(p.ord) ?? []), p]);
  return [...byEdit.values()].map((pieces) => ({
    op: pieces[0].op,
    parent: pieces[0].parentCode,
    from: pieces[0].oldCodes,
    kept: pieces.map((p) => p.keepCode),
    pieces: pieces.map(({ geometry: _geometry, parts: _parts, pieces: _n, ...rest }) => rest),
  }));
}

/** A reshaped edge's ends may move by this much (1e-7°, about a centimetre): the drawing's rounding. */
export const ENDPOINT_TOLERANCE_DEG = 1e-7;

const round = (n: number) => Math.round(Number(n) * 10) / 10;
