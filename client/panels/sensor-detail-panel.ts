/**
 * A sensor's detail (right panel), opened by a click on a sensor on the map: GET /api/iot/sensors/:code → its kind
 * and place, its live state (the console store's, newer than the answer), the latest reading, the rules in force
 * (threshold, hysteresis, readings in a row, rate, stuck, silence), the last 24 h chart (sensor-chart.ts, ECharts,
 * loaded lazily), its alarm history, and the incident its standing alarm opened (a link to the incident detail).
 */
import { apiGet } from '../api/api-client.js';
import type { SensorDetail } from '../api/api-types.js';
import { describeError } from '../app/api-error-text.js';
import { el, replaceChildren } from '../app/dom.js';
import { formatTime } from '../app/format.js';
import type { LiveSensor } from '../live/live-client.js';
import { currentLanguage, t } from '../i18n.js';

/** The answer of GET /api/iot/sensors/:code, inferred from its contract (server/iot/sensors-contract.ts). */
export type { SensorDetail };

export interface SensorDetailPanel {
  element: HTMLElement;
  open(code: string): Promise<void>;
  /** The live state changed (topic sensors): redraw the state line. */
  refreshLive(): void;
  currentCode(): string | null;
  render(): void;
}

export function createSensorDetailPanel(options: {
  liveState(code: string): LiveSensor | undefined;
  theme(): 'light' | 'dark';
  onOpenIncident(id: number): void;
  onClose(): void;
}): SensorDetailPanel {
  const element = el('section', { className: 'panel sensor-detail-panel', testId: 'sensor-detail' });
  let code: string | null = null;
  let detail: SensorDetail | null = null;
  let failure: unknown = null;
  let request = 0;
  let chart: { dispose(): void } | null = null;

  const stateOf = (d: SensorDetail): { state: string; rule: string | null; incidentId: number | null } => {
    const live = options.liveState(d.sensor.code);
    if (live) return { state: live.state, rule: live.alarmRule, incidentId: live.incidentId };
    return { state: d.latest?.state ?? 'normal', rule: d.latest?.alarmRule ?? null, incidentId: d.latest?.incidentId ?? null };
  };

  const row = (label: string, value: string) => el('tr', {}, [el('th', {}, [label]), el('td', {}, [value])]);

  const drawChart = (container: HTMLElement, d: SensorDetail) => {
    chart?.dispose();
    chart = null;
    if (d.series.length === 0) return;
    const mine = request;
    void import('./sensor-chart.js').then(({ drawSensorChart }) => {
      if (mine !== request || !container.isConnected) return;
      chart = drawSensorChart(container, {
        series: d.series,
        threshold: d.rules.threshold,
        unit: d.sensor.measurementUnit,
        theme: options.theme(),
        labels: { mean: t('sensor.mean'), max: t('sensor.max'), threshold: t('sensor.threshold') },
      });
    });
  };

  const render = () => {
    const close = el(
      'button',
      {
        className: 'panel-close',
        attrs: { type: 'button', title: t('closePanel'), 'aria-label': t('closePanel') },
        on: { click: () => options.onClose() },
      },
      ['×'],
    );
    const title = el('h2', {}, [t('sensor.title'), code ? ` ${code}` : '']);
    if (failure)
      return replaceChildren(element, [close, title, el('p', { className: 'error-text', attrs: { role: 'alert' } }, [describeError(failure)])]);
    if (!detail) return replaceChildren(element, [close, title, el('p', { className: 'muted' }, [t('loading')])]);
    const d = detail;
    const s = d.sensor;
    const state = stateOf(d);
    const unit = s.measurementUnit;
    const chartBox = el('div', { className: 'sensor-chart', testId: 'sensor-chart' });
    chartBox.style.height = '180px';
    const r = d.rules;
    replaceChildren(element, [
      close,
      title,
      el('p', { className: 'muted' }, [t(`sensorKind.${s.kind}`), ' · ', s.microGridName ?? s.microGridCode ?? '']),
      el('p', { className: `sensor-state sensor-state-${state.state}`, testId: 'sensor-state', dataset: { state: state.state } }, [
        t(`sensorState.${state.state}`),
        state.rule ? ` · ${t(`sensorRule.${state.rule}`)}` : '',
      ]),
      state.incidentId
        ? el('p', {}, [
            t('sensor.openedIncident'),
            ' ',
            el(
              'button',
              {
                className: 'link-button',
                testId: 'sensor-incident',
                attrs: { type: 'button' },
                on: { click: () => options.onOpenIncident(state.incidentId!) },
              },
              [d.alarms.find((a) => a.id === state.incidentId)?.number ?? `#${state.incidentId}`],
            ),
          ])
        : null,
      el('table', { className: 'counts' }, [
        el('tbody', {}, [
          row(t('sensor.latest'), d.latest?.value === null || d.latest?.value === undefined ? '—' : `${d.latest.value} ${unit}`),
          row(t('sensor.lastSeen'), d.latest?.lastSeenAt ? formatTime(d.latest.lastSeenAt) : t('sensor.never')),
          row(t('sensor.battery'), d.latest?.battery === null || d.latest?.battery === undefined ? '—' : `${d.latest.battery} %`),
        ]),
      ]),
      el('div', { className: 'panel-section' }, [
        el('h3', {}, [t('sensor.last24h')]),
        d.series.length ? chartBox : el('p', { className: 'muted' }, [t('sensor.noReadings')]),
      ]),
      el('div', { className: 'panel-section' }, [
        el('h3', {}, [t('sensor.rules')]),
        el('table', { className: 'counts', testId: 'sensor-rules' }, [
          el('tbody', {}, [
            row(t('sensor.threshold'), r.threshold === null ? '—' : `≥ ${r.threshold} ${unit}`),
            row(t('sensor.hysteresis'), `${r.hysteresis} ${unit}`),
            row(t('sensor.consecutive'), t('sensor.inARow', { raise: r.consecutive, clear: r.clearConsecutive })),
            row(t('sensor.rate'), r.maxRatePerMinute === null ? '—' : `${r.maxRatePerMinute} ${unit}/min`),
            row(t('sensor.stuck'), r.stuckReadings === null ? '—' : String(r.stuckReadings)),
            row(t('sensor.offlineAfter'), t('sensor.minutes', { minutes: Math.round(r.offlineAfterMs / 60_000) })),
          ]),
        ]),
      ]),
      el('div', { className: 'panel-section' }, [
        el('h3', {}, [t('sensor.alarmHistory')]),
        d.alarms.length
          ? el(
              'ul',
              { className: 'plain-list', testId: 'sensor-alarms' },
              d.alarms.map((a) =>
                el('li', {}, [
                  el('button', { className: 'link-button', attrs: { type: 'button' }, on: { click: () => options.onOpenIncident(a.id) } }, [
                    a.number,
                  ]),
                  ' ',
                  el('span', { className: `grade-dot grade-${a.grade}` }),
                  ' ',
                  t(`state.${a.state}`),
                  ' · ',
                  formatTime(a.reportedAt),
                  ' · ',
                  t('sensor.reports', { count: a.reports.toLocaleString(currentLanguage()) }),
                ]),
              ),
            )
          : el('p', { className: 'muted' }, [t('sensor.noAlarms')]),
      ]),
    ]);
    drawChart(chartBox, d);
  };

  return {
    element,
    async open(next) {
      code = next;
      detail = null;
      failure = null;
      const mine = ++request;
      render();
      try {
        const answer = await apiGet<SensorDetail>(`/api/iot/sensors/${encodeURIComponent(next)}`);
        if (mine !== request) return;
        detail = answer;
      } catch (error) {
        if (mine !== request) return;
        failure = error;
      }
      render();
    },
    refreshLive() {
      if (detail) render();
    },
    currentCode: () => code,
    render,
  };
}
