/**
 * The planner's balance table: per grid (a street's plan: per community) its households, workers, open incidents
 * and the last 12 months' incidents before → after the draft's paint moves, the changed cells marked, and the
 * households' coefficient of variation before → after. Computed in the page (computeBalance, shared with the
 * server) from the figures the server sent, so it follows a stroke without a round trip.
 */
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';
import { computeBalance, type FigureRow } from '../../server/plans/plan-balance.js';

export function renderBalanceTable(
  box: HTMLElement,
  input: { figures: readonly FigureRow[]; paint: Readonly<Record<string, string>>; names: ReadonlyMap<string, string>; streetMode: boolean },
): void {
  const report = computeBalance(input.figures, new Map(Object.entries(input.paint)));
  const cell = (before: number, after: number) =>
    el('td', { className: before === after ? '' : 'changed' }, [before === after ? String(before) : `${before} → ${after}`]);
  const spread = report.spread.households;
  replaceChildren(box, [
    el('h2', {}, [t('plan.balance')]),
    el('table', {}, [
      el('thead', {}, [
        el(
          'tr',
          {},
          [
            t(input.streetMode ? 'plan.unitStreet' : 'plan.unit'),
            t('plan.households'),
            t('plan.workers'),
            t('plan.openIncidents'),
            t('plan.incidents12m'),
          ].map((h) => el('th', {}, [h])),
        ),
      ]),
      el(
        'tbody',
        {},
        report.units.map((u) =>
          el('tr', { className: u.affected ? 'affected' : '', dataset: { grid: u.code } }, [
            el('td', {}, [input.names.get(u.code) ?? u.code]),
            cell(u.before.households, u.after.households),
            cell(u.before.workers, u.after.workers),
            cell(u.before.openIncidents, u.after.openIncidents),
            cell(u.before.incidents12m, u.after.incidents12m),
          ]),
        ),
      ),
    ]),
    el('p', { testId: 'balance-cv' }, [t('plan.cv', { before: spread.before.cv.toFixed(3), after: spread.after.cv.toFixed(3) })]),
  ]);
}
