/**
 * The map's layer registry: one module per layer (client/map/layers/<id>.layer.ts), each created by
 * `create()` and living through `init(context) → update(data)… → dispose()`. A module draws with MapLibre
 * style layers over the project's vector tiles (`styleLayers`), with deck.gl layers (`deckLayers`), or
 * both; it receives its data in update() and never fetches. The registry keeps the order, the
 * visibility toggles and the legend.
 */
import type { Layer } from '@deck.gl/core';
import type { LayerSpecification, Map as MapLibreMap } from 'maplibre-gl';
import type { MapLayerData, MapTheme } from './map-data.js';
import type { MapMessageKey } from './map-messages.js';
import type { MapPalette } from './map-palette.js';

export interface LegendEntry {
  labelKey: MapMessageKey;
  color: string;
}

export interface LayerState {
  id: MapLayerId;
  titleKey: MapMessageKey;
  visible: boolean;
  legend: LegendEntry[];
}

export interface LayerContext {
  map: MapLibreMap;
  palette(): MapPalette;
  theme(): MapTheme;
  /** Asks the console map to collect the deck.gl layers again (after data, zoom or an animation step). */
  requestRedraw(): void;
  /**
   * Runs `callback` (in a task of its own) once the map has drawn a frame with every module's layers as they are
   * now: for work that should not delay what the dispatcher waits for, such as a new incident's point.
   */
  afterDrawn(callback: () => void): void;
  /** Whether the layer is switched on (an animation stops while it is off). */
  visible(): boolean;
}

export interface MapLayerModule {
  id: MapLayerId;
  titleKey: MapMessageKey;
  /** MapLibre layers over the style's vector sources (unitsSource, devicesSource), bottom to top. */
  styleLayers(palette: MapPalette): LayerSpecification[];
  /** deck.gl layers to draw now, bottom to top. */
  deckLayers(palette: MapPalette): Layer[];
  legend(palette: MapPalette): LegendEntry[];
  init(context: LayerContext): void;
  update(data: MapLayerData): void;
  dispose(): void;
}

/** The stable layer ids, in drawing order (bottom to top). */
export const MAP_LAYER_IDS = [
  'micro-grid-load',
  'unit-choropleth',
  'units',
  'sensors',
  'cameras',
  'camera-review',
  'incident-density',
  'recent-density',
  'route',
  'dispatch-arcs',
  'workers',
  'incidents',
] as const;
export type MapLayerId = (typeof MAP_LAYER_IDS)[number];

export class LayerRegistry {
  private readonly modules: MapLayerModule[];
  private readonly hidden = new Set<MapLayerId>();

  constructor(modules: MapLayerModule[]) {
    const ids = modules.map((m) => m.id);
    if (new Set(ids).size !== ids.length) throw new Error(`duplicate map layer id in ${ids.join(', ')}`);
    this.modules = [...modules].sort((a, b) => MAP_LAYER_IDS.indexOf(a.id) - MAP_LAYER_IDS.indexOf(b.id));
  }

  list(): readonly MapLayerModule[] {
    return this.modules;
  }

  has(id: string): id is MapLayerId {
    return this.modules.some((m) => m.id === id);
  }

  isVisible(id: MapLayerId): boolean {
    return !this.hidden.has(id);
  }

  setVisible(id: MapLayerId, visible: boolean): void {
    if (visible) this.hidden.delete(id);
    else this.hidden.add(id);
  }

  /** All style layers, with the visibility of their module applied. */
  styleLayers(palette: MapPalette): LayerSpecification[] {
    return this.modules.flatMap((m) => m.styleLayers(palette).map((layer) => withVisibility(layer, this.isVisible(m.id))));
  }

  /** The style layer ids of one module (for toggling without rebuilding the style). */
  styleLayerIds(id: MapLayerId, palette: MapPalette): string[] {
    return (
      this.modules
        .find((m) => m.id === id)
        ?.styleLayers(palette)
        .map((l) => l.id) ?? []
    );
  }

  deckLayers(palette: MapPalette): Layer[] {
    return this.modules.filter((m) => this.isVisible(m.id)).flatMap((m) => m.deckLayers(palette));
  }

  states(palette: MapPalette): LayerState[] {
    return this.modules.map((m) => ({ id: m.id, titleKey: m.titleKey, visible: this.isVisible(m.id), legend: m.legend(palette) }));
  }
}

function withVisibility(layer: LayerSpecification, visible: boolean): LayerSpecification {
  if (layer.type === 'background') return layer;
  return { ...layer, layout: { ...(layer.layout ?? {}), visibility: visible ? 'visible' : 'none' } } as LayerSpecification;
}
