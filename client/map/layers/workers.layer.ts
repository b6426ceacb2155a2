/**
 * Workers at their live positions (the workers topic of the live channel): on duty and free, busy with a
 * case, position stale (> 10 min, as the server flags it), off duty. Positions glide to their new place
 * (deck.gl attribute transition) instead of jumping. Picking returns the worker.
 */
import type { Layer } from '@deck.gl/core';
import type { MapLayerModule } from '../layer-registry.js';
import type { LiveWorker, MapLayerData } from '../map-data.js';
import { colorToRgba, type MapPalette } from '../map-palette.js';
import { UninstancedScatterplotLayer } from '../uninstanced-scatterplot-layer.js';

export const WORKERS_DECK_LAYER = 'workers-points';
const MOVE_MS = 900;

export type WorkerStyle = 'onDuty' | 'busy' | 'stale' | 'offDuty';

export function workerStyleOf(worker: Pick<LiveWorker, 'dutyStatus' | 'busy' | 'stale'>): WorkerStyle {
  if (worker.dutyStatus !== 'on_duty') return 'offDuty';
  if (worker.stale) return 'stale';
  return worker.busy ? 'busy' : 'onDuty';
}

export function create(): MapLayerModule {
  let workers: LiveWorker[] = [];
  return {
    id: 'workers',
    titleKey: 'map.layer.workers',
    styleLayers: () => [],
    deckLayers: (p: MapPalette): Layer[] => [
      new UninstancedScatterplotLayer<LiveWorker>({
        id: WORKERS_DECK_LAYER,
        data: workers,
        pickable: true,
        getPosition: (d) => [d.lon, d.lat],
        radiusUnits: 'pixels',
        getRadius: (d) => (workerStyleOf(d) === 'busy' ? 6 : 5),
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: (d) => (workerStyleOf(d) === 'stale' ? 2 : 1.5),
        getFillColor: (d) => colorToRgba(p.worker[workerStyleOf(d)], workerStyleOf(d) === 'stale' ? 140 : 255),
        getLineColor: (d) => colorToRgba(workerStyleOf(d) === 'stale' ? p.worker.stale : p.worker.outline),
        transitions: { getPosition: { duration: MOVE_MS } },
        updateTriggers: { getFillColor: p, getLineColor: p },
      }),
    ],
    legend: (p) => [
      { labelKey: 'map.legend.onDuty', color: p.worker.onDuty },
      { labelKey: 'map.legend.busy', color: p.worker.busy },
      { labelKey: 'map.legend.stale', color: p.worker.stale },
      { labelKey: 'map.legend.offDuty', color: p.worker.offDuty },
    ],
    init() {},
    update(data: MapLayerData) {
      // A stable order by code, so a position transition interpolates each worker from its own last place.
      workers = [...data.workers].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    },
    dispose() {
      workers = [];
    },
  };
}
