import type { Layer } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { afterEach, describe, expect, it } from 'vitest';
import type { MapLayerModule } from '../layer-registry.js';
import { EMPTY_LAYER_DATA } from '../map-data.js';
import { PALETTES } from '../map-palette.js';
import { liveIncident as incident } from '../../../tests/support/live-incident.js';
import { UninstancedScatterplotLayer } from '../uninstanced-scatterplot-layer.js';
import { create, INCIDENTS_DECK_LAYER } from './incidents.layer.js';

/** The ScatterplotLayer accessors, each a per-point attribute when a function and a constant one otherwise. */
const ACCESSORS = ['getPosition', 'getRadius', 'getFillColor', 'getLineColor', 'getLineWidth'] as const;

describe('the incidents layer', () => {
  let module: MapLayerModule | null = null;
  afterEach(() => module?.dispose());

  function layersFor(incidents: ReturnType<typeof incident>[]): Layer[] {
    module = create();
    module.init({
      map: {} as MapLibreMap,
      palette: () => PALETTES.light,
      theme: () => 'light',
      requestRedraw: () => undefined,
      afterDrawn: () => undefined,
      visible: () => true,
    });
    module.update({ ...EMPTY_LAYER_DATA, incidents });
    return module.deckLayers(PALETTES.light);
  }

  it('pulses new red and orange incidents only, the most urgent drawn last', () => {
    const now = new Date().toISOString();
    const layers = layersFor([
      incident({ id: 1, grade: 'red', reportedAt: now }),
      incident({ id: 2, grade: 'blue', reportedAt: now }),
      incident({ id: 3, grade: 'orange', reportedAt: '2020-01-01T00:00:00Z' }),
      incident({ id: 4, grade: 'red', state: 'closed', reportedAt: now }),
    ]);
    expect(layers.map((l) => l.id)).toEqual(['incidents-pulse', INCIDENTS_DECK_LAYER]);
    expect((layers[0].props.data as { id: number }[]).map((i) => i.id)).toEqual([1]);
    expect((layers[1].props.data as { id: number }[]).map((i) => i.id)).toEqual([2, 3, 1]);
  });

  it('draws the pulse with the points layer’s vertex layout, so the first new case builds no GPU pipeline', () => {
    const [pulse, points] = layersFor([incident({ grade: 'red', reportedAt: new Date().toISOString() })]);
    const kinds = (layer: Layer) => ACCESSORS.map((name) => typeof (layer.props as unknown as Record<string, unknown>)[name]);
    expect(kinds(points)).toEqual(ACCESSORS.map(() => 'function'));
    expect(kinds(pulse)).toEqual(kinds(points));
  });

  it('draws its points without instancing (one draw per instance in software WebGL)', () => {
    const layers = layersFor([incident({ grade: 'red', reportedAt: new Date().toISOString() })]);
    expect(layers).toHaveLength(2);
    for (const layer of layers) expect(layer).toBeInstanceOf(UninstancedScatterplotLayer);
  });

  it('draws no pulse when no case is new', () => {
    expect(layersFor([incident({ grade: 'red' })]).map((l) => l.id)).toEqual([INCIDENTS_DECK_LAYER]);
  });
});
