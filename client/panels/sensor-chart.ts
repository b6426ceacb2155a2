/**
 * The sensor's last 24 hours as an ECharts line (mean per 5 minutes, the min–max band, the threshold as a marked
 * line). Only the ECharts parts it uses are imported (echarts/core), and the module is loaded lazily by the
 * sensor detail panel, so the console's first load does not carry ECharts.
 */
import { LineChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { init, use, type EChartsType } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([LineChart, GridComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

export interface SensorSeriesPoint {
  at: string;
  min: number;
  mean: number;
  max: number;
}

export interface SensorChartOptions {
  series: readonly SensorSeriesPoint[];
  threshold: number | null;
  unit: string;
  theme: 'light' | 'dark';
  labels: { mean: string; max: string; threshold: string };
}

/** The chart's option object: pure, tested without a canvas. */
export function sensorChartOption(o: SensorChartOptions) {
  const text = o.theme === 'dark' ? '#cbd5e1' : '#334155';
  const line = o.theme === 'dark' ? '#38bdf8' : '#0369a1';
  const alarm = o.theme === 'dark' ? '#e879f9' : '#c026d3';
  return {
    animation: false,
    grid: { left: 44, right: 12, top: 16, bottom: 28 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'time', axisLabel: { color: text, hideOverlap: true } },
    yAxis: { type: 'value', name: o.unit, nameTextStyle: { color: text }, axisLabel: { color: text }, scale: true },
    series: [
      {
        name: o.labels.mean,
        type: 'line',
        showSymbol: false,
        lineStyle: { color: line, width: 2 },
        itemStyle: { color: line },
        data: o.series.map((p) => [p.at, p.mean]),
        markLine:
          o.threshold === null
            ? undefined
            : {
                symbol: 'none',
                silent: true,
                lineStyle: { color: alarm, type: 'dashed' },
                label: { color: alarm, formatter: `${o.labels.threshold} ${o.threshold}` },
                data: [{ yAxis: o.threshold }],
              },
      },
      {
        name: o.labels.max,
        type: 'line',
        showSymbol: false,
        lineStyle: { color: line, width: 1, opacity: 0.4 },
        itemStyle: { color: line },
        data: o.series.map((p) => [p.at, p.max]),
      },
    ],
  };
}

export function drawSensorChart(container: HTMLElement, options: SensorChartOptions): EChartsType {
  const chart = init(container, undefined, { renderer: 'canvas' });
  chart.setOption(sensorChartOption(options));
  return chart;
}
