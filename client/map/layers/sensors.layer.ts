/**
 * IoT sensors from the `devices` vector tiles, by state (online / offline); below z12 the tiles hold
 * clusters (point_count, online_count), drawn as circles sized by count and coloured by the share online.
 */
import type { LayerSpecification } from 'maplibre-gl';
import { DEVICES_SOURCE } from '../basemap-style.js';
import type { MapLayerModule } from '../layer-registry.js';

export function create(): MapLayerModule {
  return {
    id: 'sensors',
    titleKey: 'map.layer.sensors',
    styleLayers: (p) =>
      [
        {
          id: 'sensors-clusters',
          type: 'circle',
          source: DEVICES_SOURCE,
          'source-layer': 'sensors',
          filter: ['has', 'point_count'],
          paint: {
            'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'point_count']], 1, 2, 10, 7, 30, 14],
            'circle-color': ['interpolate', ['linear'], ['/', ['get', 'online_count'], ['max', ['get', 'point_count'], 1]], 0.5, p.sensor.offline, 1, p.sensor.online],
            'circle-opacity': 0.5,
          },
        },
        {
          id: 'sensors-points',
          type: 'circle',
          source: DEVICES_SOURCE,
          'source-layer': 'sensors',
          filter: ['!', ['has', 'point_count']],
          paint: {
            'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 2.5, 16, 5],
            'circle-color': ['case', ['get', 'online'], p.sensor.online, p.sensor.offline],
            'circle-stroke-color': p.label.halo,
            'circle-stroke-width': 1,
          },
        },
      ] as LayerSpecification[],
    deckLayers: () => [],
    legend: (p) => [
      { labelKey: 'map.legend.sensorOnline', color: p.sensor.online },
      { labelKey: 'map.legend.sensorOffline', color: p.sensor.offline },
    ],
    init() {},
    update() {},
    dispose() {},
  };
}
