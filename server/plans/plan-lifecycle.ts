/**
 * The life of a boundary plan, pure: draft → submitted → approved → scheduled / published, or rejected,
 * or withdrawn by its author (or an administrator) while open. `refusePlanAction` says why an action is not allowed (a reason code the
 * client translates), or null when it is; the routes and the planner's buttons ask the same function.
 */
export const PLAN_STATES = ['draft', 'submitted', 'approved', 'scheduled', 'published', 'rejected', 'withdrawn'] as const;
export type PlanState = (typeof PLAN_STATES)[number];
/** States in which a plan holds its units (no other plan may change them). */
export const OPEN_PLAN_STATES: readonly PlanState[] = ['draft', 'submitted', 'approved', 'scheduled'];

export type PlanAction = 'edit' | 'submit' | 'withdraw' | 'approve' | 'reject' | 'publish';

export interface PlanFacts {
  state: PlanState;
  authorAccountId: number;
}

export interface PlanActor {
  accountId: number | null;
  role: string;
}

export type PlanRefusal =
  'plan_not_draft' | 'plan_not_open' | 'plan_not_submitted' | 'plan_not_approved' | 'not_plan_author' | 'own_plan_approval' | 'role_cannot_approve';

const REVIEWER_ROLES = new Set(['admin', 'planner']);

export function refusePlanAction(plan: PlanFacts, action: PlanAction, actor: PlanActor): PlanRefusal | null {
  const isAuthor = actor.accountId !== null && actor.accountId === plan.authorAccountId;
  switch (action) {
    case 'edit':
    case 'submit':
      if (plan.state !== 'draft') return 'plan_not_draft';
      return isAuthor ? null : 'not_plan_author';
    case 'withdraw':
      // Any open plan, approved ones too (a plan gone stale before its publication frees its units this way).
      if (!OPEN_PLAN_STATES.includes(plan.state)) return 'plan_not_open';
      return isAuthor || actor.role === 'admin' ? null : 'not_plan_author';
    case 'approve':
    case 'reject':
      if (plan.state !== 'submitted') return 'plan_not_submitted';
      if (!REVIEWER_ROLES.has(actor.role)) return 'role_cannot_approve';
      // A second person: never the author, whatever their role.
      return isAuthor ? 'own_plan_approval' : null;
    case 'publish':
      return plan.state === 'approved' || plan.state === 'scheduled' ? null : 'plan_not_approved';
  }
}

/** After approval: published now when its effective time has come, else scheduled for it. */
export function publicationStateAt(effectiveAt: Date, now: Date): 'publish_now' | 'scheduled' {
  return effectiveAt.getTime() <= now.getTime() ? 'publish_now' : 'scheduled';
}
