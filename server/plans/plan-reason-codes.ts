/**
 * The reason codes of boundary-plan validation, shared by the server (authoritative checks in SQL) and the
 * planner's screen (quick checks while painting): `{ valid, reason }` per check, iD/terra-draw style. An error
 * blocks submission and publication; a warning needs a written reason at submission.
 */
export const PLAN_REASONS = {
  /** The edit names a unit that does not exist or is outside the caller's jurisdiction. */
  unit_not_found: 'error',
  /** The target parent does not exist or is outside the caller's jurisdiction. */
  target_not_found: 'error',
  /** The unit or the target lies outside the plan's scope (the community or street it was made for). */
  outside_plan_scope: 'error',
  /** Only micro-grids (into grids) and grids (into communities) can be painted. */
  level_not_paintable: 'error',
  /** The target is not a unit of the moved unit's parent level. */
  target_level_mismatch: 'error',
  /** The target is not a sibling of the unit's parent (micro-grids stay in their community, grids in their street). */
  target_outside_parent: 'error',
  /** The unit already lies in the target. */
  already_in_target: 'error',
  /** The same unit is named by two edits. */
  duplicate_edit: 'error',
  /** One plan paints units of one level. */
  mixed_levels: 'error',
  /** A plan has at most MAX_PLAN_EDITS edits. */
  too_many_edits: 'error',
  /** A parent would be left without children. */
  parent_emptied: 'error',
  /** A changed unit would not be one contiguous polygon. */
  not_contiguous: 'error',
  /** The changed units no longer exactly tile their parent (a gap, an overlap, or something outside). */
  coverage_broken: 'error',
  /** A changed unit would be smaller than the minimum area. */
  area_too_small: 'error',
  /** A changed unit would be narrower than the minimum width (twice the radius of its largest inscribed circle). */
  too_narrow: 'error',
  /** A changed unit would enclose another unit (a hole). */
  encloses_unit: 'warning',
  /** A micro-grid's households lie outside the configured range. */
  households_out_of_range: 'warning',
  /** Only micro-grids are split, merged or reshaped. */
  level_not_restructurable: 'error',
  /** The drawn line (a split, or a reshaped edge) has too few points, repeated points, or crosses itself. */
  line_invalid: 'error',
  /** The split line does not cut the micro-grid in exactly two pieces (it must cross it from edge to edge). */
  split_not_two_parts: 'error',
  /** The micro-grids to merge belong to different grids. */
  merge_not_siblings: 'error',
  /** The micro-grids to merge share no edge. */
  merge_not_adjacent: 'error',
  /** The two micro-grids of a reshape share no edge (or not one unbroken edge). */
  reshape_no_shared_edge: 'error',
  /** The reshaped edge must keep its two end points (where it meets the other units). */
  reshape_endpoints_moved: 'error',
  /** The new edge leaves the two micro-grids (it may only move the line between them). */
  reshape_outside_units: 'error',
  /** The new edge must cut the two micro-grids' union in two, one piece for each, each one polygon. */
  reshape_not_two_parts: 'error',
  /** A re-partition's target households per micro-grid lie outside the configured range. */
  repartition_target_out_of_range: 'error',
  /** Only a grid is re-partitioned into micro-grids (and it must have some). */
  level_not_repartitionable: 'error',
} as const;

export type PlanReason = keyof typeof PLAN_REASONS;
export type PlanSeverity = 'error' | 'warning';

export interface PlanIssue {
  reason: PlanReason;
  severity: PlanSeverity;
  /** The unit the issue is about (the moved unit, or the changed parent). */
  unit: string | null;
  /** Measured figures behind the issue (area, width, households, limits). */
  detail?: Record<string, unknown>;
}

export interface PlanValidation {
  valid: boolean;
  errors: number;
  warnings: number;
  issues: PlanIssue[];
}

export const MAX_PLAN_EDITS = 500;

export function planIssue(reason: PlanReason, unit: string | null, detail?: Record<string, unknown>): PlanIssue {
  return detail ? { reason, severity: PLAN_REASONS[reason], unit, detail } : { reason, severity: PLAN_REASONS[reason], unit };
}

/** Sum up issues: valid when no error stands (warnings do not block, they need a reason). */
export function summariseIssues(issues: PlanIssue[]): PlanValidation {
  const errors = issues.filter((i) => i.severity === 'error').length;
  return { valid: errors === 0, errors, warnings: issues.length - errors, issues };
}
