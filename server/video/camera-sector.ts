/**
 * A camera's field of view, pure: the same polygon as the database's generated column `cameras.fov`
 * (migration 0017, `gridops_camera_fov`), and the test whether a point lies in it. A fixed camera sees a
 * circular sector — apex at the camera, centred on its heading (degrees clockwise from north), `fovDeg`
 * wide, `rangeM` long; a PTZ camera (it turns) or a 360° one sees the full circle of its range.
 * Coordinates come from a local ellipsoidal tangent plane at the camera (WGS84 meridional and
 * prime-vertical radii): at the ≤ 300 m a camera sees, within centimetres of the geodesic.
 */

const WGS84_A = 6_378_137;
const WGS84_E2 = 0.00669437999014;
/** Largest angle between two vertices of the arc; a full circle has 72. */
export const ARC_STEP_DEG = 5;
export const CIRCLE_STEPS = 72;

export interface CameraView {
  lon: number;
  lat: number;
  headingDeg: number;
  fovDeg: number;
  rangeM: number;
  ptz: boolean;
}

/** Metres per degree of latitude and of longitude at a latitude (WGS84). */
export function metresPerDegree(latDeg: number): { latM: number; lonM: number } {
  const s = Math.sin((latDeg * Math.PI) / 180);
  const w = 1 - WGS84_E2 * s * s;
  return {
    latM: ((WGS84_A * (1 - WGS84_E2)) / Math.pow(w, 1.5)) * (Math.PI / 180),
    lonM: (WGS84_A / Math.sqrt(w)) * Math.cos((latDeg * Math.PI) / 180) * (Math.PI / 180),
  };
}

export function seesFullCircle(view: Pick<CameraView, 'fovDeg' | 'ptz'>): boolean {
  return view.ptz || view.fovDeg >= 360;
}

/** The point rangeM metres from the camera on a bearing (degrees clockwise from north). */
export function projectFrom(view: Pick<CameraView, 'lon' | 'lat'>, bearingDeg: number, distanceM: number): [number, number] {
  const { latM, lonM } = metresPerDegree(view.lat);
  const b = (bearingDeg * Math.PI) / 180;
  return [view.lon + (distanceM * Math.sin(b)) / lonM, view.lat + (distanceM * Math.cos(b)) / latM];
}

/** The closed ring [lon, lat][] of the field of view, vertex for vertex the database's polygon. */
export function fieldOfViewRing(view: CameraView): [number, number][] {
  if (seesFullCircle(view)) {
    return Array.from({ length: CIRCLE_STEPS + 1 }, (_, n) => projectFrom(view, (360 * n) / CIRCLE_STEPS, view.rangeM));
  }
  const steps = Math.max(1, Math.ceil(Math.min(view.fovDeg, 360) / ARC_STEP_DEG));
  const arc = Array.from({ length: steps + 1 }, (_, n) =>
    projectFrom(view, view.headingDeg - view.fovDeg / 2 + (view.fovDeg * n) / steps, view.rangeM),
  );
  return [[view.lon, view.lat], ...arc, [view.lon, view.lat]];
}

/** Distance (metres) and bearing (degrees clockwise from north, 0 ≤ b < 360) from the camera to a point. */
export function distanceAndBearing(view: Pick<CameraView, 'lon' | 'lat'>, lon: number, lat: number): { distanceM: number; bearingDeg: number } {
  const { latM, lonM } = metresPerDegree(view.lat);
  const dx = (lon - view.lon) * lonM;
  const dy = (lat - view.lat) * latM;
  const bearing = (Math.atan2(dx, dy) * 180) / Math.PI;
  return { distanceM: Math.hypot(dx, dy), bearingDeg: bearing < 0 ? bearing + 360 : bearing >= 360 ? 0 : bearing };
}

/** Signed smallest difference b − a between two headings, in (−180, 180]. */
export function headingDifference(a: number, b: number): number {
  const d = (((b - a) % 360) + 360) % 360;
  return d > 180 ? d - 360 : d;
}

/**
 * Whether the camera sees the point by its ideal sector (the true arc, not the polygon's chords): within
 * range and, for a fixed camera, within half the angle of its heading. The camera's own position counts.
 */
export function seesPoint(view: CameraView, lon: number, lat: number): boolean {
  const { distanceM, bearingDeg } = distanceAndBearing(view, lon, lat);
  if (distanceM > view.rangeM) return false;
  if (distanceM === 0 || seesFullCircle(view)) return true;
  return Math.abs(headingDifference(view.headingDeg, bearingDeg)) <= view.fovDeg / 2;
}

/** The preset of a PTZ camera that looks closest to a bearing, or null without presets. */
export function nearestPreset(presets: readonly number[], bearingDeg: number): number | null {
  let best: number | null = null;
  for (const p of presets) {
    if (best === null || Math.abs(headingDifference(p, bearingDeg)) < Math.abs(headingDifference(best, bearingDeg))) best = p;
  }
  return best;
}
