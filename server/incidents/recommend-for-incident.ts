/**
 * Recommendation for a stored incident: the skill of its category and its micro-grid chain (with the
 * adjoining micro-grids, tier 1) handed to the road ranking. Used by the recommendations route and by the
 * automatic re-offer of unanswered cases.
 */
import type { Queryable } from '../db/database.js';
import { recommendResponders, type ResponderRecommendation } from '../routing/recommend-responders.js';
import type { RoadGraph } from '../routing/road-graph.js';
import { listAdjoiningMicroGrids, readCategory } from './incidents.sql.js';

export interface IncidentPlace {
  lon: number;
  lat: number;
  category: string;
  micro_grid_code: string;
  grid_code: string;
  community_code: string;
  street_code: string;
}

export async function recommendForIncident(
  q: Queryable,
  graph: RoadGraph,
  incident: IncidentPlace,
  options: { limit: number; now: Date },
): Promise<ResponderRecommendation & { skill: string }> {
  const [category] = await q.query<{ skill: string }>(readCategory, [incident.category]);
  const neighbours = await q.query<{ code: string }>(listAdjoiningMicroGrids, [incident.micro_grid_code]);
  const recommendation = await recommendResponders(
    q,
    graph,
    { lon: incident.lon, lat: incident.lat },
    {
      limit: options.limit,
      skill: category.skill,
      now: options.now,
      chain: {
        microGridCode: incident.micro_grid_code,
        gridCode: incident.grid_code,
        neighbourMicroGridCodes: neighbours.map((n) => n.code),
        communityCode: incident.community_code,
        streetCode: incident.street_code,
      },
    },
  );
  return { skill: category.skill, ...recommendation };
}
