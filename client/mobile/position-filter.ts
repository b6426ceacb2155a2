/**
 * Which Geolocation fixes are sent while on duty: at most one per interval, except a move of more than the
 * distance filter, which goes at once if the last send was at least `minIntervalMs` ago; a fix worse than
 * `maxAccuracyMetres` is not sent at all. Pure.
 */
export interface PositionFix {
  lon: number;
  lat: number;
  accuracy: number;
  /** Phone time of the fix, ms. */
  at: number;
}

export interface PositionFilterOptions {
  /** A still worker reports this often (ms). */
  intervalMs: number;
  /** A move farther than this (metres) is reported early… */
  distanceMetres: number;
  /** …but not more often than this (ms). */
  minIntervalMs: number;
  maxAccuracyMetres: number;
}

export const DEFAULT_POSITION_FILTER: PositionFilterOptions = {
  intervalMs: 30_000,
  distanceMetres: 25,
  minIntervalMs: 5_000,
  maxAccuracyMetres: 200,
};

export function metresBetween(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function shouldSendFix(fix: PositionFix, lastSent: PositionFix | null, options: PositionFilterOptions = DEFAULT_POSITION_FILTER): boolean {
  if (!(fix.accuracy <= options.maxAccuracyMetres)) return false;
  if (!lastSent) return true;
  const elapsed = fix.at - lastSent.at;
  if (elapsed >= options.intervalMs) return true;
  return elapsed >= options.minIntervalMs && metresBetween(fix, lastSent) > options.distanceMetres;
}
