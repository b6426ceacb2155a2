/**
 * The MapLibre style: the offline basemap drawn from the project's own vector tiles (OSM water, landuse,
 * roads), optionally under an external XYZ raster basemap, and the sources the layer modules draw from.
 *
 * No glyphs URL: MapLibre GL JS ≥ 5.11 then draws every label locally with TinySDF from the fonts named in
 * `text-font` (a CSS font-family list), so Chinese renders from Debian's fonts-noto-cjk (Noto Sans CJK SC)
 * with no glyph server; see map-fonts.ts.
 */
import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import type { MapPalette } from './map-palette.js';

export const BASEMAP_SOURCE = 'basemap';
export const UNITS_SOURCE = 'units';
export const DEVICES_SOURCE = 'devices';
export const EXTERNAL_SOURCE = 'external-basemap';

/** The server renders detail up to z16 (server/tiles/tile-layers.ts DETAIL_MAX_ZOOM); MapLibre overzooms beyond. */
export const TILE_MAX_ZOOM = 16;

export const BASEMAP_TILE_LAYERS = ['water', 'landuse', 'roads'] as const;
/**
 * The unit boundaries above micro-grids come in one tile layer (drawn by one line layer: each style layer costs
 * a draw per tile per frame, BENCHMARKS.md); the micro-grids in their own, drawn by their fill (load colour and outline).
 */
export const UNIT_TILE_LAYERS = ['unit_boundaries', 'micro_grids', 'unit_labels'] as const;
export const DEVICE_TILE_LAYERS = ['cameras', 'sensors'] as const;

/** An external XYZ raster basemap as the server's configuration declares it. */
export interface ExternalBasemap {
  url: string;
  crs: 'wgs84' | 'gcj02';
  attribution: string | null;
}

export interface StyleInputs {
  origin: string;
  palette: MapPalette;
  /** An external basemap to draw instead of the offline one (only a WGS84 one: see console-map.ts). */
  external: ExternalBasemap | null;
  /** The layer modules' style layers, drawn over the basemap. */
  overlayLayers: LayerSpecification[];
}

export function tileUrl(origin: string, layers: readonly string[]): string {
  return `${origin}/tiles/${layers.join(',')}/{z}/{x}/{y}`;
}

export function buildMapStyle({ origin, palette, external, overlayLayers }: StyleInputs): StyleSpecification {
  const vector = (layers: readonly string[], extra: Partial<SourceSpecification> = {}): SourceSpecification =>
    ({ type: 'vector', tiles: [tileUrl(origin, layers)], minzoom: 0, maxzoom: TILE_MAX_ZOOM, ...extra }) as SourceSpecification;
  const sources: Record<string, SourceSpecification> = {
    [BASEMAP_SOURCE]: vector(BASEMAP_TILE_LAYERS),
    // promoteId: micro-grid codes are the feature ids, so the load layer can set feature-state by code.
    [UNITS_SOURCE]: vector(UNIT_TILE_LAYERS, { promoteId: { micro_grids: 'code', unit_labels: 'code' } }),
    [DEVICES_SOURCE]: vector(DEVICE_TILE_LAYERS, { promoteId: { cameras: 'code', sensors: 'code' } }),
  };
  if (external) {
    sources[EXTERNAL_SOURCE] = { type: 'raster', tiles: [external.url], tileSize: 256, maxzoom: 19 };
  }
  return {
    version: 8,
    name: 'GridOps',
    sources,
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': palette.background } },
      ...(external ? [{ id: 'external-basemap', type: 'raster', source: EXTERNAL_SOURCE } as LayerSpecification] : offlineBasemapLayers(palette)),
      ...overlayLayers,
    ],
  };
}

const GREEN = ['park', 'forest', 'grass', 'recreation_ground', 'meadow', 'scrub', 'nature_reserve', 'cemetery', 'orchard', 'allotments'];

/**
 * Landuse colours the land up to this zoom. From the zoom where micro-grids are drawn (server/tiles/tile-layers.ts
 * UNIT_LAYER_LEVELS) the micro-grids' load colours are the area colouring: a choropleth over categorical landuse
 * colours reads as neither (a pink commercial block under a yellow load tint), and the fill it saves is one
 * draw per tile per frame while panning at the dispatcher's working zoom (BENCHMARKS.md).
 */
export const LANDUSE_MAX_ZOOM = 14;
/** Road casings from this zoom; below it one line layer draws every road (BENCHMARKS.md: draws per tile cost frames). */
export const ROAD_CASING_MIN_ZOOM = 16;

export function offlineBasemapLayers(p: MapPalette): LayerSpecification[] {
  const major = ['match', ['get', 'road_class'], ['motorway', 'primary'], true, false];
  // Line width by zoom for minor and major roads (base = the width at z12).
  const roadWidth = (minor: number, majorBase: number): unknown =>
    ['interpolate', ['exponential', 1.6], ['zoom'], ...[[8, 0.4], [12, 1], [16, 5], [19, 14]].flatMap(([z, k]) => [z, ['case', major, majorBase * k, minor * k]])];
  return [
    {
      id: 'basemap-landuse',
      type: 'fill',
      source: BASEMAP_SOURCE,
      'source-layer': 'landuse',
      maxzoom: LANDUSE_MAX_ZOOM,
      paint: {
        'fill-color': [
          'match',
          ['get', 'kind'],
          'residential', p.landuse.residential,
          GREEN, p.landuse.green,
          ['industrial', 'quarry', 'military'], p.landuse.industrial,
          ['commercial', 'retail'], p.landuse.commercial,
          ['farmland', 'farmyard'], p.landuse.farmland,
          p.landuse.other,
        ],
      },
    },
    { id: 'basemap-water', type: 'fill', source: BASEMAP_SOURCE, 'source-layer': 'water', paint: { 'fill-color': p.water } },
    {
      id: 'basemap-roads-casing',
      type: 'line',
      source: BASEMAP_SOURCE,
      'source-layer': 'roads',
      minzoom: ROAD_CASING_MIN_ZOOM,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': p.road.casing, 'line-width': roadWidth(1.5, 2.1) },
    },
    {
      // Every road in one layer (major ones drawn over minor ones by the sort key): one draw per tile.
      id: 'basemap-roads',
      type: 'line',
      source: BASEMAP_SOURCE,
      'source-layer': 'roads',
      layout: { 'line-cap': 'round', 'line-join': 'round', 'line-sort-key': ['case', major, 1, 0] },
      paint: {
        'line-color': ['case', major, p.road.major, p.road.minor],
        'line-width': roadWidth(0.9, 1.5),
      },
    },
  ] as LayerSpecification[];
}
