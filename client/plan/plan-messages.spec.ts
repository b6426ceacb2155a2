import { describe, expect, it } from 'vitest';
import { PLAN_REASONS } from '../../server/plans/plan-reason-codes.js';
import { PLAN_STATES } from '../../server/plans/plan-lifecycle.js';
import { planMessages } from './plan-messages.js';

describe('planner messages', () => {
  it('have the same keys in both languages', () => {
    expect(Object.keys(planMessages.en).sort()).toEqual(Object.keys(planMessages['zh-CN']).sort());
  });
  it('translate every validation reason code and plan state', () => {
    for (const reason of Object.keys(PLAN_REASONS)) expect(planMessages['zh-CN'][`plan.reason.${reason}`], reason).toBeTruthy();
    for (const state of PLAN_STATES) expect(planMessages.en[`plan.state.${state}`], state).toBeTruthy();
  });
});
