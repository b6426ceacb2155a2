/**
 * The columns of the mid screen's ranking and scorecard tables: what each shows, which way is better (for the
 * worst three), and what a click on a figure drills into (the cases of that child unit).
 */
import { el } from '../app/dom.js';
import { t } from '../i18n.js';
import type { TableColumn } from './mid-widgets.js';
import { drillFigure, sparkline } from './mid-widgets.js';
import { formatCount, formatDecimal, formatRate, type ScreenLanguage } from './screen-format.js';
import type { RankingRow, StatsScores, UnitScore } from './stats-client.js';

export interface RankingView {
  language: ScreenLanguage;
  safety(code: string): number | null;
  spark(code: string): number[];
  /** The child's own mid screen, or null outside the jurisdiction. */
  unitLink(code: string): string | null;
  drill(label: string, metric: string, code: string): () => void;
  formatMinutes(minutes: number | null): string;
}

type NumberKey =
  'incidents' | 'per1000Households' | 'closureRate' | 'onTimeRate' | 'medianResolveMinutes' | 'satisfactionMean' | 'overdueNow' | 'repeats';

export function buildRankingColumns(view: RankingView): TableColumn<RankingRow>[] {
  const lang = view.language;
  const numeric = (
    key: NumberKey,
    titleKey: string,
    better: 'higher' | 'lower',
    text: (v: number | null) => string,
    metric: string | null,
  ): TableColumn<RankingRow> => ({
    key,
    titleKey,
    better,
    value: (r) => r[key],
    text: (r) => text(r[key]),
    cell: (r) => drillFigure(text(r[key]), r[key], `rank-${key}-${r.code}`, metric ? view.drill(`${r.name} · ${t(titleKey)}`, metric, r.code) : null),
  });
  return [
    {
      key: 'name',
      titleKey: 'screen.col.unit',
      value: (r) => r.name,
      text: (r) => r.name,
      cell: (r) => {
        const link = view.unitLink(r.code);
        return link ? el('a', { className: 'mid-unit-link', attrs: { href: link }, dataset: { code: r.code } }, [r.name]) : r.name;
      },
    },
    numeric('incidents', 'screen.mid.incidents', 'lower', (v) => formatCount(lang, v), 'incidents'),
    numeric('per1000Households', 'screen.mid.per1000', 'lower', (v) => formatDecimal(lang, v, 2), 'incidents'),
    numeric('closureRate', 'screen.mid.closureRate', 'higher', (v) => formatRate(lang, v), 'closed'),
    numeric('onTimeRate', 'screen.mid.onTimeRate', 'higher', (v) => formatRate(lang, v), 'on_time.close'),
    numeric('medianResolveMinutes', 'screen.mid.medianResolve', 'lower', (v) => view.formatMinutes(v), 'resolved'),
    numeric('satisfactionMean', 'screen.mid.satisfaction', 'higher', (v) => formatDecimal(lang, v, 2), 'rated'),
    numeric('overdueNow', 'screen.mid.overdueNow', 'lower', (v) => formatCount(lang, v), 'overdue_now'),
    {
      key: 'safety',
      titleKey: 'screen.mid.safetyIndex',
      better: 'higher',
      value: (r) => view.safety(r.code),
      text: (r) => formatDecimal(lang, view.safety(r.code), 1),
    },
    {
      key: 'trend',
      titleKey: 'screen.mid.trend',
      sortable: false,
      value: () => null,
      text: (r) => view.spark(r.code).join(' '),
      cell: (r) => sparkline(view.spark(r.code)),
    },
  ];
}

export function buildScoreColumns(
  scores: StatsScores,
  view: RankingView,
  drill: (code: string, metric: string, label: string) => () => void,
): TableColumn<UnitScore>[] {
  const lang = view.language;
  const componentKeys = scores.children[0]?.components.map((c) => c.key) ?? [];
  const componentTitle = (key: string) => `screen.component.${key}`;
  return [
    {
      key: 'name',
      titleKey: 'screen.col.unit',
      value: (r) => r.name,
      text: (r) => r.name,
      cell: (r) => {
        const link = view.unitLink(r.code);
        return link ? el('a', { attrs: { href: link } }, [r.name]) : r.name;
      },
    },
    { key: 'score', titleKey: 'screen.mid.score', better: 'higher', value: (r) => r.score, text: (r) => formatDecimal(lang, r.score, 1) },
    ...componentKeys.map((key): TableColumn<UnitScore> => ({
      key: `component.${key}`,
      titleKey: componentTitle(key),
      better: 'higher',
      value: (r) => r.components.find((c) => c.key === key)?.score ?? null,
      text: (r) => formatDecimal(lang, r.components.find((c) => c.key === key)?.score ?? null, 1),
      cell: (r) => {
        const component = r.components.find((c) => c.key === key);
        const text = formatDecimal(lang, component?.score ?? null, 1);
        return drillFigure(
          text,
          component?.score ?? null,
          `score-${key}-${r.code}`,
          component ? drill(r.code, component.casesMetric, `${r.name} · ${t(componentTitle(key))}`) : null,
        );
      },
    })),
  ];
}
