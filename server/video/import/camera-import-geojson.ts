/**
 * The camera import file as GeoJSON: a FeatureCollection of Point features whose properties carry code,
 * name and optionally heading_deg, fov_deg, range_m, stream_url. Each feature is checked on its own; a bad
 * one is reported by its number (1-based, in the `line` field) and the others still come through.
 */
import { csvField, parseCameraCsv, type ParsedCameraFile } from './camera-import-csv.js';

export class GeoJsonFileError extends Error {}

/** Parses the text; throws GeoJsonFileError when it is not a FeatureCollection at all. */
export function parseCameraGeoJson(text: string): ParsedCameraFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new GeoJsonFileError('the file is not valid JSON');
  }
  const features = (doc as { type?: unknown; features?: unknown }).features;
  if ((doc as { type?: unknown }).type !== 'FeatureCollection' || !Array.isArray(features)) {
    throw new GeoJsonFileError('the file is not a GeoJSON FeatureCollection');
  }
  // Each feature becomes one CSV line (numbered as the feature), so that both formats share one checker.
  const header = 'code,name,lon,lat,heading_deg,fov_deg,range_m,stream_url';
  const errors: ParsedCameraFile['errors'] = [];
  const lines: string[] = [];
  const numbers: number[] = [];
  features.forEach((f: unknown, i: number) => {
    const feature = f as { geometry?: { type?: unknown; coordinates?: unknown }; properties?: Record<string, unknown> | null };
    const c = feature?.geometry?.coordinates;
    if (feature?.geometry?.type !== 'Point' || !Array.isArray(c) || typeof c[0] !== 'number' || typeof c[1] !== 'number') {
      errors.push({ line: i + 1, reason: 'not a Point feature with numeric coordinates' });
      return;
    }
    const p = feature.properties ?? {};
    const text = (key: string) => {
      const v = p[key];
      return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
    };
    lines.push(
      [text('code'), text('name'), String(c[0]), String(c[1]), text('heading_deg'), text('fov_deg'), text('range_m'), text('stream_url')]
        .map(csvField)
        .join(','),
    );
    numbers.push(i + 1);
  });
  const parsed = parseCameraCsv([header, ...lines].join('\n'));
  const renumber = (line: number) => numbers[line - 2] ?? line;
  return {
    rows: parsed.rows.map((r) => ({ ...r, line: renumber(r.line) })),
    errors: [...errors, ...parsed.errors.map((e) => ({ ...e, line: renumber(e.line) }))].sort((a, b) => a.line - b.line),
  };
}
