/** The selected incident's route to its recommended worker (coordinates from the recommendations API). */
import type { Layer } from '@deck.gl/core';
import { PathLayer } from '@deck.gl/layers';
import type { MapLayerModule } from '../layer-registry.js';
import type { MapLayerData } from '../map-data.js';
import { colorToRgba, type MapPalette } from '../map-palette.js';

export function create(): MapLayerModule {
  let route: readonly [number, number][] | null = null;
  return {
    id: 'route',
    titleKey: 'map.layer.route',
    styleLayers: () => [],
    deckLayers: (p: MapPalette): Layer[] =>
      route && route.length >= 2
        ? [
            new PathLayer<{ path: readonly [number, number][] }>({
              id: 'route-path',
              data: [{ path: route }],
              getPath: (d) => d.path as [number, number][],
              widthUnits: 'pixels',
              getWidth: 5,
              capRounded: true,
              jointRounded: true,
              getColor: colorToRgba(p.route, 230),
              updateTriggers: { getColor: p },
            }),
          ]
        : [],
    legend: (p) => [{ labelKey: 'map.legend.route', color: p.route }],
    init() {},
    update(data: MapLayerData) {
      route = data.route;
    },
    dispose() {
      route = null;
    },
  };
}
