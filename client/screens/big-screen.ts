/**
 * The big screen (/screen/big): the command centre's video wall. One layout for 1920×1080, 3840×2160 and a
 * 5760×1080 three-panel wall (big-screen.css: sizes in rem from the wall's height; at a 16:3 wall the three
 * columns are exactly the three monitors, so no figure crosses a bezel). Dark navy, map in the centre.
 *
 * Data: the stats API for the figures (summary, series, ranking; /api/stats/recent for the 24 h density), refetched when the
 * live channel's `incidents` topic says something changed (at once, then at most once a second), and the live
 * channel itself for the map (open incidents, workers, dispatch arcs) and the feed. Nothing polls the page; the
 * 24 h density is re-read every 5 minutes to let old cases age out. Disconnected: the last state stays, the
 * "实时" badge greys, a small banner says since when. Cycling (`?cycle=<seconds>`) moves the focus through
 * the jurisdiction and each child unit: figures, ranking highlight and map follow.
 */
import { ApiError, apiGet } from '../api/api-client.js';
import { el } from '../app/dom.js';
import { connectLive, type LiveStatus } from '../live/live-client.js';
import { createConsoleMap, type BoundingBox, type ConsoleMap } from '../map/console-map.js';
import type { RecentIncidentPoint } from '../map/map-data.js';
import { currentLanguage, registerMessages, t } from '../i18n.js';
import { createTrendCharts } from './big-charts.js';
import { createKpiTiles } from './big-kpis.js';
import { createSidePanels } from './big-side.js';
import { ensureScreenAccount } from './screen-auth.js';
import { daysBefore, formatDateTime, shanghaiDay } from './screen-format.js';
import { wallLayers } from './screen-map-layers.js';
import { screenMessages } from './screen-messages.js';
import {
  fetchRecent,
  fetchDailySeries,
  fetchHourlySeries,
  fetchNow,
  fetchRanking,
  fetchSummary,
  fetchUnit,
  type StatsNow,
  type StatsRanking,
  type StatsSeries,
  type StatsSummary,
} from './stats-client.js';
import { countArrivals } from './wall-figures.js';
import { createWallStore } from './wall-store.js';
import './big-screen.css';
import type { AnswerOf } from '../../server/contract/api-route.js';
import type { categoriesRoute } from '../../server/incidents/incidents-contract.js';

registerMessages(screenMessages);

const DENSITY_REFRESH_MS = 5 * 60_000;
const STATS_MIN_INTERVAL_MS = 1_000;
const WORKERS_MIN_INTERVAL_MS = 1_000;

interface Focus {
  code: string;
  name: string;
  level: string;
  bbox: BoundingBox | null;
}

async function main() {
  const root = document.getElementById('app')!;
  document.documentElement.dataset.theme = 'dark';
  document.documentElement.lang = currentLanguage();
  const account = await ensureScreenAccount(root);
  const params = new URLSearchParams(window.location.search);
  const cycleSeconds = Math.max(0, Number(params.get('cycle') ?? '0') || 0);
  const rootCode = account.jurisdiction;

  const categories = new Map<string, { name_zh: string; name_en: string }>();
  const childNames = new Map<string, string>();
  const store = createWallStore();
  const kpis = createKpiTiles();
  const charts = createTrendCharts();
  const side = createSidePanels({
    categoryName: (code) => {
      const c = categories.get(code);
      return c ? (currentLanguage() === 'en' ? c.name_en : c.name_zh) : code;
    },
    placeName: (incident) =>
      childNames.get(incident.communityCode) ?? childNames.get(incident.streetCode) ?? childNames.get(incident.districtCode) ?? '',
  });

  const title = el('h1', { className: 'wall-title' }, [t('screen.title.big')]);
  const focusName = el('span', { className: 'wall-focus', testId: 'wall-focus' });
  const badge = el('span', { className: 'live-badge', testId: 'live-badge', dataset: { status: 'connecting' } }, [t('screen.live')]);
  const clock = el('span', { className: 'wall-clock', testId: 'wall-clock' });
  const banner = el('div', { className: 'wall-banner', testId: 'wall-banner', attrs: { role: 'status', hidden: true } });
  const mapElement = el('div', { className: 'wall-map', testId: 'map' });
  const header = el('header', { className: 'wall-header' }, [
    el('div', { className: 'wall-header-left' }, [title]),
    el('div', { className: 'wall-header-centre' }, [focusName]),
    el('div', { className: 'wall-header-right' }, [badge, clock]),
  ]);
  const wall = el('div', { className: 'wall', testId: 'wall' }, [
    header,
    kpis.element,
    el('div', { className: 'wall-map-area' }, [mapElement, banner]),
    charts.element,
    side.element,
  ]);
  root.replaceChildren(wall);

  const [rootUnit] = await Promise.all([
    rootCode === 'city' ? Promise.resolve(null) : fetchUnit(rootCode),
    apiGet<AnswerOf<typeof categoriesRoute>>('/api/incident-categories').then((answer) => {
      for (const c of answer.categories) categories.set(c.code, c);
    }),
  ]);
  const rootFocus: Focus = {
    code: rootCode,
    name: rootUnit?.name ?? t('screen.city'),
    level: rootUnit?.level ?? 'city',
    bbox: rootUnit?.bbox ?? null,
  };
  let focus = rootFocus;
  let cycle: Focus[] = [rootFocus];

  const consoleMap: ConsoleMap = createConsoleMap({
    container: mapElement,
    theme: 'dark',
    language: currentLanguage(),
    bounds: rootFocus.bbox ?? undefined,
    layers: wallLayers,
    pitch: 40,
    bareControls: true,
    onMapClick: () => undefined,
  });

  // ---- figures -------------------------------------------------------------------------------------------------
  let summary: StatsSummary | null = null;
  let nowCounts: StatsNow | null = null;
  let hourly: StatsSeries | null = null;
  let daily: StatsSeries | null = null;
  let ranking: StatsRanking | null = null;
  let recent: RecentIncidentPoint[] = [];
  let recentTimes: number[] = [];
  let lastFigures = 0;

  const showFocus = () => {
    focusName.textContent = focus.code === rootFocus.code ? focus.name : `${rootFocus.name} › ${focus.name}`;
    wall.dataset.focus = focus.code;
  };
  const drawFigures = () => {
    if (summary) kpis.update({ summary, hourly, now: nowCounts, liveAlarms: store.openAlarms() });
    showFocus();
    if (ranking) side.setRanking(ranking.rows[0]?.level ?? '', ranking.rows, focus.code);
  };

  const readFigures = async () => {
    const today = shanghaiDay(new Date());
    const rankingUnit = rootFocus.code;
    // The tiles first: a new case is counted as soon as the summary answers, not after the series.
    const [, h, , d, r] = await Promise.all([
      fetchSummary(focus.code, { kind: 'day', date: today }).then((s) => {
        summary = s;
        if (summary) kpis.update({ summary, hourly, now: nowCounts, liveAlarms: store.openAlarms() });
      }),
      fetchHourlySeries(focus.code, today, 'week'),
      fetchNow(focus.code).then(
        (answer) => void (nowCounts = answer),
        () => undefined,
      ),
      fetchDailySeries(focus.code, daysBefore(today, 29), today),
      fetchRanking(rankingUnit, { kind: 'day', date: today }, 'closureRate', 'desc'),
    ]);
    hourly = h;
    daily = d;
    ranking = r;
    for (const row of r.rows) childNames.set(row.code, row.name);
    lastFigures = Date.now();
    drawFigures();
    charts.update(hourly, daily);
  };

  let figuresRunning = false;
  let figuresAgain = false;
  let figuresTimer: ReturnType<typeof setTimeout> | undefined;
  let lastFiguresStart = 0;
  /** Leading edge at once, then at most one read a second (a burst of deltas is one more read). */
  const refreshFigures = () => {
    if (figuresRunning) {
      figuresAgain = true;
      return;
    }
    const wait = lastFiguresStart + STATS_MIN_INTERVAL_MS - Date.now();
    if (wait > 0) {
      clearTimeout(figuresTimer);
      figuresTimer = setTimeout(refreshFigures, wait);
      return;
    }
    figuresRunning = true;
    lastFiguresStart = Date.now();
    readFigures()
      .catch((error: unknown) => {
        // Keep the last figures (a restart, a timeout); the next change or reconnect reads again.
        if (!(error instanceof ApiError)) console.warn('[wall] figures', error);
      })
      .finally(() => {
        figuresRunning = false;
        if (figuresAgain) {
          figuresAgain = false;
          refreshFigures();
        }
      });
  };

  const readDensity = async () => {
    // Every case of the last 24 h in the wall's jurisdiction (the server says when there were more than it sends).
    const answer = await fetchRecent(rootFocus.code);
    recent = answer.points.map(([lon, lat, grade]) => ({ lon, lat, grade }));
    recentTimes = answer.points.map(([, , , reportedAt]) => Date.parse(reportedAt));
    consoleMap.setLayerData({ recentIncidents: recent });
  };
  const addRecent = (points: { lon: number; lat: number; grade: RecentIncidentPoint['grade']; reportedAt: string }[]) => {
    const since = Date.now() - 24 * 3_600_000;
    const keep = recentTimes.map((time) => time >= since);
    recent = recent.filter((_, i) => keep[i]).concat(points.map((p) => ({ lon: p.lon, lat: p.lat, grade: p.grade })));
    recentTimes = recentTimes.filter((_, i) => keep[i]).concat(points.map((p) => Date.parse(p.reportedAt)));
    consoleMap.setLayerData({ recentIncidents: recent });
  };

  // ---- live ----------------------------------------------------------------------------------------------------
  let workersTimer: ReturnType<typeof setTimeout> | undefined;
  let workersDue = false;
  const pushWorkers = () => {
    if (workersTimer) {
      workersDue = true;
      return;
    }
    consoleMap.setWorkers(store.workers());
    workersTimer = setTimeout(() => {
      workersTimer = undefined;
      if (workersDue) {
        workersDue = false;
        pushWorkers();
      }
    }, WORKERS_MIN_INTERVAL_MS);
  };
  let wasDisconnected = false;
  const setStatus = (status: LiveStatus) => {
    badge.dataset.status = status;
    badge.textContent = status === 'open' || status === 'connecting' ? t('screen.live') : t('screen.offline');
    if (status === 'reconnecting' || status === 'closed') {
      wasDisconnected = true;
      banner.textContent = t('screen.disconnected', { time: lastFigures ? formatDateTime(currentLanguage(), new Date(lastFigures)) : '—' });
      banner.hidden = false;
    } else if (status === 'open') {
      banner.hidden = true;
      if (wasDisconnected) {
        wasDisconnected = false;
        refreshFigures();
        void readDensity().catch(() => undefined);
      }
    }
  };
  connectLive({
    topics: ['incidents', 'workers'],
    onStatus: setStatus,
    onSnapshot: (topic, items) => {
      if (topic === 'incidents') {
        store.snapshotIncidents(items);
        consoleMap.setIncidents(store.openIncidents());
        side.setFeed(store.feed(), Date.now());
        drawFigures();
      } else if (topic === 'workers') {
        store.snapshotWorkers(items);
        pushWorkers();
      }
    },
    onDelta: (topic, items) => {
      if (topic === 'incidents') {
        const now = Date.now();
        const fresh = store.deltaIncidents(items, now);
        consoleMap.setIncidents(store.openIncidents());
        consoleMap.setLayerData({ dispatchArcs: store.arcs(now) });
        side.setFeed(store.feed(), now);
        if (fresh.length > 0) {
          const arrived = items.filter((i) => fresh.includes(i.id));
          addRecent(arrived);
          // Counted at once from the delta (the wall does not wait for the summary's round trip); the summary read
          // that follows replaces these figures with the API's.
          if (summary) {
            summary = countArrivals(summary, arrived, focus.code, shanghaiDay(new Date()));
            kpis.update({ summary, hourly, now: nowCounts, liveAlarms: store.openAlarms() });
          }
        }
        refreshFigures();
      } else if (topic === 'workers') {
        store.deltaWorkers(items);
        pushWorkers();
      }
    },
  });

  // ---- cycling, clock, resize ------------------------------------------------------------------------------------
  const tick = () => {
    clock.textContent = formatDateTime(currentLanguage(), new Date());
    side.setFeed(store.feed(), Date.now());
  };
  setInterval(tick, 1_000);
  tick();
  window.addEventListener('resize', () => {
    charts.resize();
    drawFigures();
    side.setFeed(store.feed(), Date.now());
  });
  setInterval(() => void readDensity().catch(() => undefined), DENSITY_REFRESH_MS);

  await Promise.all([readFigures(), readDensity()]);
  if (ranking && cycleSeconds > 0) {
    const children = await Promise.all((ranking as StatsRanking).rows.map((row) => fetchUnit(row.code).catch(() => null)));
    cycle = [rootFocus, ...children.filter((c) => c !== null).map((c) => ({ code: c.code, name: c.name, level: c.level, bbox: c.bbox }))];
    let index = 0;
    setInterval(() => {
      index = (index + 1) % cycle.length;
      focus = cycle[index];
      if (focus.bbox) consoleMap.fitBounds(focus.bbox);
      else consoleMap.map.fitBounds(rootFocus.bbox ?? [118.35, 31.22, 119.25, 32.62], { padding: 24, pitch: 40 });
      showFocus();
      refreshFigures();
    }, cycleSeconds * 1_000);
  }
  wall.dataset.focus = focus.code;
  await consoleMap.ready;
  wall.dataset.wallReady = 'true';
  performance.mark('wall-ready');
}

main().catch((error: unknown) => {
  console.error('[wall] could not start', error);
});
