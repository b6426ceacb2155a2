/** Convert an input coordinate to WGS84 (GCJ-02 and BD-09 are China's obfuscated systems). */
import gcoord from 'gcoord';

export type InputCrs = 'wgs84' | 'gcj02' | 'bd09';

const CRS = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

export function toWgs84(lon: number, lat: number, crs: InputCrs): { lon: number; lat: number } {
  if (crs === 'wgs84') return { lon, lat };
  const [x, y] = gcoord.transform([lon, lat], CRS[crs], gcoord.WGS84) as [number, number];
  return { lon: x, lat: y };
}

/** Within this distance of a micro-grid edge, a location is flagged as a border case. */
export const NEAR_BOUNDARY_METRES = 30;
