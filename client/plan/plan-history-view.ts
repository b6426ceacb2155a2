/**
 * The version history in the planner's workspace: every published boundary version the account may see, newest
 * first — version, effective time, the plan (a link that opens it), author and approver, how many units it moved
 * or restructured and how many open incidents followed. Rollbacks are marked.
 */
import { apiGet } from '../api/api-client.js';
import { describeError } from '../app/api-error-text.js';
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';
import type { PlanVersion } from '../api/api-types.js';

export function createVersionHistory(): { element: HTMLElement; refresh(): Promise<void>; render(): void } {
  let rows: PlanVersion[] = [];
  let problem = '';
  const list = el('ol', { className: 'plan-versions' });
  const heading = el('h2');
  const element = el('details', { className: 'plan-history', testId: 'version-history' }, [el('summary', {}, [heading]), list]);
  const render = () => {
    heading.textContent = t('plan.history');
    replaceChildren(
      list,
      problem
        ? [el('li', {}, [problem])]
        : rows.length === 0
          ? [el('li', {}, [t('plan.history.none')])]
          : rows.map((v) =>
              el('li', { dataset: { version: String(v.version), plan: String(v.plan_id) } }, [
                el('strong', {}, [`v${v.version}`]),
                ` ${new Date(v.effective_at).toLocaleString()} · `,
                el('a', { attrs: { href: `/plan.html?plan=${v.plan_id}` } }, [v.name]),
                v.rollback_of_plan_id ? ` (${t('plan.history.rollback', { plan: v.rollback_of_plan_id })})` : '',
                el('div', { className: 'plan-version-detail' }, [
                  t('plan.history.detail', {
                    author: v.author_username,
                    approver: v.approved_by_username ?? '—',
                    moved: v.moved,
                    restructured: v.restructured,
                    incidents: v.relocated_incidents,
                  }),
                ]),
              ]),
            ),
    );
  };
  return {
    element,
    render,
    async refresh() {
      try {
        rows = (await apiGet<{ versions: PlanVersion[] }>('/api/plans/versions?limit=50')).versions;
        problem = '';
      } catch (error) {
        problem = describeError(error);
      }
      render();
    },
  };
}
