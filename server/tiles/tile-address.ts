/**
 * Parse the parts of a tile URL `/tiles/{layers}/{z}/{x}/{y}` into an allow-listed layer list and
 * checked integers, or throw an AppError with a stable code:
 *   404 unknown_tile_layer        a name that is not a tile layer
 *   400 duplicate_tile_layer      the same layer twice in a list
 *   400 invalid_tile_zoom         z not a whole number from 0 to MAX_TILE_ZOOM
 *   400 invalid_tile_coordinates  x or y not a whole number from 0 to 2^z − 1
 * `{layers}` is one layer name or several joined by commas; their layers are returned in that order.
 */
import { AppError, badRequest, notFound } from '../errors/app-error.js';
import type { TileCoordinates } from './render-tile.js';
import { isTileLayerName, MAX_TILE_ZOOM, TILE_LAYER_NAMES, type TileLayerName } from './tile-layers.js';
import { mercatorX, mercatorY } from './view-tiles.js';

/** Digits only: no sign, no decimals, no exponent, no spaces; at most 8 digits (2^22 has 7). */
const WHOLE_NUMBER = /^\d{1,8}$/;

export function parseTileLayers(text: string): TileLayerName[] {
  const names = text.split(',');
  const layers: TileLayerName[] = [];
  for (const name of names) {
    if (!isTileLayerName(name)) {
      throw notFound('unknown_tile_layer', `No tile layer is called ${JSON.stringify(name.slice(0, 40))}`, {
        layers: [...TILE_LAYER_NAMES],
      });
    }
    if (layers.includes(name)) throw badRequest('duplicate_tile_layer', `The layer ${name} is listed twice`);
    layers.push(name);
  }
  return layers;
}

function wholeNumber(text: string): number | undefined {
  return WHOLE_NUMBER.test(text) ? Number(text) : undefined;
}

export function parseTileCoordinates(zText: string, xText: string, yText: string): TileCoordinates {
  const z = wholeNumber(zText);
  if (z === undefined || z > MAX_TILE_ZOOM) {
    throw badRequest('invalid_tile_zoom', `The zoom must be a whole number from 0 to ${MAX_TILE_ZOOM}`, { z: zText.slice(0, 20) });
  }
  const x = wholeNumber(xText);
  const y = wholeNumber(yText);
  const size = 2 ** z;
  if (x === undefined || y === undefined || x >= size || y >= size) {
    throw new AppError(400, 'invalid_tile_coordinates', `At zoom ${z}, x and y must be whole numbers from 0 to ${size - 1}`, {
      x: xText.slice(0, 20),
      y: yText.slice(0, 20),
    });
  }
  return { z, x, y };
}

/** The tile containing a WGS84 point at zoom z (Web Mercator, XYZ scheme). For tests and benchmarks. */
export function tileContaining(lon: number, lat: number, z: number): TileCoordinates {
  const size = 2 ** z;
  const x = Math.floor(mercatorX(lon) * size);
  const y = Math.floor(mercatorY(lat) * size);
  const clamp = (v: number) => Math.min(size - 1, Math.max(0, v));
  return { z, x: clamp(x), y: clamp(y) };
}
