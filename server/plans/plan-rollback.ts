/**
 * Rolling back a published plan (issue 20): the edits of a new plan that undo it on today's boundaries, refused
 * with a reason code where that is not safe. Each moved unit goes back (by its code today) to its old parent; a
 * split's two pieces are merged again; a merge's unit is split again along the edge its two old units shared
 * (their outlines in unit_history); a reshaped pair is reshaped back to the edge they shared before (their old
 * outlines in unit_outline_history, the line's ends pinned to today's edge ends). The new plan goes through the
 * same validation, approval and publication as any other, so the geometry comes back as a new boundary version:
 * a reshape keeps both codes (the same units as before, decision 0006), a merge's pieces get new codes under
 * their grid (codes are never reissued) and unit_successors maps the merged code to them.
 *
 * Refusals (409): `plan_not_published`; `rollback_superseded` when a later version changed or retired a unit the
 * plan made (its boundary_version is not the plan's, or it is gone) — undoing then would undo that later plan
 * too; `rollback_not_possible` when the old edge is not one line (or too long to draw), or the pieces it would cut
 * are not one polygon each.
 */
import type { Queryable } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import type { PlanIssue } from './plan-reason-codes.js';
import { MAX_SPLIT_LINE_POINTS, isStructural, type LineStringGeometry } from './plan-structure-rules.js';
import type { AnyRequestedEdit } from './plan-structure.js';
import { listSuccessors, readSharedEdges } from './plan-structure.sql.js';
import { readMergeEdge, readReshapeEdge } from './plan-rollback.sql.js';
import { readCurrentCode } from './plans.sql.js';
import type { PlanRow } from './plan-service.js';

const superseded = (units: string[]) =>
  new AppError(409, 'rollback_superseded', 'A later version changed units this plan made: roll that plan back first, or edit today’s boundaries', {
    units,
  });

const impossible = (why: string, units: string[]) =>
  new AppError(409, 'rollback_not_possible', 'This plan cannot be rolled back by a plan', { why, units });

function oldLine(row: { parts: number; points: number | null; line: LineStringGeometry | null }, units: string[]): LineStringGeometry {
  if (row.parts !== 1 || !row.line) throw impossible('old_edge_not_one_line', units);
  if ((row.points ?? 0) + 2 > MAX_SPLIT_LINE_POINTS) throw impossible('old_edge_too_long', units);
  return row.line;
}

export async function rollbackEdits(q: Queryable, plan: PlanRow): Promise<AnyRequestedEdit[]> {
  if (plan.state !== 'published' || plan.published_version === null) {
    throw new AppError(409, 'plan_not_published', 'Only a published plan can be rolled back');
  }
  const version = plan.published_version;
  const edits: AnyRequestedEdit[] = [];
  for (const e of plan.edits) {
    if (!isStructural(e)) {
      const [{ code }] = await q.query<{ code: string }>(readCurrentCode, [e.unit]);
      edits.push({ unit: code, to: e.from });
      continue;
    }
    // A re-partition's old outlines are not cut again by a plan: the new micro-grids are edited like any others.
    if (e.op === 'repartition') throw impossible('repartition_not_reversible', [e.unit]);
    if (e.op === 'split') {
      const pieces = (await q.query<{ new_code: string }>(listSuccessors, [e.unit, plan.id])).map((r) => r.new_code);
      if (pieces.length !== 2) throw superseded([e.unit]);
      edits.push({ op: 'merge', units: [pieces[0], pieces[1]] });
      continue;
    }
    const [a, b] = e.units;
    if (e.op === 'merge') {
      const merged = (await q.query<{ new_code: string }>(listSuccessors, [a, plan.id])).map((r) => r.new_code);
      if (merged.length !== 1) throw superseded([a, b]);
      const [row] = await q.query<{ boundary_version: number | null; parts: number; points: number | null; line: LineStringGeometry | null }>(
        readMergeEdge,
        [merged[0], a, b, plan.id],
      );
      if (row.boundary_version !== version) throw superseded(merged);
      edits.push({ op: 'split', unit: merged[0], line: oldLine(row, [a, b]) });
      continue;
    }
    const [row] = await q.query<{
      version_a: number | null;
      version_b: number | null;
      parts: number;
      points: number | null;
      line: LineStringGeometry | null;
    }>(readReshapeEdge, [a, b, plan.id]);
    const changed = [a, b].filter((_, i) => [row.version_a, row.version_b][i] !== version);
    if (changed.length > 0) throw superseded(changed);
    const line = oldLine(row, [a, b]);
    // The ends stay where today's edge meets the other units (the reshape kept them to within 1e-7°).
    const [edge] = await q.query<{ first: [number, number] | null; last: [number, number] | null }>(readSharedEdges, [[a], [b]]);
    if (!edge?.first || !edge.last) throw impossible('no_shared_edge_today', [a, b]);
    const points = line.coordinates;
    const start = points[0];
    const forward = Math.hypot(start[0] - edge.first[0], start[1] - edge.first[1]) <= Math.hypot(start[0] - edge.last[0], start[1] - edge.last[1]);
    const [first, last] = forward ? [edge.first, edge.last] : [edge.last, edge.first];
    edits.push({ op: 'reshape', units: [a, b], line: { type: 'LineString', coordinates: [first, ...points.slice(1, -1), last] } });
  }
  return edits;
}

/** The issues of a rollback plan's validation that mean the old outlines cannot be cut again as they were. */
export function refuseRollbackPieces(issues: readonly PlanIssue[]): void {
  const broken = issues.filter((i) => ['split_not_two_parts', 'reshape_not_two_parts', 'not_contiguous', 'line_invalid'].includes(i.reason));
  if (broken.length > 0) throw impossible('old_outlines_not_restorable', broken.map((i) => i.unit ?? '').filter(Boolean));
}
