/**
 * The eight kinds of generated IoT sensor: how many the city has, what they measure and alarm at,
 * and where they go. 20,000 in all (the number of IoT devices Nanjing aggregates).
 *
 * "micro_grid" kinds are placed in micro-grids (up to `slots` per micro-grid), weighted by what
 * the micro-grid holds; "road" kinds are placed on road segments (at most one per kind and segment),
 * weighted by road class and length, times the micro-grid's urban factor (road-segments.ts).
 */
import type { RoadClass, RoadSegment } from './road-segments.js';

export type SensorKind = 'smoke' | 'water_level' | 'manhole' | 'gas' | 'elevator' | 'ebike_charging' | 'noise' | 'air';

export interface MicroGridForSensors {
  code: string;
  households: number;
  residential_m2: number;
  area_m2: number;
}

interface KindBase {
  kind: SensorKind;
  /** Two letters that start the sensor code. */
  prefix: string;
  cityTotal: number;
  measurementUnit: string;
  /** Alarm threshold in measurementUnit. */
  threshold: number;
}

export interface MicroGridSensorKind extends KindBase {
  place: 'micro_grid';
  slots: number;
  weight(m: MicroGridForSensors): number;
}

export interface RoadSensorKind extends KindBase {
  place: 'road';
  /** Metres from the centre line: manholes on it, roadside poles beside it. */
  offsetM: [number, number];
  weight(s: RoadSegment, nearWater: boolean): number;
}

export type SensorKindSpec = MicroGridSensorKind | RoadSensorKind;

const byClass = (weights: Partial<Record<RoadClass, number>>) => (s: RoadSegment) => (weights[s.road_class] ?? 0) * (Math.min(s.length_m, 300) / 100);

/** Housing estates: a micro-grid with residential landuse counts fully, one without it a tenth. */
const housing = (m: MicroGridForSensors) => m.households * (m.residential_m2 > 0 ? 1 : 0.1);

export const SENSOR_KINDS: readonly SensorKindSpec[] = [
  // Residential fire: smoke detectors in stairwells and public areas, by households.
  {
    kind: 'smoke',
    prefix: 'SM',
    cityTotal: 5_000,
    measurementUnit: 'obscuration %/m',
    threshold: 3,
    place: 'micro_grid',
    slots: 3,
    weight: (m) => m.households,
  },
  // Electric-bike charging sheds of housing estates: temperature of the charging point.
  { kind: 'ebike_charging', prefix: 'EB', cityTotal: 3_000, measurementUnit: '°C', threshold: 60, place: 'micro_grid', slots: 2, weight: housing },
  // Lifts of multi-storey housing: fault status (0 normal, ≥ 1 fault or trapped passenger).
  {
    kind: 'elevator',
    prefix: 'EL',
    cityTotal: 2_000,
    measurementUnit: 'status',
    threshold: 1,
    place: 'micro_grid',
    slots: 2,
    weight: (m) => m.residential_m2 + 100,
  },
  // Gas leak detectors in homes, canteens and shops.
  { kind: 'gas', prefix: 'GS', cityTotal: 2_000, measurementUnit: '%LEL', threshold: 20, place: 'micro_grid', slots: 2, weight: housing },
  // Air-quality stations spread evenly over micro-grids (so denser where micro-grids are small).
  { kind: 'air', prefix: 'AQ', cityTotal: 1_250, measurementUnit: 'µg/m³ PM2.5', threshold: 75, place: 'micro_grid', slots: 1, weight: () => 1 },
  // Manhole covers on ordinary streets: tilt of the cover.
  {
    kind: 'manhole',
    prefix: 'MH',
    cityTotal: 3_000,
    measurementUnit: 'tilt °',
    threshold: 15,
    place: 'road',
    offsetM: [0, 0],
    weight: byClass({ residential: 2, tertiary: 1.5, primary: 1, service: 1 }),
  },
  // Road ponding gauges: by rivers and lakes (within ≈ 100 m of OSM water), some on major roads elsewhere.
  {
    kind: 'water_level',
    prefix: 'WL',
    cityTotal: 2_500,
    measurementUnit: 'cm',
    threshold: 15,
    place: 'road',
    offsetM: [1, 3],
    weight: (s, nearWater) =>
      (Math.min(s.length_m, 300) / 100) * (nearWater ? 4 : s.road_class === 'primary' || s.road_class === 'tertiary' ? 0.3 : 0.05),
  },
  // Roadside noise monitors on busy roads.
  {
    kind: 'noise',
    prefix: 'NS',
    cityTotal: 1_250,
    measurementUnit: 'dB(A)',
    threshold: 70,
    place: 'road',
    offsetM: [4, 10],
    weight: byClass({ primary: 3, motorway: 2, tertiary: 1 }),
  },
];
