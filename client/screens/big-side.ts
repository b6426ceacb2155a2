/**
 * The big screen's right column: the ranking of the child units by closure rate (a bar per unit) and the live
 * feed of the newest cases (a red case's row flashes for FLASH_MS, then settles). Only as many rows as fit are
 * drawn (no scrolling, nothing cut); rows are rebuilt from the bounded store, so nothing grows.
 */
import { el, replaceChildren } from '../app/dom.js';
import { currentLanguage, t } from '../i18n.js';
import type { FeedEntry } from './wall-store.js';
import { FLASH_MS } from './wall-store.js';
import { formatRate, formatTimeOfDay } from './screen-format.js';
import type { RankingRow } from './stats-client.js';

export interface SidePanels {
  element: HTMLElement;
  setRanking(level: string, rows: readonly RankingRow[], focus: string | null): void;
  setFeed(entries: readonly FeedEntry[], now: number): void;
  relabel(): void;
}

export interface SideOptions {
  categoryName(code: string): string;
  placeName(incident: FeedEntry['incident']): string;
}

/** Rows that fit a list of this height, each row `rowPx` high. */
export function rowsThatFit(listHeight: number, rowPx: number): number {
  return rowPx <= 0 ? 0 : Math.max(0, Math.floor(listHeight / rowPx));
}

export function createSidePanels(options: SideOptions): SidePanels {
  const rankingTitle = el('h2', { className: 'panel-title', testId: 'ranking-title' });
  const rankingList = el('ol', { className: 'ranking-list', testId: 'wall-ranking' });
  const feedTitle = el('h2', { className: 'panel-title' }, [t('screen.feed.title')]);
  const feedList = el('ol', { className: 'feed-list', testId: 'wall-feed' });
  const element = el('section', { className: 'wall-side' }, [
    el('div', { className: 'side-ranking' }, [rankingTitle, rankingList]),
    el('div', { className: 'side-feed' }, [feedTitle, feedList]),
  ]);
  let rankingLevel = '';
  let lastRanking: { rows: readonly RankingRow[]; focus: string | null } = { rows: [], focus: null };
  const rowPx = () => parseFloat(getComputedStyle(document.documentElement).fontSize) * 2.3;

  const drawRanking = () => {
    const lang = currentLanguage();
    const fit = rowsThatFit(rankingList.clientHeight, rowPx());
    rankingTitle.textContent = t('screen.ranking.title', { level: rankingLevel ? t(`screen.level.${rankingLevel}`) : t('screen.ranking.child') });
    replaceChildren(
      rankingList,
      lastRanking.rows.slice(0, fit).map((row) =>
        el(
          'li',
          {
            className: `ranking-row${row.code === lastRanking.focus ? ' is-focus' : ''}`,
            dataset: { code: row.code, value: row.closureRate === null ? '' : String(row.closureRate) },
          },
          [
            el('span', { className: 'ranking-rank' }, [String(row.rank)]),
            el('span', { className: 'ranking-name' }, [row.name]),
            el('span', { className: 'ranking-bar' }, [
              el('span', { className: 'ranking-bar-fill', attrs: { style: `width:${Math.round((row.closureRate ?? 0) * 100)}%` } }),
            ]),
            el('span', { className: 'ranking-value' }, [formatRate(lang, row.closureRate)]),
          ],
        ),
      ),
    );
  };

  return {
    element,
    setRanking(level, rows, focus) {
      rankingLevel = level;
      lastRanking = { rows, focus };
      drawRanking();
    },
    setFeed(entries, now) {
      const lang = currentLanguage();
      const fit = rowsThatFit(feedList.clientHeight, rowPx());
      if (entries.length === 0) {
        replaceChildren(feedList, [el('li', { className: 'feed-empty' }, [t('screen.feed.empty')])]);
        return;
      }
      replaceChildren(
        feedList,
        entries.slice(0, fit).map(({ incident, seenAt }) =>
          el(
            'li',
            {
              className: `feed-row${incident.grade === 'red' && now - seenAt < FLASH_MS ? ' is-flashing' : ''}`,
              dataset: { id: String(incident.id), number: incident.number, grade: incident.grade },
            },
            [
              el('span', { className: 'feed-time' }, [formatTimeOfDay(lang, new Date(incident.reportedAt))]),
              el('span', { className: `grade-tag grade-${incident.grade}` }, [t(`screen.grade.${incident.grade}`)]),
              el('span', { className: 'feed-category' }, [options.categoryName(incident.category)]),
              el('span', { className: 'feed-place' }, [options.placeName(incident)]),
            ],
          ),
        ),
      );
    },
    relabel() {
      feedTitle.textContent = t('screen.feed.title');
      drawRanking();
    },
  };
}
