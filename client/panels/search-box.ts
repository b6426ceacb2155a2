/**
 * The search box (/ to focus): a unit by name or code (/api/units/search → fly to it), an incident number
 * (GET /api/incidents?number= → open it), or coordinates "118.93,32.10" (WGS84, or GCJ-02 with the toggle
 * → fly there and show what's here).
 */
import gcoord from 'gcoord';
import { apiGet, query } from '../api/api-client.js';
import type { Bbox, Unit } from '../api/api-types.js';
import type { AnswerOf } from '../../server/contract/api-route.js';
import type { searchUnitsRoute } from '../../server/units/units-contract.js';
import { describeError } from '../app/api-error-text.js';
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';
import { parseSearch } from './search-query.js';
import type { listIncidentsRoute } from '../../server/incidents/incidents-contract.js';

export interface SearchBox {
  element: HTMLElement;
  focus(): void;
  render(): void;
}

export function createSearchBox(options: {
  onUnit(unit: { code: string; bbox: Bbox; level: string }): void;
  onIncident(id: number): void;
  onCoordinates(point: { lon: number; lat: number }): void;
}): SearchBox {
  const input = el('input', { attrs: { type: 'search', name: 'search', autocomplete: 'off' }, testId: 'search-input' });
  const gcj = el('input', { attrs: { type: 'checkbox', name: 'gcj02' } });
  const gcjLabel = el('label', { className: 'gcj-toggle' }, [gcj, el('span')]);
  const results = el('ul', { className: 'search-results', testId: 'search-results', attrs: { role: 'listbox', hidden: true } });
  let searchId = 0;

  const close = () => {
    results.hidden = true;
    replaceChildren(results, []);
  };
  const message = (text: string) => {
    replaceChildren(results, [el('li', { className: 'muted' }, [text])]);
    results.hidden = false;
  };

  async function run(): Promise<void> {
    const mine = ++searchId;
    const parsed = parseSearch(input.value);
    try {
      if (parsed.kind === 'empty') return close();
      if (parsed.kind === 'coordinates') {
        const [lon, lat] = gcj.checked
          ? (gcoord.transform([parsed.lon, parsed.lat], gcoord.GCJ02, gcoord.WGS84) as [number, number])
          : [parsed.lon, parsed.lat];
        close();
        options.onCoordinates({ lon, lat });
        return;
      }
      if (parsed.kind === 'incident') {
        const answer = await apiGet<AnswerOf<typeof listIncidentsRoute>>(`/api/incidents?${query({ number: parsed.number, state: 'all' })}`);
        if (mine !== searchId) return;
        if (answer.incidents.length === 0) return message(t('searchNoResult', { query: parsed.number }));
        close();
        options.onIncident(Number(answer.incidents[0].id));
        return;
      }
      const answer = await apiGet<AnswerOf<typeof searchUnitsRoute>>(`/api/units/search?${query({ q: parsed.text, limit: 8 })}`);
      if (mine !== searchId) return;
      // Units above the caller's jurisdiction come back by name only (no extent to fly to): not offered.
      const units = answer.units.filter((u): u is Unit => !('nameOnly' in u));
      if (units.length === 0) return message(t('searchNoResult', { query: parsed.text }));
      replaceChildren(
        results,
        units.map((unit) =>
          el(
            'li',
            {
              attrs: { role: 'option', tabindex: 0 },
              on: {
                click: () => {
                  close();
                  options.onUnit(unit);
                },
                keydown: (e) => {
                  if (e.key === 'Enter') {
                    close();
                    options.onUnit(unit);
                  }
                },
              },
            },
            [unit.name, ' ', el('span', { className: 'muted' }, [`${t(`level.${unit.level}`)} · ${unit.code}`])],
          ),
        ),
      );
      results.hidden = false;
    } catch (error) {
      if (mine === searchId) message(describeError(error));
    }
  }

  const form = el(
    'form',
    {
      className: 'search-box',
      attrs: { role: 'search' },
      on: {
        submit: (e) => {
          e.preventDefault();
          void run();
        },
        keydown: (e) => {
          if (e.key === 'Escape') {
            close();
            input.blur();
          }
        },
      },
    },
    [input, gcjLabel, results],
  );

  const render = () => {
    input.placeholder = t('searchPlaceholder');
    input.setAttribute('aria-label', t('searchPlaceholder'));
    gcjLabel.title = t('searchGcjTitle');
    gcjLabel.lastElementChild!.textContent = t('searchGcj');
  };
  render();
  return {
    element: form,
    focus: () => {
      input.focus();
      input.select();
    },
    render,
  };
}
