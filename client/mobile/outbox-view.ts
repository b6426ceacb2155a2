/** The outbox as the worker sees it: each item with its state, a refused one with its reason and a dismiss button. */
import { el } from '../app/dom.js';
import { describeError } from '../app/api-error-text.js';
import { ApiError } from '../api/api-client.js';
import { hasMessage, t } from '../i18n.js';
import { formatMetres } from './mobile-format.js';
import type { OutboxItem } from './outbox-rules.js';

export function describeOutboxError(item: OutboxItem): string {
  const error = item.error;
  if (!error) return '';
  if (error.code === 'too_far_from_case') {
    return error.distanceMetres === undefined
      ? t('m.error.too_far_from_case')
      : t('m.tooFar', { distance: formatMetres(error.distanceMetres), radius: error.radiusMetres ?? '' });
  }
  if (error.reason && hasMessage(`m.error.${error.reason}`)) return t(`m.error.${error.reason}`);
  return describeError(new ApiError(error.status, error.code, error.message ?? ''));
}

export function outboxList(items: readonly OutboxItem[], onDismiss: (seq: number) => void): HTMLElement {
  if (items.length === 0) return el('p', { className: 'muted' }, [t('m.historyEmpty')]);
  return el(
    'ul',
    { className: 'm-list', testId: 'outbox-list' },
    items.map((item) =>
      el('li', { className: `m-outbox-item m-outbox-${item.state}`, dataset: { state: item.state } }, [
        el('span', { className: 'm-outbox-state' }, [t(`m.${item.state}`)]),
        el('span', { className: 'm-outbox-label' }, [item.label]),
        item.state === 'sent' && (item.answer as { incident?: { number?: string } } | undefined)?.incident?.number
          ? el('span', { className: 'muted' }, [(item.answer as { incident: { number: string } }).incident.number])
          : null,
        item.state === 'failed'
          ? el('span', { className: 'error-text' }, [
              describeOutboxError(item),
              ' ',
              el('button', { className: 'm-button small', attrs: { type: 'button' }, on: { click: () => onDismiss(item.seq) } }, [t('m.dismiss')]),
            ])
          : null,
      ]),
    ),
  );
}
