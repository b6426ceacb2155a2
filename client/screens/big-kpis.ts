/**
 * The big screen's KPI tiles (left column): today's incidents with the change against the same weekday last
 * week, by grade (colour AND label) and by source, closure and on-time rates, median times to accept and to
 * dispatch, open and overdue cases, open alarms, summonses; workers, cameras and sensors "now" when the summary
 * carries them. Each figure element keeps its raw value in `data-value` (the browser tests compare it with the
 * API). Built once; update() only changes texts.
 */
import { el } from '../app/dom.js';
import { currentLanguage, t } from '../i18n.js';
import { GRADE_RANK, GRADES, SOURCES, type Grade, type IncidentSource } from '../../server/contract/incident-vocabulary.js';
import { formatChange, formatCount, formatMinutes, formatRate } from './screen-format.js';
import type { StatsNow, StatsSeries, StatsSummary } from './stats-client.js';

/** The grades most urgent first, as the wall reads them. */
const GRADES_BY_URGENCY = [...GRADES].sort((a, b) => GRADE_RANK[a] - GRADE_RANK[b]);

export interface KpiTiles {
  element: HTMLElement;
  /** `now`: GET /api/stats/now (null until it answers: "—"); `liveAlarms`: open alarms among the live open cases, until then. */
  update(input: { summary: StatsSummary; hourly: StatsSeries | null; now: StatsNow | null; liveAlarms: number }): void;
  relabel(): void;
}

function figure(testId: string, size: 'xl' | 'l' | 'm' = 'l') {
  const value = el('span', { className: `kpi-figure kpi-figure-${size}`, testId, attrs: { 'data-value': '' } }, ['—']);
  return value;
}

export function createKpiTiles(): KpiTiles {
  const labels: [HTMLElement, string][] = [];
  const label = (key: string) => {
    const node = el('span', { className: 'kpi-label' }, [t(key)]);
    labels.push([node, key]);
    return node;
  };
  const today = figure('kpi-today', 'xl');
  const change = el('span', { className: 'kpi-change', testId: 'kpi-today-change' });
  const grades = Object.fromEntries(GRADES.map((g) => [g, figure(`kpi-grade-${g}`, 'm')])) as Record<Grade, HTMLElement>;
  const sources = Object.fromEntries(SOURCES.map((s) => [s, figure(`kpi-source-${s}`, 'm')])) as Record<IncidentSource, HTMLElement>;
  const closure = figure('kpi-closure');
  const onTime = figure('kpi-on-time');
  const accept = figure('kpi-accept', 'm');
  const dispatch = figure('kpi-dispatch', 'm');
  const open = figure('kpi-open');
  const overdue = figure('kpi-overdue');
  const alarms = figure('kpi-alarms');
  const summonses = figure('kpi-summonses');
  const summonsesLate = el('span', { className: 'kpi-change' });
  const workers = figure('kpi-workers');
  const cameras = figure('kpi-cameras', 'm');
  const sensors = figure('kpi-sensors', 'm');

  const gradeChips = GRADES_BY_URGENCY.map((g) => el('div', { className: `grade-chip grade-${g}` }, [label(`screen.grade.${g}`), grades[g]]));
  const sourceChips = SOURCES.map((s) => el('div', { className: 'source-chip' }, [label(`screen.source.${s}`), sources[s]]));
  const tile = (children: (Node | string)[], className = '') => el('div', { className: `kpi-tile ${className}` }, children);

  const element = el('section', { className: 'wall-kpis', testId: 'wall-kpis' }, [
    tile([label('screen.kpi.today'), el('div', { className: 'kpi-row' }, [today, change])], 'kpi-tile-hero'),
    tile([label('screen.kpi.byGrade'), el('div', { className: 'chip-row' }, gradeChips)]),
    tile([label('screen.kpi.bySource'), el('div', { className: 'chip-grid' }, sourceChips)], 'kpi-tile-sources'),
    el('div', { className: 'kpi-pair' }, [tile([label('screen.kpi.closure'), closure]), tile([label('screen.kpi.onTime'), onTime])]),
    el('div', { className: 'kpi-pair' }, [tile([label('screen.kpi.response'), accept]), tile([label('screen.kpi.dispatch'), dispatch])]),
    el('div', { className: 'kpi-pair' }, [tile([label('screen.kpi.open'), open]), tile([label('screen.kpi.overdue'), overdue], 'kpi-alert')]),
    el('div', { className: 'kpi-pair' }, [
      tile([label('screen.kpi.alarms'), alarms]),
      tile([label('screen.kpi.summonses'), el('div', { className: 'kpi-row' }, [summonses, summonsesLate])]),
    ]),
    el('div', { className: 'kpi-pair' }, [
      tile([label('screen.kpi.workers'), workers]),
      tile([
        el('div', { className: 'kpi-row' }, [label('screen.kpi.cameras'), cameras]),
        el('div', { className: 'kpi-row' }, [label('screen.kpi.sensors'), sensors]),
      ]),
    ]),
  ]);

  const set = (node: HTMLElement, value: number | null, text: string) => {
    node.dataset.value = value === null ? '' : String(value);
    if (node.textContent !== text) node.textContent = text;
  };
  const ratio = (a?: number, b?: number) => (a === undefined || !b ? null : a / b);

  return {
    element,
    update({ summary, hourly, now, liveAlarms }) {
      const lang = currentLanguage();
      const totals = summary.totals;
      set(today, totals.incidents, formatCount(lang, totals.incidents));
      // The same weekday last week up to the same hour: the compare buckets up to the last bucket with today's data.
      let before: number | null = null;
      if (hourly?.compare) {
        const hour = Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', hour: '2-digit', hour12: false }).format(new Date())) % 24;
        before = hourly.compare.buckets.slice(0, hour + 1).reduce((sum, b) => sum + b.incidents, 0);
      }
      const changeText = formatChange(lang, totals.incidents, before);
      change.textContent = changeText ? t('screen.kpi.vsLastWeek', { change: changeText }) : '';
      change.dataset.direction = changeText?.startsWith('▲') ? 'up' : changeText?.startsWith('▼') ? 'down' : 'flat';
      for (const g of GRADES) set(grades[g], summary.byGrade[g] ?? 0, formatCount(lang, summary.byGrade[g] ?? 0));
      for (const s of SOURCES) set(sources[s], summary.bySource[s] ?? 0, formatCount(lang, summary.bySource[s] ?? 0));
      set(closure, totals.closureRate, formatRate(lang, totals.closureRate));
      set(onTime, totals.onTimeRate, formatRate(lang, totals.onTimeRate));
      const stage = (name: string) => summary.stages.find((s) => s.stage === name)?.medianMinutes ?? null;
      set(accept, stage('accept'), formatMinutes(lang, stage('accept')));
      set(dispatch, stage('dispatch'), formatMinutes(lang, stage('dispatch')));
      set(open, totals.openNow, formatCount(lang, totals.openNow));
      set(overdue, totals.overdueNow, formatCount(lang, totals.overdueNow));
      const openAlarms = now?.openAlarms ?? liveAlarms;
      set(alarms, openAlarms, formatCount(lang, openAlarms));
      // Open summonses now (not yet reported); today's late ones beside them.
      const openSummonses = now?.openSummonses ?? null;
      set(summonses, openSummonses, formatCount(lang, openSummonses));
      summonsesLate.textContent = totals.summonsesLate > 0 ? t('screen.kpi.summonsesLate', { n: formatCount(lang, totals.summonsesLate) }) : '';
      set(workers, now?.workersOnDuty ?? null, formatCount(lang, now?.workersOnDuty));
      set(cameras, ratio(now?.camerasOnline, now?.camerasTotal), formatRate(lang, ratio(now?.camerasOnline, now?.camerasTotal)));
      set(sensors, ratio(now?.sensorsOnline, now?.sensorsTotal), formatRate(lang, ratio(now?.sensorsOnline, now?.sensorsTotal)));
    },
    relabel() {
      for (const [node, key] of labels) node.textContent = t(key);
    },
  };
}
