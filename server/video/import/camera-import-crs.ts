/**
 * Coordinate systems a camera import may declare (issue 21, item 4), and their conversion to WGS84 with
 * gcoord (the published GCJ-02 / BD-09 formulas). CGCS2000 is taken as WGS84: the two frames differ by a few
 * centimetres in Nanjing, far below the 5 m the QA flags work at.
 */
import gcoord from 'gcoord';

export const IMPORT_CRS = ['wgs84', 'gcj02', 'bd09', 'cgcs2000'] as const;
export type ImportCrs = (typeof IMPORT_CRS)[number];

const GCOORD_CRS = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09, cgcs2000: gcoord.WGS84 } as const;

export function isImportCrs(value: string): value is ImportCrs {
  return (IMPORT_CRS as readonly string[]).includes(value);
}

/** A position given in `crs`, in WGS84. */
export function importToWgs84(lon: number, lat: number, crs: ImportCrs): { lon: number; lat: number } {
  if (crs === 'wgs84' || crs === 'cgcs2000') return { lon, lat };
  const [x, y] = gcoord.transform([lon, lat], GCOORD_CRS[crs], gcoord.WGS84) as [number, number];
  return { lon: x, lat: y };
}

/** A WGS84 position expressed in `crs` (the generator's way of writing a file in a given CRS). */
export function wgs84ToImport(lon: number, lat: number, crs: ImportCrs): { lon: number; lat: number } {
  if (crs === 'wgs84' || crs === 'cgcs2000') return { lon, lat };
  const [x, y] = gcoord.transform([lon, lat], gcoord.WGS84, GCOORD_CRS[crs]) as [number, number];
  return { lon: x, lat: y };
}

/**
 * Where a position declared WGS84 (or CGCS2000) would really lie if its coordinates were in fact GCJ-02 (the
 * undeclared offset of Chinese web maps): the candidate position the likely_gcj02 check compares. Null for
 * positions declared GCJ-02 or BD-09 (the offset is already declared) and outside China (GCJ-02 is identity
 * there, so there is nothing to compare).
 */
export function undeclaredGcj02Candidate(lon: number, lat: number, crs: ImportCrs): { lon: number; lat: number } | null {
  if (crs !== 'wgs84' && crs !== 'cgcs2000') return null;
  const p = importToWgs84(lon, lat, 'gcj02');
  return p.lon === lon && p.lat === lat ? null : p;
}
