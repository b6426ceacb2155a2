/** My history: the cases I hold or handled (GET /api/field/history), and what this phone sent or still holds. */
import type { AnswerOf } from '../../server/contract/api-route.js';
import type { fieldHistoryRoute } from '../../server/field/field-contract.js';
import { apiGet } from '../api/api-client.js';
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';
import type { FieldContext } from './field-context.js';
import { categoryName, stateName } from './mobile-format.js';
import { outboxList } from './outbox-view.js';

type HistoryCase = AnswerOf<typeof fieldHistoryRoute>['cases'][number];

export function renderHistoryScreen(root: HTMLElement, ctx: FieldContext): () => void {
  let alive = true;
  const cases = el('div', { testId: 'history-cases' }, [el('p', { className: 'muted' }, ['…'])]);
  const outbox = el('div', { testId: 'history-outbox' });
  const drawOutbox = async () => {
    const items = await ctx.outbox.list();
    if (alive) replaceChildren(outbox, [outboxList(items, (seq) => void ctx.outbox.dismiss(seq))]);
  };
  const stop = ctx.outbox.onChange(() => void drawOutbox());
  void drawOutbox();
  void apiGet<{ cases: HistoryCase[] }>('/api/field/history')
    .then(({ cases: list }) => {
      if (!alive) return;
      replaceChildren(cases, [
        list.length === 0
          ? el('p', { className: 'muted' }, [t('m.historyEmpty')])
          : el(
              'ul',
              { className: 'm-list' },
              list.map((c) =>
                el('li', {}, [
                  el('span', { className: `m-grade-dot m-grade-${c.grade}`, attrs: { 'aria-hidden': 'true' } }),
                  el('strong', {}, [categoryName(c)]),
                  ' ',
                  el('span', {}, [stateName(c.state)]),
                  c.resolved_by_me ? el('span', { className: 'muted' }, [' · ', t('m.resolvedByMe')]) : null,
                  el('div', { className: 'muted' }, [[c.number, c.address].filter(Boolean).join(' · ')]),
                ]),
              ),
            ),
      ]);
    })
    .catch(() => alive && replaceChildren(cases, [el('p', { className: 'muted' }, [t('m.offline')])]));
  replaceChildren(root, [
    el('section', { className: 'm-screen m-history' }, [el('h2', {}, [t('m.historyOutbox')]), outbox, el('h2', {}, [t('m.historyCases')]), cases]),
  ]);
  return () => {
    alive = false;
    stop();
  };
}
