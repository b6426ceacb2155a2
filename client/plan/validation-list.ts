/**
 * The planner's validation list and diff line: the server's issues by reason code (severity, the reason in words,
 * the unit by name), "valid" when there are none; and what the draft's paint moves carry along (micro-grids or
 * grids, households, workers, open incidents), from the figures the server sent.
 */
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';
import type { FigureRow } from '../../server/plans/plan-balance.js';
import type { PlanIssue, PlanValidation } from '../../server/plans/plan-reason-codes.js';

export function renderValidationList(list: HTMLElement, validation: PlanValidation | null, names: ReadonlyMap<string, string>): void {
  replaceChildren(
    list,
    validation
      ? validation.issues.length === 0
        ? [el('li', { className: 'valid' }, [t('plan.valid')])]
        : validation.issues.map((issue: PlanIssue) =>
            el('li', { className: issue.severity, dataset: { reason: issue.reason } }, [
              `${t(`plan.severity.${issue.severity}`)} ${issue.reason}: ${t(`plan.reason.${issue.reason}`)}${issue.unit ? ` (${names.get(issue.unit) ?? issue.unit})` : ''}`,
            ]),
          )
      : [],
  );
}

/** The diff line of the painted moves ('' when nothing is painted). */
export function paintDiffText(figures: readonly FigureRow[], paint: Readonly<Record<string, string>>, streetMode: boolean): string {
  const moved = Object.keys(paint);
  if (moved.length === 0) return '';
  const rows = figures.filter((f) => f.kind === 'child' && moved.includes(f.code));
  return t(streetMode ? 'plan.diffStreet' : 'plan.diff', {
    units: moved.length,
    households: rows.reduce((a, r) => a + r.households, 0),
    workers: rows.reduce((a, r) => a + r.workers, 0),
    openIncidents: rows.reduce((a, r) => a + r.openIncidents, 0),
  });
}
