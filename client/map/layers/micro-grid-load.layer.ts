/**
 * Micro-grids coloured by their open incidents: a fill over the `units` source's micro_grids whose
 * colour comes from feature-state `load` (the number of open cases), set from the incident list
 * handed to update(). Feature ids are the micro-grid codes (promoteId in basemap-style.ts).
 */
import type { LayerSpecification } from 'maplibre-gl';
import { UNITS_SOURCE } from '../basemap-style.js';
import { countOpenByMicroGrid, diffCounts } from '../incident-load.js';
import type { LayerContext, MapLayerModule } from '../layer-registry.js';
import type { MapLayerData } from '../map-data.js';

export const LOAD_FILL_LAYER = 'micro-grid-load-fill';

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
          'fill-color': ['step', ['coalesce', ['feature-state', 'load'], 0], p.load[0], 1, p.load[1], 2, p.load[2], 4, p.load[3]],
          'fill-opacity': 0.45,
        },
      } as LayerSpecification,
    ],
    deckLayers: () => [],
    legend: (p) => [
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
