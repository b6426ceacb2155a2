/**
 * Density of open incidents as H3 hexagons (deck.gl H3HexagonLayer, drawn as polygons) at low zoom, below
 * DENSITY_MAX_ZOOM; colour steps by the count relative to the busiest hexagon in view.
 */
import type { Layer } from '@deck.gl/core';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { binIncidents, DENSITY_MAX_ZOOM, densityResolution, type HexagonCount } from '../incident-density.js';
import type { LayerContext, MapLayerModule } from '../layer-registry.js';
import type { LiveIncident, MapLayerData } from '../map-data.js';
import { colorToRgba, type MapPalette } from '../map-palette.js';

/** The hexagons' opacity (of 255): the map stays readable under them. */
export const FILL_ALPHA = 140;

export function create(): MapLayerModule {
  let context: LayerContext | null = null;
  let incidents: readonly LiveIncident[] = [];
  let resolution = 0;
  let hexagons: HexagonCount[] = [];
  let busiest = 1;

  const rebin = () => {
    hexagons = binIncidents(incidents, resolution);
    busiest = Math.max(1, ...hexagons.map((h) => h.count));
  };
  const onZoom = () => {
    const zoom = context?.map.getZoom() ?? 0;
    const next = densityResolution(zoom);
    if (next !== resolution) {
      resolution = next;
      rebin();
    }
    context?.requestRedraw();
  };

  return {
    id: 'incident-density',
    titleKey: 'map.layer.incidentDensity',
    styleLayers: () => [],
    deckLayers(p: MapPalette): Layer[] {
      if (!context || hexagons.length === 0 || context.map.getZoom() >= DENSITY_MAX_ZOOM) return [];
      const step = (count: number) => p.density[Math.min(p.density.length - 1, Math.floor((count / busiest) * (p.density.length - 1) + 0.5))];
      return [
        new H3HexagonLayer<HexagonCount>({
          id: 'incident-density-hexagons',
          data: hexagons,
          getHexagon: (d) => d.hexagon,
          // Every hexagon a polygon (its boundary from h3-js), all in one plain draw call (deck.gl's SolidPolygonLayer),
          // rather than an instanced column per hexagon: software WebGL runs an instanced draw as one draw per instance,
          // and the column layer also links two GPU programs (fill and a wireframe it never draws) at the first render.
          // Not stroked: an outline would be a PathLayer, one instance per edge.
          highPrecision: true,
          extruded: false,
          filled: true,
          stroked: false,
          getFillColor: (d) => colorToRgba(step(d.count), FILL_ALPHA),
          updateTriggers: { getFillColor: [p, busiest] },
        }),
      ];
    },
    legend: (p) => [
      { labelKey: 'map.legend.densityLow', color: p.density[0] },
      { labelKey: 'map.legend.densityHigh', color: p.density[p.density.length - 1] },
    ],
    init(ctx) {
      context = ctx;
      resolution = densityResolution(ctx.map.getZoom());
      ctx.map.on('zoomend', onZoom);
    },
    update(data: MapLayerData) {
      if (data.incidents === incidents) return;
      incidents = data.incidents;
      rebin();
    },
    dispose() {
      context?.map.off('zoomend', onZoom);
      context = null;
      hexagons = [];
    },
  };
}
