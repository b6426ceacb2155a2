import { describe, expect, it } from 'vitest';
import type { LayerSpecification } from 'maplibre-gl';
import { LayerRegistry, type MapLayerId, type MapLayerModule } from './layer-registry.js';
import { PALETTES } from './map-palette.js';

function module(id: MapLayerId, styleIds: string[] = []): MapLayerModule {
  return {
    id,
    titleKey: 'map.layer.units',
    styleLayers: () => styleIds.map((s) => ({ id: s, type: 'line', source: 'units', 'source-layer': 'districts' }) as LayerSpecification),
    deckLayers: () => [],
    legend: (p) => [{ labelKey: 'map.legend.district', color: p.boundary.district }],
    init() {},
    update() {},
    dispose() {},
  };
}

describe('LayerRegistry', () => {
  it('orders the modules by the fixed drawing order, whatever order they are given in', () => {
    const registry = new LayerRegistry([module('incidents'), module('units'), module('micro-grid-load')]);
    expect(registry.list().map((m) => m.id)).toEqual(['micro-grid-load', 'units', 'incidents']);
  });
  it('refuses two modules with one id', () => {
    expect(() => new LayerRegistry([module('units'), module('units')])).toThrow(/duplicate/);
  });
  it('hides a switched-off module’s style layers and reports its state with its legend', () => {
    const registry = new LayerRegistry([module('units', ['a', 'b']), module('sensors', ['c'])]);
    registry.setVisible('units', false);
    const layers = registry.styleLayers(PALETTES.light);
    expect(layers.map((l) => [l.id, (l.layout as { visibility?: string }).visibility])).toEqual([
      ['a', 'none'],
      ['b', 'none'],
      ['c', 'visible'],
    ]);
    expect(registry.states(PALETTES.dark)).toEqual([
      {
        id: 'units',
        titleKey: 'map.layer.units',
        visible: false,
        legend: [{ labelKey: 'map.legend.district', color: PALETTES.dark.boundary.district }],
      },
      {
        id: 'sensors',
        titleKey: 'map.layer.units',
        visible: true,
        legend: [{ labelKey: 'map.legend.district', color: PALETTES.dark.boundary.district }],
      },
    ]);
    expect(registry.styleLayerIds('units', PALETTES.light)).toEqual(['a', 'b']);
  });
});
