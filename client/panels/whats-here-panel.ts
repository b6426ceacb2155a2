/**
 * "What's here" (right panel): after a click on the map, GET /api/whats-here → the micro-grid and its chain,
 * its responsible workers, the nearest cameras with their distance, and recent incidents nearby.
 */
import { apiGet, query } from '../api/api-client.js';
import type { WhatsHere } from '../api/api-types.js';
import { describeError } from '../app/api-error-text.js';
import { el, replaceChildren } from '../app/dom.js';
import { categoryName, formatDistance, formatTime } from '../app/format.js';
import { t } from '../i18n.js';

export interface WhatsHerePanel {
  element: HTMLElement;
  /** Loads and shows the place; resolves with the answer (null on failure). */
  show(point: { lon: number; lat: number }): Promise<WhatsHere | null>;
  render(): void;
}

export function createWhatsHerePanel(options: {
  categories: Map<string, { name_zh: string; name_en: string }>;
  onOpenIncident(id: number): void;
  onNewIncidentHere(point: { lon: number; lat: number }): void;
  onLocated(answer: WhatsHere | null): void;
}): WhatsHerePanel {
  const element = el('section', { className: 'panel whats-here-panel', testId: 'whats-here' });
  let answer: WhatsHere | null = null;
  let failure: unknown = null;
  let loading = false;
  let request = 0;

  const section = (titleKey: string, values: Record<string, string | number>, items: Node[], emptyKey: string) =>
    el('div', { className: 'panel-section' }, [
      el('h3', {}, [t(titleKey, values)]),
      items.length ? el('ul', { className: 'plain-list' }, items) : el('p', { className: 'muted' }, [t(emptyKey)]),
    ]);

  const render = () => {
    const title = el('h2', {}, [t('whatsHereTitle')]);
    if (loading) return replaceChildren(element, [title, el('p', { className: 'muted' }, [t('loading')])]);
    if (failure) return replaceChildren(element, [title, el('p', { className: 'error-text', attrs: { role: 'alert' } }, [describeError(failure)])]);
    if (!answer) return replaceChildren(element, [title, el('p', { className: 'muted' }, [t('whatsHereHint')])]);
    const a = answer;
    const chain = el(
      'ol',
      { className: 'chain-list', testId: 'whats-here-chain' },
      a.chain.map((unit) =>
        el('li', { dataset: { level: unit.level } }, [el('span', { className: 'muted' }, [t(`level.${unit.level}`)]), ' ', unit.name]),
      ),
    );
    replaceChildren(element, [
      title,
      el('p', { className: 'micro-grid-name', testId: 'whats-here-name' }, [a.microGrid.name]),
      el('p', { className: 'muted' }, [
        a.microGrid.code,
        ' · ',
        t('households', { count: a.microGrid.households }),
        a.generated ? ` · ${t('generatedBadge')}` : '',
      ]),
      el('div', { className: 'panel-section' }, [el('h3', {}, [t('chain')]), chain]),
      section(
        'responsibleWorkers',
        {},
        a.workers.map((w) =>
          el('li', { className: w.stale ? 'is-stale' : '' }, [w.name, ' · ', t(`duty.${w.dutyStatus}`), w.stale ? ` · ${t('stale')}` : '']),
        ),
        'noWorkers',
      ),
      section(
        'video.coveringTitle',
        {},
        a.coveringCameras.map((c) =>
          el('li', { className: c.online ? '' : 'is-offline', dataset: { camera: c.code } }, [
            c.name,
            ' · ',
            t(c.covers ? 'video.covers' : 'video.mayNotSee'),
            ' · ',
            formatDistance(c.distanceM),
            c.online ? '' : ` · ${t('offline')}`,
          ]),
        ),
        'video.coveringNone',
      ),
      section(
        'nearestCameras',
        {},
        a.cameras.map((c) =>
          el('li', { className: c.online ? '' : 'is-offline' }, [
            c.name,
            ' · ',
            formatDistance(c.distanceM),
            ' · ',
            t(c.online ? 'online' : 'offline'),
            c.hasStream ? '' : ` · ${t('noStream')}`,
          ]),
        ),
        'noCameras',
      ),
      section(
        'recentIncidents',
        { radius: a.radiusM, days: a.days },
        a.incidents.map((i) =>
          el('li', {}, [
            el('button', { className: 'link-button', attrs: { type: 'button' }, on: { click: () => options.onOpenIncident(i.id) } }, [i.number]),
            ' ',
            el('span', { className: `grade-dot grade-${i.grade}` }),
            ' ',
            categoryName(options.categories, i.category),
            ' · ',
            t(`state.${i.state}`),
            ' · ',
            formatTime(i.reportedAt),
            ' · ',
            formatDistance(i.distanceM),
          ]),
        ),
        'noRecentIncidents',
      ),
      el('button', { attrs: { type: 'button' }, on: { click: () => options.onNewIncidentHere(a.wgs84) } }, [t('newIncidentHere')]),
    ]);
  };

  render();
  return {
    element,
    render,
    async show(point) {
      const mine = ++request;
      loading = true;
      failure = null;
      render();
      let result: WhatsHere | null = null;
      try {
        result = await apiGet<WhatsHere>(`/api/whats-here?${query({ lon: point.lon.toFixed(7), lat: point.lat.toFixed(7) })}`);
      } catch (error) {
        if (mine === request) failure = error;
      }
      if (mine !== request) return null;
      answer = result;
      loading = false;
      render();
      options.onLocated(result);
      return result;
    },
  };
}
