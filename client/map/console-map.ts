/**
 * The dispatcher console's map: MapLibre GL over the project's own vector tiles (offline basemap, unit
 * boundaries, cameras, sensors) with deck.gl in it (MapLibreOverlay, interleaved) for the live and dense layers.
 * The console shell owns the data (live channel, store) and hands it in with setIncidents/setWorkers…;
 * the layers live in the registry (layer-registry.ts, layers/*.layer.ts) and never fetch.
 *
 *   const consoleMap = createConsoleMap({ container, theme: 'light', language: 'zh-CN', onMapClick });
 *   await consoleMap.ready;
 *   consoleMap.setIncidents(items);
 *
 * The container gets `data-map-ready="true"` once the style and the first tiles are drawn, and keeps the
 * ConsoleMap as its `consoleMap` property (for the browser tests).
 */
import { MapLibreOverlay } from '@deck.gl/maplibre';
import { AttributionControl, Map as MapLibreMap, NavigationControl, ScaleControl, setWorkerUrl, type VectorTileSource } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { buildMapStyle, DEVICES_SOURCE, TILE_MAX_ZOOM, tileUrl, vectorSourceLayers, type ExternalBasemap } from './basemap-style.js';
import { LayerRegistry, type LayerState, type MapLayerId, type MapLayerModule } from './layer-registry.js';
import { create as createCameraReview } from './layers/camera-review.layer.js';
import { create as createCameras, CAMERA_CONES_DECK_LAYER, CAMERA_POINTS_LAYER } from './layers/cameras.layer.js';
import { create as createIncidentDensity } from './layers/incident-density.layer.js';
import { create as createIncidents, INCIDENTS_DECK_LAYER } from './layers/incidents.layer.js';
import { create as createMicroGridLoad } from './layers/micro-grid-load.layer.js';
import { create as createRoute } from './layers/route.layer.js';
import { create as createSensors, SENSOR_POINTS_LAYER, SENSORS_LIVE_DECK_LAYER } from './layers/sensors.layer.js';
import { create as createUnits } from './layers/units.layer.js';
import { create as createWorkers, WORKERS_DECK_LAYER } from './layers/workers.layer.js';
import { chooseBasemap, fetchMapConfig, NANJING_BOUNDS, type BasemapStatus } from './map-config.js';
import type { BoundingBox, LiveIncident, LiveSensor, LiveWorker, MapLanguage, MapLayerData, MapPick, MapTheme } from './map-data.js';
import { mapText } from './map-messages.js';
import { PALETTES } from './map-palette.js';

export type { BoundingBox, LiveIncident, LiveWorker, MapLanguage, MapPick, MapTheme } from './map-data.js';
export type { LayerState, MapLayerId } from './layer-registry.js';

export interface ConsoleMapOptions {
  container: HTMLElement;
  theme: MapTheme;
  language: MapLanguage;
  /** Where to open; default the caller's jurisdiction (TileJSON bounds), else Nanjing. */
  bounds?: BoundingBox;
  onMapClick(point: { lon: number; lat: number }, picked: MapPick, pixel: { x: number; y: number }): void;
  onViewportChange?(bbox: BoundingBox, zoom: number): void;
  /** The layers to draw instead of the console's (the big and mid screens choose theirs: client/screens). */
  layers?: () => MapLayerModule[];
  /** Tilt in degrees (the wall's extruded density); default 0. */
  pitch?: number;
  /** Without the zoom buttons and scale (a wall nobody touches). */
  bareControls?: boolean;
}

export interface ConsoleMap {
  map: MapLibreMap;
  /** Resolves when the style and the first tiles are drawn (the map's first 'idle'). */
  ready: Promise<void>;
  setTheme(theme: MapTheme): void;
  setLanguage(language: MapLanguage): void;
  layerStates(): LayerState[];
  setLayerVisible(id: MapLayerId, visible: boolean): void;
  setIncidents(items: LiveIncident[]): void;
  setWorkers(items: LiveWorker[]): void;
  /** Any other part of the layers' data (the screens' recent incidents, dispatch arcs, choropleth). */
  setLayerData(patch: Partial<MapLayerData>): void;
  /** Sensor states from the live channel (topic `sensors`). */
  setSensors(items: LiveSensor[]): void;
  setSelectedIncident(id: number | null): void;
  showRoute(coords: [number, number][] | null): void;
  highlightMicroGrid(code: string | null): void;
  fitBounds(bbox: BoundingBox): void;
  flyTo(lon: number, lat: number, zoom?: number): void;
  /** Which basemap is drawn, and why an external one was refused (a GCJ-02 one). */
  basemapStatus(): BasemapStatus;
  /**
   * Loads the camera and sensor tiles again, past the browser's cache (after cameras were accepted into the live
   * layer: the server renders a changed layer's tiles anew, tile-cache.ts fetchRevisioned).
   */
  reloadDeviceTiles(): void;
  destroy(): void;
}

/** Pixels around the pointer in which a click picks a point. */
const PICK_RADIUS = 6;
/** The deepest zoom (server/tiles/tile-warmup.ts CONSOLE_FIT repeats it). */
const MAP_MAX_ZOOM = 19;

let workerConfigured = false;

export function createConsoleMap(options: ConsoleMapOptions): ConsoleMap {
  if (!workerConfigured) {
    setWorkerUrl(workerUrl);
    workerConfigured = true;
  }
  const { container } = options;
  const origin = window.location.origin;
  let theme = options.theme;
  let language = options.language;
  let external: ExternalBasemap | null = null;
  let basemap: BasemapStatus = { kind: 'offline' };
  let data: MapLayerData = { incidents: [], workers: [], sensors: [], selectedIncidentId: null, route: null, highlightedMicroGrid: null };
  let destroyed = false;
  /** Bumped by reloadDeviceTiles: a new tile address the browser has not cached. */
  let devicesVersion = 0;

  const registry = new LayerRegistry(
    options.layers?.() ?? [
      createMicroGridLoad(),
      createUnits(),
      createSensors(),
      createCameras(),
      createCameraReview(),
      createIncidentDensity(),
      createRoute(),
      createWorkers(),
      createIncidents(),
    ],
  );
  const palette = () => PALETTES[theme];
  const style = () => buildMapStyle({ origin, palette: palette(), external, overlayLayers: registry.styleLayers(palette()) });

  container.dataset.mapReady = 'false';
  container.dataset.theme = theme;
  // The land colour: the style has no background layer (basemap-style.ts).
  container.style.backgroundColor = palette().background;
  const map = new MapLibreMap({
    container,
    style: style(),
    bounds: options.bounds ?? NANJING_BOUNDS,
    fitBoundsOptions: { padding: 24 },
    minZoom: 6,
    pitch: options.pitch ?? 0,
    maxZoom: MAP_MAX_ZOOM,
    // Beyond the sources' maxzoom, draw the maxzoom tiles enlarged (MapLibre 6 by default cuts them into tiles of
    // the map's zoom up to 4 zooms below maxZoom): a 1920×1080 screen at z15 is 6 tiles instead of 15, and every
    // style layer costs a draw per tile per frame.
    zoomLevelsToOverscale: MAP_MAX_ZOOM - TILE_MAX_ZOOM,
    // Labels appear and go at once: a fade re-uploads every label's opacity each frame until it ends, and while
    // panning labels are placed anew every 300 ms — in software WebGL 17–33 ms of a 200 ms frame (BENCHMARKS.md).
    fadeDuration: 0,
    attributionControl: false,
    // Chinese is drawn from local fonts (map-fonts.ts); no glyph server.
    localIdeographFontFamily: "'Noto Sans CJK SC', sans-serif",
    // Tiles are same-origin and need the session cookie.
    transformRequest: (url) => ({ url, credentials: 'same-origin' }),
  });
  if (!options.bareControls) {
    map.addControl(new NavigationControl({ visualizePitch: false }), 'top-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  }
  let attribution = new AttributionControl({ compact: false, customAttribution: attributionLines(language, null) });
  map.addControl(attribution, 'bottom-right');

  // Interleaved: deck.gl draws in MapLibre's WebGL2 context (after the style's layers) instead of a second
  // canvas over it, which costs a full-screen composite every frame (≈ 10 % of a frame in software WebGL).
  const overlay = new MapLibreOverlay({ interleaved: true, layers: [] });
  let redrawQueued = false;
  /** Callbacks waiting for the first frame drawn after the next redraw (LayerContext.afterDrawn). */
  let waitingForFrame: (() => void)[] = [];
  const redraw = () => {
    if (redrawQueued || destroyed) return;
    redrawQueued = true;
    requestAnimationFrame(() => {
      redrawQueued = false;
      if (destroyed) return;
      overlay.setProps({ layers: registry.deckLayers(palette()) });
      if (waitingForFrame.length === 0) return;
      const callbacks = waitingForFrame;
      waitingForFrame = [];
      // 'render' fires at the end of MapLibre's next frame, which draws deck.gl's layers as just set.
      map.once('render', () => {
        for (const callback of callbacks) setTimeout(() => destroyed || callback(), 0);
      });
      map.triggerRepaint();
    });
  };
  const afterDrawn = (callback: () => void) => {
    waitingForFrame.push(callback);
    redraw();
  };
  for (const module of registry.list()) {
    module.init({ map, palette, theme: () => theme, requestRedraw: redraw, afterDrawn, visible: () => registry.isVisible(module.id) });
  }
  const pushData = () => {
    for (const module of registry.list()) module.update(data);
    redraw();
  };

  const ready = new Promise<void>((resolve, reject) => {
    map.once('load', () => {
      map.addControl(overlay);
      pushData();
      map.once('idle', () => {
        container.dataset.mapReady = 'true';
        resolve();
      });
    });
    map.once('error', (event) => {
      if (!map.loaded()) reject(event.error);
    });
  });
  // A rejected ready must not become an unhandled rejection when nobody awaits it.
  ready.catch(() => undefined);

  fetchMapConfig(origin).then(
    (config) => {
      if (destroyed) return;
      const chosen = chooseBasemap(config.basemap);
      basemap = chosen.status;
      if ('refused' in chosen.status) console.warn(`[map] ${mapText('en', chosen.status.messageKey)}`);
      if (chosen.external) {
        external = chosen.external;
        map.setStyle(style(), { diff: true });
        replaceAttribution();
      }
      if (!options.bounds && config.bounds) map.fitBounds(config.bounds, { padding: 24, duration: 0, pitch: options.pitch ?? 0 });
    },
    (error: unknown) => console.warn(`[map] no map configuration from the server: ${String(error)}`),
  );

  function replaceAttribution() {
    map.removeControl(attribution);
    attribution = new AttributionControl({ compact: false, customAttribution: attributionLines(language, external) });
    map.addControl(attribution, 'bottom-right');
  }

  map.on('click', (event) => {
    const point = { lon: event.lngLat.lng, lat: event.lngLat.lat };
    options.onMapClick(point, pickAt(event.point.x, event.point.y), { x: event.point.x, y: event.point.y });
  });
  map.on('moveend', () => {
    const b = map.getBounds();
    options.onViewportChange?.([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], map.getZoom());
  });

  function pickAt(x: number, y: number): MapPick {
    const picked = overlay.pickObject({
      x,
      y,
      radius: PICK_RADIUS,
      layerIds: [INCIDENTS_DECK_LAYER, WORKERS_DECK_LAYER, CAMERA_CONES_DECK_LAYER, SENSORS_LIVE_DECK_LAYER].filter((id) => deckLayerShown(id)),
    });
    if (picked?.object) {
      if (picked.layer?.id === INCIDENTS_DECK_LAYER) return { kind: 'incident', id: (picked.object as LiveIncident).id };
      if (picked.layer?.id === WORKERS_DECK_LAYER) return { kind: 'worker', code: (picked.object as LiveWorker).code };
      if (picked.layer?.id === CAMERA_CONES_DECK_LAYER) return { kind: 'camera', code: (picked.object as { code: string }).code };
      if (picked.layer?.id === SENSORS_LIVE_DECK_LAYER) return { kind: 'sensor', code: (picked.object as LiveSensor).code };
    }
    if (registry.isVisible('sensors') && map.getLayer(SENSOR_POINTS_LAYER)) {
      const [sensor] = map.queryRenderedFeatures(
        [
          [x - PICK_RADIUS, y - PICK_RADIUS],
          [x + PICK_RADIUS, y + PICK_RADIUS],
        ],
        { layers: [SENSOR_POINTS_LAYER] },
      );
      if (sensor && typeof sensor.properties.code === 'string') return { kind: 'sensor', code: sensor.properties.code };
    }
    if (registry.isVisible('cameras') && map.getLayer(CAMERA_POINTS_LAYER)) {
      const [camera] = map.queryRenderedFeatures(
        [
          [x - PICK_RADIUS, y - PICK_RADIUS],
          [x + PICK_RADIUS, y + PICK_RADIUS],
        ],
        { layers: [CAMERA_POINTS_LAYER] },
      );
      if (camera && typeof camera.properties.code === 'string') return { kind: 'camera', code: camera.properties.code };
    }
    return null;
  }
  function deckLayerShown(id: string): boolean {
    if (id === INCIDENTS_DECK_LAYER) return registry.isVisible('incidents');
    if (id === WORKERS_DECK_LAYER) return registry.isVisible('workers');
    if (id === SENSORS_LIVE_DECK_LAYER) return registry.isVisible('sensors');
    return registry.isVisible('cameras');
  }

  const api: ConsoleMap = {
    map,
    ready,
    setTheme(next) {
      if (next === theme) return;
      theme = next;
      container.dataset.theme = theme;
      container.style.backgroundColor = palette().background;
      // Only paint properties change: the diff keeps the sources and their tiles; the deck.gl layer groups it
      // drops (not in the style) are added again by the redraw.
      map.setStyle(style(), { diff: true });
      redraw();
    },
    setLanguage(next) {
      if (next === language) return;
      language = next;
      replaceAttribution();
    },
    layerStates: () => registry.states(palette()),
    setLayerVisible(id, visible) {
      if (!registry.has(id)) throw new Error(`unknown map layer ${id}`);
      registry.setVisible(id, visible);
      for (const layerId of registry.styleLayerIds(id, palette())) {
        if (map.getLayer(layerId)) map.setLayoutProperty(layerId, 'visibility', visible ? 'visible' : 'none');
      }
      pushData();
    },
    setIncidents(items) {
      data = { ...data, incidents: items };
      pushData();
    },
    setWorkers(items) {
      data = { ...data, workers: items };
      pushData();
    },
    setLayerData(patch) {
      data = { ...data, ...patch };
      pushData();
    },
    setSensors(items) {
      data = { ...data, sensors: items };
      pushData();
    },
    setSelectedIncident(id) {
      data = { ...data, selectedIncidentId: id };
      pushData();
    },
    showRoute(coords) {
      data = { ...data, route: coords };
      pushData();
    },
    highlightMicroGrid(code) {
      data = { ...data, highlightedMicroGrid: code };
      pushData();
    },
    fitBounds(bbox) {
      map.fitBounds(bbox, { padding: 24, pitch: map.getPitch() });
    },
    flyTo(lon, lat, zoom) {
      map.flyTo({ center: [lon, lat], zoom: zoom ?? Math.max(map.getZoom(), 16) });
    },
    basemapStatus: () => basemap,
    reloadDeviceTiles() {
      const source = map.getSource<VectorTileSource>(DEVICES_SOURCE);
      if (!source) return;
      devicesVersion += 1;
      source.setTiles([`${tileUrl(origin, vectorSourceLayers(external !== null)[DEVICES_SOURCE])}?v=${devicesVersion}`]);
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      for (const module of registry.list()) module.dispose();
      overlay.finalize();
      map.remove();
      delete (container as HTMLElement & { consoleMap?: ConsoleMap }).consoleMap;
      delete container.dataset.mapReady;
    },
  };
  (container as HTMLElement & { consoleMap?: ConsoleMap }).consoleMap = api;
  return api;
}

/** The attribution: OSM (ODbL), the district boundary source, and the generated hierarchy; plus an external basemap's own. */
export function attributionLines(language: MapLanguage, external: ExternalBasemap | null): string[] {
  return [
    mapText(language, 'map.attribution.osm'),
    mapText(language, 'map.attribution.districts'),
    mapText(language, 'map.attribution.generated'),
    ...(external?.attribution ? [external.attribution] : []),
  ].map(escapeHtml);
}

/** MapLibre puts attribution in as HTML; configured text is shown as text. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
