/**
 * What the simulated sensors read (sensor-simulator.ts): a daily pattern per kind in Beijing time, a little noise
 * per sensor, and the faults the simulator injects. Pure and deterministic (a hash of sensor code and time).
 */

export type SensorFault = 'breach' | 'stuck' | 'silent';

/** 0..1, deterministic for (text, n). */
export function unitHash(text: string, n: number): number {
  let h = 2166136261 ^ n;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  h = Math.imul(h ^ (h >>> 15), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** Hours since midnight in Beijing (UTC+8). */
function beijingHour(at: number): number {
  return (((at / 3_600_000 + 8) % 24) + 24) % 24;
}

/** A bump centred on `peak` hours, `width` hours wide (0..1). */
const bump = (hour: number, peak: number, width: number) => Math.exp(-(((hour - peak) / width) ** 2));

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The normal reading of a sensor at a time: below its threshold by a margin, following its kind's day. */
export function normalValue(kind: string, code: string, at: number): number {
  const hour = beijingHour(at);
  const noise = unitHash(code, Math.floor(at / 1000)) - 0.5;
  switch (kind) {
    case 'smoke':
      return round(Math.max(0, 0.1 + 0.2 * noise), 2);
    case 'ebike_charging':
      // Charging after work and overnight.
      return round(24 + 14 * bump(hour, 21, 3) + 6 * bump(hour, 2, 3) + 2 * noise);
    case 'elevator':
      return 0;
    case 'gas':
      // Kitchens at lunch and dinner.
      return round(Math.max(0, 1 + 3 * bump(hour, 11.5, 1) + 4 * bump(hour, 18, 1.2) + noise), 1);
    case 'air':
      return round(30 + 18 * bump(hour, 8, 2) + 22 * bump(hour, 19, 2.5) + 6 * noise);
    case 'manhole':
      return round(Math.max(0, 1 + 1.5 * noise), 1);
    case 'water_level':
      return round(Math.max(0, 1 + 2 * noise), 1);
    case 'noise':
      // Roads: quiet at night, rush hours loudest, under 70 dB(A).
      return round(48 + 10 * Math.min(1, bump(hour, 14, 7)) + 6 * bump(hour, 8, 1.5) + 6 * bump(hour, 18, 1.5) + 2 * noise);
    default:
      return round(10 + 5 * noise);
  }
}

/** A reading during an injected breach: clearly over the threshold. */
export function breachValue(kind: string, threshold: number | null, code: string, at: number): number {
  if (kind === 'elevator') return 2;
  const base = threshold ?? 10;
  return round(base * (1.25 + 0.3 * unitHash(code, Math.floor(at / 1000) + 7)), 1);
}
