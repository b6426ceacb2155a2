/**
 * Micro-grids coloured by their open incidents: a fill over the `units` source's micro_grids whose
 * colour comes from feature-state `load` (the number of open cases), set from the incident list
 * handed to update(). Feature ids are the micro-grid codes (promoteId in basemap-style.ts).
 *
 * The fill's filter holds only the micro-grids with open cases: a micro-grid without load is not drawn at
 * all (a transparent fill over every micro-grid is still a full-screen blend per frame in software WebGL).
 * A filter change makes MapLibre lay out the source's tiles again, so it is set only when the set of loaded
 * micro-grids changes; a count changing within the set is only feature-state.
 */
import type { FilterSpecification, LayerSpecification } from 'maplibre-gl';
import { UNITS_SOURCE } from '../basemap-style.js';
import { countOpenByMicroGrid, diffCounts } from '../incident-load.js';
import type { LayerContext, MapLayerModule } from '../layer-registry.js';
import type { MapLayerData } from '../map-data.js';

export const LOAD_FILL_LAYER = 'micro-grid-load-fill';

/** The fill's filter: the micro-grids of these codes (none when empty). */
export function loadedFilter(codes: Iterable<string>): FilterSpecification {
  return ['in', ['get', 'code'], ['literal', [...codes].sort()]];
}

const sameKeys = (a: Map<string, number>, b: Map<string, number>) => a.size === b.size && [...a.keys()].every((k) => b.has(k));

export function create(): MapLayerModule {
  let context: LayerContext | null = null;
  let counts = new Map<string, number>();

  const apply = (next: Map<string, number>) => {
    const map = context?.map;
    if (!map?.getSource(UNITS_SOURCE)) return;
    const { set, remove } = diffCounts(counts, next);
    for (const code of remove) map.removeFeatureState({ source: UNITS_SOURCE, sourceLayer: 'micro_grids', id: code }, 'load');
    for (const [code, n] of set) map.setFeatureState({ source: UNITS_SOURCE, sourceLayer: 'micro_grids', id: code }, { load: n });
    if (!sameKeys(counts, next) && map.getLayer(LOAD_FILL_LAYER)) map.setFilter(LOAD_FILL_LAYER, loadedFilter(next.keys()));
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
        filter: loadedFilter(counts.keys()),
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
