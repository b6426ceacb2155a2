/**
 * The rank rule: exact city totals, and a subset that gets exactly the city's choice in its area
 * when given the city's threshold — for keys known up front and for keys resolved in batches.
 */
import { describe, expect, it } from 'vitest';
import { compareRankKeys, RankKey, selectByRank, selectByRankResolving } from './select-by-rank.js';
import { unitRandom } from './unit-random.js';

interface Candidate {
  code: string;
  weight: number;
  /** Whether it lies in the subset's area. */
  inSubset: boolean;
  /** Null: outside every seeded micro-grid (dropped on resolve). */
  factor: number | null;
}

const candidates: Candidate[] = Array.from({ length: 5_000 }, (_, i) => ({
  code: `c${i}`,
  weight: 1 + Math.floor(unitRandom(`test-weight:${i}`) * 10),
  inSubset: unitRandom(`test-subset:${i}`) < 0.2,
  factor: unitRandom(`test-outside:${i}`) < 0.05 ? null : 1 + 3 * unitRandom(`test-factor:${i}`),
}));
const keyOf = (c: Candidate): RankKey => [-c.weight, unitRandom(`test-key:${c.code}`)];

describe('unitRandom', () => {
  it('is gridops_unit_random: the first 48 bits of md5 as a fraction', () => {
    // md5('a') = 0cc175b9c0f1b6a831c399e269772661; 0x0cc175b9c0f1 / 2^48
    expect(unitRandom('a')).toBe(0x0cc175b9c0f1 / 2 ** 48);
    expect(unitRandom('a')).toBeGreaterThanOrEqual(0);
    expect(unitRandom('a')).toBeLessThan(1);
  });
});

describe('selectByRank', () => {
  it('takes exactly the city total, lowest keys first', () => {
    const { selected, threshold } = selectByRank('nanjing', candidates, keyOf, { cityTotal: 700, cityThreshold: [0] });
    expect(selected).toHaveLength(700);
    expect(threshold).toEqual(keyOf(selected[699]));
    const rest = candidates.filter((c) => !selected.includes(c));
    expect(rest.every((c) => compareRankKeys(keyOf(c), threshold!) > 0)).toBe(true);
  });

  it('gives a subset exactly the city-wide choice in its area, from the threshold alone', () => {
    const city = selectByRank('nanjing', candidates, keyOf, { cityTotal: 700, cityThreshold: [0] });
    const subset = selectByRank(
      'xianlin',
      candidates.filter((c) => c.inSubset),
      keyOf,
      { cityTotal: 700, cityThreshold: city.threshold! },
    );
    expect(subset.selected.map((c) => c.code).sort()).toEqual(
      city.selected
        .filter((c) => c.inSubset)
        .map((c) => c.code)
        .sort(),
    );
  });

  it('refuses a city total larger than the candidates', () => {
    expect(() => selectByRank('nanjing', candidates.slice(0, 10), keyOf, { cityTotal: 11, cityThreshold: [0] })).toThrow(/only 10/);
  });
});

describe('selectByRankResolving', () => {
  const baseKey = (c: Candidate) => unitRandom(`test-key:${c.code}`) / c.weight;
  const bound = (c: Candidate): RankKey => [baseKey(c) / 4];
  const resolved: string[] = [];
  const resolve = async (batch: Candidate[]) => {
    resolved.push(...batch.map((c) => c.code));
    return batch.map((c) => (c.factor === null ? null : { item: c, key: [baseKey(c) / c.factor] as RankKey }));
  };
  /** The rule evaluated naively: every candidate resolved, the lowest keys of those inside. */
  const naive = (total: number) =>
    candidates
      .filter((c) => c.factor !== null)
      .map((c) => ({ c, key: baseKey(c) / c.factor! }))
      .sort((a, b) => a.key - b.key)
      .slice(0, total);

  it('equals the naive rule city-wide while resolving only part of the candidates', async () => {
    resolved.length = 0;
    const { selected, threshold } = await selectByRankResolving('nanjing', candidates, bound, resolve, { cityTotal: 300, cityThreshold: [0] });
    const expected = naive(300);
    expect(selected.map((c) => c.code)).toEqual(expected.map((e) => e.c.code));
    expect(threshold).toEqual([expected[299].key]);
    expect(resolved.length).toBeLessThan(candidates.length);
    expect(new Set(resolved).size).toBe(resolved.length);
  });

  it('gives a subset exactly the city-wide choice in its area', async () => {
    const city = await selectByRankResolving('nanjing', candidates, bound, resolve, { cityTotal: 300, cityThreshold: [0] });
    const subset = await selectByRankResolving(
      'xianlin',
      candidates.filter((c) => c.inSubset),
      bound,
      resolve,
      {
        cityTotal: 300,
        cityThreshold: city.threshold!,
      },
    );
    expect(subset.selected.map((c) => c.code)).toEqual(city.selected.filter((c) => c.inSubset).map((c) => c.code));
  });

  it('widens the resolved range until no unresolved candidate can win', async () => {
    // Almost everything is dropped on resolve: the first range cannot hold the total.
    const sparse = async (batch: Candidate[]) =>
      batch.map((c) => (unitRandom(`test-sparse:${c.code}`) < 0.1 ? { item: c, key: [baseKey(c)] as RankKey } : null));
    const { selected } = await selectByRankResolving('nanjing', candidates, (c) => [baseKey(c)], sparse, { cityTotal: 200, cityThreshold: [0] });
    expect(selected).toHaveLength(200);
    const expected = candidates
      .filter((c) => unitRandom(`test-sparse:${c.code}`) < 0.1)
      .sort((a, b) => baseKey(a) - baseKey(b))
      .slice(0, 200);
    expect(selected.map((c) => c.code)).toEqual(expected.map((c) => c.code));
  });
});
