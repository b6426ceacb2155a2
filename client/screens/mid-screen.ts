/**
 * The mid screen (/screen/mid/?unit=&period=&date=&from=&to=): a leader's desk or tablet, light and dark.
 * Breadcrumbs up the hierarchy (within the jurisdiction), a period switch (today / this week / this month /
 * custom), the situation figures, the child units' ranking (sortable, sparklines, the worst three marked), the
 * safety index of the children as a choropleth with its month-on-month change, the overdue cases and the
 * scorecards. Every figure drills down: a click lists the cases behind it (and shows them on the map); a unit
 * opens its own mid screen. Tables export as CSV and XLSX.
 */
import { ApiError } from '../api/api-client.js';
import { el, replaceChildren } from '../app/dom.js';
import { currentLanguage, registerMessages, setLanguage, t } from '../i18n.js';
import { createConsoleMap, type ConsoleMap, type LiveIncident } from '../map/console-map.js';
import { buildRankingColumns, buildScoreColumns, type RankingView } from './mid-columns.js';
import { periodSwitchChildren, readPeriod, screenUrl } from './mid-period.js';
import { scoreBand, SCORE_BANDS } from './mid-table-model.js';
import { createCasesDrawer, createSortableTable, drillFigure, exportableCardHead, type SortableTable } from './mid-widgets.js';
import { ensureScreenAccount } from './screen-auth.js';
import { formatChange, formatCount, formatDecimal, formatMinutes, formatRate, previousMonth } from './screen-format.js';
import { midLayers } from './screen-map-layers.js';
import { screenMessages } from './screen-messages.js';
import {
  fetchAncestors,
  fetchCases,
  fetchDailySeries,
  fetchHourlySeries,
  fetchRanking,
  fetchSafetyIndex,
  fetchScorecards,
  fetchSummary,
  fetchUnit,
  mapLimited,
  type PeriodChoice,
  type StatsCaseRow,
  type StatsScores,
  type UnitScore,
} from './stats-client.js';
import './mid-screen.css';
import type { AnswerOf } from '../../server/contract/api-route.js';
import type { categoriesRoute } from '../../server/incidents/incidents-contract.js';
import { GRADES } from '../../server/contract/incident-vocabulary.js';

registerMessages(screenMessages);

const THEME_KEY = 'gridops.theme';
/** Light and dark fills of the five score bands (worst → best), distinct in lightness as well as hue. */
const BAND_COLOURS = {
  light: ['#b91c1c', '#f97316', '#facc15', '#4ade80', '#15803d'],
  dark: ['#f43f5e', '#fb923c', '#fde047', '#4ade80', '#22c55e'],
};

async function main() {
  const root = document.getElementById('app')!;
  let theme: 'light' | 'dark' = localStorage.getItem(THEME_KEY) === 'dark' ? 'dark' : 'light';
  document.documentElement.dataset.theme = theme;
  document.documentElement.lang = currentLanguage();
  const account = await ensureScreenAccount(root);
  const params = new URLSearchParams(window.location.search);
  const unitCode = params.get('unit') ?? account.jurisdiction;
  const period = readPeriod(params);
  const month = (period.kind === 'range' ? (period.to ?? period.date) : period.date).slice(0, 7);
  const lang = currentLanguage();
  const inJurisdiction = (code: string) => account.jurisdiction === 'city' || code.startsWith(account.jurisdiction);

  const categories = new Map<string, { name_zh: string; name_en: string }>();
  const categoryName = (code: string) => {
    const c = categories.get(code);
    return c ? (currentLanguage() === 'en' ? c.name_en : c.name_zh) : code;
  };

  // ---- skeleton ----
  const crumbs = el('nav', { className: 'mid-crumbs', testId: 'breadcrumbs', attrs: { 'aria-label': 'breadcrumbs' } });
  const periodSwitch = el('div', { className: 'mid-period', testId: 'period-switch' });
  const summary = el('section', { className: 'mid-summary', testId: 'mid-summary' });
  const rankingBox = el('section', { className: 'mid-card' });
  const overdueBox = el('section', { className: 'mid-card' });
  const scoreBox = el('section', { className: 'mid-card' });
  const safetyList = el('ol', { className: 'mid-safety-list', testId: 'safety-list' });
  const safetyTitle = el('h2', {});
  const legend = el('div', { className: 'mid-legend' });
  const mapElement = el('div', { className: 'mid-map', testId: 'map' });
  const status = el('p', { className: 'mid-status', attrs: { role: 'status' } });
  let consoleMap: ConsoleMap | null = null;
  const drawer = createCasesDrawer(
    () => {
      drawer.hide();
      consoleMap?.setIncidents([]);
    },
    (row) => consoleMap?.flyTo(row.lon, row.lat, 16),
  );
  const header = el('header', { className: 'mid-header' }, [
    el('h1', {}, [t('screen.title.mid')]),
    crumbs,
    periodSwitch,
    el(
      'button',
      {
        attrs: { type: 'button' },
        testId: 'theme-toggle',
        on: {
          click: () => {
            theme = theme === 'dark' ? 'light' : 'dark';
            localStorage.setItem(THEME_KEY, theme);
            document.documentElement.dataset.theme = theme;
            consoleMap?.setTheme(theme);
            void drawSafety();
          },
        },
      },
      [t('screen.mid.theme')],
    ),
    el(
      'button',
      {
        attrs: { type: 'button' },
        testId: 'language-toggle',
        on: {
          click: () => {
            setLanguage(currentLanguage() === 'en' ? 'zh-CN' : 'en');
            window.location.reload();
          },
        },
      },
      [t('screen.mid.language')],
    ),
  ]);
  root.replaceChildren(
    el('div', { className: 'mid', testId: 'mid' }, [
      header,
      status,
      el('main', { className: 'mid-body' }, [
        el('div', { className: 'mid-left' }, [summary, rankingBox, overdueBox]),
        el('div', { className: 'mid-right' }, [
          el('section', { className: 'mid-card mid-map-card' }, [
            safetyTitle,
            el('div', { className: 'mid-map-wrap' }, [mapElement, drawer.element]),
            legend,
            safetyList,
          ]),
          scoreBox,
        ]),
      ]),
    ]),
  );

  // ---- period switch ----
  replaceChildren(periodSwitch, periodSwitchChildren(unitCode, period));

  // ---- drill-down ----
  const drill =
    (label: string, metric: string, unit = unitCode, on: PeriodChoice = period) =>
    async () => {
      try {
        const answer = await fetchCases(unit, on, metric, 200);
        drawer.show(label, answer, categoryName);
        const items = answer.items.map(caseToLive);
        consoleMap?.setIncidents(items);
        if (items.length > 0) {
          const lons = items.map((i) => i.lon);
          const lats = items.map((i) => i.lat);
          consoleMap?.fitBounds([Math.min(...lons) - 0.005, Math.min(...lats) - 0.005, Math.max(...lons) + 0.005, Math.max(...lats) + 0.005]);
        }
      } catch (error) {
        status.textContent = t('screen.mid.loadFailed', { reason: error instanceof ApiError ? error.code : String(error) });
      }
    };
  const monthPeriod = (m: string): PeriodChoice => ({ kind: 'month', date: `${m}-01` });

  // ---- data ----
  const [unitInfo, ancestors] = await Promise.all([
    unitCode === 'city' ? Promise.resolve(null) : fetchUnit(unitCode),
    unitCode === 'city' ? Promise.resolve(null) : fetchAncestors(unitCode),
    import('../api/api-client.js').then(({ apiGet }) =>
      apiGet<AnswerOf<typeof categoriesRoute>>('/api/incident-categories').then((a) => a.categories.forEach((c) => categories.set(c.code, c))),
    ),
  ]);
  const chain = [
    { code: 'city', name: t('screen.city') },
    ...(ancestors?.ancestors ?? [])
      .slice()
      .sort((a, b) => a.code.length - b.code.length)
      .map((a) => ({ code: a.code, name: a.name })),
    ...(unitInfo ? [{ code: unitInfo.code, name: unitInfo.name }] : []),
  ];
  replaceChildren(
    crumbs,
    chain.flatMap((c, i) => [
      i > 0 ? el('span', { className: 'mid-crumb-sep' }, ['›']) : null,
      c.code === unitCode || !inJurisdiction(c.code)
        ? el('span', { className: 'mid-crumb', attrs: { 'aria-current': c.code === unitCode ? 'page' : null } }, [c.name])
        : el('a', { className: 'mid-crumb', attrs: { href: screenUrl(c.code, period) } }, [c.name]),
    ]),
  );

  consoleMap = createConsoleMap({
    container: mapElement,
    theme,
    language: lang,
    bounds: unitInfo?.bbox,
    layers: midLayers,
    onMapClick: () => undefined,
  });

  const [summaryAnswer, ranking, safety, safetyBefore, scorecards, overdue] = await Promise.all([
    fetchSummary(unitCode, period),
    fetchRanking(unitCode, period, 'closureRate', 'desc'),
    fetchSafetyIndex(unitCode, month).catch(() => null),
    fetchSafetyIndex(unitCode, previousMonth(month)).catch(() => null),
    fetchScorecards(unitCode, month).catch(() => null),
    fetchCases(unitCode, period, 'overdue_now', 50),
  ]);

  // Situation figures: each a drill-down to its cases.
  const totals = summaryAnswer.totals;
  const figure = (labelKey: string, text: string, value: number | null, testId: string, metric: string | null) =>
    el('div', { className: 'mid-kpi' }, [
      el('span', { className: 'mid-kpi-label' }, [t(labelKey)]),
      drillFigure(text, value, testId, metric ? drill(t(labelKey), metric) : null),
    ]);
  replaceChildren(summary, [
    figure('screen.mid.incidents', formatCount(lang, totals.incidents), totals.incidents, 'mid-incidents', 'incidents'),
    figure('screen.mid.per1000', formatDecimal(lang, totals.per1000Households, 2), totals.per1000Households, 'mid-per1000', 'incidents'),
    figure('screen.mid.closed', formatCount(lang, totals.closed), totals.closed, 'mid-closed', 'closed'),
    figure('screen.mid.closureRate', formatRate(lang, totals.closureRate), totals.closureRate, 'mid-closure', 'closed'),
    figure('screen.mid.onTimeRate', formatRate(lang, totals.onTimeRate), totals.onTimeRate, 'mid-on-time', 'on_time.close'),
    figure('screen.mid.escalated', formatCount(lang, totals.escalated), totals.escalated, 'mid-escalated', 'escalated'),
    figure('screen.mid.repeats', formatCount(lang, totals.repeats), totals.repeats, 'mid-repeats', 'repeat'),
    figure('screen.mid.satisfaction', formatDecimal(lang, totals.satisfactionMean, 2), totals.satisfactionMean, 'mid-satisfaction', 'rated'),
    figure('screen.mid.openNow', formatCount(lang, totals.openNow), totals.openNow, 'mid-open', 'open_now'),
    figure('screen.mid.overdueNow', formatCount(lang, totals.overdueNow), totals.overdueNow, 'mid-overdue', 'overdue_now'),
    ...(['red', 'orange', 'yellow', 'blue'] as const).map((g) =>
      figure(`screen.grade.${g}`, formatCount(lang, summaryAnswer.byGrade[g] ?? 0), summaryAnswer.byGrade[g] ?? 0, `mid-grade-${g}`, `grade.${g}`),
    ),
  ]);

  // Ranking of the children, with the safety index and a sparkline each.
  const safetyByCode = new Map((safety?.children ?? []).map((c) => [c.code, c]));
  const sparkFor = new Map<string, number[]>();
  const view: RankingView = {
    language: lang,
    safety: (code) => safetyByCode.get(code)?.score ?? null,
    spark: (code) => sparkFor.get(code) ?? [],
    unitLink: (code) => (inJurisdiction(code) ? screenUrl(code, period) : null),
    drill: (label, metric, code) => drill(label, metric, code),
    formatMinutes: (m) => formatMinutes(lang, m),
  };
  const rankingTable = createSortableTable('ranking-table', buildRankingColumns(view), { key: 'closureRate', order: 'desc' });
  replaceChildren(rankingBox, [cardHead('screen.mid.ranking', rankingTable, 'ranking'), rankingTable.element]);
  rankingTable.setRows(ranking.rows);
  const sparkDays = period.kind === 'day' ? null : period.kind === 'range' ? [period.from!, period.to!] : null;
  void mapLimited(ranking.rows, 4, async (row) => {
    const series = sparkDays
      ? await fetchDailySeries(row.code, sparkDays[0], sparkDays[1])
      : period.kind === 'day'
        ? await fetchHourlySeries(row.code, period.date, 'none')
        : await fetchDailySeries(row.code, summaryAnswer.period.from, summaryAnswer.period.to);
    sparkFor.set(
      row.code,
      series.buckets.map((b) => b.incidents),
    );
  }).then(() => rankingTable.setRows(ranking.rows));

  // Overdue and late cases.
  const overdueRows = overdue.items;
  const overdueTable = createSortableTable<StatsCaseRow>(
    'overdue-table',
    [
      { key: 'number', titleKey: 'screen.col.number', value: (r) => r.number, text: (r) => r.number },
      {
        key: 'time',
        titleKey: 'screen.col.time',
        value: (r) => r.reportedAt,
        text: (r) => new Date(r.reportedAt).toLocaleString(lang, { timeZone: 'Asia/Shanghai', hour12: false }),
      },
      {
        key: 'grade',
        titleKey: 'screen.col.grade',
        value: (r) => GRADES.indexOf(r.grade),
        text: (r) => t(`screen.grade.${r.grade}`),
        cell: (r) => el('span', { className: `grade-tag grade-${r.grade}` }, [t(`screen.grade.${r.grade}`)]),
      },
      { key: 'category', titleKey: 'screen.col.category', value: (r) => categoryName(r.category), text: (r) => categoryName(r.category) },
      { key: 'state', titleKey: 'screen.col.state', value: (r) => r.state, text: (r) => t(`state.${r.state}`) },
    ],
    { key: 'time', order: 'asc' },
  );
  replaceChildren(overdueBox, [cardHead('screen.mid.overdue', overdueTable, 'overdue'), overdueTable.element]);
  overdueTable.setRows(overdueRows);

  // Scorecards.
  if (scorecards && scorecards.children.length > 0) {
    const scoreTable = createSortableTable<UnitScore>(
      'scorecard-table',
      buildScoreColumns(scorecards, view, (code, metric, label) => drill(label, metric, code, monthPeriod(scorecards.month))),
      { key: 'score', order: 'desc' },
    );
    replaceChildren(scoreBox, [cardHead('screen.mid.scorecards', scoreTable, 'scorecards', { month: scorecards.month }), scoreTable.element]);
    scoreTable.setRows(scorecards.children);
  } else {
    replaceChildren(scoreBox, [
      el('h2', {}, [t('screen.mid.scorecards', { month })]),
      el('p', { className: 'mid-muted' }, [t('screen.mid.noScorecards')]),
    ]);
  }

  // Safety index choropleth with month-on-month change.
  const geometries = new Map<string, NonNullable<Awaited<ReturnType<typeof fetchUnit>>['geometry']>>();
  await mapLimited(safety?.children ?? [], 4, async (child) => {
    const unit = await fetchUnit(child.code, true);
    if (unit.geometry) geometries.set(child.code, unit.geometry);
  });
  async function drawSafety() {
    if (!safety) return;
    const colours = BAND_COLOURS[theme];
    safetyTitle.textContent = t('screen.mid.choropleth', { month: safety.month });
    replaceChildren(
      legend,
      SCORE_BANDS.map((bound, i) =>
        el('span', { className: 'mid-legend-item' }, [
          el('span', { className: 'mid-swatch', attrs: { style: `background:${colours[i]}` } }),
          `≥ ${bound}`,
        ]),
      ),
    );
    consoleMap?.setLayerData({
      choropleth: {
        units: safety.children.flatMap((c) => {
          const band = scoreBand(c.score);
          const geometry = geometries.get(c.code);
          return band === null || !geometry ? [] : [{ code: c.code, geometry, color: colours[band] }];
        }),
      },
    });
    const before = new Map((safetyBefore?.children ?? []).map((c) => [c.code, c.score]));
    replaceChildren(
      safetyList,
      [...safety.children]
        .sort((a, b) => (b.score ?? -1) - (a.score ?? -1))
        .map((c) => {
          const change = c.score === null ? null : formatChange(lang, c.score, before.get(c.code) ?? null);
          const link = view.unitLink(c.code);
          return el('li', { dataset: { code: c.code } }, [
            link ? el('a', { attrs: { href: link } }, [c.name]) : c.name,
            drillFigure(
              formatDecimal(lang, c.score, 1),
              c.score,
              `safety-${c.code}`,
              drill(`${c.name} ${t('screen.mid.safetyIndex')}`, 'safety_weighted', c.code, monthPeriod(safety.month)),
            ),
            el('span', { className: 'mid-change' }, [change ? `${t('screen.mid.momChange')} ${change}` : '']),
          ]);
        }),
    );
  }
  await drawSafety();

  /** A card's title with its CSV and XLSX export buttons; the files are named after the unit and the period. */
  function cardHead(titleKey: string, table: Pick<SortableTable<unknown>, 'shown'>, fileName: string, values: Record<string, string> = {}) {
    const name = `${fileName}-${unitCode}-${period.kind}-${period.kind === 'range' ? `${period.from}_${period.to}` : period.date}`;
    return exportableCardHead(t(titleKey, values), table, fileName, name);
  }

  await consoleMap.ready;
  document.querySelector('.mid')?.setAttribute('data-mid-ready', 'true');
}

/** A case row of the stats API as the incidents layer draws it. */
function caseToLive(row: StatsCaseRow): LiveIncident {
  return {
    id: row.id,
    number: row.number,
    state: row.state === 'closed' || row.state === 'rejected' ? 'resolved' : row.state,
    grade: row.grade,
    category: row.category,
    source: row.source,
    lon: row.lon,
    lat: row.lat,
    microGridCode: row.microGridCode,
    communityCode: row.microGridCode.slice(0, 12),
    streetCode: row.microGridCode.slice(0, 9),
    districtCode: row.microGridCode.slice(0, 6),
    assignedWorkerCode: null,
    escalationLevel: row.escalationLevel,
    overdue: row.overdue,
    deadlineAt: null,
    reportedAt: row.reportedAt,
    generated: true,
  };
}

main().catch((error: unknown) => {
  console.error('[mid] could not start', error);
});

export type { StatsScores };
