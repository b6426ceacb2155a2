/**
 * Recommended workers for an incident (GET /api/incidents/:id/recommendations): rank, name, ETA by road,
 * distance, stale flag. Hovering shows the worker's route on the map; choosing keeps it.
 */
import type { RecommendedResponder } from '../api/api-types.js';
import { el } from '../app/dom.js';
import { formatDistance, formatSeconds } from '../app/format.js';
import { t } from '../i18n.js';

export function createRecommendationsList(options: {
  responders: RecommendedResponder[];
  chosen: string | null;
  workerName(code: string): string | null;
  onHover(responder: RecommendedResponder | null): void;
  onChoose(responder: RecommendedResponder): void;
}): HTMLElement {
  if (options.responders.length === 0) return el('p', { className: 'muted' }, [t('noRecommendations')]);
  return el(
    'ol',
    { className: 'recommendations', testId: 'recommendations' },
    options.responders.map((r) => {
      const chosen = r.workerCode === options.chosen;
      return el(
        'li',
        {
          className: ['recommendation', chosen ? 'is-chosen' : '', r.stale ? 'is-stale' : ''].filter(Boolean).join(' '),
          dataset: { workerCode: r.workerCode, testid: 'recommendation' },
          on: { mouseenter: () => options.onHover(r), mouseleave: () => options.onHover(null) },
        },
        [
          el('span', { className: 'rank' }, [String(r.rank)]),
          el('span', { className: 'worker-name' }, [r.name || (options.workerName(r.workerCode) ?? r.workerCode)]),
          el('span', { className: 'eta', testId: 'eta' }, [
            r.etaSeconds === null ? t('unreachable') : t('eta', { time: formatSeconds(r.etaSeconds) }),
          ]),
          el('span', { className: 'muted' }, [formatDistance(r.roadMetres ?? r.straightLineMetres)]),
          r.stale ? el('span', { className: 'badge badge-stale' }, [t('stale')]) : null,
          el(
            'button',
            {
              attrs: { type: 'button', 'aria-pressed': chosen ? 'true' : 'false' },
              on: { click: () => options.onChoose(r), focus: () => options.onHover(r) },
            },
            [t(chosen ? 'chosen' : 'choose')],
          ),
        ],
      );
    }),
  );
}
