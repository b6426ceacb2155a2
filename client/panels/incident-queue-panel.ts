/**
 * The open-incident queue (left): highest grade first, then the nearest deadline; overdue cases marked,
 * cases that arrived live highlighted as new. J / K move the selection; a click opens the case.
 * Updated row by row (keyed-children.ts): a live event redraws only the rows it changed.
 */
import type { LiveIncident } from '../api/api-types.js';
import type { ConsoleStore } from '../app/console-store.js';
import { el, replaceChildren } from '../app/dom.js';
import { createKeyedNodes, updateKeyedChildren, type KeyedRow } from '../app/keyed-children.js';
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
  const rows = createKeyedNodes<HTMLLIElement>();

  /** What a row shows, computed once per render: its text parts are also its signature. */
  const rowOf = (incident: LiveIncident, now: number) => {
    const overdue = isOverdue(incident, now);
    const fresh = options.store.isNew(incident.id);
    const isSelected = incident.id === selected;
    const view = {
      id: incident.id,
      grade: incident.grade,
      number: incident.number,
      fresh,
      overdue,
      isSelected,
      gradeName: t(`grade.${incident.grade}`),
      category: categoryName(options.categories, incident.category),
      state: t(`state.${incident.state}`),
      deadline: formatDeadline(incident.deadlineAt, now),
    };
    return { key: incident.id, signature: JSON.stringify(view), value: view } satisfies KeyedRow<typeof view>;
  };
  type RowView = ReturnType<typeof rowOf>['value'];

  /** Builds a row, or fills an existing one in place (its click handler, bound to the id, stays). */
  const renderRow = (view: RowView, existing: HTMLLIElement | null): HTMLLIElement => {
    const li =
      existing ??
      el('li', {
        dataset: { incidentId: String(view.id), testid: 'queue-item' },
        attrs: { role: 'option', tabindex: 0 },
        on: { click: () => options.onOpen(view.id), keydown: (e) => e.key === 'Enter' && options.onOpen(view.id) },
      });
    const classes = [
      'queue-item',
      `grade-${view.grade}`,
      view.overdue ? 'is-overdue' : '',
      view.fresh ? 'is-new' : '',
      view.isSelected ? 'is-selected' : '',
    ];
    li.className = classes.filter(Boolean).join(' ');
    li.setAttribute('aria-selected', view.isSelected ? 'true' : 'false');
    replaceChildren(li, [
      el('span', { className: `grade-dot grade-${view.grade}`, attrs: { title: view.gradeName } }),
      el('span', { className: 'queue-number' }, [view.number]),
      view.fresh ? el('span', { className: 'badge badge-new' }, [t('newBadge')]) : null,
      view.overdue ? el('span', { className: 'badge badge-overdue' }, [t('overdue')]) : null,
      el('span', { className: 'queue-category' }, [view.category]),
      el('span', { className: 'queue-state' }, [view.state]),
      el('span', { className: 'queue-deadline' }, [view.deadline]),
    ]);
    return li;
  };

  const render = () => {
    const now = Date.now();
    order = options.store.queue();
    heading.textContent = t('queueTitle');
    count.textContent = t('queueCount', { count: order.length, overdue: order.filter((i) => isOverdue(i, now)).length });
    updateKeyedChildren<RowView, Element, HTMLLIElement>(
      list,
      rows,
      order.map((incident) => rowOf(incident, now)),
      renderRow,
    );
    if (order.length === 0) list.append(el('li', { className: 'queue-empty' }, [t('queueEmpty')]));
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
