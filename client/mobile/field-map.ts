/**
 * The field app's map, loaded only on the screens that show one (a dynamic import keeps MapLibre out of the
 * app's first load): the project's own vector tiles (water, landuse, roads, micro-grid boundaries — the same
 * style builder as the console, client/map/basemap-style.ts), my position, the case and the road route, and a
 * tap that picks a point (patrol reports, or when GPS is denied). No deck.gl: three GeoJSON layers are enough.
 */
import { Map as MapLibreMap, setWorkerUrl, type GeoJSONSource, type LayerSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { buildMapStyle, UNITS_SOURCE } from '../map/basemap-style.js';
import { LABEL_FONT } from '../map/map-fonts.js';
import { PALETTES } from '../map/map-palette.js';

setWorkerUrl(workerUrl);

export interface FieldMapView {
  me?: { lon: number; lat: number } | null;
  target?: { lon: number; lat: number } | null;
  route?: Array<[number, number]> | null;
  picked?: { lon: number; lat: number } | null;
  /** Centre the map here (a point typed on the citizens' page). */
  focus?: { lon: number; lat: number } | null;
}

export interface FieldMap {
  show(view: FieldMapView): void;
  /** Taps on the map (WGS84). */
  onTap(listener: (point: { lon: number; lat: number }) => void): void;
  ready(): Promise<void>;
  remove(): void;
}

const EMPTY = { type: 'FeatureCollection', features: [] } as const;

/** publicTiles: the basemap without an account (server/tiles/public-tiles.route.ts), for the citizens' page. */
export function createFieldMap(
  container: HTMLElement,
  options: { center: [number, number]; theme: 'light' | 'dark'; publicTiles?: boolean },
): FieldMap {
  const palette = PALETTES[options.theme];
  container.style.background = palette.background;
  const overlay: LayerSpecification[] = [
    {
      id: 'micro-grid-lines',
      type: 'line',
      source: UNITS_SOURCE,
      'source-layer': 'micro_grids',
      minzoom: 13,
      paint: { 'line-color': palette.boundary.microGrid, 'line-width': 1, 'line-opacity': 0.6 },
    },
  ];
  const map = new MapLibreMap({
    container,
    style: buildMapStyle({
      origin: options.publicTiles ? `${window.location.origin}/public` : window.location.origin,
      palette,
      external: null,
      overlayLayers: overlay,
    }),
    center: options.center,
    zoom: 15,
    maxZoom: 19,
    attributionControl: false,
    localIdeographFontFamily: LABEL_FONT.join(', '),
    pitchWithRotate: false,
    dragRotate: false,
  });
  const tapListeners: ((p: { lon: number; lat: number }) => void)[] = [];
  let pending: FieldMapView = {};
  const loaded = new Promise<void>((resolve) => map.once('load', () => resolve()));
  const point = (p: { lon: number; lat: number } | null | undefined) =>
    p
      ? { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [p.lon, p.lat] } }] }
      : EMPTY;

  void loaded.then(() => {
    map.addSource('route', { type: 'geojson', data: EMPTY as never });
    map.addSource('target', { type: 'geojson', data: EMPTY as never });
    map.addSource('me', { type: 'geojson', data: EMPTY as never });
    map.addSource('picked', { type: 'geojson', data: EMPTY as never });
    map.addLayer({
      id: 'route-line',
      type: 'line',
      source: 'route',
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': palette.route, 'line-width': 6 },
    });
    map.addLayer({
      id: 'target-point',
      type: 'circle',
      source: 'target',
      paint: { 'circle-radius': 11, 'circle-color': palette.grade.red, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 },
    });
    map.addLayer({
      id: 'picked-point',
      type: 'circle',
      source: 'picked',
      paint: { 'circle-radius': 10, 'circle-color': palette.grade.orange, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 },
    });
    map.addLayer({
      id: 'me-point',
      type: 'circle',
      source: 'me',
      paint: { 'circle-radius': 9, 'circle-color': '#1f6feb', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 3 },
    });
    apply(pending);
    container.dataset.mapReady = 'true';
  });
  // A tile that cannot load (a dead zone, or a request cut when the network changes) is expected: the map shows
  // what the service worker holds and asks again later. Other errors are still reported (MapLibre logs them itself
  // only without a listener).
  map.on('error', (event: { error: unknown; tile?: unknown; sourceId?: string }) => {
    if (event.tile !== undefined || event.sourceId !== undefined) return;
    console.error(event.error);
  });
  // Every tile in view drawn (for the screenshots of the browser tests, and nothing else).
  map.once('idle', () => (container.dataset.mapIdle = 'true'));
  map.on('click', (e) => tapListeners.forEach((l) => l({ lon: e.lngLat.lng, lat: e.lngLat.lat })));

  function apply(view: FieldMapView) {
    const set = (id: string, data: unknown) => void (map.getSource(id) as GeoJSONSource | undefined)?.setData(data as never);
    if ('me' in view) set('me', point(view.me));
    if ('target' in view) set('target', point(view.target));
    if ('picked' in view) set('picked', point(view.picked));
    if ('route' in view)
      set(
        'route',
        view.route && view.route.length > 1 ? { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: view.route } } : EMPTY,
      );
    const pts = [view.me, view.target, ...(view.route ?? []).map(([lon, lat]) => ({ lon, lat }))].filter(
      (p): p is { lon: number; lat: number } => !!p,
    );
    if (pts.length >= 2) {
      const lons = pts.map((p) => p.lon);
      const lats = pts.map((p) => p.lat);
      map.fitBounds([Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)], { padding: 48, maxZoom: 17, duration: 0 });
    } else if (pts.length === 1) {
      map.jumpTo({ center: [pts[0].lon, pts[0].lat] });
    }
    if (view.focus) map.jumpTo({ center: [view.focus.lon, view.focus.lat] });
  }

  return {
    show(view) {
      pending = { ...pending, ...view };
      if (map.getSource('me')) apply(view);
    },
    onTap: (listener) => void tapListeners.push(listener),
    ready: () => loaded,
    remove: () => map.remove(),
  };
}
