/**
 * Hotline entry (右 panel): place the case by clicking the map or typing coordinates (WGS84 / GCJ-02 / BD-09),
 * category from /api/incident-categories, optional grade override → POST /api/incidents; shows where it was
 * located and the duplicate suggestions intake returns.
 */
import { GRADES } from '../../server/contract/incident-vocabulary.js';
import { apiPost } from '../api/api-client.js';
import type { Category, IntakeAnswer } from '../api/api-types.js';
import { describeError } from '../app/api-error-text.js';
import { el, replaceChildren } from '../app/dom.js';
import { formatDistance } from '../app/format.js';
import { currentLanguage, t } from '../i18n.js';

export interface NewIncidentPanel {
  element: HTMLElement;
  /** Sets the coordinates (a map click while the form is open). */
  place(point: { lon: number; lat: number }): void;
  reset(): void;
  render(): void;
}

export function createNewIncidentPanel(options: {
  categories: Category[];
  onCreated(answer: IntakeAnswer): void;
  onOpenIncident(id: number): void;
  onClose(): void;
}): NewIncidentPanel {
  const element = el('section', { className: 'panel new-incident-panel', testId: 'new-incident' });
  const values = {
    category: options.categories[0]?.code ?? '',
    grade: '',
    description: '',
    address: '',
    lon: '',
    lat: '',
    crs: 'wgs84',
    name: '',
    phone: '',
  };
  let answer: IntakeAnswer | null = null;
  let failure: unknown = null;
  let busy = false;

  const input = (key: keyof typeof values, attrs: Record<string, string | number | boolean>) =>
    el('input', { attrs: { name: key, value: values[key], ...attrs }, on: { input: (e) => (values[key] = (e.target as HTMLInputElement).value) } });
  const select = (key: keyof typeof values, choices: [string, string][]) =>
    el(
      'select',
      { attrs: { name: key }, on: { change: (e) => (values[key] = (e.target as HTMLSelectElement).value) } },
      choices.map(([value, label]) => el('option', { attrs: { value, selected: value === values[key] } }, [label])),
    );
  const row = (labelKey: string, control: HTMLElement) => el('label', {}, [el('span', {}, [t(labelKey)]), control]);

  async function submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    busy = true;
    failure = null;
    render();
    try {
      const reporter = values.name || values.phone ? { name: values.name || null, phone: values.phone || null } : null;
      answer = await apiPost<IntakeAnswer>('/api/incidents', {
        source: 'hotline_12345',
        category: values.category,
        description: values.description,
        address: values.address || null,
        lon: Number(values.lon),
        lat: Number(values.lat),
        crs: values.crs,
        ...(values.grade ? { grade: values.grade } : {}),
        reporter,
      });
      values.description = '';
      values.address = '';
      values.name = '';
      values.phone = '';
      options.onCreated(answer);
    } catch (error) {
      failure = error;
    }
    busy = false;
    render();
  }

  function render(): void {
    const en = currentLanguage() === 'en';
    const result = answer
      ? el('div', { className: 'intake-result', testId: 'intake-result', attrs: { role: 'status' } }, [
          el('p', {}, [
            t('created', {
              number: answer.incident.number,
              place: [answer.location.street.name, answer.location.community.name, answer.location.microGrid.name].join(' · '),
            }),
          ]),
          el('button', { className: 'link-button', attrs: { type: 'button' }, on: { click: () => options.onOpenIncident(answer!.incident.id) } }, [
            t('openIncident'),
          ]),
          answer.duplicates.length > 0
            ? el('div', { className: 'duplicates', testId: 'duplicates' }, [
                el('p', {}, [t('duplicates')]),
                el(
                  'ul',
                  { className: 'plain-list' },
                  answer.duplicates.map((d) =>
                    el('li', {}, [
                      el('button', { className: 'link-button', attrs: { type: 'button' }, on: { click: () => options.onOpenIncident(d.id) } }, [
                        d.number,
                      ]),
                      ` · ${t(`state.${d.state}`)} · ${formatDistance(d.distance_m)}`,
                    ]),
                  ),
                ),
              ])
            : null,
        ])
      : null;
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
      el('h2', {}, [t('newIncidentTitle')]),
      el('p', { className: 'muted' }, [t('newIncidentHint')]),
      el('form', { className: 'stacked-form', on: { submit: (e) => void submit(e as SubmitEvent) } }, [
        row(
          'category',
          select(
            'category',
            options.categories.map((c) => [c.code, en ? c.name_en : c.name_zh]),
          ),
        ),
        row('grade', select('grade', [['', t('gradeDefault')], ...GRADES.map((g): [string, string] => [g, t(`grade.${g}`)])])),
        row(
          'description',
          (() => {
            const area = el('textarea', {
              attrs: { name: 'description', rows: 3, required: true, minlength: 2, maxlength: 2000 },
              on: { input: (e) => (values.description = (e.target as HTMLTextAreaElement).value) },
            });
            area.value = values.description;
            return area;
          })(),
        ),
        row('address', input('address', { maxlength: 200 })),
        el('div', { className: 'coordinate-row' }, [
          row('longitude', input('lon', { required: true, inputmode: 'decimal', pattern: '-?\\d+(\\.\\d+)?' })),
          row('latitude', input('lat', { required: true, inputmode: 'decimal', pattern: '-?\\d+(\\.\\d+)?' })),
          row(
            'coordinateSystem',
            select('crs', [
              ['wgs84', 'WGS84'],
              ['gcj02', 'GCJ-02'],
              ['bd09', 'BD-09'],
            ]),
          ),
        ]),
        row('reporterName', input('name', { maxlength: 40, autocomplete: 'off' })),
        row('reporterPhone', input('phone', { maxlength: 20, autocomplete: 'off', pattern: '[0-9+\\-\\s]{3,20}' })),
        el('button', { className: 'primary', attrs: { type: 'submit', disabled: busy } }, [t(busy ? 'loading' : 'submit')]),
      ]),
      failure ? el('p', { className: 'error-text', attrs: { role: 'alert' } }, [describeError(failure)]) : null,
      result,
    ]);
  }

  render();
  return {
    element,
    place(point) {
      values.lon = point.lon.toFixed(6);
      values.lat = point.lat.toFixed(6);
      values.crs = 'wgs84';
      render();
    },
    reset() {
      answer = null;
      failure = null;
      render();
    },
    render,
  };
}
