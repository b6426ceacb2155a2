/**
 * Choosing exactly N generated things for the whole city, with the same rule in the Xianlin subset.
 *
 * Every candidate (a micro-grid slot, a road segment) gets a deterministic rank key from its stable
 * code; lower keys win. City-wide the N smallest keys are taken, which gives the exact count. The
 * subset cannot rank against the rest of the city, so it takes every candidate whose key is at or
 * below the city-wide threshold — the key of the N-th candidate of a full seed, recorded in
 * seed-thresholds.ts. While the reference data and the hierarchy are unchanged, the subset therefore
 * gets exactly the rows the full seed has in its area. A full seed reports the thresholds it found;
 * when they differ, copy them into seed-thresholds.ts.
 *
 * Some keys need the database (which micro-grid a point falls in, if any). For those, each candidate
 * has a cheap lower bound of its key, and only candidates whose bound could still win are resolved.
 */
import type { SeedArea } from './seed-context.js';

/** Compared lexicographically; lower ranks first. */
export type RankKey = readonly number[];

export function compareRankKeys(a: RankKey, b: RankKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -Infinity) - (b[i] ?? -Infinity);
    if (d !== 0) return d;
  }
  return 0;
}

export interface RankRule {
  /** How many the whole city gets. */
  cityTotal: number;
  /** The key of the cityTotal-th candidate of a full seed (seed-thresholds.ts). */
  cityThreshold: RankKey;
}

export interface RankedSelection<T> {
  /** In ascending key order. */
  selected: T[];
  /** City-wide: the key of the last one taken, to compare with (or record as) the calibrated threshold. */
  threshold: RankKey | null;
}

/** Candidates whose keys are known without the database. */
export function selectByRank<T>(area: SeedArea, candidates: readonly T[], keyOf: (c: T) => RankKey, rule: RankRule): RankedSelection<T> {
  const keyed = candidates.map((c) => ({ c, key: keyOf(c) })).sort((a, b) => compareRankKeys(a.key, b.key));
  if (area === 'xianlin') {
    return { selected: keyed.filter((k) => compareRankKeys(k.key, rule.cityThreshold) <= 0).map((k) => k.c), threshold: null };
  }
  if (keyed.length < rule.cityTotal) throw new Error(`only ${keyed.length} candidates for ${rule.cityTotal} places`);
  const selected = keyed.slice(0, rule.cityTotal);
  return { selected: selected.map((k) => k.c), threshold: selected[selected.length - 1]?.key ?? null };
}

/**
 * Candidates whose keys need the database. `bound(c)` must never exceed the key `resolve` gives c;
 * `resolve` returns, for each candidate of a batch, its full description and key, or null when it is
 * not a candidate after all (outside every seeded micro-grid).
 */
export async function selectByRankResolving<C, R>(
  area: SeedArea,
  candidates: readonly C[],
  bound: (c: C) => RankKey,
  resolve: (batch: C[]) => Promise<Array<{ item: R; key: RankKey } | null>>,
  rule: RankRule,
): Promise<RankedSelection<R>> {
  const ordered = candidates.map((c) => ({ c, bound: bound(c) })).sort((a, b) => compareRankKeys(a.bound, b.bound));
  const resolved: Array<{ item: R; key: RankKey }> = [];
  const resolveRange = async (from: number, to: number) => {
    const results = await resolve(ordered.slice(from, to).map((o) => o.c));
    for (const r of results) if (r) resolved.push(r);
  };
  if (area === 'xianlin') {
    let end = 0;
    while (end < ordered.length && compareRankKeys(ordered[end].bound, rule.cityThreshold) <= 0) end += 1;
    await resolveRange(0, end);
    const selected = resolved.filter((r) => compareRankKeys(r.key, rule.cityThreshold) <= 0);
    selected.sort((a, b) => compareRankKeys(a.key, b.key));
    return { selected: selected.map((r) => r.item), threshold: null };
  }
  let done = 0;
  let size = Math.min(ordered.length, Math.ceil(rule.cityTotal * 1.5));
  for (;;) {
    await resolveRange(done, size);
    done = size;
    resolved.sort((a, b) => compareRankKeys(a.key, b.key));
    const last = resolved[rule.cityTotal - 1];
    // Every unresolved candidate has a key ≥ its bound ≥ the bound at `done`: none can beat `last`.
    if (last && (done === ordered.length || compareRankKeys(ordered[done].bound, last.key) > 0)) {
      return { selected: resolved.slice(0, rule.cityTotal).map((r) => r.item), threshold: last.key };
    }
    if (done === ordered.length) throw new Error(`only ${resolved.length} candidates for ${rule.cityTotal} places`);
    size = Math.min(ordered.length, done * 2);
  }
}

/** Progress detail saying whether a full seed's threshold still matches the calibrated one. */
export function describeThreshold(name: string, found: RankKey | null, calibrated: RankKey): Record<string, unknown> {
  if (!found) return { rule: name, threshold: calibrated };
  return compareRankKeys(found, calibrated) === 0
    ? { rule: name, threshold: found, calibrated: true }
    : {
        rule: name,
        threshold: found,
        calibrated: false,
        note: 'copy into server/seed/seed-thresholds.ts so that the Xianlin subset matches the full seed',
      };
}
