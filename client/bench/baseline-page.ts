/**
 * The browser benchmark's baseline (scripts/bench/measure-browser.ts): plain MapLibre drawing only the
 * micro-grid fill layer from the same tile server, at the view of the URL. The console map's frame time
 * while panning is reported as a ratio to this page's, measured in the same run.
 */
import { Map as MapLibreMap, setWorkerUrl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { PALETTES } from '../map/map-palette.js';
import { viewFromUrl } from './bench-view.js';

setWorkerUrl(workerUrl);
const container = document.getElementById('map') as HTMLElement;
const view = viewFromUrl(window.location.search);
const map = new MapLibreMap({
  container,
  center: [view.lon, view.lat],
  zoom: view.zoom,
  attributionControl: false,
  style: {
    version: 8,
    sources: {
      units: { type: 'vector', tiles: [`${window.location.origin}/tiles/micro_grids/{z}/{x}/{y}`], minzoom: 0, maxzoom: 16 },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': PALETTES.light.background } },
      {
        id: 'micro-grids-fill',
        type: 'fill',
        source: 'units',
        'source-layer': 'micro_grids',
        paint: { 'fill-color': PALETTES.light.landuse.residential, 'fill-outline-color': PALETTES.light.boundary.microGrid },
      },
    ],
  },
});
(container as HTMLElement & { benchMap?: MapLibreMap }).benchMap = map;
map.once('load', () =>
  map.once('idle', () => {
    container.dataset.readyMs = String(Math.round(performance.now()));
    container.dataset.mapReady = 'true';
  }),
);
