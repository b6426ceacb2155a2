/**
 * Unit boundaries (district → street → community → grid → micro-grid, from the zoom where each level is
 * legible: server/tiles/tile-layers.ts) with their names by zoom, and the highlighted micro-grid.
 * Vector tiles only: the style layers draw the `units` source; update() only moves the highlight.
 */
import type { FilterSpecification, LayerSpecification } from 'maplibre-gl';
import { UNITS_SOURCE } from '../basemap-style.js';
import type { LayerContext, MapLayerModule } from '../layer-registry.js';
import type { MapLayerData } from '../map-data.js';
import { LABEL_FONT, LABEL_FONT_BOLD } from '../map-fonts.js';
import type { MapPalette } from '../map-palette.js';

export const HIGHLIGHT_LAYER = 'units-micro-grid-highlight';
const NOTHING: FilterSpecification = ['==', ['get', 'code'], ''];

/** The zooms at which each level's name is shown: one level at a time, coarse to fine. */
export const LABEL_ZOOMS = {
  district: [0, 10.5],
  street: [10.5, 12.5],
  community: [12.5, 14.2],
  grid: [14.2, 15.6],
  micro_grid: [15.6, 24],
} as const;

export function create(): MapLayerModule {
  let context: LayerContext | null = null;
  let highlighted: string | null = null;

  const lines = (p: MapPalette): LayerSpecification[] =>
    (
      [
        ['micro_grids', 'units-micro-grids-line', p.boundary.microGrid, [14, 0.5, 16, 1.2, 19, 2], undefined],
        ['grids', 'units-grids-line', p.boundary.grid, [13, 0.8, 16, 1.6], [3, 2]],
        ['communities', 'units-communities-line', p.boundary.community, [11, 0.8, 16, 2.2], undefined],
        ['streets', 'units-streets-line', p.boundary.street, [9, 1, 16, 3], [4, 2]],
        ['districts', 'units-districts-line', p.boundary.district, [6, 1.2, 12, 2.5, 16, 4], undefined],
      ] as const
    ).map(([sourceLayer, id, color, widths, dash]) => ({
      id,
      type: 'line',
      source: UNITS_SOURCE,
      'source-layer': sourceLayer,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': color,
        'line-width': ['interpolate', ['linear'], ['zoom'], ...widths],
        ...(dash ? { 'line-dasharray': [...dash] } : {}),
      },
    }) as LayerSpecification);

  const labels = (p: MapPalette): LayerSpecification[] =>
    Object.entries(LABEL_ZOOMS).map(([level, [minzoom, maxzoom]]) => ({
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
      paint: { 'text-color': p.label.text, 'text-halo-color': p.label.halo, 'text-halo-width': 1.6 },
    }) as LayerSpecification);

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
