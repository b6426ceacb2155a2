/**
 * Whether the signed-in account may take a step of a plan (the server's own rule, server/plans/plan-lifecycle.ts),
 * and the step's button shown accordingly: disabled with the reason as its tooltip.
 */
import type { Account, Plan } from '../api/api-types.js';
import { t } from '../i18n.js';
import { refusePlanAction, type PlanAction } from '../../server/plans/plan-lifecycle.js';

/** The reason code the step is refused for, or null when the account may take it. */
export function planActionRefusal(plan: Plan | null, account: Account, action: PlanAction): string | null {
  if (!plan) return 'plan_not_found';
  return refusePlanAction({ state: plan.state, authorAccountId: plan.author_account_id }, action, { accountId: account.id, role: account.role });
}

/** Labels the step's button and disables it (with the reason) when refused; `extra` refuses it for another reason. */
export function showPlanAction(button: HTMLButtonElement, refusal: string | null, label: string, extra: string | null = null): void {
  const reason = extra ?? refusal;
  button.textContent = label;
  button.disabled = reason !== null;
  button.title = reason ? t(`error.${reason}`) : '';
}
