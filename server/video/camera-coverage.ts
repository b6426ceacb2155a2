/**
 * Covering cameras of a point: the cameras whose field of view contains it (online first, then nearest),
 * then, when fewer than asked, the nearest other cameras within FALLBACK_RADIUS_M marked `mayNotSee`
 * (they are close but their view, as recorded, does not include the point). For a PTZ camera the preset
 * that looks closest to the point is suggested. Used by GET /api/cameras/covering, GET
 * /api/incidents/:id/cameras and what's-here.
 */
import type { Queryable } from '../db/database.js';
import { distanceAndBearing, nearestPreset } from './camera-sector.js';
import { listCoveringCameras } from './camera-coverage.sql.js';
import { INCIDENT_CAMERAS, type CoveringCamera } from './cameras-contract.js';

export const FALLBACK_RADIUS_M = 300;
export { INCIDENT_CAMERAS };

export type { CoveringCamera } from './cameras-contract.js';

interface CoveringRow {
  code: string;
  name: string;
  online: boolean;
  ptz: boolean;
  preset_headings: number[];
  heading_deg: number;
  fov_deg: number;
  range_m: number;
  lon: number;
  lat: number;
  distance_m: number;
  covers: boolean;
  generated: boolean;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function findCoveringCameras(db: Queryable, lon: number, lat: number, limit: number): Promise<CoveringCamera[]> {
  const rows = await db.query<CoveringRow>(listCoveringCameras, [lon, lat, limit, FALLBACK_RADIUS_M]);
  return rows.map((r) => {
    const { bearingDeg } = distanceAndBearing({ lon: r.lon, lat: r.lat }, lon, lat);
    const presets = (r.preset_headings ?? []).map(Number);
    return {
      code: r.code,
      name: r.name,
      online: r.online,
      ptz: r.ptz,
      presetHeadings: presets,
      headingDeg: Number(r.heading_deg),
      fovDeg: Number(r.fov_deg),
      rangeM: Number(r.range_m),
      lon: Number(r.lon),
      lat: Number(r.lat),
      distanceM: round(Number(r.distance_m), 1),
      bearingDeg: round(bearingDeg, 1),
      covers: r.covers,
      mayNotSee: !r.covers,
      suggestedPresetDeg: r.ptz ? nearestPreset(presets, bearingDeg) : null,
      generated: r.generated,
    };
  });
}
