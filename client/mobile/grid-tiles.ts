/**
 * The map tiles of the worker's grid, fetched ahead into the service worker's tile cache so the map works in a
 * dead zone: the grid's bounding box padded by about 500 m, zooms 11–14 (the server's detail stops at z14;
 * MapLibre overzooms beyond), the same tile URLs as the map's style (client/map/basemap-style.ts).
 */
import { DEVICES_SOURCE, tileUrl, UNITS_SOURCE, vectorSourceLayers } from '../map/basemap-style.js';

export type Bbox = [number, number, number, number];

/** Tiles [z, x, y] of the Web Mercator grid covering the box at each zoom. Pure. */
export function tilesCoveringBbox([west, south, east, north]: Bbox, minZoom: number, maxZoom: number): Array<[number, number, number]> {
  const tiles: Array<[number, number, number]> = [];
  const lat = (y: number) => Math.max(-85.05112878, Math.min(85.05112878, y));
  for (let z = minZoom; z <= maxZoom; z++) {
    const n = 2 ** z;
    const x = (lon: number) => Math.min(n - 1, Math.max(0, Math.floor(((lon + 180) / 360) * n)));
    const y = (la: number) => {
      const r = (lat(la) * Math.PI) / 180;
      return Math.min(n - 1, Math.max(0, Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)));
    };
    for (let tx = x(west); tx <= x(east); tx++) for (let ty = y(north); ty <= y(south); ty++) tiles.push([z, tx, ty]);
  }
  return tiles;
}

export function gridTileUrls(origin: string, bbox: Bbox, padMetres = 500): string[] {
  const padLat = padMetres / 111_320;
  const padLon = padLat / Math.cos((((bbox[1] + bbox[3]) / 2) * Math.PI) / 180);
  const padded: Bbox = [bbox[0] - padLon, bbox[1] - padLat, bbox[2] + padLon, bbox[3] + padLat];
  const layers = vectorSourceLayers(false);
  const templates = [tileUrl(origin, layers[UNITS_SOURCE]), tileUrl(origin, layers[DEVICES_SOURCE])];
  return tilesCoveringBbox(padded, 11, 14).flatMap(([z, x, y]) =>
    templates.map((t) => t.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y))),
  );
}
