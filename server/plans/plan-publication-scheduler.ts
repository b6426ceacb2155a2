/**
 * Effective-dated publication: a plan approved for a future time is `scheduled`; each pass publishes the plans
 * whose time has come, each in its own transaction in the plan's scope with an audit record by the system
 * (actor `scheduler`), exactly as the publish route would. A stale plan stays scheduled and its failure is
 * audited (the planner sees it and makes the plan again). The clock is injected.
 */
import type { Logger } from 'pino';
import { appendAudit } from '../audit/record-audit.js';
import { withScope, type Database } from '../db/database.js';
import type { DomainEvents } from '../events/domain-events.js';
import { AppError } from '../errors/app-error.js';
import { loadPlan, publishOrSchedule } from './plan-service.js';
import { afterPublication } from './plan-lifecycle.route.js';
import { listDuePlans } from './plans.sql.js';

export interface PlanSchedulerDependencies {
  db: Database;
  clock: { now(): Date };
  logger: Logger;
  events?: DomainEvents;
}

const SYSTEM = { jurisdiction: 'city', accountId: null, role: 'admin' } as const;
const audit = { actorAccountId: null, actorUsername: 'scheduler', actorRole: 'system', clientAddress: null };

/** One pass: publish every scheduled plan that is due. Returns the ids published. */
export async function publishDuePlans(deps: PlanSchedulerDependencies): Promise<number[]> {
  const now = deps.clock.now();
  const due = await withScope(deps.db, SYSTEM, (tx) => tx.query<{ id: number; scope_code: string }>(listDuePlans, [now]));
  const published: number[] = [];
  for (const { id, scope_code } of due) {
    try {
      const done = await withScope(deps.db, SYSTEM, async (tx) => {
        const plan = await loadPlan(tx, id, true);
        const outcome = await publishOrSchedule(tx, plan, { accountId: null, role: 'admin' }, now);
        await appendAudit(tx, {
          ...audit,
          action: 'plan.publish',
          entityType: 'boundary_plan',
          entityId: String(id),
          jurisdictionCode: scope_code,
          before: { state: plan.state },
          after: { state: outcome.plan.state, publication: outcome.publication },
          success: true,
        });
        return outcome;
      });
      if (done.publication) {
        afterPublication(deps, done.relocated);
        published.push(id);
      }
    } catch (error) {
      const reason = error instanceof AppError ? error.code : 'internal_error';
      deps.logger.warn({ planId: id, reason }, 'scheduled plan not published');
      await withScope(deps.db, SYSTEM, (tx) =>
        appendAudit(tx, {
          ...audit,
          action: 'plan.publish',
          entityType: 'boundary_plan',
          entityId: String(id),
          jurisdictionCode: scope_code,
          success: false,
          reason,
        }),
      );
    }
  }
  return published;
}

/** Run a pass every `intervalMs` (default 15 s); returns the function that stops it. */
export function startPlanPublicationScheduler(deps: PlanSchedulerDependencies, intervalMs = 15_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    publishDuePlans(deps)
      .catch((error: unknown) => deps.logger.error({ err: error }, 'plan publication pass failed'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
