/**
 * What the three /api/plans route files share (plans.route.ts puts them on one router): the router's narrow
 * dependencies, the acting account, the plan id of the path.
 */
import type { Request } from 'express';
import type { Logger } from 'pino';
import { authOf } from '../auth/request-context.js';
import type { AppConfig } from '../config/load-config.js';
import type { Database } from '../db/database.js';
import type { DomainEvents } from '../events/domain-events.js';
import { validateRequestPart } from '../http/validate-request.js';
import type { PlanActorFull } from './plan-service.js';
import { Id } from './plans-contract-schemas.js';

export interface PlansDependencies {
  db: Database;
  config: Pick<AppConfig, 'planLimits'>;
  clock: { now(): Date };
  logger: Logger;
  events?: DomainEvents;
}

export const YEAR_MS = 365 * 24 * 3600 * 1000;

export function actorOf(req: Request): PlanActorFull {
  const auth = authOf(req);
  return { accountId: auth.accountId, role: auth.role, username: auth.username };
}

/** The plan id of the path (400 invalid_plan_id when it is not a whole number). */
export const planIdOf = (req: Request): number => validateRequestPart(Id, req.params, 'invalid_plan_id').id;
