import { describe, expect, it } from 'vitest';
import { mapMessages } from './map-messages.js';

describe('map messages', () => {
  it('has every key in both languages, each non-empty and under map.', () => {
    const zh = Object.keys(mapMessages['zh-CN']).sort();
    expect(Object.keys(mapMessages.en).sort()).toEqual(zh);
    for (const language of ['zh-CN', 'en'] as const) {
      for (const [key, text] of Object.entries(mapMessages[language])) {
        expect(key.startsWith('map.')).toBe(true);
        expect(text.trim().length).toBeGreaterThan(0);
      }
    }
  });
});
