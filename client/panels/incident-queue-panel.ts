/**
 * The open-incident queue (left): highest grade first, then the nearest deadline; overdue cases marked,
 * cases that arrived live highlighted as new. J / K move the selection; a click opens the case.
 */
import type { LiveIncident } from '../api/api-types.js';
import type { ConsoleStore } from '../app/console-store.js';
import { el, replaceChildren } from '../app/dom.js';
import { categoryName, formatDeadline } from '../app/format.js';
import { isOverdue } from '../app/incident-queue-order.js';
import { t } from '../i18n.js';

export interface IncidentQueuePanel {
  element: HTMLElement;
  render(): void;
  setSelected(id: number | null): void;
  /** The id `step` places after (1) or before (-1) the selected one, wrapping; null when the queue is empty. */
  neighbour(step: 1 | -1): number | null;
}

export function createIncidentQueuePanel(options: {
  store: ConsoleStore;
  categories: Map<string, { name_zh: string; name_en: string }>;
  onOpen(id: number): void;
}): IncidentQueuePanel {
  const heading = el('h2');
  const count = el('p', { className: 'queue-count', testId: 'queue-count' });
  const list = el('ol', { className: 'queue-list', testId: 'incident-queue', attrs: { role: 'listbox' } });
  const element = el('section', { className: 'panel queue-panel' }, [heading, count, list]);
  let selected: number | null = null;
  let order: LiveIncident[] = [];

  const item = (incident: LiveIncident, now: number) => {
    const overdue = isOverdue(incident, now);
    const fresh = options.store.isNew(incident.id);
    const classes = ['queue-item', `grade-${incident.grade}`, overdue ? 'is-overdue' : '', fresh ? 'is-new' : '', incident.id === selected ? 'is-selected' : ''];
    return el(
      'li',
      {
        className: classes.filter(Boolean).join(' '),
        dataset: { incidentId: String(incident.id), testid: 'queue-item' },
        attrs: { role: 'option', 'aria-selected': incident.id === selected ? 'true' : 'false', tabindex: 0 },
        on: { click: () => options.onOpen(incident.id), keydown: (e) => e.key === 'Enter' && options.onOpen(incident.id) },
      },
      [
        el('span', { className: `grade-dot grade-${incident.grade}`, attrs: { title: t(`grade.${incident.grade}`) } }),
        el('span', { className: 'queue-number' }, [incident.number]),
        fresh ? el('span', { className: 'badge badge-new' }, [t('newBadge')]) : null,
        overdue ? el('span', { className: 'badge badge-overdue' }, [t('overdue')]) : null,
        el('span', { className: 'queue-category' }, [categoryName(options.categories, incident.category)]),
        el('span', { className: 'queue-state' }, [t(`state.${incident.state}`)]),
        el('span', { className: 'queue-deadline' }, [formatDeadline(incident.deadlineAt, now)]),
      ],
    );
  };

  const render = () => {
    const now = Date.now();
    order = options.store.queue();
    heading.textContent = t('queueTitle');
    count.textContent = t('queueCount', { count: order.length, overdue: order.filter((i) => isOverdue(i, now)).length });
    if (order.length === 0) replaceChildren(list, [el('li', { className: 'queue-empty' }, [t('queueEmpty')])]);
    else replaceChildren(list, order.map((incident) => item(incident, now)));
  };

  // Deadlines count down and "new" highlights fade even without live changes.
  setInterval(render, 15_000);
  render();
  return {
    element,
    render,
    setSelected(id) {
      selected = id;
      render();
      list.querySelector('.is-selected')?.scrollIntoView({ block: 'nearest' });
    },
    neighbour(step) {
      if (order.length === 0) return null;
      const index = order.findIndex((i) => i.id === selected);
      if (index < 0) return order[step === 1 ? 0 : order.length - 1].id;
      return order[(index + step + order.length) % order.length].id;
    },
  };
}
