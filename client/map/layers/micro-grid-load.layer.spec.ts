import type { Map as MapLibreMap } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { incident } from '../map-test-fixtures.js';
import type { MapLayerData } from '../map-data.js';
import { PALETTES } from '../map-palette.js';
import { create, LOAD_FILL_LAYER, loadedFilter } from './micro-grid-load.layer.js';

/** The calls the layer makes on the map, recorded. */
function fakeMap() {
  const filters: unknown[] = [];
  const states = new Map<string, unknown>();
  const map = {
    getSource: () => ({}),
    getLayer: (id: string) => (id === LOAD_FILL_LAYER ? {} : undefined),
    setFilter: (_id: string, filter: unknown) => filters.push(filter),
    setFeatureState: (f: { id: string }, state: unknown) => states.set(f.id, state),
    removeFeatureState: (f: { id: string }) => states.delete(f.id),
  };
  return { map: map as unknown as MapLibreMap, filters, states };
}

const data = (codes: string[]): MapLayerData => ({
  incidents: codes.map((microGridCode, i) => incident({ id: i + 1, microGridCode })),
  workers: [],
  selectedIncidentId: null,
  route: null,
  highlightedMicroGrid: null,
});

describe('micro-grid load layer', () => {
  it('draws only the micro-grids with open cases, and filters again only when that set changes', () => {
    const layer = create();
    const { map, filters, states } = fakeMap();
    layer.init({ map, palette: () => PALETTES.light, theme: () => 'light', requestRedraw: () => undefined, visible: () => true });
    expect(layer.styleLayers(PALETTES.light)[0]).toMatchObject({ id: LOAD_FILL_LAYER, filter: loadedFilter([]) });

    layer.update(data(['A', 'B', 'A']));
    expect(filters).toEqual([loadedFilter(['A', 'B'])]);
    expect(states.get('A')).toEqual({ load: 2 });

    layer.update(data(['A', 'B', 'B']));
    expect(filters).toHaveLength(1); // same micro-grids, other counts: feature-state only
    expect(states.get('B')).toEqual({ load: 2 });

    layer.update(data(['B']));
    expect(filters.at(-1)).toEqual(loadedFilter(['B']));
    expect(states.has('A')).toBe(false);
    expect(layer.styleLayers(PALETTES.light)[0]).toMatchObject({ filter: loadedFilter(['B']) });
  });
});
