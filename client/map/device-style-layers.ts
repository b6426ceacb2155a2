/**
 * The MapLibre style layers of a kind of device in the `devices` vector tiles (cameras, sensors): below z12 the tiles
 * hold clusters (point_count, online_count), drawn as circles sized by count and coloured by the share online; above,
 * each device a point coloured online / offline with a halo.
 */
import type { LayerSpecification } from 'maplibre-gl';
import { DEVICES_SOURCE } from './basemap-style.js';

export function deviceStyleLayers(
  sourceLayer: 'cameras' | 'sensors',
  pointsLayerId: string,
  colours: { online: string; offline: string; halo: string },
): LayerSpecification[] {
  return [
    {
      id: `${sourceLayer}-clusters`,
      type: 'circle',
      source: DEVICES_SOURCE,
      'source-layer': sourceLayer,
      filter: ['has', 'point_count'],
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'point_count']], 1, 2, 10, 7, 30, 14],
        'circle-color': [
          'interpolate',
          ['linear'],
          ['/', ['get', 'online_count'], ['max', ['get', 'point_count'], 1]],
          0.5,
          colours.offline,
          1,
          colours.online,
        ],
        'circle-opacity': 0.5,
      },
    },
    {
      id: pointsLayerId,
      type: 'circle',
      source: DEVICES_SOURCE,
      'source-layer': sourceLayer,
      filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 2.5, 16, 5],
        'circle-color': ['case', ['get', 'online'], colours.online, colours.offline],
        'circle-stroke-color': colours.halo,
        'circle-stroke-width': 1,
      },
    },
  ];
}
