/**
 * Interface strings: zh-CN by default, English available; the choice is remembered (localStorage
 * `gridops.language`). Every visible text goes through a key here. Modules with their own strings (the
 * map's layer titles and legends in client/map/map-messages.ts, the API error codes) are merged in.
 */
import { errorMessages } from './app/error-messages.js';
import { messagesEn } from './app/messages-en.js';
import { messagesZhCn } from './app/messages-zh-cn.js';
import { mapMessages } from './map/map-messages.js';
import { cameraReviewMessages } from './video/camera-review-messages.js';
import { videoMessages } from './video/video-messages.js';

export type Language = 'zh-CN' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];
const STORAGE_KEY = 'gridops.language';

export const messages: Record<Language, Record<string, string>> = {
  'zh-CN': { ...mapMessages['zh-CN'], ...videoMessages['zh-CN'], ...cameraReviewMessages['zh-CN'], ...errorMessages['zh-CN'], ...messagesZhCn },
  en: { ...mapMessages.en, ...videoMessages.en, ...cameraReviewMessages.en, ...errorMessages.en, ...messagesEn },
};

/** Adds (or overrides) keys, e.g. a module's own messages. */
export function registerMessages(extra: Partial<Record<Language, Record<string, string>>>): void {
  for (const language of LANGUAGES) Object.assign(messages[language], extra[language] ?? {});
}

export function currentLanguage(): Language {
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

const listeners = new Set<(language: Language) => void>();

export function setLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
  for (const listener of listeners) listener(language);
}

/** Called after every language switch; returns the function that unsubscribes. */
export function onLanguageChange(listener: (language: Language) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function translate(language: Language, key: string, values: Record<string, string | number> = {}): string {
  const text = messages[language][key] ?? messages['zh-CN'][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (values[name] === undefined ? '' : String(values[name])));
}

/** Translate in the current language. */
export function t(key: string, values: Record<string, string | number> = {}): string {
  return translate(currentLanguage(), key, values);
}

/** Whether a key exists (e.g. to fall back from a specific error code to a generic one). */
export function hasMessage(key: string): boolean {
  return key in messages['zh-CN'];
}
