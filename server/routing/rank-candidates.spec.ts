import { describe, expect, it } from 'vitest';
import { seededRandom } from '../simulator/simulator-random.js';
import {
  compareCandidates,
  rankCandidates,
  topRanksAreFinal,
  type CandidateTravel,
  type RankingCandidate,
  type ResponderTier,
} from './rank-candidates.js';

interface Case extends RankingCandidate {
  note?: string;
}

const fresh = (workerCode: string, tier: ResponderTier, straightLineMetres: number): Case => ({
  workerCode,
  tier,
  stale: false,
  straightLineMetres,
});
const stale = (workerCode: string, tier: ResponderTier, straightLineMetres: number): Case => ({
  ...fresh(workerCode, tier, straightLineMetres),
  stale: true,
});
const eta = (seconds: number): CandidateTravel => ({ reachable: true, seconds, metres: seconds * 10 });
const unreachable: CandidateTravel = { reachable: false, reason: 'no_route' };

function order(candidates: Case[], travel: Record<string, CandidateTravel>): string[] {
  return rankCandidates(candidates, new Map(Object.entries(travel))).map((r) => r.candidate.workerCode);
}

/** Every permutation of a small array. */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe('rankCandidates: one rule at a time', () => {
  it('1. puts unreachable candidates last, whatever their freshness, tier or distance', () => {
    const ranked = order([fresh('A', 0, 10), stale('B', 4, 900)], { A: unreachable, B: eta(600) });
    expect(ranked).toEqual(['B', 'A']);
  });

  it('1. treats a candidate without a travel time as unreachable', () => {
    const ranked = rankCandidates([fresh('A', 0, 10), fresh('B', 3, 500)], new Map([['B', eta(300)]]));
    expect(ranked.map((r) => r.candidate.workerCode)).toEqual(['B', 'A']);
    expect(ranked[1].travel.reachable).toBe(false);
  });

  it('2. puts fresh before stale, even a stale one in the own micro-grid and much nearer', () => {
    expect(order([stale('A', 0, 10), fresh('B', 4, 2000)], { A: eta(5), B: eta(400) })).toEqual(['B', 'A']);
  });

  it('3. among equally fresh candidates, a lower tier first, even when slower', () => {
    expect(order([fresh('A', 2, 50), fresh('B', 0, 400), fresh('C', 1, 100)], { A: eta(10), B: eta(90), C: eta(60) })).toEqual(['B', 'C', 'A']);
  });

  it('4. within a tier, the quicker by road first, even when farther in a straight line', () => {
    expect(order([fresh('A', 1, 100), fresh('B', 1, 300)], { A: eta(120), B: eta(45) })).toEqual(['B', 'A']);
  });

  it('4. compares ETAs exactly, not rounded', () => {
    expect(order([fresh('A', 1, 100), fresh('B', 1, 300)], { A: eta(45.0000001), B: eta(45) })).toEqual(['B', 'A']);
  });

  it('5. with equal ETAs, the nearer in a straight line first', () => {
    expect(order([fresh('A', 1, 300), fresh('B', 1, 200)], { A: eta(60), B: eta(60) })).toEqual(['B', 'A']);
  });

  it('5. orders unreachable candidates by freshness, tier and straight line among themselves', () => {
    const candidates = [fresh('A', 2, 100), stale('B', 0, 50), fresh('C', 2, 50), fresh('D', 1, 900)];
    const travel = { A: unreachable, B: unreachable, C: unreachable, D: unreachable };
    expect(order(candidates, travel)).toEqual(['D', 'C', 'A', 'B']);
  });

  it('6. with everything else equal, by worker code in code-unit order (not locale)', () => {
    const candidates = [fresh('W2', 1, 100), fresh('W10', 1, 100), fresh('w1', 1, 100), fresh('W1', 1, 100)];
    const travel = { W2: eta(60), W10: eta(60), w1: eta(60), W1: eta(60) };
    expect(order(candidates, travel)).toEqual(['W1', 'W10', 'W2', 'w1']);
  });
});

describe('rankCandidates: the whole order', () => {
  // Every combination of the rule inputs, two values each (five tiers): 2 × 2 × 5 × 2 × 2 = 80 candidates.
  const combos: Array<{ candidate: Case; travel: CandidateTravel; key: Array<number | string> }> = [];
  for (const reachable of [true, false])
    for (const isStale of [false, true])
      for (const tier of [0, 1, 2, 3, 4] as ResponderTier[])
        for (const seconds of [30, 90])
          for (const metres of [100, 400]) {
            const code = `W${reachable ? 1 : 2}${isStale ? 1 : 0}${tier}${seconds}${metres}`;
            combos.push({
              candidate: { workerCode: code, tier, stale: isStale, straightLineMetres: metres },
              travel: reachable ? eta(seconds) : unreachable,
              // The documented order as a lexicographic key (an unreachable candidate has no ETA).
              key: [reachable ? 0 : 1, isStale ? 1 : 0, tier, reachable ? seconds : 0, metres, code],
            });
          }
  const byKey = (a: (typeof combos)[number], b: (typeof combos)[number]) => {
    for (let i = 0; i < a.key.length; i++) {
      if (a.key[i] !== b.key[i]) return a.key[i] < b.key[i] ? -1 : 1;
    }
    return 0;
  };
  const expected = [...combos].sort(byKey).map((c) => c.candidate.workerCode);
  const travel = new Map(combos.map((c) => [c.candidate.workerCode, c.travel]));

  it('equals the documented lexicographic order for all 80 combinations, from any input order', () => {
    const inputs = [combos, [...combos].reverse(), [...combos].sort((a, b) => (a.candidate.workerCode < b.candidate.workerCode ? 1 : -1))];
    for (const input of inputs) {
      expect(
        rankCandidates(
          input.map((c) => c.candidate),
          travel,
        ).map((r) => r.candidate.workerCode),
      ).toEqual(expected);
    }
  });

  it('is a strict total order: antisymmetric and transitive over every pair and triple', () => {
    const cmp = (a: (typeof combos)[number], b: (typeof combos)[number]) =>
      Math.sign(compareCandidates(a.candidate, a.travel, b.candidate, b.travel));
    for (const a of combos) {
      expect(cmp(a, a)).toBe(0);
      for (const b of combos) {
        if (a !== b) expect(cmp(a, b)).toBe(-cmp(b, a));
        expect(cmp(a, b)).toBe(Math.sign(byKey(a, b)));
      }
    }
  });

  it('gives the same ranking for every permutation of a mixed set of five', () => {
    const set = [fresh('A', 0, 500), stale('B', 0, 20), fresh('C', 1, 100), fresh('D', 1, 90), fresh('E', 3, 50)];
    const t = { A: eta(300), B: eta(10), C: eta(50), D: eta(50), E: unreachable };
    const first = order(set, t);
    expect(first).toEqual(['A', 'D', 'C', 'B', 'E']);
    for (const p of permutations(set)) expect(order(p, t)).toEqual(first);
  });
});

describe('rankCandidates: contract', () => {
  it('numbers ranks from 1, keeps each candidate’s own object and travel, and leaves the input alone', () => {
    const a = fresh('A', 1, 100);
    const b = fresh('B', 0, 100);
    const input = [a, b];
    const ranked = rankCandidates(
      input,
      new Map([
        ['A', eta(10)],
        ['B', eta(20)],
      ]),
    );
    expect(ranked.map((r) => r.rank)).toEqual([1, 2]);
    expect(ranked[0].candidate).toBe(b);
    expect(ranked[0].travel).toEqual(eta(20));
    expect(input).toEqual([a, b]);
  });

  it('returns [] for no candidates', () => {
    expect(rankCandidates([], new Map())).toEqual([]);
  });

  it('refuses duplicate codes, tiers outside 0…4, and non-finite or negative distances and ETAs', () => {
    expect(() => rankCandidates([fresh('A', 0, 1), fresh('A', 1, 2)], new Map())).toThrow(/duplicate/);
    expect(() => rankCandidates([{ ...fresh('A', 0, 1), tier: 5 as ResponderTier }], new Map())).toThrow(RangeError);
    expect(() => rankCandidates([fresh('A', 0, Number.NaN)], new Map())).toThrow(RangeError);
    expect(() => rankCandidates([fresh('A', 0, -1)], new Map())).toThrow(RangeError);
    expect(() => rankCandidates([fresh('A', 0, 1)], new Map([['A', eta(Number.POSITIVE_INFINITY)]]))).toThrow(RangeError);
  });
});

describe('topRanksAreFinal: may the search stop before every candidate is reached?', () => {
  const five = ['A', 'B', 'C', 'D', 'E'].map((code, i) => fresh(code, 1, 100 + i));
  const times = [10, 20, 30, 40, 50].map(eta);

  it('yes, when five known fresh candidates are ahead of an unknown stale one, however slow they are', () => {
    expect(topRanksAreFinal([...five, stale('U', 0, 1)], [...times, null], 0, 5)).toBe(true);
  });

  it('yes, when they are of a better tier', () => {
    expect(topRanksAreFinal([...five, fresh('U', 2, 1)], [...times, null], 0, 5)).toBe(true);
  });

  it('in the same tier, only once the search has gone past the fifth time', () => {
    const candidates = [...five, fresh('U', 1, 1)];
    expect(topRanksAreFinal(candidates, [...times, null], 45, 5)).toBe(false);
    expect(topRanksAreFinal(candidates, [...times, null], 51, 5)).toBe(true);
  });

  it('at exactly the fifth time, the straight line and then the code decide a possible tie', () => {
    expect(topRanksAreFinal([...five, fresh('U', 1, 900)], [...times, null], 50, 5)).toBe(true);
    expect(topRanksAreFinal([...five, fresh('U', 1, 1)], [...times, null], 50, 5)).toBe(false);
    expect(topRanksAreFinal([...five, fresh('Z', 1, 104)], [...times, null], 50, 5)).toBe(true);
    expect(topRanksAreFinal([...five, fresh('0', 1, 104)], [...times, null], 50, 5)).toBe(false);
  });

  it('no, while an unknown candidate could still be of a better tier or fresher', () => {
    expect(topRanksAreFinal([...five, fresh('U', 0, 900)], [...times, null], 1000, 5)).toBe(false);
    const staleFive = five.map((c) => ({ ...c, stale: true }));
    expect(topRanksAreFinal([...staleFive, fresh('U', 4, 900)], [...times, null], 1000, 5)).toBe(false);
  });

  it('no, with fewer known reachable candidates than places; yes when nothing is unknown', () => {
    expect(topRanksAreFinal([...five, fresh('U', 4, 1)], [...times.slice(0, 4), unreachable, null], 1000, 5)).toBe(false);
    expect(topRanksAreFinal(five, times, 0, 5)).toBe(true);
  });

  it('never changes the first ranks: 2,000 random searches stopped where it says yes', () => {
    const next = seededRandom(99);
    let stopped = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const limit = 1 + Math.floor(next() * 5);
      const candidates = Array.from({ length: 12 }, (_, i) => ({
        workerCode: `W${String(i).padStart(2, '0')}`,
        tier: Math.floor(next() * 5) as ResponderTier,
        stale: next() < 0.2,
        straightLineMetres: Math.floor(next() * 4) * 100,
      }));
      // Integer times make ties common; about one in ten is on another road island.
      const truth = candidates.map((): CandidateTravel => (next() < 0.1 ? unreachable : eta(Math.floor(next() * 20))));
      const reached = Math.floor(next() * 22);
      // What a search that has reached `reached` knows: times below it, perhaps some equal to it, islands.
      const known = truth.map((t) => {
        if (!t.reachable) return next() < 0.5 ? t : null;
        return t.seconds < reached || (t.seconds === reached && next() < 0.5) ? t : null;
      });
      if (!topRanksAreFinal(candidates, known, reached, limit)) continue;
      stopped += 1;
      const exact = rankCandidates(candidates, new Map(candidates.map((c, i) => [c.workerCode, truth[i]])));
      const early = rankCandidates(candidates, new Map(candidates.map((c, i) => [c.workerCode, known[i] ?? unreachable])));
      expect(early.slice(0, limit)).toEqual(exact.slice(0, limit));
    }
    expect(stopped).toBeGreaterThan(200);
  });
});
