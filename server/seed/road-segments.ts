/**
 * Road segments as candidate places for devices (cameras, road sensors), and their placement:
 * a point along the segment, a few metres to one side, and the micro-grid it falls in.
 */
import type { Queryable } from '../db/database.js';
import { shortCommunityName } from './reference-data.js';
import { listCommunityNames, listRoadSegments, locateOnRoadSegments } from './road-segments.sql.js';

export type RoadClass = 'motorway' | 'primary' | 'tertiary' | 'residential' | 'service';

export interface RoadSegment {
  lo: number;
  hi: number;
  road_class: RoadClass;
  length_m: number;
}

export interface Placement {
  /** Fraction of the way from lo to hi. */
  fraction: number;
  /** Metres to the side of the centre line. */
  offsetM: number;
  /** −1 left of lo → hi, +1 right, 0 on the centre line. */
  side: -1 | 0 | 1;
}

export interface LocatedPoint {
  lon: number;
  lat: number;
  /** Bearing of the segment from lo to hi, degrees clockwise from north. */
  azimuthDeg: number;
  microGridCode: string;
  households: number;
  areaM2: number;
  communityCode: string;
}

/** The segment's stable key: its two vertex ids, lowest first. */
export function segmentCode(s: Pick<RoadSegment, 'lo' | 'hi'>): string {
  return `${s.lo}-${s.hi}`;
}

export function listSegments(db: Queryable, minimumLengthM: number): Promise<RoadSegment[]> {
  return db.query<RoadSegment>(listRoadSegments, [minimumLengthM]);
}

const BATCH = 20_000;

/** Locate a placement on each segment; null where the point is outside every seeded micro-grid. */
export async function locateOnSegments(
  db: Queryable,
  items: ReadonlyArray<{ segment: RoadSegment; placement: Placement }>,
): Promise<Array<LocatedPoint | null>> {
  const out: Array<LocatedPoint | null> = new Array(items.length).fill(null);
  for (let i = 0; i < items.length; i += BATCH) {
    const batch = items.slice(i, i + BATCH);
    const rows = await db.query<{
      ord: number;
      lon: number;
      lat: number;
      azimuth_deg: number;
      micro_grid_code: string;
      households: number;
      area_m2: number;
      community_code: string;
    }>(locateOnRoadSegments, [
      batch.map((b) => b.segment.lo),
      batch.map((b) => b.segment.hi),
      batch.map((b) => b.placement.fraction),
      batch.map((b) => b.placement.offsetM),
      batch.map((b) => b.placement.side),
    ]);
    for (const r of rows) {
      out[i + r.ord - 1] = {
        lon: r.lon,
        lat: r.lat,
        azimuthDeg: r.azimuth_deg,
        microGridCode: r.micro_grid_code,
        households: r.households,
        areaM2: r.area_m2,
        communityCode: r.community_code,
      };
    }
  }
  return out;
}

export const MAX_URBAN_FACTOR = 4;

/** Households per km² of a micro-grid → a factor from 1 (rural) to MAX_URBAN_FACTOR (≥ 5,000 per km²). */
export function urbanFactor(households: number, areaM2: number): number {
  const density = households / Math.max(areaM2 / 1e6, 1e-6);
  return 1 + (MAX_URBAN_FACTOR - 1) * Math.min(1, density / 5000);
}

export async function readCommunityNames(db: Queryable): Promise<Map<string, string>> {
  const rows = await db.query<{ code: string; name: string }>(listCommunityNames);
  return new Map(rows.map((r) => [r.code, shortCommunityName(r.name)]));
}
