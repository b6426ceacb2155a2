/**
 * The dispatcher console: header, incident queue (left), the map (centre), details / what's here / new
 * incident / about (right), layer toggles and legend, a banner while the live channel is down, and the
 * keyboard shortcuts. Panels are one file each (client/panels); the live state is console-store.ts.
 */
import { apiGet, apiPost, setCsrfToken } from '../api/api-client.js';
import type { Account, Bbox, IncidentDetail, Unit } from '../api/api-types.js';
import { connectLive } from '../live/live-client.js';
import { createConsoleMap, type ConsoleMap } from '../map/console-map.js';
import { currentLanguage, onLanguageChange, t } from '../i18n.js';
import { createAboutPanel } from '../panels/about-panel.js';
import { createCameraReviewPanel } from '../panels/camera-review-panel.js';
import { createHelpOverlay } from '../panels/help-overlay.js';
import { createIncidentDetailPanel } from '../panels/incident-detail-panel.js';
import { createIncidentQueuePanel } from '../panels/incident-queue-panel.js';
import { createLayerPanel } from '../panels/layer-panel.js';
import { createNewIncidentPanel } from '../panels/new-incident-panel.js';
import { createSearchBox } from '../panels/search-box.js';
import { createVideoIncidentSection } from '../panels/video-incident-section.js';
import { createVideoWallPanel } from '../panels/video-wall-panel.js';
import { createWhatsHerePanel } from '../panels/whats-here-panel.js';
import { createConsoleStore } from './console-store.js';
import { createSensorDetailPanel } from '../panels/sensor-detail-panel.js';
import { el, replaceChildren } from './dom.js';
import { createHeaderBar, type Theme } from './header-bar.js';
import { bindShortcuts } from './keyboard-shortcuts.js';
import type { AnswerOf } from '../../server/contract/api-route.js';
import type { categoriesRoute } from '../../server/incidents/incidents-contract.js';

const THEME_KEY = 'gridops.theme';
type RightPanel = 'whatsHere' | 'detail' | 'newIncident' | 'about' | 'sensor' | 'cameraReview' | null;

export function currentTheme(): Theme {
  return localStorage.getItem(THEME_KEY) === 'dark' ? 'dark' : 'light';
}

export async function mountConsole(root: HTMLElement, account: Account, onSignedOut: () => void): Promise<void> {
  const [unit, categoryAnswer] = await Promise.all([
    account.jurisdiction === 'city' ? Promise.resolve(null) : apiGet<Unit>(`/api/units/${account.jurisdiction}`).catch(() => null),
    apiGet<AnswerOf<typeof categoriesRoute>>('/api/incident-categories'),
  ]);
  const categoryList = categoryAnswer.categories;
  const categories = new Map(categoryList.map((c) => [c.code, c]));
  const jurisdictionName = () => (unit ? unit.name : account.jurisdiction === 'city' ? t('jurisdictionCity') : account.jurisdiction);
  let theme = currentTheme();
  document.documentElement.dataset.theme = theme;

  const mapElement = el('div', { className: 'console-map', testId: 'map' });
  const right = el('aside', { className: 'console-right', testId: 'right-panel' });
  const left = el('aside', { className: 'console-left' });
  const banner = el('div', { className: 'connection-banner', testId: 'connection-banner', attrs: { role: 'alert', hidden: true } });
  const toast = el('div', { className: 'toast', testId: 'toast', attrs: { role: 'status', 'aria-live': 'polite', hidden: true } });
  let toastTimer: ReturnType<typeof setTimeout> | undefined;
  const notify = (text: string, kind: 'info' | 'error' = 'info') => {
    toast.textContent = text;
    toast.dataset.kind = kind;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (toast.hidden = true), 5_000);
  };

  // The page's frame first (the map measures its container), the header put in its place once built.
  const headerSlot = el('div');
  const frame = el('div', { className: 'console' }, [
    headerSlot,
    banner,
    el('main', { className: 'console-body' }, [left, el('div', { className: 'map-area' }, [mapElement]), right]),
    toast,
  ]);
  replaceChildren(root, [frame]);

  let shown: RightPanel = null;
  const consoleMap: ConsoleMap = createConsoleMap({
    container: mapElement,
    theme,
    language: currentLanguage(),
    bounds: unit?.bbox,
    // Called on user input only, when every part below exists.
    onMapClick: (point, picked, pixel) => {
      // Reviewing camera positions, a click picks a flagged camera of the queue (and leaves the review open).
      if (shown === 'cameraReview') return void cameraReview?.pickAt(pixel);
      if (picked?.kind === 'incident') return openIncident(picked.id);
      if (picked?.kind === 'sensor' && shown !== 'newIncident') {
        showRight('sensor');
        return void sensorDetail.open(picked.code);
      }
      if (shown === 'newIncident') return newIncident.place(point);
      showRight('whatsHere');
      void whatsHere.show(point);
    },
    onViewportChange: (bbox) => live.setViewport(bbox),
  });
  const store = createConsoleStore({
    sink: {
      setIncidents: (items) => consoleMap.setIncidents(items),
      setWorkers: (items) => consoleMap.setWorkers(items),
      setSensors: (items) => consoleMap.setSensors(items),
    },
  });

  const showRight = (panel: RightPanel) => {
    shown = panel;
    const node = {
      whatsHere: whatsHere.element,
      detail: detail.element,
      newIncident: newIncident.element,
      about: about.element,
      sensor: sensorDetail.element,
      cameraReview: cameraReview?.element ?? whatsHere.element,
    }[panel ?? 'whatsHere'];
    cameraReview?.setActive(panel === 'cameraReview');
    replaceChildren(right, panel === 'detail' ? [videoSection.element, node] : [node]);
    if (panel !== 'detail') {
      videoSection.close();
      queue.setSelected(null);
      consoleMap.setSelectedIncident(null);
      consoleMap.showRoute(null);
    }
    if (panel !== 'whatsHere') consoleMap.highlightMicroGrid(null);
  };

  const openIncident = (id: number) => {
    store.markSeen(id);
    queue.setSelected(id);
    consoleMap.setSelectedIncident(id);
    showRight('detail');
    void detail.open(id);
    void videoSection.open(id);
  };

  const queue = createIncidentQueuePanel({ store, categories, onOpen: openIncident });
  const whatsHere = createWhatsHerePanel({
    categories,
    onOpenIncident: openIncident,
    onNewIncidentHere: (point) => {
      newIncident.reset();
      newIncident.place(point);
      showRight('newIncident');
    },
    onLocated: (answer) => consoleMap.highlightMicroGrid(answer ? answer.microGrid.code : null),
  });
  const detail = createIncidentDetailPanel({
    account,
    categories,
    workerName: (code) => store.worker(code)?.name ?? null,
    showRoute: (route) => consoleMap.showRoute(route),
    onShown: (shownDetail: IncidentDetail) => {
      const i = shownDetail.incident;
      if (!consoleMap.map.getBounds().contains([i.lon, i.lat])) consoleMap.flyTo(i.lon, i.lat);
    },
    onClose: () => showRight('whatsHere'),
    notify,
  });
  const videoWall = createVideoWallPanel();
  const videoSection = createVideoIncidentSection({ wall: videoWall });
  const newIncident = createNewIncidentPanel({
    categories: categoryList,
    onCreated: (answer) => notify(t('created', { number: answer.incident.number, place: answer.location.microGrid.name })),
    onOpenIncident: openIncident,
    onClose: () => showRight('whatsHere'),
  });
  const about = createAboutPanel({ onClose: () => showRight('whatsHere') });
  const sensorDetail = createSensorDetailPanel({
    liveState: (code) => store.sensor(code),
    theme: () => theme,
    onOpenIncident: (id) => openIncident(id),
    onClose: () => showRight('whatsHere'),
  });
  const cameraReview = account.role === 'admin' ? createCameraReviewPanel({ consoleMap, notify, onClose: () => showRight('whatsHere') }) : null;
  const help = createHelpOverlay();
  const search = createSearchBox({
    onUnit: (found) => consoleMap.fitBounds(found.bbox as Bbox),
    onIncident: openIncident,
    onCoordinates: (point) => {
      consoleMap.flyTo(point.lon, point.lat, 16);
      showRight('whatsHere');
      void whatsHere.show(point);
    },
  });
  const header = createHeaderBar({
    account,
    jurisdictionName: jurisdictionName(),
    theme: () => theme,
    onToggleTheme: () => {
      theme = theme === 'dark' ? 'light' : 'dark';
      localStorage.setItem(THEME_KEY, theme);
      document.documentElement.dataset.theme = theme;
      consoleMap.setTheme(theme);
      header.render();
    },
    onHelp: () => help.toggle(),
    onAbout: () => {
      showRight('about');
      void about.load();
    },
    ...(cameraReview ? { onCameraReview: () => showRight('cameraReview') } : {}),
    onSignOut: () => {
      void apiPost('/api/auth/logout')
        .catch(() => undefined)
        .then(() => {
          setCsrfToken(null);
          teardown();
          onSignedOut();
        });
    },
    search: search.element,
  });

  left.append(queue.element);
  headerSlot.replaceWith(header.element);
  frame.append(help.element);
  mapElement.parentElement!.append(videoWall.element);
  showRight('whatsHere');

  const layers = createLayerPanel({
    layerStates: () => consoleMap.layerStates(),
    setLayerVisible: (id, visible) => consoleMap.setLayerVisible(id as never, visible),
  });
  mapElement.parentElement!.append(layers.element);
  void consoleMap.ready.then(() => layers.render());

  const live = connectLive({
    topics: ['incidents', 'workers', 'sensors'],
    onSnapshot: (topic, items) => store.applySnapshot(topic, items),
    onDelta: (topic, items) => store.applyDelta(topic, items),
    onStatus: (status) => store.setConnection(status),
  });

  const renderBanner = () => {
    const status = store.connection();
    banner.hidden = status === 'open' || status === 'connecting';
    banner.textContent = t('connectionLost');
    header.setConnection(status);
  };
  let lastSeenOpen: unknown;
  const unsubscribe = store.subscribe((change) => {
    if (change === 'incidents') {
      queue.render();
      // Reload the open case only when a live change concerned it (each delta item is a new object).
      const open = detail.currentId();
      const live = open === null ? undefined : store.incident(open);
      if (shown === 'detail' && live !== undefined && live !== lastSeenOpen) detail.refresh();
      lastSeenOpen = live;
    }
    if (change === 'sensors' && shown === 'sensor') sensorDetail.refreshLive();
    if (change === 'connection') renderBanner();
  });

  const stopLanguage = onLanguageChange((language) => {
    consoleMap.setLanguage(language);
    for (const part of [header, queue, whatsHere, detail, newIncident, about, help, search, layers, sensorDetail]) part.render();
    cameraReview?.render();
    renderBanner();
  });

  const stopShortcuts = bindShortcuts({
    search: () => search.focus(),
    newIncident: () => {
      newIncident.reset();
      const center = consoleMap.map.getCenter();
      newIncident.place({ lon: center.lng, lat: center.lat });
      showRight('newIncident');
    },
    accept: () => shown === 'detail' && detail.trigger('accept'),
    dispatchTop: () => shown === 'detail' && detail.dispatchTop(),
    next: () => {
      const id = queue.neighbour(1);
      if (id !== null) openIncident(id);
    },
    previous: () => {
      const id = queue.neighbour(-1);
      if (id !== null) openIncident(id);
    },
    layers: () => layers.toggle(),
    escape: () => {
      if (help.isOpen()) return help.toggle(false);
      if (videoWall.isOpen()) return videoWall.close();
      (document.activeElement as HTMLElement | null)?.blur();
      if (shown !== 'whatsHere') showRight('whatsHere');
    },
    help: () => help.toggle(),
  });

  renderBanner();
  function teardown() {
    unsubscribe();
    stopLanguage();
    stopShortcuts();
    live.close();
    videoWall.close();
    videoSection.close();
    header.destroy();
    consoleMap.destroy();
  }
}
