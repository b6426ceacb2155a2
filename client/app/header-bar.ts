/**
 * The console header: title, jurisdiction and who is signed in, the clock, the live-connection state,
 * language and theme switches, shortcuts help, about, sign-out.
 */
import type { Account } from '../api/api-types.js';
import { currentLanguage, setLanguage, t } from '../i18n.js';
import type { ConnectionStatus } from './console-store.js';
import { el } from './dom.js';
import { formatClock } from './format.js';

export type Theme = 'light' | 'dark';

export interface HeaderBar {
  element: HTMLElement;
  render(): void;
  setConnection(status: ConnectionStatus): void;
  destroy(): void;
}

export interface HeaderOptions {
  account: Account;
  jurisdictionName: string;
  theme(): Theme;
  onToggleTheme(): void;
  onHelp(): void;
  onAbout(): void;
  /** Administrators: the camera-position review (the button is left out without it). */
  onCameraReview?(): void;
  onSignOut(): void;
  search: HTMLElement;
}

export function createHeaderBar(options: HeaderOptions): HeaderBar {
  const title = el('h1', { className: 'header-title' });
  const jurisdiction = el('span', { className: 'header-jurisdiction', testId: 'jurisdiction' });
  const who = el('span', { className: 'header-who', testId: 'who-am-i' });
  const clock = el('time', { className: 'header-clock', testId: 'clock' });
  const connection = el('span', { className: 'connection', testId: 'connection-status', attrs: { role: 'status' } });
  const language = el('button', {
    attrs: { type: 'button' },
    testId: 'language-switch',
    on: { click: () => setLanguage(currentLanguage() === 'en' ? 'zh-CN' : 'en') },
  });
  const theme = el('button', { attrs: { type: 'button' }, testId: 'theme-switch', on: { click: () => options.onToggleTheme() } });
  const help = el('button', { attrs: { type: 'button' }, on: { click: () => options.onHelp() } });
  const about = el('button', { attrs: { type: 'button' }, on: { click: () => options.onAbout() } });
  const cameraReview = options.onCameraReview
    ? el('button', { attrs: { type: 'button' }, testId: 'open-camera-review', on: { click: () => options.onCameraReview?.() } })
    : null;
  const signOut = el('button', { attrs: { type: 'button' }, testId: 'sign-out', on: { click: () => options.onSignOut() } });
  let status: ConnectionStatus = 'connecting';

  const element = el('header', { className: 'console-header' }, [
    title,
    jurisdiction,
    options.search,
    el('div', { className: 'header-spacer' }),
    connection,
    clock,
    who,
    language,
    theme,
    cameraReview,
    help,
    about,
    signOut,
  ]);

  const tick = () => {
    clock.textContent = formatClock(new Date());
  };
  const timer = setInterval(tick, 1000);

  const render = () => {
    title.textContent = t('consoleTitle');
    jurisdiction.textContent = options.jurisdictionName;
    who.textContent = `${options.account.displayName} · ${t(`role.${options.account.role}`)}`;
    language.textContent = t('switchLanguage');
    language.title = t('languageLabel');
    const next = options.theme() === 'dark' ? 'light' : 'dark';
    theme.textContent = t(next === 'dark' ? 'themeDark' : 'themeLight');
    theme.title = t('themeToggle', { theme: t(next === 'dark' ? 'themeDark' : 'themeLight') });
    help.textContent = t('helpButton');
    about.textContent = t('aboutButton');
    if (cameraReview) cameraReview.textContent = t('review.open');
    signOut.textContent = t('signOut');
    connection.textContent = t(`connection.${status}`);
    connection.dataset.status = status;
    tick();
  };

  render();
  return {
    element,
    render,
    setConnection(next) {
      status = next;
      render();
    },
    destroy: () => clearInterval(timer),
  };
}
