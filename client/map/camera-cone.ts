/**
 * A camera's cone as the map draws it: the field-of-view polygon is the server's own (server/video/camera-sector.ts,
 * vertex for vertex the database's `cameras.fov`), pointing where the camera points now; this module adds what only
 * drawing needs — the inner edge of the cone's outline band, and metres per pixel at a zoom.
 */
import { MercatorCoordinate } from 'maplibre-gl';
import { fieldOfViewRing as sectorRing, metresPerDegree, seesFullCircle, type CameraView as SectorView } from '../../server/video/camera-sector.js';

/** MapLibre's world is 512 pixels wide at zoom 0. */
const WORLD_PIXELS_AT_ZOOM_0 = 512;

/** A camera as the map's tiles carry it: position, heading (degrees clockwise from north), angle and range. */
export type CameraView = Omit<SectorView, 'ptz'>;

/**
 * The closed ring [lon, lat][] of the cone. The map draws the sector a camera points at (a PTZ camera's current
 * heading): the tiles carry no PTZ flag, so the view is drawn as a fixed camera's.
 */
export function fieldOfViewRing(view: CameraView): [number, number][] {
  return sectorRing({ ...view, fovDeg: Math.min(Math.max(view.fovDeg, 1), 360), ptz: false });
}

/**
 * The sector inside `view` whose straight sides and arc lie `insetM` metres in from its own (the inner edge of a
 * cone's outline band): the apex moves along the heading by insetM / sin(fov / 2), the range shrinks by that and
 * insetM. Null when nothing is left inside.
 */
export function insetFieldOfView(view: CameraView, insetM: number): CameraView | null {
  const width = Math.min(Math.max(view.fovDeg, 1), 360);
  // A full circle has no sides: only its rim moves in.
  const shift = seesFullCircle({ fovDeg: width, ptz: false }) ? 0 : insetM / Math.sin(((width / 2) * Math.PI) / 180);
  const rangeM = view.rangeM - insetM - shift;
  if (rangeM <= 0) return null;
  const heading = (view.headingDeg * Math.PI) / 180;
  const { latM, lonM } = metresPerDegree(view.lat);
  return {
    ...view,
    lon: view.lon + (shift * Math.sin(heading)) / lonM,
    lat: view.lat + (shift * Math.cos(heading)) / latM,
    rangeM,
  };
}

/** Metres on the ground per CSS pixel of a MapLibre map at this zoom and latitude, by MapLibre's own earth. */
export function metresPerPixel(zoom: number, lat: number): number {
  const metreInWorldUnits = MercatorCoordinate.fromLngLat([0, lat]).meterInMercatorCoordinateUnits();
  return 1 / (metreInWorldUnits * WORLD_PIXELS_AT_ZOOM_0 * 2 ** zoom);
}
