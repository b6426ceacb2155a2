/**
 * /api/plans — the planner's boundary plans (issue 20): draft plans of edits that never touch the live map,
 * validation with reason codes, live balance, the diff, submission, approval by a second person, effective-dated
 * publication in one transaction, rollback as a new plan. Planners and administrators, in their jurisdiction
 * (row-level security on boundary_plans by the plan's scope). Every change through auditedChange.
 * The routes are in three files on one router, in this order (the fixed paths before /api/plans/:id):
 * plan-reads.route.ts, plan-drafts.route.ts, plan-lifecycle.route.ts.
 */
import { Router } from 'express';
import { registerPlanDraftRoutes } from './plan-drafts.route.js';
import { registerPlanLifecycleRoutes } from './plan-lifecycle.route.js';
import { registerPlanReadRoutes } from './plan-reads.route.js';
import type { PlansDependencies } from './plan-route-context.js';

export type { PlansDependencies } from './plan-route-context.js';
export { afterPublication } from './plan-lifecycle.route.js';

export function plansRouter(deps: PlansDependencies): Router {
  const router = Router();
  registerPlanReadRoutes(router, deps);
  registerPlanDraftRoutes(router, deps);
  registerPlanLifecycleRoutes(router, deps);
  return router;
}
