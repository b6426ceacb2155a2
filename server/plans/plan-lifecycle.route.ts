/**
 * A plan's way to the live map under /api/plans: submit (warnings need a reason), withdraw, approve (a second
 * person, never the author) or reject, publish (one transaction; 409 plan_stale names the conflicting units) or
 * schedule, and rollback as a new plan. Every change through auditedChange; after a publication the unit layers'
 * tiles are drawn anew and the relocated incidents announced.
 */
import type { Router } from 'express';
import { auditedChange } from '../audit/record-audit.js';
import { forgetCachedCredentials } from '../auth/authenticate.js';
import { contractAccess } from '../auth/route-access.js';
import { AppError } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { incidentChanged } from '../incidents/incident-publishing.js';
import { bumpLayerVersion } from '../tiles/tile-cache.js';
import { UNIT_LAYERS } from '../tiles/tile-layers.js';
import {
  assertAllowed,
  createPlan,
  loadPlan,
  publishOrSchedule,
  replaceEdits,
  setPlanState,
  submitPlan,
  validateStoredPlan,
} from './plan-service.js';
import { refuseRollbackPieces, rollbackEdits } from './plan-rollback.js';
import { approvePlanRoute, publishPlanRoute, rejectPlanRoute, rollbackPlanRoute, submitPlanRoute, withdrawPlanRoute } from './plans-contract.js';
import { actorOf, planIdOf, type PlansDependencies } from './plan-route-context.js';

export function registerPlanLifecycleRoutes(router: Router, deps: PlansDependencies): void {
  const { clock } = deps;
  const limits = deps.config.planLimits;

  router.post(submitPlanRoute.path, contractAccess(submitPlanRoute), async (req, res) => {
    const id = planIdOf(req);
    const body = validateRequestPart(submitPlanRoute.body, req.body ?? {}, 'invalid_submission');
    const plan = await auditedChange(req, { action: 'plan.submit', entityType: 'boundary_plan', entityId: String(id) }, async (tx) => {
      const current = await loadPlan(tx, id, true);
      assertAllowed(current, 'submit', actorOf(req));
      const updated = await submitPlan(tx, current, body.warningReason ?? null, limits, clock.now());
      return {
        entityId: String(id),
        jurisdictionCode: current.scope_code,
        before: { state: current.state },
        after: { state: updated.state, warningReason: body.warningReason ?? null },
        result: updated,
      };
    });
    res.json({ plan });
  });

  router.post(withdrawPlanRoute.path, contractAccess(withdrawPlanRoute), async (req, res) => {
    const id = planIdOf(req);
    const plan = await auditedChange(req, { action: 'plan.withdraw', entityType: 'boundary_plan', entityId: String(id) }, async (tx) => {
      const current = await loadPlan(tx, id, true);
      assertAllowed(current, 'withdraw', actorOf(req));
      const updated = await setPlanState(tx, current, 'withdrawn', clock.now());
      return {
        entityId: String(id),
        jurisdictionCode: current.scope_code,
        before: { state: current.state },
        after: { state: updated.state },
        result: updated,
      };
    });
    res.json({ plan });
  });

  router.post(approvePlanRoute.path, contractAccess(approvePlanRoute), async (req, res) => {
    const id = planIdOf(req);
    const body = validateRequestPart(approvePlanRoute.body, req.body ?? {}, 'invalid_approval');
    const plan = await auditedChange(req, { action: 'plan.approve', entityType: 'boundary_plan', entityId: String(id) }, async (tx) => {
      const current = await loadPlan(tx, id, true);
      assertAllowed(current, 'approve', actorOf(req));
      // Approval looks at the plan as it stands today: errors that appeared since submission block it.
      const { validation } = await validateStoredPlan(tx, current, limits, clock.now());
      if (!validation.valid) throw new AppError(422, 'plan_invalid', 'The plan has errors', { issues: validation.issues });
      const effectiveAt = body.effectiveAt ? new Date(body.effectiveAt) : clock.now();
      const updated = await setPlanState(tx, current, 'approved', clock.now(), { approver: actorOf(req), effectiveAt });
      return {
        entityId: String(id),
        jurisdictionCode: current.scope_code,
        before: { state: current.state },
        after: { state: updated.state, effectiveAt },
        result: updated,
      };
    });
    res.json({ plan });
  });

  router.post(rejectPlanRoute.path, contractAccess(rejectPlanRoute), async (req, res) => {
    const id = planIdOf(req);
    const body = validateRequestPart(rejectPlanRoute.body, req.body, 'invalid_rejection');
    const plan = await auditedChange(req, { action: 'plan.reject', entityType: 'boundary_plan', entityId: String(id) }, async (tx) => {
      const current = await loadPlan(tx, id, true);
      assertAllowed(current, 'reject', actorOf(req));
      const updated = await setPlanState(tx, current, 'rejected', clock.now(), { approver: actorOf(req), rejectedReason: body.reason });
      return {
        entityId: String(id),
        jurisdictionCode: current.scope_code,
        before: { state: current.state },
        after: { state: updated.state, reason: body.reason },
        result: updated,
      };
    });
    res.json({ plan });
  });

  router.post(publishPlanRoute.path, contractAccess(publishPlanRoute), async (req, res) => {
    const id = planIdOf(req);
    const done = await auditedChange(req, { action: 'plan.publish', entityType: 'boundary_plan', entityId: String(id) }, async (tx) => {
      const current = await loadPlan(tx, id, true);
      assertAllowed(current, 'publish', actorOf(req));
      const outcome = await publishOrSchedule(tx, current, actorOf(req), clock.now());
      return {
        entityId: String(id),
        jurisdictionCode: current.scope_code,
        before: { state: current.state, basedOnVersion: current.based_on_version },
        after: { state: outcome.plan.state, publication: outcome.publication },
        result: outcome,
      };
    });
    if (done.publication) afterPublication(deps, done.relocated);
    if (done.publication?.accounts) forgetCachedCredentials(req);
    res.json({ plan: done.plan, publication: done.publication });
  });

  router.post(rollbackPlanRoute.path, contractAccess(rollbackPlanRoute), async (req, res) => {
    const id = planIdOf(req);
    const plan = await auditedChange(req, { action: 'plan.rollback', entityType: 'boundary_plan', entityId: String(id) }, async (tx) => {
      const published = await loadPlan(tx, id);
      const edits = await rollbackEdits(tx, published);
      const created = await createPlan(
        tx,
        { name: `回退 ${published.name}`.slice(0, 120), scopeCode: published.scope_code, rollbackOf: id },
        actorOf(req),
        clock.now(),
      );
      const { plan: withEdits, outcome } = await replaceEdits(tx, created, edits, limits, clock.now());
      refuseRollbackPieces(outcome.validation.issues);
      return {
        entityId: String(created.id),
        jurisdictionCode: published.scope_code,
        after: { rollbackOf: id, edits: withEdits.edits },
        result: withEdits,
      };
    });
    res.status(201).json({ plan });
  });
}

/** After the commit: the map's tiles of every unit layer drawn anew, the relocated incidents announced. */
export function afterPublication(deps: Pick<PlansDependencies, 'db' | 'events'>, relocated: { id: number; microGridCode: string }[]): void {
  for (const layer of UNIT_LAYERS) bumpLayerVersion(deps.db, layer);
  for (const incident of relocated) deps.events?.emit(incidentChanged(incident.id, incident.microGridCode, 'boundary_relocated'));
}
