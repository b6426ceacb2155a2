/**
 * Which tiles a map view needs, computed the way MapLibre GL 6 computes them (pure; for the tile warm-up,
 * tile-warmup.ts). Web Mercator, no pitch, no rotation, no terrain — how the console opens.
 *
 *   - `fitBoundsView`: the camera `map.fitBounds(bounds, { padding })` gives a map of a given size
 *     (MapLibre's cameraForBoxAndBearing: the zoom at which the box's Mercator extent fits the size less the
 *     padding on each side, capped at the map's maxZoom, then clamped to [minZoom, maxZoom]; the centre is
 *     the middle of the box in Mercator, not the mean latitude).
 *   - `tilesInView`: the tiles of a vector source that view requests (MapLibre's coveringTiles): at zoom
 *     floor(view zoom) for 512-pixel tiles (vector sources floor, raster sources round), capped at the
 *     source's maxzoom (beyond it MapLibre overzooms the maxzoom tiles), every tile intersecting the
 *     viewport, nearest the centre first. At pitch 0 every tile has the same zoom (MapLibre varies it only
 *     at high pitch or with terrain). Parent tiles are requested only for a tile whose load failed
 *     (Tile.wasRequested), so a first view asks for exactly these tiles.
 */
import type { TileCoordinates } from './render-tile.js';

/** [west, south, east, north], WGS84 degrees. */
export type BoundingBox = [number, number, number, number];

export interface MapView {
  lon: number;
  lat: number;
  zoom: number;
  /** The map's size in CSS pixels. */
  width: number;
  height: number;
}

/** MapLibre's world is 512 pixels wide at zoom 0 (transform.tileSize). */
const WORLD_TILE_SIZE = 512;
const MAX_LATITUDE = 85.051129;

/** Web Mercator, 0..1 from west to east and from north to south. */
export function mercatorX(lon: number): number {
  return (lon + 180) / 360;
}

export function mercatorY(lat: number): number {
  const clamped = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat));
  const radians = (clamped * Math.PI) / 180;
  return (1 - Math.log(Math.tan(Math.PI / 4 + radians / 2)) / Math.PI) / 2;
}

function longitudeOf(x: number): number {
  return x * 360 - 180;
}

function latitudeOf(y: number): number {
  return (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
}

/** The view `fitBounds(bounds, { padding })` opens on a map of width × height whose zoom is kept within [minZoom, maxZoom]. */
export function fitBoundsView(
  bounds: BoundingBox,
  map: { width: number; height: number; padding?: number; minZoom?: number; maxZoom?: number },
): MapView {
  const [west, south, east, north] = bounds;
  if (!(east > west) || !(north > south)) throw new Error(`fitBoundsView: empty bounds ${bounds.join(',')}`);
  const padding = map.padding ?? 0;
  const minZoom = map.minZoom ?? 0;
  const maxZoom = map.maxZoom ?? 22;
  const x0 = mercatorX(west);
  const x1 = mercatorX(east);
  const y0 = mercatorY(north);
  const y1 = mercatorY(south);
  const availableWidth = map.width - 2 * padding;
  const availableHeight = map.height - 2 * padding;
  if (availableWidth <= 0 || availableHeight <= 0) throw new Error('fitBoundsView: the padding leaves no room');
  const fitted = Math.log2(Math.min(availableWidth / ((x1 - x0) * WORLD_TILE_SIZE), availableHeight / ((y1 - y0) * WORLD_TILE_SIZE)));
  const zoom = Math.max(minZoom, Math.min(maxZoom, fitted));
  return { lon: longitudeOf((x0 + x1) / 2), lat: latitudeOf((y0 + y1) / 2), zoom, width: map.width, height: map.height };
}

/** The zoom of the tiles a vector source of `tileSize`-pixel tiles loads at view zoom `zoom`. */
export function tileZoomOf(zoom: number, source: { tileSize?: number; maxZoom?: number } = {}): number {
  const z = Math.max(0, Math.floor(zoom + Math.log2(WORLD_TILE_SIZE / (source.tileSize ?? WORLD_TILE_SIZE))));
  return Math.min(z, source.maxZoom ?? z);
}

/** The tiles a vector source (512-pixel tiles unless said, up to its maxZoom) loads for a view, nearest the centre first. */
export function tilesInView(view: MapView, source: { tileSize?: number; maxZoom?: number } = {}): TileCoordinates[] {
  const z = tileZoomOf(view.zoom, source);
  const count = 2 ** z;
  const worldPixels = WORLD_TILE_SIZE * 2 ** view.zoom;
  const centreX = mercatorX(view.lon) * count;
  const centreY = mercatorY(view.lat) * count;
  // Half the viewport in tiles of zoom z.
  const halfWidth = (view.width / 2 / worldPixels) * count;
  const halfHeight = (view.height / 2 / worldPixels) * count;
  const first = (v: number) => Math.max(0, Math.floor(v));
  // A tile that only touches the viewport's edge is not in it.
  const last = (v: number) => Math.min(count - 1, Math.ceil(v) - 1);
  const tiles: { tile: TileCoordinates; distance: number }[] = [];
  for (let x = first(centreX - halfWidth); x <= last(centreX + halfWidth); x++) {
    for (let y = first(centreY - halfHeight); y <= last(centreY + halfHeight); y++) {
      tiles.push({ tile: { z, x, y }, distance: (x + 0.5 - centreX) ** 2 + (y + 0.5 - centreY) ** 2 });
    }
  }
  return tiles.sort((a, b) => a.distance - b.distance || a.tile.x - b.tile.x || a.tile.y - b.tile.y).map((t) => t.tile);
}
