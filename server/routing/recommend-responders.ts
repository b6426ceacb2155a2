/**
 * Recommend responders for an incident point, as dispatch will:
 *   1. pre-filter: the `candidatePool` on-duty workers nearest by straight line (PostGIS KNN on
 *      workers_position_idx), with the skill when one is asked for — through the Queryable given, so a
 *      scoped one limits the workers to the caller's jurisdiction (row-level security);
 *   2. snap the incident and every candidate to the road graph;
 *   3. one backward Dijkstra from the incident (travel-times.ts): each candidate's time *to* the
 *      incident, stopping as soon as no candidate still unsettled could enter the first `limit` ranks
 *      (rank-candidates.ts topRanksAreFinal) — a far-away worker of a lower tier, or a stale one, need
 *      not be reached to know that it will not be among the five;
 *   4. rank (rank-candidates.ts) and return the first `limit`, with ETA, road and straight-line metres,
 *      stale flag and the route from the worker to the incident.
 */
import type { Queryable } from '../db/database.js';
import { rankCandidates, topRanksAreFinal, type CandidateTravel, type RankedCandidate, type RankingCandidate } from './rank-candidates.js';
import { checkUnitChain, isPositionStale, responderTier, type IncidentUnitChain } from './responder-tier.js';
import type { RoadGraph } from './road-graph.js';
import type { RecommendedResponder } from './responders-contract.js';
import { listNearestOnDutyWorkers } from './routing.sql.js';
import { DEFAULT_MAX_SNAP_METRES, snapToRoad, type RoadSnap } from './snap-to-road.js';
import { travelTimesTo, type SearchProgress, type TravelTimes } from './travel-times.js';

export interface RecommendOptions {
  /** How many responders to return (default 5). */
  limit?: number;
  /** How many on-duty workers the straight-line pre-filter keeps (default 40). */
  candidatePool?: number;
  /** Only workers with this skill (an incident category: workers.skills @> ARRAY[skill]). */
  skill?: string;
  /** The incident's micro-grid chain, for the tiers; without it every candidate is tier 4. */
  chain?: IncidentUnitChain;
  /** The time positions are aged against (default: now). */
  now?: Date;
  /** Candidates farther than this by road are unreachable (default: no limit). */
  maxSeconds?: number;
  /** Points farther than this from any road are flagged offRoad (default 500 m). */
  maxSnapMetres?: number;
}

export type { RecommendedResponder } from './responders-contract.js';

export interface ResponderRecommendation {
  incident: { lon: number; lat: number; snap: RoadSnap | null };
  responders: RecommendedResponder[];
  /** Workers the pre-filter returned. */
  candidates: number;
  /** Vertices the road search settled. */
  settledVertices: number;
}

interface WorkerRow {
  code: string;
  name: string;
  role: string;
  home_unit_code: string;
  lon: number;
  lat: number;
  position_at_ms: number | null;
  straight_line_m: number;
}

interface Candidate extends RankingCandidate {
  row: WorkerRow;
  snap: RoadSnap | null;
  /** Position among the travel-time targets, or -1 when it could not be snapped. */
  target: number;
}

function positiveInteger(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function describeResponder(
  { rank, candidate: c, travel: t }: RankedCandidate<Candidate>,
  travelTimes: TravelTimes | null,
  nowMs: number,
): RecommendedResponder {
  if (!t.reachable && t.reason === 'not_settled') throw new Error(`${c.workerCode}: ranked without a travel time`);
  return {
    rank,
    workerCode: c.workerCode,
    name: c.row.name,
    role: c.row.role,
    homeUnitCode: c.row.home_unit_code,
    tier: c.tier,
    stale: c.stale,
    positionAgeSeconds: c.row.position_at_ms === null ? null : (nowMs - c.row.position_at_ms) / 1000,
    reachable: t.reachable,
    etaSeconds: t.reachable ? t.seconds : null,
    roadMetres: t.reachable ? t.metres : null,
    straightLineMetres: c.straightLineMetres,
    snapMetres: c.snap ? c.snap.distanceMetres : null,
    offRoad: c.snap ? c.snap.offRoad : true,
    route: t.reachable && travelTimes ? (travelTimes.route(c.target)?.coordinates ?? null) : null,
  };
}

export async function recommendResponders(
  db: Queryable,
  graph: RoadGraph,
  point: { lon: number; lat: number },
  options: RecommendOptions = {},
): Promise<ResponderRecommendation> {
  const limit = positiveInteger('limit', options.limit ?? 5);
  const pool = positiveInteger('candidatePool', options.candidatePool ?? 40);
  if (!(Number.isFinite(point.lon) && Number.isFinite(point.lat))) throw new RangeError('incident point must be finite');
  if (options.skill !== undefined && options.skill.length === 0) throw new RangeError('skill must not be empty');
  if (options.chain) checkUnitChain(options.chain);
  const nowMs = (options.now ?? new Date()).getTime();
  const maxSnapMetres = options.maxSnapMetres ?? DEFAULT_MAX_SNAP_METRES;

  const rows = await db.query<WorkerRow>(listNearestOnDutyWorkers, [point.lon, point.lat, pool, options.skill ?? null]);
  const incidentSnap = snapToRoad(graph, point.lon, point.lat, { maxSnapMetres });
  const targets: RoadSnap[] = [];
  const candidates: Candidate[] = rows.map((row) => {
    const snap = snapToRoad(graph, row.lon, row.lat, { maxSnapMetres });
    if (snap) targets.push(snap);
    return {
      workerCode: row.code,
      tier: responderTier(row.home_unit_code, options.chain),
      stale: isPositionStale(row.position_at_ms, nowMs),
      straightLineMetres: row.straight_line_m,
      row,
      snap,
      target: snap ? targets.length - 1 : -1,
    };
  });

  // The search stops once no candidate still unsettled could enter the first `limit` ranks.
  const stopWhen = ({ settledSeconds, reachedSeconds }: SearchProgress) =>
    topRanksAreFinal(
      candidates,
      candidates.map((c): CandidateTravel | null => {
        const seconds = c.target < 0 ? Infinity : settledSeconds[c.target];
        if (Number.isNaN(seconds)) return null;
        return seconds === Infinity ? { reachable: false } : { reachable: true, seconds, metres: 0 };
      }),
      reachedSeconds,
      limit,
    );
  const travelTimes = incidentSnap ? travelTimesTo(graph, incidentSnap, targets, { maxSeconds: options.maxSeconds, stopWhen }) : null;
  const travel = new Map<string, CandidateTravel>();
  for (const c of candidates) {
    const result = travelTimes && c.target >= 0 ? travelTimes.results[c.target] : null;
    if (result) travel.set(c.workerCode, result);
  }

  const responders = rankCandidates(candidates, travel)
    .slice(0, limit)
    .map((ranked) => describeResponder(ranked, travelTimes, nowMs));

  return {
    incident: { lon: point.lon, lat: point.lat, snap: incidentSnap },
    responders,
    candidates: rows.length,
    settledVertices: travelTimes?.settledVertices ?? 0,
  };
}
