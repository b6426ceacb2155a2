/**
 * The big screen's density of the last 24 hours: H3 hexagons extruded by their count (deck.gl H3HexagonLayer,
 * drawn as polygons — `highPrecision`, one plain draw call: software WebGL runs an instanced draw once per
 * instance, see incident-density.layer.ts), coloured from the density ramp, leaning red where red and orange
 * cases are many. Receives `recentIncidents` (the wall fetches them); nothing here fetches.
 */
import type { Layer } from '@deck.gl/core';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import type { LayerContext, MapLayerModule } from '../layer-registry.js';
import type { MapLayerData, RecentIncidentPoint } from '../map-data.js';
import { colorToRgba, type MapPalette } from '../map-palette.js';
import { binRecentIncidents, columnHeight, recentDensityResolution, type RecentHexagon } from '../recent-density.js';

/** The busiest hexagon's column, metres, at the city view (scaled down as the wall zooms in). */
const MAX_COLUMN_METRES = 6000;

export function create(): MapLayerModule {
  let context: LayerContext | null = null;
  let points: readonly RecentIncidentPoint[] = [];
  let resolution = 7;
  let hexagons: RecentHexagon[] = [];
  let busiest = 1;

  const rebin = () => {
    hexagons = binRecentIncidents(points, resolution);
    busiest = Math.max(1, ...hexagons.map((h) => h.count));
  };
  const onZoom = () => {
    const next = recentDensityResolution(context?.map.getZoom() ?? 0);
    if (next !== resolution) {
      resolution = next;
      rebin();
      context?.requestRedraw();
    }
  };

  return {
    id: 'recent-density',
    titleKey: 'map.layer.recentDensity',
    styleLayers: () => [],
    deckLayers(p: MapPalette): Layer[] {
      if (!context || hexagons.length === 0) return [];
      const ramp = p.density;
      const colour = (h: RecentHexagon) => {
        const share = h.count / busiest;
        const step = Math.min(ramp.length - 1, Math.floor(share * (ramp.length - 1) + 0.5) + (h.severe * 3 >= h.count ? 1 : 0));
        return colorToRgba(ramp[step], 200);
      };
      const maxMetres = MAX_COLUMN_METRES / 2 ** (resolution - 7);
      return [
        new H3HexagonLayer<RecentHexagon>({
          id: 'recent-density-columns',
          data: hexagons,
          getHexagon: (d) => d.hexagon,
          highPrecision: true,
          extruded: true,
          filled: true,
          stroked: false,
          coverage: 0.88,
          material: false,
          getElevation: (d) => columnHeight(d.count, busiest, maxMetres),
          getFillColor: colour,
          updateTriggers: { getFillColor: [p, busiest], getElevation: [busiest, maxMetres] },
        }),
      ];
    },
    legend: (p) => [
      { labelKey: 'map.legend.densityLow', color: p.density[0] },
      { labelKey: 'map.legend.densityHigh', color: p.density[p.density.length - 1] },
    ],
    init(ctx) {
      context = ctx;
      resolution = recentDensityResolution(ctx.map.getZoom());
      ctx.map.on('zoomend', onZoom);
    },
    update(data: MapLayerData) {
      const next = data.recentIncidents ?? [];
      if (next === points) return;
      points = next;
      rebin();
    },
    dispose() {
      context?.map.off('zoomend', onZoom);
      context = null;
      hexagons = [];
      points = [];
    },
  };
}
