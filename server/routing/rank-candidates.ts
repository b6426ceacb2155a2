/**
 * Dispatch ranking: a pure function of the candidates and their travel times (STYLE.md practice 7).
 *
 * Order, each rule breaking the ties of the ones before it:
 *   1. reachable by road before unreachable (no route, or none within the time limit): unreachable last;
 *   2. fresh positions before stale ones (older than 10 minutes: an ETA from a stale position is a guess);
 *   3. tier: 0 own micro-grid, 1 neighbouring micro-grids, 2 community, 3 street, 4 beyond the street
 *      (a command centre looks inside the area first, as CAD systems look inside the station's area);
 *   4. ETA by road, seconds, ascending (reachable candidates only; compared exactly, not rounded);
 *   5. straight-line metres, ascending;
 *   6. worker code, ascending by UTF-16 code units (locale-independent), so the order is total.
 * The input is not modified; the output is a new array with 1-based ranks.
 */

/** 0 own micro-grid, 1 neighbouring micro-grids, 2 community, 3 street, 4 beyond the street. */
export type ResponderTier = 0 | 1 | 2 | 3 | 4;

export interface RankingCandidate {
  readonly workerCode: string;
  readonly tier: ResponderTier;
  /** The last known position is older than 10 minutes (or unknown). */
  readonly stale: boolean;
  readonly straightLineMetres: number;
}

export type CandidateTravel =
  { readonly reachable: true; readonly seconds: number; readonly metres: number } | { readonly reachable: false; readonly reason?: string };

export interface RankedCandidate<C extends RankingCandidate> {
  /** 1-based. */
  readonly rank: number;
  readonly candidate: C;
  readonly travel: CandidateTravel;
}

const UNREACHABLE: CandidateTravel = { reachable: false, reason: 'no_travel_time' };

/** Negative when a ranks before b, positive after, 0 only for the same worker code. */
export function compareCandidates(a: RankingCandidate, aTravel: CandidateTravel, b: RankingCandidate, bTravel: CandidateTravel): number {
  if (aTravel.reachable !== bTravel.reachable) return aTravel.reachable ? -1 : 1;
  if (a.stale !== b.stale) return a.stale ? 1 : -1;
  if (a.tier !== b.tier) return a.tier - b.tier;
  if (aTravel.reachable && bTravel.reachable && aTravel.seconds !== bTravel.seconds) return aTravel.seconds - bTravel.seconds;
  if (a.straightLineMetres !== b.straightLineMetres) return a.straightLineMetres - b.straightLineMetres;
  if (a.workerCode === b.workerCode) return 0;
  return a.workerCode < b.workerCode ? -1 : 1;
}

function checkCandidate(c: RankingCandidate, travel: CandidateTravel): void {
  if (!Number.isInteger(c.tier) || c.tier < 0 || c.tier > 4) throw new RangeError(`${c.workerCode}: tier must be 0…4, got ${c.tier}`);
  if (!(Number.isFinite(c.straightLineMetres) && c.straightLineMetres >= 0)) {
    throw new RangeError(`${c.workerCode}: straight-line metres must be finite and ≥ 0, got ${c.straightLineMetres}`);
  }
  if (travel.reachable && !(Number.isFinite(travel.seconds) && travel.seconds >= 0)) {
    throw new RangeError(`${c.workerCode}: ETA must be finite and ≥ 0, got ${travel.seconds}`);
  }
}

/**
 * Rank candidates by the rules above. `travel` maps a worker code to its travel time; a candidate
 * without one is unreachable. Duplicate worker codes are an error.
 */
export function rankCandidates<C extends RankingCandidate>(
  candidates: readonly C[],
  travel: ReadonlyMap<string, CandidateTravel>,
): RankedCandidate<C>[] {
  const seen = new Set<string>();
  const entries = candidates.map((candidate) => {
    if (seen.has(candidate.workerCode)) throw new Error(`duplicate candidate ${candidate.workerCode}`);
    seen.add(candidate.workerCode);
    const t = travel.get(candidate.workerCode) ?? UNREACHABLE;
    checkCandidate(candidate, t);
    return { candidate, travel: t };
  });
  entries.sort((x, y) => compareCandidates(x.candidate, x.travel, y.candidate, y.travel));
  return entries.map((entry, i) => ({ rank: i + 1, candidate: entry.candidate, travel: entry.travel }));
}

/** Whether known, reachable `s` ranks before `u` whatever u's time, given that it is at least `minimumSeconds`. */
function surelyAhead(s: RankingCandidate, seconds: number, u: RankingCandidate, minimumSeconds: number): boolean {
  if (s.stale !== u.stale) return !s.stale;
  if (s.tier !== u.tier) return s.tier < u.tier;
  if (seconds < minimumSeconds) return true;
  if (seconds > minimumSeconds) return false;
  // u may take exactly as long: then the straight line and the code decide.
  if (s.straightLineMetres !== u.straightLineMetres) return s.straightLineMetres < u.straightLineMetres;
  return s.workerCode < u.workerCode;
}

/**
 * Whether the first `limit` ranks are already final while some travel times are still unknown (null),
 * each at least `minimumSeconds` (a search still running): true when every unknown candidate has at
 * least `limit` known, reachable candidates surely ranked before it, whatever its own time turns out
 * to be. Then ranking the unknown ones as unreachable leaves the first `limit` ranks unchanged.
 */
export function topRanksAreFinal(
  candidates: readonly RankingCandidate[],
  known: ReadonlyArray<CandidateTravel | null>,
  minimumSeconds: number,
  limit: number,
): boolean {
  const reachable: Array<{ candidate: RankingCandidate; seconds: number }> = [];
  candidates.forEach((candidate, i) => {
    const travel = known[i];
    if (travel?.reachable) reachable.push({ candidate, seconds: travel.seconds });
  });
  if (reachable.length < limit) return false;
  return candidates.every((u, i) => {
    if (known[i] !== null) return true;
    let ahead = 0;
    for (const s of reachable) {
      if (surelyAhead(s.candidate, s.seconds, u, minimumSeconds) && ++ahead >= limit) return true;
    }
    return false;
  });
}
