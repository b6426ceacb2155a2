/** The sensor chart's option: the mean line, the maximum, and the threshold as a marked line. */
import { describe, expect, it } from 'vitest';
import { sensorChartOption } from './sensor-chart.js';

describe('sensor chart option', () => {
  const series = [
    { at: '2026-12-07T01:00:00.000Z', min: 1, mean: 2, max: 3 },
    { at: '2026-12-07T01:05:00.000Z', min: 2, mean: 4, max: 9 },
  ];
  const labels = { mean: 'mean', max: 'max', threshold: 'threshold' };

  it('draws the mean and the maximum per bucket, and the threshold', () => {
    const option = sensorChartOption({ series, threshold: 5, unit: '%LEL', theme: 'light', labels });
    expect(option.series[0].data).toEqual([
      ['2026-12-07T01:00:00.000Z', 2],
      ['2026-12-07T01:05:00.000Z', 4],
    ]);
    expect(option.series[1].data).toEqual([
      ['2026-12-07T01:00:00.000Z', 3],
      ['2026-12-07T01:05:00.000Z', 9],
    ]);
    expect(option.series[0].markLine?.data).toEqual([{ yAxis: 5 }]);
    expect(option.yAxis.name).toBe('%LEL');
  });

  it('has no threshold line without a threshold', () => {
    expect(sensorChartOption({ series, threshold: null, unit: 'cm', theme: 'dark', labels }).series[0].markLine).toBeUndefined();
  });
});
