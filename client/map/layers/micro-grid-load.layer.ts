/**
 * The micro-grids: one fill over the `units` source's micro_grids that draws their outlines (the fill's own
 * one-pixel outline, `fill-outline-color`) and colours each by its open incidents, from feature-state `load`
 * (the number of open cases) set from the incident list handed to update(). Feature ids are the micro-grid
 * codes (promoteId in basemap-style.ts). One layer for both: in software WebGL a separate line layer for the
 * outlines cost a dispatcher's panning about 30 ms a frame (a draw call per tile, BENCHMARKS.md).
 */
import type { LayerSpecification } from 'maplibre-gl';
import { UNITS_SOURCE } from '../basemap-style.js';
import { countOpenByMicroGrid, diffCounts } from '../incident-load.js';
import type { LayerContext, MapLayerModule } from '../layer-registry.js';
import type { MapLayerData } from '../map-data.js';
import { colorToRgba } from '../map-palette.js';

export const LOAD_FILL_LAYER = 'micro-grid-load-fill';
/** Opacity of the load colours over the basemap. */
export const LOAD_ALPHA = 0.45;

/** A palette colour ('#rrggbb' or 'rgba(…)') as rgba() with its alpha multiplied by `alpha`. */
export function withAlpha(color: string, alpha: number): string {
  const [r, g, b, a] = colorToRgba(color);
  return `rgba(${r},${g},${b},${Number(((a / 255) * alpha).toFixed(3))})`;
}

export function create(): MapLayerModule {
  let context: LayerContext | null = null;
  let counts = new Map<string, number>();

  const apply = (next: Map<string, number>) => {
    const map = context?.map;
    if (!map?.getSource(UNITS_SOURCE)) return;
    const { set, remove } = diffCounts(counts, next);
    for (const code of remove) map.removeFeatureState({ source: UNITS_SOURCE, sourceLayer: 'micro_grids', id: code }, 'load');
    for (const [code, n] of set) map.setFeatureState({ source: UNITS_SOURCE, sourceLayer: 'micro_grids', id: code }, { load: n });
    counts = next;
  };

  return {
    id: 'micro-grid-load',
    titleKey: 'map.layer.microGridLoad',
    styleLayers: (p) => [
      {
        id: LOAD_FILL_LAYER,
        type: 'fill',
        source: UNITS_SOURCE,
        'source-layer': 'micro_grids',
        paint: {
          // The load colours are translucent; the outline is not (fill-opacity would fade both).
          'fill-color': [
            'step', ['coalesce', ['feature-state', 'load'], 0],
            withAlpha(p.load[0], LOAD_ALPHA), 1, withAlpha(p.load[1], LOAD_ALPHA), 2, withAlpha(p.load[2], LOAD_ALPHA), 4, withAlpha(p.load[3], LOAD_ALPHA),
          ],
          'fill-outline-color': p.boundary.microGrid,
        },
      } as LayerSpecification,
    ],
    deckLayers: () => [],
    legend: (p) => [
      { labelKey: 'map.legend.microGrid', color: p.boundary.microGrid },
      { labelKey: 'map.legend.load1', color: p.load[1] },
      { labelKey: 'map.legend.load2', color: p.load[2] },
      { labelKey: 'map.legend.load4', color: p.load[3] },
    ],
    init(ctx) {
      context = ctx;
    },
    update(data: MapLayerData) {
      apply(countOpenByMicroGrid(data.incidents));
    },
    dispose() {
      context = null;
      counts = new Map();
    },
  };
}
