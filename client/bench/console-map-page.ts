/**
 * The console map alone, every layer on, at the view of the URL, fed with the open incidents and the
 * workers in view: the "all layers" side of the browser benchmark (scripts/bench/measure-browser.ts) and a
 * page for map tests that do not need the console around the map. Needs a signed-in session.
 */
import { createConsoleMap } from '../map/console-map.js';
import type { MapTheme } from '../map/map-data.js';
import { loadOpenIncidents, loadWorkers } from './bench-data.js';
import { viewFromUrl } from './bench-view.js';

const container = document.getElementById('map') as HTMLElement;
const params = new URLSearchParams(window.location.search);
const view = viewFromUrl(window.location.search);
const theme: MapTheme = params.get('theme') === 'dark' ? 'dark' : 'light';
const span = 360 / 2 ** view.zoom;
const consoleMap = createConsoleMap({
  container,
  theme,
  language: params.get('lang') === 'en' ? 'en' : 'zh-CN',
  bounds: [view.lon - span, view.lat - span / 2, view.lon + span, view.lat + span / 2],
  onMapClick: (point, picked) => {
    container.dataset.lastClick = JSON.stringify({ point, picked });
  },
});
consoleMap.map.jumpTo({ center: [view.lon, view.lat], zoom: view.zoom });
// When the first full render was done, in ms since navigation start (the benchmark reads it).
void consoleMap.ready.then(() => (container.dataset.readyMs = String(Math.round(performance.now()))));
// The workers in view, as the console's live subscription holds them (the workers topic is by viewport).
const b = consoleMap.map.getBounds();
Promise.all([loadOpenIncidents(), loadWorkers([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()])]).then(
  ([incidents, workers]) => {
    consoleMap.setIncidents(incidents);
    consoleMap.setWorkers(workers);
    container.dataset.dataLoaded = `${incidents.length} incidents, ${workers.length} workers`;
  },
  (error: unknown) => console.error(`bench data: ${String(error)}`),
);
