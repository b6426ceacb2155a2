/**
 * About this server (the former status page): what the database holds (GET /api/health), that the
 * boundaries below the district level are generated, the OGC API link and the data attribution.
 */
import { apiGet } from '../api/api-client.js';
import { el, replaceChildren } from '../app/dom.js';
import { currentLanguage, t } from '../i18n.js';

interface Health {
  database: { mode: 'embedded' | 'postgres'; postgres: string; postgis: string };
  counts: Record<string, number>;
}

const ROWS = ['district', 'street', 'community', 'grid', 'micro_grid', 'workers', 'cameras', 'sensors', 'road_vertices', 'road_edges'];

export interface AboutPanel {
  element: HTMLElement;
  load(): Promise<void>;
  render(): void;
}

export function createAboutPanel(options: { onClose(): void }): AboutPanel {
  const element = el('section', { className: 'panel about-panel', testId: 'about' });
  let health: Health | null = null;
  let failed = false;

  const render = () => {
    replaceChildren(element, [
      el(
        'button',
        {
          className: 'panel-close',
          attrs: { type: 'button', title: t('closePanel'), 'aria-label': t('closePanel') },
          on: { click: () => options.onClose() },
        },
        ['×'],
      ),
      el('h2', {}, [t('aboutTitle')]),
      el('p', { testId: 'status' }, [t(failed ? 'failed' : health ? 'ready' : 'loading')]),
      health
        ? el('table', { className: 'counts' }, [
            el(
              'tbody',
              {},
              ROWS.map((key) =>
                el('tr', {}, [
                  el('td', {}, [t(key)]),
                  el('td', { className: 'count', dataset: { count: key } }, [(health!.counts[key] ?? 0).toLocaleString(currentLanguage())]),
                ]),
              ),
            ),
          ])
        : null,
      health
        ? el('p', {}, [t('databaseLine', { mode: t(health.database.mode), postgres: health.database.postgres, postgis: health.database.postgis })])
        : null,
      el('p', { className: 'muted' }, [t('generatedNote')]),
      el('p', {}, [
        el('a', { attrs: { href: '/ogc', target: '_blank', rel: 'noopener' } }, [t('ogcLink')]),
        ' · ',
        el('a', { attrs: { href: '/api/health', target: '_blank', rel: 'noopener' } }, [t('healthLink')]),
      ]),
      el('p', { className: 'muted' }, [t('attribution')]),
    ]);
  };
  render();
  return {
    element,
    render,
    async load() {
      try {
        health = await apiGet<Health>('/api/health');
        failed = false;
      } catch {
        failed = true;
      }
      render();
    },
  };
}
