/**
 * The planner's re-partition of a community among its grids by households (the server's proposal, greedy region
 * growing over adjacent micro-grids: server/plans/plan-repartition.ts): one button; the proposal's moves replace
 * the draft's painted ones as one undoable step (splits and merges stay), and a message says how the households'
 * spread changes. Hidden for a street's plan.
 */
import { apiGet } from '../api/api-client.js';
import { el } from '../app/dom.js';
import { t } from '../i18n.js';

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
}): RepartitionPanel {
  const button = el('button', { testId: 'repartition', on: { click: () => void propose() } });

  async function propose(): Promise<void> {
    const community = options.community();
    if (options.streetMode() || !/^\d{12}$/.test(community)) return;
    try {
      const proposal = await apiGet<{ moves: { unit: string; to: string }[]; households: { target: number; before: { cv: number }; after: { cv: number } } }>(
        `/api/plans/repartition?community=${community}`,
      );
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

  return {
    element: button,
    render() {
      button.textContent = t('plan.repartition');
      button.hidden = options.streetMode();
      button.title = t('plan.repartitionHint');
    },
  };
}
