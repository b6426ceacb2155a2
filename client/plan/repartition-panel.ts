/**
 * The planner's two re-partitions by households, hidden for a street's plan:
 * - of a community among its grids (the server's proposal, greedy region growing over adjacent micro-grids:
 *   server/plans/plan-repartition.ts): one button; the proposal's moves replace the draft's painted ones as one
 *   undoable step (splits and merges stay), and a message says how the households' spread changes;
 * - of the grid picked with the brush into new micro-grids by a target the planner types (households per
 *   micro-grid): the number of micro-grids it would make (repartitionCount, shared with the server's SQL) shows as
 *   they type, before anything is applied; "apply" adds the edit to the draft (replacing an earlier one of the same
 *   grid) as one undoable step, and the server validates it (the target's range, the pieces) like any edit.
 */
import { apiGet } from '../api/api-client.js';
import type { RepartitionProposal } from '../api/api-types.js';
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';
import type { FigureRow } from '../../server/plans/plan-balance.js';
import { gridRepartitionPreview, type RepartitionEdit } from '../../server/plans/plan-structure-rules.js';

export interface RepartitionPanel {
  element: HTMLElement;
  render(): void;
}

export function createRepartitionPanel(options: {
  community: () => string;
  streetMode: () => boolean;
  /** The proposal's moves (micro-grid → grid) as the draft's new paint, with the message to show. */
  apply: (paint: Record<string, string>, message: string) => void;
  fail: (error: unknown) => void;
  /** The grid the brush has picked (a community's plan), or none. */
  selectedGrid: () => string | null;
  gridName: (code: string) => string;
  figures: () => readonly FigureRow[];
  /** Add a grid's re-partition to the draft's structural edits (one undoable step). */
  addEdit: (edit: RepartitionEdit) => void;
}): RepartitionPanel {
  const button = el('button', { testId: 'repartition', on: { click: () => void propose() } });
  const targetInput = el('input', {
    testId: 'repartition-target',
    attrs: { type: 'number', name: 'repartitionTarget', min: '1', step: '1', value: '100', size: 6 },
    on: { input: () => render() },
  });
  const targetLabel = el('span');
  const preview = el('p', { testId: 'repartition-preview', className: 'plan-hint' });
  const applyButton = el('button', { testId: 'repartition-apply', on: { click: () => apply() } });
  const heading = el('div', { className: 'plan-grids-title' });
  const gridSection = el('div', { className: 'plan-grid-repartition' }, [
    heading,
    el('label', {}, [targetLabel, ' ', targetInput]),
    preview,
    applyButton,
  ]);
  const element = el('div', { className: 'plan-repartition' }, [button, gridSection]);
  const target = () => Number(targetInput.value);

  function apply(): void {
    const grid = options.selectedGrid();
    if (!grid || !Number.isInteger(target()) || target() < 1) return;
    options.addEdit({ op: 'repartition', unit: grid, households: target() });
  }

  function render(): void {
    button.textContent = t('plan.repartition');
    button.hidden = options.streetMode();
    button.title = t('plan.repartitionHint');
    gridSection.hidden = options.streetMode();
    heading.textContent = t('plan.gridRepartition.title');
    targetLabel.textContent = t('plan.gridRepartition.target');
    applyButton.textContent = t('plan.gridRepartition.apply');
    const grid = options.selectedGrid();
    const valid = Number.isInteger(target()) && target() >= 1;
    applyButton.disabled = !grid || !valid;
    if (!grid || !valid) {
      delete preview.dataset.count;
      replaceChildren(preview, [grid ? '' : t('plan.gridRepartition.pickGrid')]);
      return;
    }
    const p = gridRepartitionPreview(options.figures(), grid, target());
    preview.dataset.count = String(p.count);
    replaceChildren(preview, [
      t('plan.gridRepartition.preview', { grid: options.gridName(grid), households: p.households, now: p.now, count: p.count }),
    ]);
  }

  async function propose(): Promise<void> {
    const community = options.community();
    if (options.streetMode() || !/^\d{12}$/.test(community)) return;
    try {
      const proposal = await apiGet<RepartitionProposal>(`/api/plans/repartition?community=${community}`);
      const message = t('plan.repartitioned', {
        moves: proposal.moves.length,
        target: Math.round(proposal.households.target),
        before: proposal.households.before.cv.toFixed(3),
        after: proposal.households.after.cv.toFixed(3),
      });
      options.apply(Object.fromEntries(proposal.moves.map((m) => [m.unit, m.to])), message);
    } catch (error) {
      options.fail(error);
    }
  }

  return { element, render };
}
