/** The in-memory merge of hourly and five-minute rollups and latest values (rollup-buffer.ts), on hand-made readings. */
import { describe, expect, it } from 'vitest';
import { RollupBuffer, splitRollupFlush } from './rollup-buffer.js';

const H = 3_600_000;
const t0 = Date.UTC(2026, 11, 7, 9, 0, 0);

describe('RollupBuffer', () => {
  it('merges readings per sensor and UTC hour and five minutes, and keeps the newest observed value per sensor', () => {
    const buffer = new RollupBuffer();
    buffer.add('GS001', t0 + 10_000, 4, 90, -60, t0 + 11_000);
    buffer.add('GS001', t0 + 70_000, 9, null, null, t0 + 71_000);
    // Older observed time received later (a device catching up): counted in its hour, not the latest value.
    buffer.add('GS001', t0 + 5_000, 1, null, -80, t0 + 72_000);
    buffer.add('GS001', t0 + H + 1_000, 6, null, null, t0 + H + 2_000);
    buffer.add('SM002', t0 + 20_000, 0.5, null, null, t0 + 21_000);
    // 3 hourly cells, 3 five-minute cells (t0 holds 3 readings of GS001), 2 latest values.
    expect(buffer.size).toBe(3 + 3 + 2);
    const flush = buffer.take()!;
    expect(buffer.size).toBe(0);
    expect(buffer.take()).toBeNull();
    const cells = (a: typeof flush.hourly) =>
      a.codes.map((code, i) => ({ code, hour: a.starts[i].getTime(), n: a.readings[i], min: a.mins[i], max: a.maxs[i], sum: a.sums[i] }));
    expect(cells(flush.bins)).toEqual([
      { code: 'GS001', hour: t0, n: 3, min: 1, max: 9, sum: 14 },
      { code: 'GS001', hour: t0 + H, n: 1, min: 6, max: 6, sum: 6 },
      { code: 'SM002', hour: t0, n: 1, min: 0.5, max: 0.5, sum: 0.5 },
    ]);
    buffer.add('GS001', t0 + 299_999, 2, null, null, t0 + 300_000);
    buffer.add('GS001', t0 + 300_000, 3, null, null, t0 + 300_001);
    expect(cells(buffer.take()!.bins)).toEqual([
      { code: 'GS001', hour: t0, n: 1, min: 2, max: 2, sum: 2 },
      { code: 'GS001', hour: t0 + 300_000, n: 1, min: 3, max: 3, sum: 3 },
    ]);
    expect(cells(flush.hourly)).toEqual([
      { code: 'GS001', hour: t0, n: 3, min: 1, max: 9, sum: 14 },
      { code: 'GS001', hour: t0 + H, n: 1, min: 6, max: 6, sum: 6 },
      { code: 'SM002', hour: t0, n: 1, min: 0.5, max: 0.5, sum: 0.5 },
    ]);
    const gas = flush.latestCodes.indexOf('GS001');
    expect({
      at: flush.observedAt[gas].getTime(),
      value: flush.values[gas],
      battery: flush.battery[gas],
      signal: flush.signal[gas],
      received: flush.receivedAt[gas].getTime(),
    }).toEqual({
      at: t0 + H + 1_000,
      value: 6,
      battery: 90,
      signal: -60,
      received: t0 + H + 2_000,
    });
  });

  it('merges a failed flush back into what arrived meanwhile', () => {
    const buffer = new RollupBuffer();
    buffer.add('GS001', t0 + 1_000, 5, null, null, t0 + 2_000);
    const failed = buffer.take()!;
    buffer.add('GS001', t0 + 3_000, 2, null, null, t0 + 4_000);
    buffer.restore(failed);
    const flush = buffer.take()!;
    for (const cells of [flush.hourly, flush.bins]) {
      expect({ n: cells.readings[0], min: cells.mins[0], max: cells.maxs[0], sum: cells.sums[0] }).toEqual({ n: 2, min: 2, max: 5, sum: 7 });
    }
    expect({ value: flush.values[0], at: flush.observedAt[0].getTime() }).toEqual({ value: 2, at: t0 + 3_000 });
  });

  it('splits a flush into statements of at most n rows per table, losing nothing', () => {
    const buffer = new RollupBuffer();
    for (let i = 0; i < 5; i += 1) buffer.add(`GS00${i}`, t0 + i * 1000, i, null, null, t0 + i * 1000);
    buffer.add('GS000', t0 + H, 7, null, null, t0 + H);
    const pieces = splitRollupFlush(buffer.take()!, 2);
    expect(pieces.map((p) => [p.hourly.codes.length, p.bins.codes.length, p.latestCodes.length])).toEqual([
      [2, 2, 2],
      [2, 2, 2],
      [2, 2, 1],
    ]);
    expect(pieces.flatMap((p) => p.hourly.readings).reduce((a, b) => a + b, 0)).toBe(6);
    expect(pieces.flatMap((p) => p.bins.readings).reduce((a, b) => a + b, 0)).toBe(6);
    expect(pieces.flatMap((p) => p.latestCodes).sort()).toEqual(['GS000', 'GS001', 'GS002', 'GS003', 'GS004']);
  });
});
