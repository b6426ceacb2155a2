/**
 * A camera's field of view as a polygon: a circular sector from the camera's position, centred on its
 * heading (degrees clockwise from north), `fov` degrees wide, `range` metres long. Local tangent-plane
 * approximation (error far below a pixel at the few hundred metres a camera sees).
 */
const METRES_PER_DEGREE_LAT = 111_320;

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
  const width = Math.min(Math.max(fovDeg, 1), 360);
  for (let i = 0; i <= arcSteps; i++) {
    const bearing = ((headingDeg - width / 2 + (width * i) / arcSteps) * Math.PI) / 180;
    ring.push([lon + (rangeM * Math.sin(bearing)) / metresPerDegreeLon, lat + (rangeM * Math.cos(bearing)) / METRES_PER_DEGREE_LAT]);
  }
  ring.push([lon, lat]);
  return ring;
}
