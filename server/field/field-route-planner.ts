/**
 * The road route from a worker's position to their case, for the field app's map: both points snapped to the
 * road graph, one forward search (server/routing/travel-times.ts), the route as [lon, lat] from the worker to
 * the case. Pure over the loaded graph. Unreachable (another road component, or off the roads entirely):
 * `reachable: false` with the straight-line distance, so the phone can still show how far it is.
 */
import type { RoadGraph } from '../routing/road-graph.js';
import { haversineMetres } from '../routing/road-location.js';
import { snapToRoad } from '../routing/snap-to-road.js';
import { travelTimesFrom } from '../routing/travel-times.js';

export type FieldRoute =
  | { reachable: true; seconds: number; metres: number; straightLineMetres: number; coordinates: Array<[number, number]> }
  | { reachable: false; reason: 'off_road' | 'no_route'; straightLineMetres: number };

/** A route of at most two hours: a worker's case is in their street, so anything longer is no route. */
const MAX_SECONDS = 2 * 3600;

export function routeBetween(graph: RoadGraph, from: { lon: number; lat: number }, to: { lon: number; lat: number }): FieldRoute {
  const straightLineMetres = haversineMetres(from.lon, from.lat, to.lon, to.lat);
  const origin = snapToRoad(graph, from.lon, from.lat);
  const destination = snapToRoad(graph, to.lon, to.lat);
  if (!origin || !destination || origin.offRoad || destination.offRoad) return { reachable: false, reason: 'off_road', straightLineMetres };
  const search = travelTimesFrom(graph, origin, [destination], { maxSeconds: MAX_SECONDS });
  const result = search.results[0];
  const geometry = search.route(0);
  if (!result.reachable || !geometry) return { reachable: false, reason: 'no_route', straightLineMetres };
  return { reachable: true, seconds: result.seconds, metres: result.metres, straightLineMetres, coordinates: geometry.coordinates };
}
