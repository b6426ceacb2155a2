/**
 * City-wide totals of the generated devices and workers, and the rank thresholds a full seed found
 * for them (select-by-rank.ts). The thresholds let the Xianlin subset apply the city-wide rule without
 * the rest of the city. A full seed (`npm run seed`) reports each threshold with `calibrated: false`
 * when it differs from the value here — after a change to the reference data, the hierarchy or a
 * rule, copy the reported values in, so that the subset keeps matching the full seed.
 */
import type { RankKey } from './select-by-rank.js';

export const CITY_TOTALS = {
  /** Nanjing's published number of micro-grid workers (and so of generated workers). */
  workers: 44_688,
  cameras: 15_000,
  sensors: 20_000,
} as const;

export const CITY_THRESHOLDS: {
  secondWorker: RankKey;
  camera: RankKey;
  sensor: Record<string, RankKey>;
} = {
  secondWorker: [-194, 0.9685681308371095],
  camera: [0.041070996189342054],
  sensor: {
    smoke: [0.0004483293513270709],
    ebike_charging: [0.00046206764837675786],
    elevator: [0.0000070105362301118155],
    gas: [0.0003016917474311235],
    air: [0.03107855109746893],
    manhole: [0.013155971249964852],
    water_level: [0.018937410430389098],
    noise: [0.005185225608846658],
  },
};
