/**
 * Keyboard shortcuts for the dispatcher's frequent actions (listed in panels/help-overlay.ts). Keys typed
 * into a field are left alone, except Esc.
 */
export type ShortcutCommand = 'search' | 'newIncident' | 'accept' | 'dispatchTop' | 'next' | 'previous' | 'layers' | 'escape' | 'help';

const KEYS: Record<string, ShortcutCommand> = {
  '/': 'search',
  n: 'newIncident',
  a: 'accept',
  d: 'dispatchTop',
  j: 'next',
  k: 'previous',
  l: 'layers',
  escape: 'escape',
  '?': 'help',
};

/** The command of a key press, or null (modifiers, or typing in a field). */
export function shortcutOf(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>, typingInField: boolean): ShortcutCommand | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const command = KEYS[event.key.toLowerCase()] ?? null;
  if (typingInField && command !== 'escape') return null;
  return command;
}

function isField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function bindShortcuts(handlers: Record<ShortcutCommand, () => void>): () => void {
  const listener = (event: KeyboardEvent) => {
    const command = shortcutOf(event, isField(event.target));
    if (!command) return;
    event.preventDefault();
    handlers[command]();
  };
  window.addEventListener('keydown', listener);
  return () => window.removeEventListener('keydown', listener);
}
