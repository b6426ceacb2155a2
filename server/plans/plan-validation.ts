/**
 * Validation of a plan's edits: the cheap checks on the edit list (pure), then the authoritative ones in SQL on
 * the units as the plan would make them (plans.sql.ts): what each edit names, each changed parent one contiguous
 * polygon, no gap, overlap or spill outside its own parent, minimum area and width, households per micro-grid in
 * the configured range. Reason codes: plan-reason-codes.ts.
 */
import type { Queryable } from '../db/database.js';
import { MAX_PLAN_EDITS, planIssue, summariseIssues, type PlanIssue, type PlanValidation } from './plan-reason-codes.js';
import { checkChangedParents, findHouseholdsOutOfRange, resolveEdits } from './plans.sql.js';

export interface RequestedEdit {
  unit: string;
  to: string;
}

/** An edit as stored: the unit's parent when the edit was made is kept, to detect a stale plan. */
export interface PlanEdit extends RequestedEdit {
  from: string;
}

export interface PlanLimits {
  microGridHouseholdsMin: number;
  microGridHouseholdsMax: number;
  minAreaM2: number;
  minWidthM: number;
}

/** An area difference or overlap below this is floating-point noise of the overlay (m²). */
export const COVERAGE_TOLERANCE_M2 = 1;
export const COVERAGE_RELATIVE_TOLERANCE = 1e-4;
const PARENT_LEVEL: Record<string, string> = { micro_grid: 'grid', grid: 'community' };

/** Checks that need no database: size, duplicates, scope. */
export function checkEditList(edits: readonly RequestedEdit[], scopeCode: string): PlanIssue[] {
  const issues: PlanIssue[] = [];
  if (edits.length > MAX_PLAN_EDITS) issues.push(planIssue('too_many_edits', null, { edits: edits.length, max: MAX_PLAN_EDITS }));
  const seen = new Set<string>();
  for (const edit of edits) {
    if (seen.has(edit.unit)) issues.push(planIssue('duplicate_edit', edit.unit));
    seen.add(edit.unit);
    if (!edit.unit.startsWith(scopeCode) || !edit.to.startsWith(scopeCode))
      issues.push(planIssue('outside_plan_scope', edit.unit, { scope: scopeCode }));
  }
  return issues;
}

interface ResolvedEdit {
  code: string;
  target: string;
  unit_code: string | null;
  unit_level: string | null;
  unit_parent: string | null;
  unit_grandparent: string | null;
  target_code: string | null;
  target_level: string | null;
  target_parent: string | null;
}

export interface ValidationOutcome {
  validation: PlanValidation;
  /** The edits with their current parents (for the units the caller can see). */
  edits: PlanEdit[];
  /** The parents of the changed parents (communities or streets), for the balance. */
  grandparents: string[];
  level: string | null;
}

export async function validatePlanEdits(
  q: Queryable,
  requested: readonly RequestedEdit[],
  scopeCode: string,
  limits: PlanLimits,
): Promise<ValidationOutcome> {
  const issues = checkEditList(requested, scopeCode);
  if (issues.some((i) => i.reason === 'too_many_edits')) return { validation: summariseIssues(issues), edits: [], grandparents: [], level: null };
  const codes = requested.map((e) => e.unit);
  const targets = requested.map((e) => e.to);
  const resolved = await q.query<ResolvedEdit>(resolveEdits, [codes, targets]);
  const edits: PlanEdit[] = [];
  const levels = new Set<string>();
  const grandparents = new Set<string>();
  for (const r of resolved) {
    if (!r.unit_code || !r.unit_parent) {
      issues.push(planIssue('unit_not_found', r.code));
      continue;
    }
    edits.push({ unit: r.code, from: r.unit_parent, to: r.target });
    if (!r.target_code) {
      issues.push(planIssue('target_not_found', r.code, { target: r.target }));
      continue;
    }
    const parentLevel = PARENT_LEVEL[r.unit_level ?? ''];
    if (!parentLevel) {
      issues.push(planIssue('level_not_paintable', r.code, { level: r.unit_level }));
      continue;
    }
    levels.add(r.unit_level!);
    if (r.target_level !== parentLevel) issues.push(planIssue('target_level_mismatch', r.code, { target: r.target, level: r.target_level }));
    else if (r.target_code === r.unit_parent) issues.push(planIssue('already_in_target', r.code, { target: r.target }));
    else if (r.target_parent !== r.unit_grandparent) issues.push(planIssue('target_outside_parent', r.code, { target: r.target }));
    if (r.unit_grandparent) grandparents.add(r.unit_grandparent);
  }
  if (levels.size > 1) issues.push(planIssue('mixed_levels', null, { levels: [...levels].sort() }));
  const level = levels.size === 1 ? [...levels][0] : null;
  if (issues.some((i) => i.severity === 'error') || edits.length === 0) {
    return { validation: summariseIssues(issues), edits, grandparents: [...grandparents].sort(), level };
  }

  const parents = await q.query<{
    code: string;
    grandparent: string;
    children: number;
    area_m2: number;
    parts: number;
    holes: number;
    width_m: number;
    outside_m2: number;
    overlap_m2: number;
    grandparent_before_m2: number;
    grandparent_after_m2: number;
  }>(checkChangedParents, [codes, targets]);
  for (const p of parents) {
    if (p.children === 0) {
      issues.push(planIssue('parent_emptied', p.code));
      continue;
    }
    if (p.parts > 1) issues.push(planIssue('not_contiguous', p.code, { parts: p.parts }));
    if (p.holes > 0) issues.push(planIssue('encloses_unit', p.code, { holes: p.holes }));
    if (p.area_m2 < limits.minAreaM2) issues.push(planIssue('area_too_small', p.code, { areaM2: round(p.area_m2), minAreaM2: limits.minAreaM2 }));
    if (p.width_m < limits.minWidthM) issues.push(planIssue('too_narrow', p.code, { widthM: round(p.width_m), minWidthM: limits.minWidthM }));
    const gap = Math.abs(p.grandparent_after_m2 - p.grandparent_before_m2);
    if (
      p.outside_m2 > COVERAGE_TOLERANCE_M2 ||
      p.overlap_m2 > COVERAGE_TOLERANCE_M2 ||
      gap > Math.max(COVERAGE_TOLERANCE_M2, COVERAGE_RELATIVE_TOLERANCE * p.grandparent_before_m2)
    ) {
      issues.push(planIssue('coverage_broken', p.code, { outsideM2: round(p.outside_m2), overlapM2: round(p.overlap_m2), gapM2: round(gap) }));
    }
  }
  const outOfRange = await q.query<{ code: string; households: number }>(findHouseholdsOutOfRange, [
    codes,
    targets,
    limits.microGridHouseholdsMin,
    limits.microGridHouseholdsMax,
  ]);
  for (const m of outOfRange) {
    issues.push(
      planIssue('households_out_of_range', m.code, {
        households: m.households,
        min: limits.microGridHouseholdsMin,
        max: limits.microGridHouseholdsMax,
      }),
    );
  }
  return { validation: summariseIssues(issues), edits, grandparents: [...grandparents].sort(), level };
}

const round = (n: number) => Math.round(Number(n) * 10) / 10;
