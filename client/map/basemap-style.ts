/**
 * The MapLibre style: the offline basemap drawn from the project's own vector tiles (OSM water, landuse,
 * roads), optionally under an external XYZ raster basemap, and the sources the layer modules draw from.
 *
 * No glyphs URL: MapLibre GL JS ≥ 5.11 then draws every label locally with TinySDF from the fonts named in
 * `text-font` (a CSS font-family list), so Chinese renders from Debian's fonts-noto-cjk (Noto Sans CJK SC)
 * with no glyph server; see map-fonts.ts.
 *
 * No background layer: the land colour (palette.background) is the map element's CSS background, which
 * console-map.ts sets. MapLibre clears its canvas to transparent every frame; a background layer would be one
 * more full-screen pass, 12 ms of a 154 ms frame in software WebGL at 1920×1080 (BENCHMARKS.md).
 */
import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import { DETAIL_MAX_ZOOM, ROAD_CLASS_MIN_ZOOM, type RoadClass } from '../../server/tiles/tile-layers.js';
import type { MapPalette } from './map-palette.js';

/** The unit layers and, with the offline basemap, the basemap's layers too (`vectorSourceLayers`). */
export const UNITS_SOURCE = 'units';
export const DEVICES_SOURCE = 'devices';
export const EXTERNAL_SOURCE = 'external-basemap';

/** The sources' maxzoom: the server renders detail up to DETAIL_MAX_ZOOM (z14); MapLibre overzooms beyond. */
export const TILE_MAX_ZOOM = DETAIL_MAX_ZOOM;

export const BASEMAP_TILE_LAYERS = ['water', 'landuse', 'roads'] as const;
/**
 * The unit boundaries above micro-grids come in one tile layer (drawn by one line layer: each style layer costs
 * a draw per tile per frame, BENCHMARKS.md); the micro-grids in their own, drawn by their fill (load colour and outline).
 */
export const UNIT_TILE_LAYERS = ['unit_boundaries', 'micro_grids', 'unit_labels'] as const;
export const DEVICE_TILE_LAYERS = ['cameras', 'sensors'] as const;

/**
 * The tile layers of each vector source (server/tiles/tile-warmup.ts warms these URLs; its spec checks they agree).
 * The offline basemap's layers come in the units source: fill and line layers are clipped to their tiles with a
 * stencil mask drawn whenever the source changes from one style layer to the next, about 8 ms of a panning frame
 * in software WebGL at 1920×1080 (BENCHMARKS.md); one source for the basemap and the units draws it once.
 */
export function vectorSourceLayers(external: boolean): Record<typeof UNITS_SOURCE | typeof DEVICES_SOURCE, readonly string[]> {
  return {
    [UNITS_SOURCE]: external ? UNIT_TILE_LAYERS : [...BASEMAP_TILE_LAYERS, ...UNIT_TILE_LAYERS],
    [DEVICES_SOURCE]: DEVICE_TILE_LAYERS,
  };
}

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
  const layersOf = vectorSourceLayers(external !== null);
  const sources: Record<string, SourceSpecification> = {
    // promoteId: unit codes are the feature ids of the units' tile layers, cameras' and sensors' codes of theirs.
    [UNITS_SOURCE]: vector(layersOf[UNITS_SOURCE], { promoteId: { micro_grids: 'code', unit_labels: 'code' } }),
    [DEVICES_SOURCE]: vector(layersOf[DEVICES_SOURCE], { promoteId: { cameras: 'code', sensors: 'code' } }),
  };
  if (external) {
    sources[EXTERNAL_SOURCE] = { type: 'raster', tiles: [external.url], tileSize: 256, maxzoom: 19 };
  }
  return {
    version: 8,
    name: 'GridOps',
    sources,
    layers: [
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

/**
 * Road classes are in the tiles from the zoom they are drawn at, but those drawn only beyond the tiles' maxzoom
 * come in the maxzoom tiles (server roadClassTileZoom): the filter hides each until its own zoom.
 */
export function roadsFilter(): unknown {
  const late = (Object.keys(ROAD_CLASS_MIN_ZOOM) as RoadClass[]).filter((c) => ROAD_CLASS_MIN_ZOOM[c] > TILE_MAX_ZOOM);
  return ['all', ...late.map((c) => ['any', ['!=', ['get', 'road_class'], c], ['>=', ['zoom'], ROAD_CLASS_MIN_ZOOM[c]]])];
}

export function offlineBasemapLayers(p: MapPalette): LayerSpecification[] {
  const major = ['match', ['get', 'road_class'], ['motorway', 'primary'], true, false];
  // Line width by zoom for minor and major roads (base = the width at z12).
  const roadWidth = (minor: number, majorBase: number): unknown => [
    'interpolate',
    ['exponential', 1.6],
    ['zoom'],
    ...[
      [8, 0.4],
      [12, 1],
      [16, 5],
      [19, 14],
    ].flatMap(([z, k]) => [z, ['case', major, majorBase * k, minor * k]]),
  ];
  return [
    {
      id: 'basemap-landuse',
      type: 'fill',
      source: UNITS_SOURCE,
      'source-layer': 'landuse',
      maxzoom: LANDUSE_MAX_ZOOM,
      paint: {
        'fill-color': [
          'match',
          ['get', 'kind'],
          'residential',
          p.landuse.residential,
          GREEN,
          p.landuse.green,
          ['industrial', 'quarry', 'military'],
          p.landuse.industrial,
          ['commercial', 'retail'],
          p.landuse.commercial,
          ['farmland', 'farmyard'],
          p.landuse.farmland,
          p.landuse.other,
        ],
      },
    },
    { id: 'basemap-water', type: 'fill', source: UNITS_SOURCE, 'source-layer': 'water', paint: { 'fill-color': p.water } },
    {
      id: 'basemap-roads-casing',
      type: 'line',
      source: UNITS_SOURCE,
      'source-layer': 'roads',
      minzoom: ROAD_CASING_MIN_ZOOM,
      filter: roadsFilter(),
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': p.road.casing, 'line-width': roadWidth(1.5, 2.1) },
    },
    {
      // Every road in one layer (major ones drawn over minor ones by the sort key): one draw per tile.
      id: 'basemap-roads',
      type: 'line',
      source: UNITS_SOURCE,
      'source-layer': 'roads',
      filter: roadsFilter(),
      layout: { 'line-cap': 'round', 'line-join': 'round', 'line-sort-key': ['case', major, 1, 0] },
      paint: {
        'line-color': ['case', major, p.road.major, p.road.minor],
        'line-width': roadWidth(0.9, 1.5),
      },
    },
  ] as LayerSpecification[];
}
