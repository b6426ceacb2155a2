/**
 * TileJSON 3.0.0 for a set of tile layers: one `tiles` URL that serves them all in one tile
 * (`/tiles/districts,streets,…/{z}/{x}/{y}`), their vector_layers with fields and zoom ranges, the
 * bounds and centre of the caller's jurisdiction, and the attribution of the data.
 */
import { DETAIL_MAX_ZOOM, TILE_ATTRIBUTION, TILE_LAYERS, type TileLayerName } from './tile-layers.js';

export interface Bounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

export interface TileJson {
  tilejson: '3.0.0';
  name: string;
  description: string;
  version: string;
  attribution: string;
  scheme: 'xyz';
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
  center: [number, number, number];
  vector_layers: { id: string; description: string; minzoom: number; maxzoom: number; fields: Record<string, string> }[];
  /**
   * GridOps extension: the external raster basemap configured on the server (BASEMAP_URL, BASEMAP_CRS), or
   * null when the map draws the offline basemap from these tiles. The client refuses a GCJ-02 one.
   */
  'gridops:basemap': ExternalBasemapConfig | null;
}

export interface ExternalBasemapConfig {
  url: string;
  crs: 'wgs84' | 'gcj02';
  attribution: string | null;
}

const WORLD: Bounds = { west: -180, south: -85.0511, east: 180, north: 85.0511 };
const round = (v: number) => Math.round(v * 1e6) / 1e6;

/** The zoom at which the bounds fill about one 512-pixel tile. */
export function zoomToFit({ west, south, east, north }: Bounds): number {
  const span = Math.max(east - west, (north - south) / Math.cos((((north + south) / 2) * Math.PI) / 180), 1e-9);
  return Math.max(0, Math.min(DETAIL_MAX_ZOOM, Math.floor(Math.log2(360 / span))));
}

export function buildTileJson(options: {
  baseUrl: string;
  layers: readonly TileLayerName[];
  bounds: Bounds | null;
  basemap?: ExternalBasemapConfig | null;
}): TileJson {
  const bounds = options.bounds ?? WORLD;
  const layers = options.layers.map((name) => TILE_LAYERS[name]);
  return {
    tilejson: '3.0.0',
    name: 'GridOps',
    description: 'Nanjing grid governance: unit boundaries, offline basemap (OSM water, landuse, roads), cameras, sensors and workers',
    version: '1.0.0',
    attribution: TILE_ATTRIBUTION,
    scheme: 'xyz',
    tiles: [`${options.baseUrl}/tiles/${options.layers.join(',')}/{z}/{x}/{y}`],
    minzoom: Math.min(...layers.map((l) => l.minZoom)),
    maxzoom: DETAIL_MAX_ZOOM,
    bounds: [round(bounds.west), round(bounds.south), round(bounds.east), round(bounds.north)],
    center: [round((bounds.west + bounds.east) / 2), round((bounds.south + bounds.north) / 2), zoomToFit(bounds)],
    vector_layers: layers.map((l) => ({
      id: l.name,
      description: l.description,
      minzoom: l.minZoom,
      maxzoom: DETAIL_MAX_ZOOM,
      fields: l.fields,
    })),
    'gridops:basemap': options.basemap ?? null,
  };
}
