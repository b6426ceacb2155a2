/**
 * GeoJSON for the hostile-request fuzz (hostile-requests.ts): edge cases — antimeridian, poles, the whole globe,
 * spikes, zero-area and self-touching rings, wrong nesting — and wobbly circles of up to 10,000 vertices.
 */
import fc from 'fast-check';

const ring = (points: number[][]) => [...points, points[0]];
const circle = (lon: number, lat: number, r: number, n: number) =>
  ring(Array.from({ length: n - 1 }, (_, i) => [lon + r * Math.cos((2 * Math.PI * i) / (n - 1)), lat + r * Math.sin((2 * Math.PI * i) / (n - 1))]));

const EDGE_GEOMETRIES: unknown[] = [
  {
    type: 'Polygon',
    coordinates: [
      ring([
        [-180, -90],
        [180, -90],
        [180, 90],
        [-180, 90],
      ]),
    ],
  },
  {
    type: 'Polygon',
    coordinates: [
      ring([
        [179, 30],
        [-179, 30],
        [-179, 31],
        [179, 31],
      ]),
    ],
  },
  {
    type: 'Polygon',
    coordinates: [
      ring([
        [0, 89],
        [120, 89],
        [-120, 89],
      ]),
    ],
  },
  {
    type: 'Polygon',
    coordinates: [
      ring([
        [118.9, -90],
        [119, -90],
        [119, -89.9],
      ]),
    ],
  },
  {
    type: 'Polygon',
    coordinates: [
      ring([
        [118.9, 32],
        [119, 32],
        [118.95, 40],
        [118.95, 32.0000001],
        [118.9, 32.1],
      ]),
    ],
  },
  {
    type: 'Polygon',
    coordinates: [
      ring([
        [118.9, 32],
        [119, 32],
        [118.95, 32],
      ]),
    ],
  },
  {
    type: 'Polygon',
    coordinates: [
      ring([
        [118.9, 32],
        [118.9, 32],
        [118.9, 32],
      ]),
    ],
  },
  {
    type: 'Polygon',
    coordinates: [
      ring([
        [118.9, 32],
        [118.91, 32.01],
        [118.91, 32],
        [118.9, 32.01],
      ]),
    ],
  },
  {
    type: 'MultiPolygon',
    coordinates: [
      [
        ring([
          [118.9, 32],
          [118.95, 32],
          [118.95, 32.05],
        ]),
      ],
      [
        ring([
          [118.9, 32],
          [118.95, 32],
          [118.95, 32.05],
        ]),
      ],
    ],
  },
  {
    type: 'Polygon',
    coordinates: [
      ring([
        [118.9, 32],
        [181, 32],
        [118.95, 32.05],
      ]),
    ],
  },
  { type: 'Polygon', coordinates: [] },
  { type: 'Point', coordinates: [118.9, 32] },
  { type: 'GeometryCollection', geometries: [] },
  {
    type: 'Feature',
    geometry: {
      type: 'Polygon',
      coordinates: [
        ring([
          [118.9, 32],
          [118.95, 32],
          [118.95, 32.05],
        ]),
      ],
    },
  },
];

/** A geometry: an edge case, or a wobbly circle of up to 10,000 vertices (rarely the large ones: they cost). */
export const hostileGeometry = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...EDGE_GEOMETRIES) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        lon: fc.double({ min: -200, max: 200, noNaN: true }),
        lat: fc.double({ min: -100, max: 100, noNaN: true }),
        r: fc.double({ min: 0, max: 50, noNaN: true }),
      })
      .map(({ lon, lat, r }) => ({ type: 'Polygon', coordinates: [circle(lon, lat, r, 12)] })),
  },
  { weight: 1, arbitrary: fc.constantFrom(1_000, 10_000, 10_001).map((n) => ({ type: 'Polygon', coordinates: [circle(118.85, 32.05, 0.05, n)] })) },
);
