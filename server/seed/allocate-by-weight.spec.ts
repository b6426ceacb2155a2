import { describe, expect, it } from 'vitest';
import { allocateByWeight } from './allocate-by-weight.js';

describe('allocateByWeight', () => {
  it('sums exactly to the total and respects proportions', () => {
    const counts = allocateByWeight(41149, [
      { weight: 3, minimum: 1 },
      { weight: 1, minimum: 1 },
      { weight: 0.5, minimum: 1 },
    ]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(41149);
    expect(counts[0]).toBeGreaterThan(counts[1]);
    expect(counts[1]).toBeGreaterThan(counts[2]);
    expect(Math.abs(counts[0] / counts[1] - 3)).toBeLessThan(0.01);
  });

  it('gives every item at least its minimum, even with zero weight', () => {
    expect(
      allocateByWeight(10, [
        { weight: 0, minimum: 2 },
        { weight: 1, minimum: 1 },
      ]),
    ).toEqual([2, 8]);
  });

  it('breaks ties by position, deterministically', () => {
    expect(
      allocateByWeight(5, [
        { weight: 1, minimum: 0 },
        { weight: 1, minimum: 0 },
      ]),
    ).toEqual([3, 2]);
  });

  it('refuses impossible allocations', () => {
    expect(() => allocateByWeight(1, [{ weight: 1, minimum: 2 }])).toThrow(RangeError);
    expect(() => allocateByWeight(-1, [])).toThrow(RangeError);
    expect(() => allocateByWeight(3, [])).toThrow(RangeError);
    expect(allocateByWeight(0, [])).toEqual([]);
  });
});
