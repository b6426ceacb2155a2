/**
 * Unit boundaries (micro-grid → district, each level from the zoom where it is legible: server/tiles/tile-layers.ts)
 * with their names by zoom, and the highlighted micro-grid.
 * Vector tiles only: the style layers draw the `units` source; update() only moves the highlight.
 *
 * Every level's boundaries are one tile layer (`unit_boundaries`) of edges: each boundary line once, at the
 * coarsest level it bounds (server/db/migrations/0010_unit_edges.sql), drawn by ONE line layer whose colour and
 * width depend on the feature's level. Drawn as the units' rings, as before, every interior edge came twice and
 * every coarser boundary again over the finer rings along it: in software WebGL a frame's cost follows the lines'
 * vertices and pixels, and every style layer costs a draw call per tile per frame (BENCHMARKS.md).
 * Solid lines: a data-driven `line-dasharray` cost 8 ms of a frame alone and 45 ms beside the roads (BENCHMARKS.md),
 * so the levels differ by colour and width, coarser ones wider.
 */
import type { FilterSpecification, LayerSpecification } from 'maplibre-gl';
import { BOUNDARY_LEVELS } from '../../../server/tiles/tile-layers.js';
import { UNITS_SOURCE } from '../basemap-style.js';
import type { LayerContext, MapLayerModule } from '../layer-registry.js';
import type { MapLayerData } from '../map-data.js';
import { LABEL_FONT, LABEL_FONT_BOLD } from '../map-fonts.js';
import type { MapPalette } from '../map-palette.js';

export const HIGHLIGHT_LAYER = 'units-micro-grid-highlight';
const NOTHING: FilterSpecification = ['==', ['get', 'code'], ''];

/**
 * The levels whose names are drawn without a halo: the grids and micro-grids, named at the dispatcher's working
 * zooms over a light (or dark) land with thin lines. MapLibre draws a halo as a second pass over every glyph:
 * 5 ms of a 1920×1080 frame at z15 in software WebGL, where the console pans right at the edge of its target
 * (BENCHMARKS.md). The coarser names, over the denser roads of the lower zooms, keep theirs.
 */
export const LABEL_LEVELS_WITHOUT_HALO: readonly string[] = ['grid', 'micro_grid'];

/** The zooms at which each level's name is shown: one level at a time, coarse to fine. */
export const LABEL_ZOOMS = {
  district: [0, 10.5],
  street: [10.5, 12.5],
  community: [12.5, 14.2],
  grid: [14.2, 15.6],
  micro_grid: [15.6, 24],
} as const;

export const BOUNDARY_LINE_LAYER = 'units-boundaries-line';

/** The levels of the `unit_boundaries` tile layer, finest first, as the server sends them (coarser drawn over finer). */
type BoundaryLevel = (typeof BOUNDARY_LEVELS)[number];

/** Each level's line width in pixels by zoom: [zoom, width] stops, linear, constant beyond. */
export const BOUNDARY_STYLE: Record<BoundaryLevel, { widths: [number, number][] }> = {
  micro_grid: { widths: [[14, 1]] },
  grid: {
    widths: [
      [13, 0.8],
      [16, 1.6],
    ],
  },
  community: {
    widths: [
      [11, 0.8],
      [16, 2.2],
    ],
  },
  street: {
    widths: [
      [9, 1],
      [16, 3],
    ],
  },
  district: {
    widths: [
      [6, 1.2],
      [12, 2.5],
      [16, 4],
    ],
  },
};

/** A level's width at zoom z: linear between its stops, the first / last stop's width outside them. */
export function boundaryWidthAt(level: BoundaryLevel, z: number): number {
  const stops = BOUNDARY_STYLE[level].widths;
  if (z <= stops[0][0]) return stops[0][1];
  for (let i = 1; i < stops.length; i++) {
    const [z1, w1] = stops[i];
    if (z <= z1) {
      const [z0, w0] = stops[i - 1];
      return w0 + ((w1 - w0) * (z - z0)) / (z1 - z0);
    }
  }
  return stops[stops.length - 1][1];
}

/** The zooms at which some level's width changes slope: the stops of the one width expression. */
const WIDTH_ZOOMS = [...new Set(BOUNDARY_LEVELS.flatMap((level) => BOUNDARY_STYLE[level].widths.map(([z]) => z)))].sort((a, b) => a - b);

const byLevel = (values: Record<BoundaryLevel, unknown>): unknown => [
  'match',
  ['get', 'level'],
  ...BOUNDARY_LEVELS.slice(0, -1).flatMap((level) => [level, values[level]]),
  values.district,
];

/** A level's colour in the palette. */
export const boundaryColor = (p: MapPalette, level: BoundaryLevel): string => (level === 'micro_grid' ? p.boundary.microGrid : p.boundary[level]);

/** The one line layer of every boundary level. */
export function boundaryLineLayer(p: MapPalette): LayerSpecification {
  const perLevel = <T>(f: (level: BoundaryLevel) => T) =>
    Object.fromEntries(BOUNDARY_LEVELS.map((level) => [level, f(level)])) as Record<BoundaryLevel, T>;
  return {
    id: BOUNDARY_LINE_LAYER,
    type: 'line',
    source: UNITS_SOURCE,
    'source-layer': 'unit_boundaries',
    // Miter joins (MapLibre's default; bevelled past its miter limit): at 1–4 px a round join looks the same and
    // adds a fan of triangles at every vertex, 2 ms of a software frame at z15 (BENCHMARKS.md).
    // Square caps: edges end where three units meet, and a butt cap would leave a notch half a line wide there.
    // A square cap has the same four vertices as a butt one.
    layout: { 'line-join': 'miter', 'line-cap': 'square' },
    paint: {
      'line-color': byLevel(perLevel((level) => boundaryColor(p, level))),
      'line-width': [
        'interpolate',
        ['linear'],
        ['zoom'],
        ...WIDTH_ZOOMS.flatMap((z) => [z, byLevel(perLevel((level) => boundaryWidthAt(level, z)))]),
      ],
    },
  } as LayerSpecification;
}

export function create(): MapLayerModule {
  let context: LayerContext | null = null;
  let highlighted: string | null = null;

  const lines = (p: MapPalette): LayerSpecification[] => [boundaryLineLayer(p)];

  const labels = (p: MapPalette): LayerSpecification[] =>
    Object.entries(LABEL_ZOOMS).map(
      ([level, [minzoom, maxzoom]]) =>
        ({
          id: `units-labels-${level.replace('_', '-')}`,
          type: 'symbol',
          source: UNITS_SOURCE,
          'source-layer': 'unit_labels',
          minzoom,
          maxzoom,
          filter: ['==', ['get', 'level'], level],
          layout: {
            'text-field': ['get', 'name'],
            'text-font': level === 'district' || level === 'street' ? LABEL_FONT_BOLD : LABEL_FONT,
            'text-size': level === 'district' ? 16 : level === 'street' ? 14 : 12,
            'text-max-width': 8,
            'text-padding': 4,
          },
          paint: LABEL_LEVELS_WITHOUT_HALO.includes(level)
            ? { 'text-color': p.label.text }
            : { 'text-color': p.label.text, 'text-halo-color': p.label.halo, 'text-halo-width': 1.6 },
        }) as LayerSpecification,
    );

  return {
    id: 'units',
    titleKey: 'map.layer.units',
    styleLayers: (p) => [
      ...lines(p),
      {
        id: HIGHLIGHT_LAYER,
        type: 'line',
        source: UNITS_SOURCE,
        'source-layer': 'micro_grids',
        filter: highlighted ? ['==', ['get', 'code'], highlighted] : NOTHING,
        paint: { 'line-color': p.microGridHighlight, 'line-width': 3.5 },
      } as LayerSpecification,
      ...labels(p),
    ],
    deckLayers: () => [],
    legend: (p) => [
      { labelKey: 'map.legend.district', color: p.boundary.district },
      { labelKey: 'map.legend.street', color: p.boundary.street },
      { labelKey: 'map.legend.community', color: p.boundary.community },
      { labelKey: 'map.legend.grid', color: p.boundary.grid },
      { labelKey: 'map.legend.microGrid', color: p.boundary.microGrid },
    ],
    init(ctx) {
      context = ctx;
    },
    update(data: MapLayerData) {
      if (data.highlightedMicroGrid === highlighted) return;
      highlighted = data.highlightedMicroGrid;
      const map = context?.map;
      if (map?.getLayer(HIGHLIGHT_LAYER)) map.setFilter(HIGHLIGHT_LAYER, highlighted ? ['==', ['get', 'code'], highlighted] : NOTHING);
    },
    dispose() {
      context = null;
    },
  };
}
