/**
 * How a location joins the road graph: a vertex joins at itself; a snapped point joins at the two ends
 * of its segment, along the partial edge at that edge's own speed, after a straight off-road leg from
 * the point to the road at OFF_ROAD_METRES_PER_SECOND (15 km/h: a grid worker walking briskly or
 * cycling through a compound, across a square or a campus to the nearest road in the graph).
 */
import type { RoadGraph } from './road-graph.js';
import type { RoadSnap } from './snap-to-road.js';

/** A vertex number, or a point snapped to the road (snapToRoad). */
export type RoadLocation = number | RoadSnap;

/** 15 km/h, in metres per second. */
export const OFF_ROAD_METRES_PER_SECOND = 15 / 3.6;

/** One way between a location and a graph vertex, and its cost. */
export interface AccessLink {
  vertex: number;
  seconds: number;
  metres: number;
}

type LinkGraph = Pick<RoadGraph, 'vertexCount' | 'edgeCount' | 'edgeSource' | 'edgeTarget' | 'edgeSeconds' | 'edgeMetres' | 'twinEdge'>;

export function checkLocation(graph: LinkGraph, location: RoadLocation): void {
  if (typeof location === 'number') {
    if (!(Number.isInteger(location) && location >= 0 && location < graph.vertexCount)) {
      throw new RangeError(`vertex ${location} is not in the graph (0…${graph.vertexCount - 1})`);
    }
  } else if (!(Number.isInteger(location.edge) && location.edge >= 0 && location.edge < graph.edgeCount)) {
    throw new RangeError(`snapped edge ${location.edge} is not in the graph`);
  }
}

function offRoad(snap: RoadSnap, speed: number): { seconds: number; metres: number } {
  return { seconds: snap.distanceMetres / speed, metres: snap.distanceMetres };
}

/** The ways from the location into the graph, in the direction of travel. */
export function departureLinks(graph: LinkGraph, location: RoadLocation, speed: number): AccessLink[] {
  if (typeof location === 'number') return [{ vertex: location, seconds: 0, metres: 0 }];
  const leg = offRoad(location, speed);
  const e = location.edge;
  const t = location.fraction;
  const links = [
    { vertex: graph.edgeTarget[e], seconds: leg.seconds + (1 - t) * graph.edgeSeconds[e], metres: leg.metres + (1 - t) * graph.edgeMetres[e] },
  ];
  const twin = graph.twinEdge[e];
  if (twin >= 0) {
    links.push({ vertex: graph.edgeSource[e], seconds: leg.seconds + t * graph.edgeSeconds[twin], metres: leg.metres + t * graph.edgeMetres[twin] });
  }
  return links;
}

/** The ways from the graph to the location, in the direction of travel. */
export function arrivalLinks(graph: LinkGraph, location: RoadLocation, speed: number): AccessLink[] {
  if (typeof location === 'number') return [{ vertex: location, seconds: 0, metres: 0 }];
  const leg = offRoad(location, speed);
  const e = location.edge;
  const t = location.fraction;
  const links = [{ vertex: graph.edgeSource[e], seconds: leg.seconds + t * graph.edgeSeconds[e], metres: leg.metres + t * graph.edgeMetres[e] }];
  const twin = graph.twinEdge[e];
  if (twin >= 0) {
    links.push({
      vertex: graph.edgeTarget[e],
      seconds: leg.seconds + (1 - t) * graph.edgeSeconds[twin],
      metres: leg.metres + (1 - t) * graph.edgeMetres[twin],
    });
  }
  return links;
}

/** A way between two points that passes no vertex. */
export interface DirectLink {
  /** along: both legs and the stretch of their common segment; walk: straight from point to point. */
  kind: 'along' | 'walk';
  seconds: number;
  metres: number;
}

/** Straight-line metres between two WGS84 points (haversine on the mean-radius sphere). */
export function haversineMetres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const toRadians = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRadians;
  const dLon = (lon2 - lon1) * toRadians;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRadians) * Math.cos(lat2 * toRadians) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * The quickest way from one snapped point to another that passes no vertex, or null:
 *  - walk: straight across, at the off-road speed, when that is no longer than their two off-road legs
 *    together (ground the model already treats as walkable: two workers in one compound, or a worker
 *    standing at the incident, meet without going out to the road and back);
 *  - along: out to the road, along their common segment, and off it again (not the wrong way along a
 *    one-way edge).
 */
export function directLink(graph: LinkGraph, from: RoadLocation, to: RoadLocation, speed: number): DirectLink | null {
  if (typeof from === 'number' || typeof to === 'number') return null;
  const straight = haversineMetres(from.lon, from.lat, to.lon, to.lat);
  const walk: DirectLink | null =
    straight <= from.distanceMetres + to.distanceMetres ? { kind: 'walk', seconds: straight / speed, metres: straight } : null;
  const along = alongSegment(graph, from, to, speed);
  if (walk && along) return walk.seconds <= along.seconds ? walk : along;
  return walk ?? along;
}

function alongSegment(graph: LinkGraph, from: RoadSnap, to: RoadSnap, speed: number): DirectLink | null {
  const e = from.edge;
  const twin = graph.twinEdge[e];
  let toFraction: number;
  if (to.edge === e) toFraction = to.fraction;
  else if (to.edge === twin) toFraction = 1 - to.fraction;
  else return null;
  const a = offRoad(from, speed);
  const b = offRoad(to, speed);
  if (toFraction >= from.fraction) {
    const share = toFraction - from.fraction;
    return {
      kind: 'along',
      seconds: a.seconds + b.seconds + share * graph.edgeSeconds[e],
      metres: a.metres + b.metres + share * graph.edgeMetres[e],
    };
  }
  if (twin < 0) return null;
  const share = from.fraction - toFraction;
  return {
    kind: 'along',
    seconds: a.seconds + b.seconds + share * graph.edgeSeconds[twin],
    metres: a.metres + b.metres + share * graph.edgeMetres[twin],
  };
}

/** [lon, lat] of a location, and of where it meets the road. */
export function locationPoints(graph: Pick<RoadGraph, 'lon' | 'lat'>, location: RoadLocation): Array<[number, number]> {
  if (typeof location === 'number') return [[graph.lon[location], graph.lat[location]]];
  return [
    [location.lon, location.lat],
    [location.snappedLon, location.snappedLat],
  ];
}
