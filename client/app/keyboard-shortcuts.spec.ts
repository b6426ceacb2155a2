import { describe, expect, it } from 'vitest';
import { shortcutOf } from './keyboard-shortcuts.js';

const key = (k: string, modifiers: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...modifiers,
});

describe('shortcutOf', () => {
  it('maps the dispatcher keys, case-insensitively', () => {
    expect(shortcutOf(key('/'), false)).toBe('search');
    expect(shortcutOf(key('N'), false)).toBe('newIncident');
    expect(shortcutOf(key('d'), false)).toBe('dispatchTop');
    expect(shortcutOf(key('a'), false)).toBe('accept');
    expect(shortcutOf(key('j'), false)).toBe('next');
    expect(shortcutOf(key('k'), false)).toBe('previous');
    expect(shortcutOf(key('?'), false)).toBe('help');
    expect(shortcutOf(key('Escape'), false)).toBe('escape');
    expect(shortcutOf(key('x'), false)).toBeNull();
  });

  it('leaves typing in a field and modified keys alone, except Esc', () => {
    expect(shortcutOf(key('d'), true)).toBeNull();
    expect(shortcutOf(key('/'), true)).toBeNull();
    expect(shortcutOf(key('Escape'), true)).toBe('escape');
    expect(shortcutOf(key('a', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutOf(key('n', { metaKey: true }), false)).toBeNull();
  });
});
