/**
 * The shapes of the micro-grids with open incidents, for their load tint (layers/micro-grid-load.layer.ts),
 * from the pieces MapLibre holds of them: querySourceFeatures gives a feature once per loaded tile it crosses,
 * clipped to that tile and its buffer, so a micro-grid across a tile edge comes in pieces that overlap in the
 * buffers. A translucent tint drawn piece by piece would be darker there: the pieces of a micro-grid are
 * joined into one shape (turf union).
 */
import { feature, featureCollection, union } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';

export interface MicroGridPiece {
  code: string;
  geometry: Polygon | MultiPolygon;
}

export interface TintShape {
  code: string;
  /** Its open incidents. */
  load: number;
  geometry: Polygon | MultiPolygon;
}

/** The palette's load colour (index 1..3) of a number of open incidents: 1, 2–3, 4 or more. */
export function loadLevel(openIncidents: number): 1 | 2 | 3 {
  return openIncidents >= 4 ? 3 : openIncidents >= 2 ? 2 : 1;
}

/** One shape per micro-grid with open incidents (`counts`) among the pieces, in code order. */
export function tintShapes(pieces: readonly MicroGridPiece[], counts: ReadonlyMap<string, number>): TintShape[] {
  const byCode = new Map<string, (Polygon | MultiPolygon)[]>();
  for (const piece of pieces) {
    if (!(counts.get(piece.code)! > 0)) continue;
    const list = byCode.get(piece.code);
    if (list) list.push(piece.geometry);
    else byCode.set(piece.code, [piece.geometry]);
  }
  const shapes: TintShape[] = [];
  for (const code of [...byCode.keys()].sort()) {
    const geometries = byCode.get(code)!;
    const geometry = geometries.length === 1 ? geometries[0] : union(featureCollection(geometries.map((g) => feature(g))))?.geometry;
    if (geometry) shapes.push({ code, load: counts.get(code)!, geometry });
  }
  return shapes;
}
