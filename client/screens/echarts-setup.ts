/**
 * ECharts with only the parts the screens draw (line and bar charts, grid, legend, canvas renderer), so the
 * bundle carries a fraction of the library. Chart instances are created once per element and reused (setOption
 * with the new data); dispose() when the screen goes.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import { init, use, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([LineChart, BarChart, GridComponent, LegendComponent, CanvasRenderer]);

export type Chart = ECharts;

export function createChart(element: HTMLElement): Chart {
  return init(element, undefined, { renderer: 'canvas' });
}
