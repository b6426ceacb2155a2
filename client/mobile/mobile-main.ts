/**
 * The field app (/m): a grid worker's phone. Sign-in (a field-worker session; its cookie outlives an app restart
 * within SESSION_HOURS), then three tabs — my task, patrol report, history — under a status bar that always says
 * whether the phone is online and how many items wait to be sent (已离线 · 3 条待发送), and whether the position
 * is being shared. Offers arrive through the live channel (client/live/live-client.ts) and ring; everything the
 * worker sends goes through the outbox (outbox.ts). The service worker (service-worker.ts) keeps the app and the
 * map tiles of the worker's grid for use without a network. MapLibre is loaded only with a map (field-map.ts).
 */
import '../console.css';
import './mobile.css';
import { ApiError, apiGet, apiPost, onUnauthorised, setCsrfToken } from '../api/api-client.js';
import { describeError } from '../app/api-error-text.js';
import { el, replaceChildren } from '../app/dom.js';
import { currentLanguage, onLanguageChange, registerMessages, setLanguage, t } from '../i18n.js';
import { connectLive } from '../live/live-client.js';
import type { FieldContext, FieldMe } from './field-context.js';
import { renderHistoryScreen } from './history-screen.js';
import { mobileMessages } from './mobile-messages.js';
import { clockOffset, type ClockOffset } from './offer-countdown.js';
import { alertNewOffer, unlockSound } from './offer-alert.js';
import { createOutbox } from './outbox.js';
import { pendingCount, type OutboxItem } from './outbox-rules.js';
import { describeOutboxError } from './outbox-view.js';
import { renderPatrolScreen } from './patrol-screen.js';
import { createPositionReporter } from './position-reporter.js';
import { gridTileUrls } from './grid-tiles.js';
import { renderTaskScreen } from './task-screen.js';

registerMessages(mobileMessages);
const ME_CACHE = 'gridops.field.me';
const CONSENT = 'gridops.field.positionConsent';
type Tab = 'task' | 'patrol' | 'history';

const root = document.getElementById('app')!;
document.documentElement.lang = currentLanguage();
const storedTheme = localStorage.getItem('gridops.theme');
document.documentElement.dataset.theme =
  storedTheme === 'dark' || (storedTheme === null && matchMedia('(prefers-color-scheme: dark)').matches) ? 'dark' : 'light';

let csrf: string | null = null;
let me: FieldMe | null = null;
let offset: ClockOffset = { offsetMs: 0 };
let lastOfferId: number | null = null;
let tab: Tab = 'task';
let disposeScreen: () => void = () => {};
let outboxItems: OutboxItem[] = [];
let started = false;

const outbox = createOutbox(() => csrf);
const positions = createPositionReporter();
const statusLine = el('div', { className: 'm-status', testId: 'net-status', attrs: { role: 'status' } });
const positionLine = el('div', { className: 'm-position', testId: 'position-status' });
const screen = el('main', { className: 'm-main', testId: 'm-main' });
const toastBox = el('div', { className: 'm-toast', testId: 'toast', attrs: { role: 'alert' } });
const tabs = el('nav', { className: 'm-tabs', attrs: { 'aria-label': t('m.title') } });

const online = () => navigator.onLine;

function toast(text: string, kind: 'info' | 'error' = 'info') {
  toastBox.textContent = text;
  toastBox.dataset.kind = kind;
  toastBox.hidden = false;
  clearTimeout((toast as { timer?: number }).timer);
  (toast as { timer?: number }).timer = window.setTimeout(() => (toastBox.hidden = true), 6_000);
}

function renderStatus() {
  const waiting = pendingCount(outboxItems);
  const signIn = outbox.lastStop() === 'sign_in' && waiting > 0;
  statusLine.dataset.online = String(online());
  statusLine.textContent = signIn
    ? t('m.signInAgain', { count: waiting })
    : online()
      ? waiting > 0
        ? t('m.onlinePending', { count: waiting })
        : t('m.online')
      : waiting > 0
        ? t('m.offlinePending', { count: waiting })
        : t('m.offline');
  const state = positions.state();
  positionLine.dataset.state = state;
  positionLine.textContent =
    state === 'on' || state === 'waiting' ? t('m.positionOn') : state === 'denied' ? t('m.positionDenied') : t('m.positionPaused');
}

function renderTabs() {
  const button = (id: Tab, label: string) =>
    el(
      'button',
      {
        className: id === tab ? 'm-tab active' : 'm-tab',
        testId: `tab-${id}`,
        attrs: { type: 'button', 'aria-current': id === tab ? 'page' : null },
        on: { click: () => show(id) },
      },
      [label],
    );
  replaceChildren(tabs, [button('task', t('m.tabTask')), button('patrol', t('m.tabPatrol')), button('history', t('m.tabHistory'))]);
}

function show(next: Tab) {
  tab = next;
  disposeScreen();
  renderTabs();
  shownTaskKey = tab === 'task' ? taskKey() : '';
  disposeScreen =
    tab === 'task'
      ? renderTaskScreen(screen, ctx, outboxItems, (on) => void setDuty(on))
      : tab === 'patrol'
        ? renderPatrolScreen(screen, ctx)
        : renderHistoryScreen(screen, ctx);
}

/** /api/field/me asked at boot beside /api/auth/me (one round trip less on a slow network), used once. */
let prefetchedMe: Promise<FieldMe> | null = null;

/** Refreshes overlap (a step, a live message, the network back): an older answer arriving last must not win. */
let refreshesStarted = 0;
let refreshApplied = 0;

async function refresh(): Promise<void> {
  const mine = ++refreshesStarted;
  try {
    const early = prefetchedMe;
    prefetchedMe = null;
    const answer = await (early ?? apiGet<FieldMe>('/api/field/me'));
    if (mine < refreshApplied) return;
    refreshApplied = mine;
    offset = clockOffset(answer.serverTime, Date.now());
    me = answer;
    localStorage.setItem(ME_CACHE, JSON.stringify(answer));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 0) throw error;
    me ??= JSON.parse(localStorage.getItem(ME_CACHE) ?? 'null') as FieldMe | null;
  }
  const task = me?.task;
  if (task && task.state === 'dispatched' && !task.offer_acknowledged && task.id !== lastOfferId) {
    lastOfferId = task.id;
    alertNewOffer();
    document.body.dataset.offerShownAt = String(Date.now());
    if (tab !== 'task') tab = 'task';
  }
  // Re-draw the task only when it changed: a live message must not wipe a note being typed.
  const key = taskKey();
  if (tab === 'task' && key !== shownTaskKey) show('task');
}

let shownTaskKey = '';
function taskKey(): string {
  const task = me?.task;
  const steps = outboxItems.filter((i) => i.incidentId !== undefined && (i.state === 'queued' || i.state === 'sending')).map((i) => i.seq);
  return JSON.stringify([me?.worker.dutyStatus, task?.id, task?.state, task?.offer_acknowledged, task?.deadline_at, steps]);
}

async function setDuty(on: boolean) {
  unlockSound();
  if (on && localStorage.getItem(CONSENT) !== 'yes' && !(await askConsent())) return;
  try {
    await apiPost('/api/field/duty', { onDuty: on });
    if (on) positions.start();
    else positions.stop();
    await refresh();
  } catch (error) {
    toast(describeError(error), 'error');
  }
}

function askConsent(): Promise<boolean> {
  return new Promise((resolve) => {
    const close = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      if (answer) localStorage.setItem(CONSENT, 'yes');
      resolve(answer);
    };
    const dialog = el('dialog', { className: 'm-dialog', testId: 'consent-dialog', attrs: { 'aria-labelledby': 'consent-title' } }, [
      el('h2', { attrs: { id: 'consent-title' } }, [t('m.consentTitle')]),
      el('p', {}, [t('m.consentText')]),
      el('div', { className: 'm-actions' }, [
        el('button', { className: 'm-button', attrs: { type: 'button' }, on: { click: () => close(false) } }, [t('m.cancel')]),
        el('button', { className: 'm-button primary', testId: 'consent-accept', attrs: { type: 'button' }, on: { click: () => close(true) } }, [
          t('m.consentAccept'),
        ]),
      ]),
    ]);
    document.body.append(dialog);
    dialog.showModal();
  });
}

const ctx: FieldContext = {
  me: () => me,
  offset: () => offset,
  refresh,
  outbox,
  positions,
  async loadMap(container, center) {
    const { createFieldMap } = await import('./field-map.js');
    replaceChildren(container, []);
    return createFieldMap(container, { center, theme: document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light' });
  },
  toast,
  online,
};

async function start() {
  if (started) return;
  started = true;
  const header = el('header', { className: 'm-header' }, [
    el('h1', {}, [t('m.title')]),
    el(
      'button',
      {
        className: 'm-button small',
        testId: 'language-switch',
        attrs: { type: 'button' },
        on: { click: () => setLanguage(currentLanguage() === 'en' ? 'zh-CN' : 'en') },
      },
      [t('switchLanguage')],
    ),
  ]);
  replaceChildren(root, [
    el('div', { className: 'm-app' }, [header, el('div', { className: 'm-bars' }, [statusLine, positionLine]), screen, toastBox, tabs]),
  ]);
  toastBox.hidden = true;
  outbox.onChange(async () => {
    outboxItems = await outbox.list();
    announceRefused();
    renderStatus();
    if (tab === 'task' && taskKey() !== shownTaskKey) show('task');
    if (outbox.lastStop() === 'sign_in') {
      started = false;
      showSignIn();
    }
  });
  positions.onChange(renderStatus);
  addEventListener('online', () => {
    renderStatus();
    void ensureSession()
      .then(refresh)
      .then(() => outbox.flush())
      .catch(() => {});
  });
  addEventListener('offline', renderStatus);
  onLanguageChange(() => location.reload());
  outboxItems = await outbox.list();
  announceRefused();
  await refresh().catch((error) => toast(describeError(error), 'error'));
  renderStatus();
  if (me?.worker.dutyStatus !== 'off_duty' && localStorage.getItem(CONSENT) === 'yes') positions.start();
  void outbox.flush();
  void cacheGridTiles();
  connectLive({ topics: ['incidents'], onSnapshot: () => void refresh().catch(() => {}), onDelta: () => void refresh().catch(() => {}) });
}

/**
 * An item the server refused while it waited (the case was re-assigned while the phone was offline, …) is said at
 * once, with the reason; it stays in the list under 记录 until dismissed. Those already known at start are not
 * repeated.
 */
let knownRefused: Set<number> | null = null;
function announceRefused() {
  const refused = outboxItems.filter((i) => i.state === 'failed');
  const fresh = knownRefused ? refused.filter((i) => !knownRefused!.has(i.seq)) : [];
  knownRefused = new Set(refused.map((i) => i.seq));
  if (fresh.length === 0) return;
  toast(t('m.itemRefused', { label: fresh[0].label, reason: describeOutboxError(fresh[0]) }), 'error');
  // What the phone showed is out of date (the case moved on without it): ask the server again.
  if (fresh.some((i) => i.incidentId !== undefined)) void refresh().catch(() => {});
}

/** Asks the service worker to fetch the map tiles of the worker's grid ahead (for the map in a dead zone). */
async function cacheGridTiles(): Promise<void> {
  if (!('serviceWorker' in navigator) || !online()) return;
  try {
    const { account } = await apiGet<{ account: { jurisdiction: string } }>('/api/auth/me');
    const unit = await apiGet<{ bbox?: [number, number, number, number] }>(`/api/units/${encodeURIComponent(account.jurisdiction)}`);
    if (!unit.bbox) return;
    const worker = (await navigator.serviceWorker.ready).active;
    worker?.postMessage({ type: 'cache-tiles', urls: gridTileUrls(location.origin, unit.bbox) });
  } catch {
    // Offline or no such unit: the tiles are cached as the map draws them.
  }
}

/** The CSRF token after starting offline: asked for once the network is back (a 401 shows the sign-in). */
async function ensureSession(): Promise<void> {
  if (csrf) return;
  const answer = await apiGet<{ csrfToken: string | null }>('/api/auth/me');
  csrf = answer.csrfToken;
  setCsrfToken(csrf);
}

function showSignIn() {
  // A /api/field/me asked before we knew the session was gone answers 401: never use it after signing in.
  prefetchedMe = null;
  const username = el('input', { attrs: { name: 'username', autocomplete: 'username', required: true, 'aria-label': t('username') } });
  const password = el('input', {
    attrs: { name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'aria-label': t('password') },
  });
  const message = el('p', { className: 'login-error', testId: 'login-error', attrs: { role: 'alert' } });
  const form = el('form', { className: 'login-form m-login', testId: 'login-form', on: { submit: (e) => void signIn(e) } }, [
    el('h1', {}, [t('m.signInTitle')]),
    el('label', {}, [el('span', {}, [t('username')]), username]),
    el('label', {}, [el('span', {}, [t('password')]), password]),
    el('button', { className: 'm-button primary', attrs: { type: 'submit' } }, [t('signIn')]),
    // A session that ended while items waited (expired while offline): they are sent once signed in again.
    pendingCount(outboxItems) > 0
      ? el('p', { className: 'muted', testId: 'sign-in-pending', attrs: { role: 'status' } }, [
          t('m.signInAgain', { count: pendingCount(outboxItems) }),
        ])
      : null,
    message,
    el(
      'button',
      { className: 'link-button', attrs: { type: 'button' }, on: { click: () => setLanguage(currentLanguage() === 'en' ? 'zh-CN' : 'en') } },
      [t('switchLanguage')],
    ),
  ]);
  async function signIn(event: Event) {
    event.preventDefault();
    unlockSound();
    try {
      const answer = await apiPost<{ account: { role: string }; csrfToken: string }>('/api/auth/login', {
        username: username.value,
        password: password.value,
      });
      if (answer.account.role !== 'field_worker') throw new ApiError(403, 'role_forbidden', 'field workers only');
      csrf = answer.csrfToken;
      setCsrfToken(csrf);
      await start();
      void outbox.flush();
    } catch (error) {
      message.textContent = describeError(error);
      password.value = '';
    }
  }
  replaceChildren(root, [el('div', { className: 'login-screen' }, [form])]);
  document.title = t('m.title');
}

async function boot() {
  document.title = t('m.title');
  onUnauthorised(() => {
    if (started) {
      started = false;
      showSignIn();
    }
  });
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/m/sw.js', { scope: '/m/', type: 'module' }).catch(() => {});
  try {
    prefetchedMe = apiGet<FieldMe>('/api/field/me');
    prefetchedMe.catch(() => {});
    const answer = await apiGet<{ account: { role: string }; csrfToken: string | null }>('/api/auth/me');
    if (answer.account.role !== 'field_worker') {
      prefetchedMe = null;
      return showSignIn();
    }
    csrf = answer.csrfToken;
    setCsrfToken(csrf);
    await start();
  } catch (error) {
    // Offline at start: the last known state and the outbox, sent once the network and the session are back.
    if (error instanceof ApiError && error.status === 0 && localStorage.getItem(ME_CACHE)) await start();
    else showSignIn();
  }
}

void boot();
