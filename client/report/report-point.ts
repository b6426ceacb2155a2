/**
 * Where the citizen's report is (pure): the phone's GPS fix, a tap on the map (both WGS84), or typed
 * coordinates (WGS84, or GCJ-02 copied from Amap / Tencent maps). The latest choice wins; what is sent is the
 * point as given with its `coordinate_system` — the server converts GCJ-02 (server/units/locate-point.ts),
 * like every Open311 client's.
 */
import { parseCoordinates } from './parse-coordinates.js';

export type PointSource = 'gps' | 'map' | 'typed';
export interface ReportPoint {
  lon: number;
  lat: number;
  crs: 'wgs84' | 'gcj02';
  from: PointSource;
}

/** Typed coordinates as a point; null for an empty field, 'bad' for text that is no coordinate pair. */
export function pointFromTyped(text: string, gcj02: boolean): ReportPoint | null | 'bad' {
  if (!text.trim()) return null;
  const parsed = parseCoordinates(text);
  return parsed ? { ...parsed, crs: gcj02 ? 'gcj02' : 'wgs84', from: 'typed' } : 'bad';
}

/** The fields of the Open311 request for a point. */
export function open311PointFields(point: ReportPoint): Record<'long' | 'lat' | 'coordinate_system', string> {
  return { long: point.lon.toFixed(7), lat: point.lat.toFixed(7), coordinate_system: point.crs };
}

/** The message key and values that tell the citizen which point will be sent. */
export function pointText(point: ReportPoint | null): { key: string; values: Record<string, string> } {
  if (!point) return { key: 'r.pointNone', values: {} };
  const key = point.from === 'typed' && point.crs === 'gcj02' ? 'r.pointTypedGcj02' : `r.point.${point.from}`;
  return { key, values: { lon: point.lon.toFixed(5), lat: point.lat.toFixed(5) } };
}
