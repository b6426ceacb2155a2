/** The keyboard shortcuts overlay (?), listing what app/keyboard-shortcuts.ts binds. */
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';

export const SHORTCUT_HELP: [string, string][] = [
  ['/', 'shortcut.search'],
  ['N', 'shortcut.newIncident'],
  ['A', 'shortcut.accept'],
  ['D', 'shortcut.dispatchTop'],
  ['J', 'shortcut.next'],
  ['K', 'shortcut.previous'],
  ['L', 'shortcut.layers'],
  ['Esc', 'shortcut.escape'],
  ['?', 'shortcut.help'],
];

export interface HelpOverlay {
  element: HTMLElement;
  isOpen(): boolean;
  toggle(open?: boolean): void;
  render(): void;
}

export function createHelpOverlay(): HelpOverlay {
  const element = el('div', { className: 'overlay', testId: 'help-overlay', attrs: { hidden: true, role: 'dialog', 'aria-modal': 'true' } });
  const render = () => {
    replaceChildren(element, [
      el('div', { className: 'overlay-card' }, [
        el('h2', {}, [t('helpTitle')]),
        el('table', { className: 'shortcut-table' }, [
          el(
            'tbody',
            {},
            SHORTCUT_HELP.map(([key, label]) => el('tr', {}, [el('td', {}, [el('kbd', {}, [key])]), el('td', {}, [t(label)])])),
          ),
        ]),
        el('button', { attrs: { type: 'button' }, on: { click: () => toggle(false) } }, [t('closePanel')]),
      ]),
    ]);
  };
  const toggle = (open = element.hidden) => {
    element.hidden = !open;
  };
  element.addEventListener('click', (e) => {
    if (e.target === element) toggle(false);
  });
  render();
  return { element, isOpen: () => !element.hidden, toggle, render };
}
