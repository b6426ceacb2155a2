/**
 * Seed step: 15,000 generated video cameras for the whole city, along the real roads.
 *
 * Rule, per undirected road segment of at least 20 m (stable key: its two vertex ids):
 *  - a place a deterministic fraction along it (15–85 %), 2–6 m to one side of the centre line;
 *  - a weight: road class (primary 3, tertiary 2.5, residential 1.5, motorway 1, service 0.6) ×
 *    length (up to 300 m) × an urban factor from the household density of the micro-grid the place
 *    falls in (1 rural … 4 dense housing);
 *  - a rank key u / weight, u = unitRandom('camera:' + segment). The 15,000 lowest keys city-wide get
 *    a camera (select-by-rank.ts; the Xianlin subset uses the calibrated city-wide threshold), so a
 *    segment's chance is proportional to its weight. Places outside every seeded micro-grid never count.
 * A camera looks along the road (either way, 70 %) or across it from its side (30 %); field of view
 * 50–100°, range 40–150 m (longer on major roads), online 95 %, no stream URL. Its position is stored
 * in WGS84 and, as delivered, in wgs84 (80 %), gcj02 (15 %) or bd09 (5 %) (npm gcoord).
 */
import gcoord from 'gcoord';
import {
  listSegments,
  locateOnSegments,
  LocatedPoint,
  MAX_URBAN_FACTOR,
  Placement,
  readCommunityNames,
  RoadClass,
  RoadSegment,
  segmentCode,
  urbanFactor,
} from './road-segments.js';
import type { SeedContext } from './seed-context.js';
import { insertCameras } from './seed-cameras.sql.js';
import { CITY_THRESHOLDS, CITY_TOTALS } from './seed-thresholds.js';
import { describeThreshold, RankKey, selectByRankResolving } from './select-by-rank.js';
import { pickWeighted, unitRandom } from './unit-random.js';

export const CAMERA_MINIMUM_SEGMENT_M = 20;
const CLASS_WEIGHT: Record<RoadClass, number> = { motorway: 1, primary: 3, tertiary: 2.5, residential: 1.5, service: 0.6 };
const CLASS_LABEL: Record<RoadClass, string> = {
  motorway: '快速路',
  primary: '主干路',
  tertiary: '次干路',
  residential: '支路',
  service: '内部道路',
};

export type SourceCrs = 'wgs84' | 'gcj02' | 'bd09';

export interface PlannedCamera {
  code: string;
  name: string;
  lon: number;
  lat: number;
  headingDeg: number;
  fovDeg: number;
  rangeM: number;
  online: boolean;
  sourceCrs: SourceCrs;
  sourceLon: number;
  sourceLat: number;
  microGridCode: string;
}

function baseWeight(s: RoadSegment): number {
  return CLASS_WEIGHT[s.road_class] * (Math.min(s.length_m, 300) / 100);
}

export function cameraPlacement(s: RoadSegment): Placement {
  const key = segmentCode(s);
  return {
    fraction: 0.15 + 0.7 * unitRandom(`camera-along:${key}`),
    offsetM: 2 + 4 * unitRandom(`camera-offset:${key}`),
    side: unitRandom(`camera-side:${key}`) < 0.5 ? -1 : 1,
  };
}

export function cameraRankKey(s: RoadSegment, at: Pick<LocatedPoint, 'households' | 'areaM2'>): RankKey {
  return [unitRandom(`camera:${segmentCode(s)}`) / (baseWeight(s) * urbanFactor(at.households, at.areaM2))];
}

function normaliseDegrees(d: number): number {
  const n = ((d % 360) + 360) % 360;
  return n >= 360 ? 0 : n;
}

/** Heading, field of view, range, state and delivered coordinates of the camera on a segment. */
export function describeCamera(s: RoadSegment, placement: Placement, at: LocatedPoint): Omit<PlannedCamera, 'code' | 'name'> {
  const key = segmentCode(s);
  const along = unitRandom(`camera-view:${key}`) < 0.7;
  const heading = along ? at.azimuthDeg + (unitRandom(`camera-direction:${key}`) < 0.5 ? 0 : 180) : at.azimuthDeg - placement.side * 90; // from its side of the road, looking across it
  const major = s.road_class === 'motorway' || s.road_class === 'primary';
  const sourceCrs = pickWeighted<SourceCrs>(`camera-crs:${key}`, [
    ['wgs84', 80],
    ['gcj02', 15],
    ['bd09', 5],
  ]);
  const [sourceLon, sourceLat] =
    sourceCrs === 'wgs84'
      ? [at.lon, at.lat]
      : gcoord.transform([at.lon, at.lat] as [number, number], gcoord.WGS84, sourceCrs === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09);
  return {
    lon: at.lon,
    lat: at.lat,
    headingDeg: normaliseDegrees(heading),
    fovDeg: Math.round(50 + 50 * unitRandom(`camera-fov:${key}`)),
    rangeM: Math.round(major ? 70 + 80 * unitRandom(`camera-range:${key}`) : 40 + 70 * unitRandom(`camera-range:${key}`)),
    online: unitRandom(`camera-online:${key}`) < 0.95,
    sourceCrs,
    sourceLon,
    sourceLat,
    microGridCode: at.microGridCode,
  };
}

/** Codes C<micro-grid><nn> in rank order within each micro-grid; names by community and road class. */
function nameCameras(
  chosen: Array<{ segment: RoadSegment; camera: Omit<PlannedCamera, 'code' | 'name'>; communityCode: string }>,
  communityNames: Map<string, string>,
): PlannedCamera[] {
  const perMicroGrid = new Map<string, number>();
  const coded = chosen.map((c) => {
    const n = (perMicroGrid.get(c.camera.microGridCode) ?? 0) + 1;
    perMicroGrid.set(c.camera.microGridCode, n);
    if (n > 99) throw new Error(`more than 99 cameras in micro-grid ${c.camera.microGridCode}`);
    return { ...c, code: `C${c.camera.microGridCode}${String(n).padStart(2, '0')}` };
  });
  coded.sort((a, b) => (a.code < b.code ? -1 : 1));
  const perCommunity = new Map<string, number>();
  return coded.map((c) => {
    const n = (perCommunity.get(c.communityCode) ?? 0) + 1;
    perCommunity.set(c.communityCode, n);
    const community = communityNames.get(c.communityCode) ?? '';
    return { ...c.camera, code: c.code, name: `${community}${CLASS_LABEL[c.segment.road_class]}监控点${String(n).padStart(3, '0')}` };
  });
}

const BATCH = 5_000;

export async function seedCameras(ctx: SeedContext): Promise<void> {
  const segments = await listSegments(ctx.db, CAMERA_MINIMUM_SEGMENT_M);
  const { selected, threshold } = await selectByRankResolving(
    ctx.area,
    segments,
    (s) => [unitRandom(`camera:${segmentCode(s)}`) / (baseWeight(s) * MAX_URBAN_FACTOR)],
    async (batch) => {
      const placements = batch.map((segment) => ({ segment, placement: cameraPlacement(segment) }));
      const located = await locateOnSegments(ctx.db, placements);
      return located.map((at, i) => {
        if (!at) return null;
        const { segment, placement } = placements[i];
        return {
          item: { segment, camera: describeCamera(segment, placement, at), communityCode: at.communityCode },
          key: cameraRankKey(segment, at),
        };
      });
    },
    { cityTotal: CITY_TOTALS.cameras, cityThreshold: CITY_THRESHOLDS.camera },
  );
  const cameras = nameCameras(selected, await readCommunityNames(ctx.db));
  await ctx.db.withTransaction(async (tx) => {
    for (let i = 0; i < cameras.length; i += BATCH) {
      const b = cameras.slice(i, i + BATCH);
      await tx.query(insertCameras, [
        b.map((_, j) => i + j + 1),
        b.map((c) => c.code),
        b.map((c) => c.name),
        b.map((c) => c.lon),
        b.map((c) => c.lat),
        b.map((c) => c.headingDeg),
        b.map((c) => c.fovDeg),
        b.map((c) => c.rangeM),
        b.map((c) => c.online),
        b.map((c) => c.sourceCrs),
        b.map((c) => c.sourceLon),
        b.map((c) => c.sourceLat),
        b.map((c) => c.microGridCode),
      ]);
    }
  });
  ctx.progress('cameras inserted', { cameras: cameras.length, ...describeThreshold('camera', threshold, CITY_THRESHOLDS.camera) });
}
