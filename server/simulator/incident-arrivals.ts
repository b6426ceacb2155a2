/**
 * New incidents for the simulator, pure: how many arrive in a tick (Poisson around the configured rate
 * times the daily rhythm), and what each one is (source, category, description) and where (a micro-grid
 * drawn by households, then a point in its bounding box that the database checks lies inside it).
 */
import {
  arrivalWeight,
  CATEGORY_WEIGHTS_BY_SOURCE,
  chooseWeighted,
  DESCRIPTIONS,
  MEAN_HOUR_WEIGHT,
  shanghaiFields,
  SOURCE_WEIGHTS,
  sourceAtHour,
} from './incident-rhythm.js';
import { poisson, type Random } from './simulator-random.js';
import type { IncidentSource } from '../contract/incident-vocabulary.js';

/** Expected arrivals between `at` and `at + seconds`, for a mean rate per minute over the day. */
export function expectedArrivals(ratePerMinute: number, at: Date, seconds: number): number {
  return (ratePerMinute * seconds * arrivalWeight(at)) / (60 * MEAN_HOUR_WEIGHT);
}

export function arrivalCount(random: Random, ratePerMinute: number, at: Date, seconds: number): number {
  return poisson(random, expectedArrivals(ratePerMinute, at, seconds));
}

export interface ArrivalKind {
  source: IncidentSource;
  category: string;
  description: string;
}

export function drawArrivalKind(random: Random, at: Date): ArrivalKind {
  const source = sourceAtHour(chooseWeighted(random(), SOURCE_WEIGHTS), shanghaiFields(at).hour);
  const category = chooseWeighted(random(), CATEGORY_WEIGHTS_BY_SOURCE[source]);
  const texts = DESCRIPTIONS[category];
  return { source, category, description: `${texts[Math.floor(random() * texts.length)]}（模拟）` };
}

export interface MicroGridBox {
  code: string;
  households: number;
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

/** Cumulative households, for drawing micro-grids in proportion to them. */
export function cumulativeHouseholds(grids: readonly MicroGridBox[]): Float64Array {
  const out = new Float64Array(grids.length);
  let sum = 0;
  grids.forEach((g, i) => {
    sum += Math.max(1, g.households);
    out[i] = sum;
  });
  return out;
}

export function drawMicroGrid(random: Random, grids: readonly MicroGridBox[], cumulative: Float64Array): MicroGridBox {
  const x = random() * cumulative[cumulative.length - 1];
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return grids[lo];
}

/** Candidate points in the micro-grid's bounding box (the database keeps the first inside it). */
export function candidatePoints(random: Random, g: MicroGridBox, count = 8): { lon: number[]; lat: number[] } {
  const lon: number[] = [];
  const lat: number[] = [];
  for (let i = 0; i < count; i += 1) {
    lon.push(g.xmin + (g.xmax - g.xmin) * random());
    lat.push(g.ymin + (g.ymax - g.ymin) * random());
  }
  return { lon, lat };
}
