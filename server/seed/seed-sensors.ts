/**
 * Seed step: 20,000 generated IoT sensors for the whole city, of the eight kinds in sensor-kinds.ts.
 *
 * Each kind has its own candidates and weights; a candidate's rank key is u / weight with
 * u = unitRandom('sensor:<kind>:<candidate>'), and the kind's city total goes to the lowest keys
 * (select-by-rank.ts; the Xianlin subset uses the calibrated city-wide thresholds). Candidates:
 *  - micro_grid kinds: slots 1..n of every micro-grid (key '<micro-grid>:<slot>'), the sensor at a
 *    deterministic point inside the micro-grid;
 *  - road kinds: undirected road segments of at least 20 m (key '<lo>-<hi>'), the sensor at a
 *    deterministic fraction along it (and to the side for roadside kinds), weighted also by the
 *    urban factor of the micro-grid it falls in; water-level gauges prefer roads near OSM water.
 * Code <prefix><micro-grid code><nn>, nn in rank order within the micro-grid; online ≈ 97 %.
 */
import { listSegments, locateOnSegments, MAX_URBAN_FACTOR, Placement, RoadSegment, segmentCode, urbanFactor } from './road-segments.js';
import type { SeedContext } from './seed-context.js';
import { insertSensors, listMicroGridsForSensors, listRoadSegmentsNearWater } from './seed-sensors.sql.js';
import { CITY_THRESHOLDS, CITY_TOTALS } from './seed-thresholds.js';
import { describeThreshold, RankKey, RankedSelection, RankRule, selectByRank, selectByRankResolving } from './select-by-rank.js';
import { MicroGridForSensors, MicroGridSensorKind, RoadSensorKind, SENSOR_KINDS, SensorKindSpec } from './sensor-kinds.js';
import { unitRandom } from './unit-random.js';

export const SENSOR_MINIMUM_SEGMENT_M = 20;
/** "Near water": within this many degrees (≈ 100 m) of an OSM water polygon. */
export const NEAR_WATER_DEGREES = 0.001;

/** A chosen place: a micro-grid, and a position for road sensors (micro-grid sensors get theirs in SQL). */
export interface ChosenPlace {
  microGridCode: string;
  placeKey: string;
  lon: number | null;
  lat: number | null;
}

export interface PlannedSensor extends ChosenPlace {
  code: string;
  spec: SensorKindSpec;
  online: boolean;
}

function rankKey(kind: string, candidate: string, weight: number): RankKey {
  return [weight > 0 ? unitRandom(`sensor:${kind}:${candidate}`) / weight : Infinity];
}

function ruleOf(spec: SensorKindSpec): RankRule {
  return { cityTotal: spec.cityTotal, cityThreshold: CITY_THRESHOLDS.sensor[spec.kind] ?? [0] };
}

export function chooseMicroGridPlaces(
  area: SeedContext['area'],
  spec: MicroGridSensorKind,
  microGrids: readonly MicroGridForSensors[],
): RankedSelection<ChosenPlace> {
  const candidates = microGrids.flatMap((m) =>
    Array.from({ length: spec.slots }, (_, i) => ({ m, candidate: `${m.code}:${i + 1}`, weight: spec.weight(m) })),
  );
  const { selected, threshold } = selectByRank(
    area,
    candidates.filter((c) => c.weight > 0),
    (c) => rankKey(spec.kind, c.candidate, c.weight),
    ruleOf(spec),
  );
  return {
    selected: selected.map((c) => ({ microGridCode: c.m.code, placeKey: `${spec.kind}:${c.candidate}`, lon: null, lat: null })),
    threshold,
  };
}

export function roadSensorPlacement(spec: RoadSensorKind, s: RoadSegment): Placement {
  const key = `${spec.kind}:${segmentCode(s)}`;
  const [minimum, maximum] = spec.offsetM;
  return {
    fraction: 0.1 + 0.8 * unitRandom(`sensor-along:${key}`),
    offsetM: minimum + (maximum - minimum) * unitRandom(`sensor-offset:${key}`),
    side: maximum === 0 ? 0 : unitRandom(`sensor-side:${key}`) < 0.5 ? -1 : 1,
  };
}

export async function chooseRoadPlaces(
  ctx: SeedContext,
  spec: RoadSensorKind,
  segments: readonly RoadSegment[],
  nearWater: ReadonlySet<string>,
): Promise<RankedSelection<ChosenPlace>> {
  const candidates = segments.map((s) => ({ s, weight: spec.weight(s, nearWater.has(segmentCode(s))) })).filter((c) => c.weight > 0);
  return selectByRankResolving(
    ctx.area,
    candidates,
    (c) => rankKey(spec.kind, segmentCode(c.s), c.weight * MAX_URBAN_FACTOR),
    async (batch) => {
      const located = await locateOnSegments(
        ctx.db,
        batch.map((c) => ({ segment: c.s, placement: roadSensorPlacement(spec, c.s) })),
      );
      return located.map((at, i) => {
        if (!at) return null;
        const { s, weight } = batch[i];
        return {
          item: { microGridCode: at.microGridCode, placeKey: `${spec.kind}:${segmentCode(s)}`, lon: at.lon, lat: at.lat },
          key: rankKey(spec.kind, segmentCode(s), weight * urbanFactor(at.households, at.areaM2)),
        };
      });
    },
    ruleOf(spec),
  );
}

/** Codes in rank order within each micro-grid. */
export function codeSensors(spec: SensorKindSpec, places: readonly ChosenPlace[]): PlannedSensor[] {
  const perMicroGrid = new Map<string, number>();
  return places.map((p) => {
    const n = (perMicroGrid.get(p.microGridCode) ?? 0) + 1;
    perMicroGrid.set(p.microGridCode, n);
    if (n > 99) throw new Error(`more than 99 ${spec.kind} sensors in micro-grid ${p.microGridCode}`);
    return {
      ...p,
      code: `${spec.prefix}${p.microGridCode}${String(n).padStart(2, '0')}`,
      spec,
      online: unitRandom(`sensor-online:${p.placeKey}`) < 0.97,
    };
  });
}

const BATCH = 5_000;

export async function seedSensors(ctx: SeedContext): Promise<void> {
  const total = SENSOR_KINDS.reduce((s, k) => s + k.cityTotal, 0);
  if (total !== CITY_TOTALS.sensors) throw new Error(`sensor kinds add up to ${total}, not ${CITY_TOTALS.sensors}`);
  const microGrids = await ctx.db.query<MicroGridForSensors>(listMicroGridsForSensors);
  const segments = await listSegments(ctx.db, SENSOR_MINIMUM_SEGMENT_M);
  const nearWater = new Set((await ctx.db.query<{ lo: number; hi: number }>(listRoadSegmentsNearWater, [NEAR_WATER_DEGREES])).map(segmentCode));
  const sensors: PlannedSensor[] = [];
  const thresholds: Record<string, unknown> = {};
  for (const spec of SENSOR_KINDS) {
    const { selected, threshold } =
      spec.place === 'micro_grid' ? chooseMicroGridPlaces(ctx.area, spec, microGrids) : await chooseRoadPlaces(ctx, spec, segments, nearWater);
    sensors.push(...codeSensors(spec, selected));
    thresholds[spec.kind] = describeThreshold(`sensor ${spec.kind}`, threshold, CITY_THRESHOLDS.sensor[spec.kind] ?? [0]);
    ctx.progress(`sensors: ${spec.kind}`, { sensors: selected.length });
  }
  sensors.sort((a, b) => (a.code < b.code ? -1 : 1));
  await ctx.db.withTransaction(async (tx) => {
    for (let i = 0; i < sensors.length; i += BATCH) {
      const b = sensors.slice(i, i + BATCH);
      await tx.query(insertSensors, [
        b.map((_, j) => i + j + 1),
        b.map((s) => s.code),
        b.map((s) => s.spec.kind),
        b.map((s) => s.lon),
        b.map((s) => s.lat),
        b.map((s) => s.spec.measurementUnit),
        b.map((s) => s.spec.threshold),
        b.map((s) => s.online),
        b.map((s) => s.microGridCode),
        b.map((s) => s.placeKey),
      ]);
    }
  });
  ctx.progress('sensors inserted', { sensors: sensors.length, thresholds });
}
