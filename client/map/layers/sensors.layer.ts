/**
 * IoT sensors: every sensor from the `devices` vector tiles, by its seeded state (online / offline); below z12 the
 * tiles hold clusters (point_count, online_count), drawn as circles sized by count and coloured by the share online.
 * Over them, live: the sensors the live channel reports in alarm (a ring in the alarm colour) or offline (a grey
 * ring), from the console store (topic `sensors`) — deck.gl, pickable, so a click opens the sensor's detail. A sensor
 * that returns to normal drops out of the live ring and shows as the tiles draw it.
 */
import type { Layer } from '@deck.gl/core';
import { deviceStyleLayers } from '../device-style-layers.js';
import type { LayerContext, MapLayerModule } from '../layer-registry.js';
import type { LiveSensor, MapLayerData } from '../map-data.js';
import { colorToRgba, type MapPalette } from '../map-palette.js';
import { UninstancedScatterplotLayer } from '../uninstanced-scatterplot-layer.js';

export const SENSORS_LIVE_DECK_LAYER = 'sensors-live';
export const SENSOR_POINTS_LAYER = 'sensors-points';

export function create(): MapLayerModule {
  let context: LayerContext | null = null;
  let live: LiveSensor[] = [];
  return {
    id: 'sensors',
    titleKey: 'map.layer.sensors',
    styleLayers: (p) => deviceStyleLayers('sensors', SENSOR_POINTS_LAYER, { ...p.sensor, halo: p.label.halo }),
    deckLayers(p: MapPalette): Layer[] {
      if (live.length === 0) return [];
      return [
        new UninstancedScatterplotLayer<LiveSensor>({
          id: SENSORS_LIVE_DECK_LAYER,
          data: live,
          pickable: true,
          getPosition: (d) => [d.lon, d.lat],
          radiusUnits: 'pixels',
          // A ring wider than an incident's point, so the incident the alarm opened (drawn on top) leaves it visible.
          getRadius: (d) => (d.state === 'alarm' ? 13 : 9),
          stroked: true,
          filled: true,
          lineWidthUnits: 'pixels',
          getLineWidth: (d) => (d.state === 'alarm' ? 4 : 2),
          getFillColor: (d) => colorToRgba(d.state === 'alarm' ? p.sensor.alarm : p.sensor.offline, 60),
          getLineColor: (d) => colorToRgba(d.state === 'alarm' ? p.sensor.alarm : p.sensor.offline),
          updateTriggers: { getFillColor: p, getLineColor: p },
        }),
      ];
    },
    legend: (p) => [
      { labelKey: 'map.legend.sensorOnline', color: p.sensor.online },
      { labelKey: 'map.legend.sensorOffline', color: p.sensor.offline },
      { labelKey: 'map.legend.sensorAlarm', color: p.sensor.alarm },
    ],
    init(ctx) {
      context = ctx;
    },
    update(data: MapLayerData) {
      // Offline first, alarms on top (deck.gl draws in data order).
      live = data.sensors.filter((s) => s.state !== 'normal').sort((a, b) => (a.state === b.state ? 0 : a.state === 'alarm' ? 1 : -1));
      context?.requestRedraw();
    },
    dispose() {
      context = null;
    },
  };
}
