import { describe, expect, it } from 'vitest';
import { PLAN_STATES, publicationStateAt, refusePlanAction, type PlanAction, type PlanState } from './plan-lifecycle.js';
import { checkEditList } from './plan-validation.js';
import { MAX_PLAN_EDITS, PLAN_REASONS, summariseIssues, planIssue } from './plan-reason-codes.js';

const author = { accountId: 1, role: 'planner' };
const otherPlanner = { accountId: 2, role: 'planner' };
const admin = { accountId: 3, role: 'admin' };
const plan = (state: PlanState) => ({ state, authorAccountId: 1 });

describe('refusePlanAction', () => {
  it('lets only the author edit and submit a draft', () => {
    expect(refusePlanAction(plan('draft'), 'edit', author)).toBeNull();
    expect(refusePlanAction(plan('draft'), 'submit', author)).toBeNull();
    expect(refusePlanAction(plan('draft'), 'edit', otherPlanner)).toBe('not_plan_author');
    for (const state of PLAN_STATES.filter((s) => s !== 'draft')) expect(refusePlanAction(plan(state), 'edit', author)).toBe('plan_not_draft');
  });

  it('needs a second person to approve or reject: another planner or an administrator, never the author', () => {
    for (const action of ['approve', 'reject'] as PlanAction[]) {
      expect(refusePlanAction(plan('submitted'), action, author)).toBe('own_plan_approval');
      expect(refusePlanAction(plan('submitted'), action, { accountId: 1, role: 'admin' })).toBe('own_plan_approval');
      expect(refusePlanAction(plan('submitted'), action, otherPlanner)).toBeNull();
      expect(refusePlanAction(plan('submitted'), action, admin)).toBeNull();
      expect(refusePlanAction(plan('submitted'), action, { accountId: 4, role: 'dispatcher' })).toBe('role_cannot_approve');
      expect(refusePlanAction(plan('draft'), action, admin)).toBe('plan_not_submitted');
    }
  });

  it('publishes approved or scheduled plans only', () => {
    for (const state of PLAN_STATES) {
      expect(refusePlanAction(plan(state), 'publish', admin)).toBe(state === 'approved' || state === 'scheduled' ? null : 'plan_not_approved');
    }
  });

  it('lets the author or an administrator withdraw an open plan', () => {
    expect(refusePlanAction(plan('approved'), 'withdraw', author)).toBeNull();
    expect(refusePlanAction(plan('scheduled'), 'withdraw', admin)).toBeNull();
    expect(refusePlanAction(plan('submitted'), 'withdraw', otherPlanner)).toBe('not_plan_author');
    expect(refusePlanAction(plan('published'), 'withdraw', author)).toBe('plan_not_open');
  });

  it('publishes now when the effective time has come, else schedules', () => {
    const now = new Date('2026-12-07T10:00:00Z');
    expect(publicationStateAt(now, now)).toBe('publish_now');
    expect(publicationStateAt(new Date('2026-12-07T11:00:00Z'), now)).toBe('scheduled');
  });
});

describe('checkEditList and reason codes', () => {
  it('finds duplicates, edits outside the scope and too many edits without the database', () => {
    const reasons = checkEditList(
      [
        { unit: '320113007001001001', to: '320113007001002' },
        { unit: '320113007001001001', to: '320113007001003' },
        { unit: '320113007002001001', to: '320113007001002' },
      ],
      '320113007001',
    ).map((i) => i.reason);
    expect(reasons).toEqual(['duplicate_edit', 'outside_plan_scope']);
    const many = Array.from({ length: MAX_PLAN_EDITS + 1 }, (_, i) => ({
      unit: `320113007001001${String(i).padStart(3, '0')}`,
      to: '320113007001002',
    }));
    expect(checkEditList(many, '320113007001')[0].reason).toBe('too_many_edits');
  });

  it('gives every reason a severity; warnings do not make a plan invalid', () => {
    for (const severity of Object.values(PLAN_REASONS)) expect(['error', 'warning']).toContain(severity);
    expect(summariseIssues([planIssue('households_out_of_range', 'x')])).toMatchObject({ valid: true, errors: 0, warnings: 1 });
    expect(summariseIssues([planIssue('not_contiguous', 'x')])).toMatchObject({ valid: false, errors: 1, warnings: 0 });
  });
});
