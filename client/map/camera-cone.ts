/**
 * A camera's field of view as a polygon: a circular sector from the camera's position, centred on its
 * heading (degrees clockwise from north), `fov` degrees wide, `range` metres long. Local tangent-plane
 * approximation (error far below a pixel at the few hundred metres a camera sees).
 */
import { MercatorCoordinate } from 'maplibre-gl';

const METRES_PER_DEGREE_LAT = 111_320;
/** MapLibre's world is 512 pixels wide at zoom 0. */
const WORLD_PIXELS_AT_ZOOM_0 = 512;

/** The sector's angle, degrees: at least 1, at most a full circle. */
function sectorWidth(fovDeg: number): number {
  return Math.min(Math.max(fovDeg, 1), 360);
}

export interface CameraView {
  lon: number;
  lat: number;
  headingDeg: number;
  fovDeg: number;
  rangeM: number;
}

/** The closed ring [lon, lat][] of the sector (first point = last point = the camera). */
export function fieldOfViewRing(view: CameraView, arcSteps = 12): [number, number][] {
  const { lon, lat, headingDeg, fovDeg, rangeM } = view;
  const metresPerDegreeLon = METRES_PER_DEGREE_LAT * Math.cos((lat * Math.PI) / 180);
  const ring: [number, number][] = [[lon, lat]];
  const width = sectorWidth(fovDeg);
  for (let i = 0; i <= arcSteps; i++) {
    const bearing = ((headingDeg - width / 2 + (width * i) / arcSteps) * Math.PI) / 180;
    ring.push([lon + (rangeM * Math.sin(bearing)) / metresPerDegreeLon, lat + (rangeM * Math.cos(bearing)) / METRES_PER_DEGREE_LAT]);
  }
  ring.push([lon, lat]);
  return ring;
}

/**
 * The sector inside `view` whose straight sides and arc lie `insetM` metres in from its own (the inner edge of a
 * cone's outline band): the apex moves along the heading by insetM / sin(fov / 2), the range shrinks by that and
 * insetM. Null when nothing is left inside.
 */
export function insetFieldOfView(view: CameraView, insetM: number): CameraView | null {
  const width = sectorWidth(view.fovDeg);
  // A full circle has no sides: only its rim moves in.
  const shift = width >= 360 ? 0 : insetM / Math.sin(((width / 2) * Math.PI) / 180);
  const rangeM = view.rangeM - insetM - shift;
  if (rangeM <= 0) return null;
  const heading = (view.headingDeg * Math.PI) / 180;
  const metresPerDegreeLon = METRES_PER_DEGREE_LAT * Math.cos((view.lat * Math.PI) / 180);
  return {
    ...view,
    lon: view.lon + (shift * Math.sin(heading)) / metresPerDegreeLon,
    lat: view.lat + (shift * Math.cos(heading)) / METRES_PER_DEGREE_LAT,
    rangeM,
  };
}

/** Metres on the ground per CSS pixel of a MapLibre map at this zoom and latitude, by MapLibre's own earth. */
export function metresPerPixel(zoom: number, lat: number): number {
  const metreInWorldUnits = MercatorCoordinate.fromLngLat([0, lat]).meterInMercatorCoordinateUnits();
  return 1 / (metreInWorldUnits * WORLD_PIXELS_AT_ZOOM_0 * 2 ** zoom);
}
