/**
 * The mid screen's choropleth: child units filled by a value (the safety index), under the boundaries.
 * deck.gl GeoJsonLayer fills only (one plain draw; the boundary lines are the units layer's). Receives
 * `choropleth` (the polygons and their colours, which the screen computes and fetches); never fetches.
 */
import type { Layer } from '@deck.gl/core';
import { GeoJsonLayer } from '@deck.gl/layers';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { LayerContext, MapLayerModule } from '../layer-registry.js';
import type { MapLayerData, UnitChoropleth } from '../map-data.js';
import { colorToRgba } from '../map-palette.js';

const FILL_ALPHA = 170;

type ChoroplethFeature = Feature<Polygon | MultiPolygon, { code: string; color: string }>;

export function create(): MapLayerModule {
  let context: LayerContext | null = null;
  let current: UnitChoropleth | null = null;
  let features: ChoroplethFeature[] = [];

  return {
    id: 'unit-choropleth',
    titleKey: 'map.layer.unitChoropleth',
    styleLayers: () => [],
    deckLayers(): Layer[] {
      if (!context || features.length === 0) return [];
      return [
        new GeoJsonLayer<{ code: string; color: string }>({
          id: 'unit-choropleth-fill',
          data: features as never,
          filled: true,
          stroked: false,
          getFillColor: (f: ChoroplethFeature) => colorToRgba(f.properties.color, FILL_ALPHA),
          updateTriggers: { getFillColor: features },
        } as never),
      ];
    },
    legend: () => [],
    init(ctx) {
      context = ctx;
    },
    update(data: MapLayerData) {
      const next = data.choropleth ?? null;
      if (next === current) return;
      current = next;
      features = (next?.units ?? []).map((u) => ({ type: 'Feature', geometry: u.geometry, properties: { code: u.code, color: u.color } }));
    },
    dispose() {
      context = null;
      features = [];
    },
  };
}
