/**
 * The mid screen's period (/screen/mid/?unit=&period=day|week|month|range&date=&from=&to=): read from the address,
 * written into links, and the switch between today, this week, this month and a custom range.
 */
import { el } from '../app/dom.js';
import { t } from '../i18n.js';
import { shanghaiDay } from './screen-format.js';
import type { PeriodChoice } from './stats-client.js';

export function readPeriod(params: URLSearchParams): PeriodChoice {
  const kind = params.get('period');
  const date = params.get('date') ?? shanghaiDay(new Date());
  if (kind === 'range' && params.get('from') && params.get('to')) return { kind, date, from: params.get('from')!, to: params.get('to')! };
  return { kind: kind === 'week' || kind === 'month' ? kind : 'day', date };
}

export function screenUrl(unit: string, period: PeriodChoice): string {
  const params = new URLSearchParams({ unit, period: period.kind });
  if (period.kind === 'range') {
    params.set('from', period.from ?? period.date);
    params.set('to', period.to ?? period.date);
  } else params.set('date', period.date);
  return `/screen/mid/?${params.toString()}`;
}

/** The period links and the custom range form, for the screen of `unitCode`. */
export function periodSwitchChildren(unitCode: string, period: PeriodChoice): HTMLElement[] {
  const fromInput = el('input', { attrs: { type: 'date', name: 'from', value: period.from ?? period.date } });
  const toInput = el('input', { attrs: { type: 'date', name: 'to', value: period.to ?? period.date } });
  return [
    ...(['day', 'week', 'month'] as const).map((kind) =>
      el(
        'a',
        {
          className: `mid-period-link${period.kind === kind ? ' is-current' : ''}`,
          attrs: { href: screenUrl(unitCode, { kind, date: period.date }), 'aria-current': period.kind === kind ? 'page' : null },
        },
        [t(`screen.period.${kind}`)],
      ),
    ),
    el(
      'form',
      {
        className: 'mid-range',
        on: {
          submit: (event) => {
            event.preventDefault();
            window.location.href = screenUrl(unitCode, { kind: 'range', date: period.date, from: fromInput.value, to: toInput.value });
          },
        },
      },
      [
        el('span', { className: `mid-period-label${period.kind === 'range' ? ' is-current' : ''}` }, [t('screen.period.range')]),
        fromInput,
        toInput,
        el('button', { attrs: { type: 'submit' } }, [t('screen.period.apply')]),
      ],
    ),
  ];
}
