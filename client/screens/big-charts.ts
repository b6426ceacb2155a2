/**
 * The big screen's two trend charts (ECharts): today by hour against the same weekday last week (lines) and the
 * last 30 days (bars). Each chart is created once and reused: update() sets new data on the same instance (no
 * growth over days), resize() follows the wall, dispose() frees them.
 */
import { el } from '../app/dom.js';
import { t } from '../i18n.js';
import { createChart, type Chart } from './echarts-setup.js';
import type { StatsSeries } from './stats-client.js';

export interface TrendCharts {
  element: HTMLElement;
  update(hourly: StatsSeries | null, daily: StatsSeries | null): void;
  resize(): void;
  relabel(): void;
  dispose(): void;
}

const ACCENT = '#38bdf8';

/** The hour of the day in Asia/Shanghai: today's line stops there (the hours to come are not zeros). */
function currentHour(): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', hour: '2-digit', hour12: false }).format(new Date())) % 24;
}
const COMPARE = '#94a3b8';

export function createTrendCharts(): TrendCharts {
  const hourlyTitle = el('h2', { className: 'panel-title' }, [t('screen.chart.todayByHour')]);
  const dailyTitle = el('h2', { className: 'panel-title' }, [t('screen.chart.last30Days')]);
  const hourlyBox = el('div', { className: 'chart-box', testId: 'chart-hourly' });
  const dailyBox = el('div', { className: 'chart-box', testId: 'chart-daily' });
  const element = el('section', { className: 'wall-charts', testId: 'wall-charts' }, [
    el('div', { className: 'chart-panel' }, [hourlyTitle, hourlyBox]),
    el('div', { className: 'chart-panel' }, [dailyTitle, dailyBox]),
  ]);
  let hourlyChart: Chart | null = null;
  let dailyChart: Chart | null = null;
  let last: [StatsSeries | null, StatsSeries | null] = [null, null];

  const fontSize = () => Math.max(12, Math.round(window.innerHeight / 70));
  const axis = (size: number) => ({ color: '#cbd5e1', fontSize: size });

  const draw = () => {
    const [hourly, daily] = last;
    if (!element.isConnected) return;
    hourlyChart ??= createChart(hourlyBox);
    dailyChart ??= createChart(dailyBox);
    const size = fontSize();
    if (hourly) {
      hourlyChart.setOption({
        animation: false,
        textStyle: { fontFamily: "'Noto Sans CJK SC', sans-serif" },
        grid: { left: size * 3, right: size, top: size * 2.2, bottom: size * 1.8 },
        legend: { top: 0, right: 0, textStyle: axis(size), data: [t('screen.chart.today'), t('screen.chart.lastWeek')] },
        xAxis: {
          type: 'category',
          data: hourly.buckets.map((b) => b.bucket.slice(11, 13)),
          axisLabel: axis(size),
          axisLine: { lineStyle: { color: '#475569' } },
        },
        yAxis: { type: 'value', axisLabel: axis(size), splitLine: { lineStyle: { color: '#1e293b' } }, minInterval: 1 },
        series: [
          {
            name: t('screen.chart.today'),
            type: 'line',
            data: hourly.buckets.map((b, i) => (i <= currentHour() ? b.incidents : null)),
            lineStyle: { width: 3, color: ACCENT },
            itemStyle: { color: ACCENT },
            symbol: 'none',
            areaStyle: { color: 'rgba(56,189,248,0.15)' },
          },
          {
            name: t('screen.chart.lastWeek'),
            type: 'line',
            data: hourly.compare?.buckets.map((b) => b.incidents) ?? [],
            lineStyle: { width: 2, type: 'dashed', color: COMPARE },
            itemStyle: { color: COMPARE },
            symbol: 'none',
          },
        ],
      });
    }
    if (daily) {
      dailyChart.setOption({
        animation: false,
        textStyle: { fontFamily: "'Noto Sans CJK SC', sans-serif" },
        grid: { left: size * 3, right: size, top: size, bottom: size * 1.8 },
        xAxis: {
          type: 'category',
          data: daily.buckets.map((b) => b.bucket.slice(5)),
          axisLabel: axis(size),
          axisLine: { lineStyle: { color: '#475569' } },
        },
        yAxis: { type: 'value', axisLabel: axis(size), splitLine: { lineStyle: { color: '#1e293b' } }, minInterval: 1 },
        series: [{ type: 'bar', data: daily.buckets.map((b) => b.incidents), itemStyle: { color: ACCENT }, barCategoryGap: '25%' }],
      });
    }
  };

  return {
    element,
    update(hourly, daily) {
      last = [hourly ?? last[0], daily ?? last[1]];
      draw();
    },
    resize() {
      hourlyChart?.resize();
      dailyChart?.resize();
      draw();
    },
    relabel() {
      hourlyTitle.textContent = t('screen.chart.todayByHour');
      dailyTitle.textContent = t('screen.chart.last30Days');
      draw();
    },
    dispose() {
      hourlyChart?.dispose();
      dailyChart?.dispose();
      hourlyChart = dailyChart = null;
    },
  };
}
