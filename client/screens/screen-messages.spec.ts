/**
 * The screens' texts: both languages have the same keys, and every `screen.*` key the screens' code names (literally
 * or through the grade, source, level, component and period families) exists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenMessages } from './screen-messages.js';

const dir = path.dirname(new URL(import.meta.url).pathname);

describe('screen messages', () => {
  it('has every key in both languages', () => {
    expect(Object.keys(screenMessages.en).sort()).toEqual(Object.keys(screenMessages['zh-CN']).sort());
    for (const [key, text] of Object.entries(screenMessages.en)) if (!key.startsWith('screen.unit.')) expect(text, key).not.toBe('');
  });

  it('knows every key the screens use', () => {
    const used = new Set<string>();
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && f !== 'screen-messages.ts')) {
      for (const match of fs.readFileSync(path.join(dir, file), 'utf8').matchAll(/'(screen\.[A-Za-z0-9_.]+)'/g)) used.add(match[1]);
    }
    const families = {
      grade: ['red', 'orange', 'yellow', 'blue'],
      source: ['hotline_12345', 'citizen_app', 'open311', 'patrol', 'video_ai', 'iot', 'transfer_110'],
      level: ['city', 'district', 'street', 'community', 'grid', 'micro_grid'],
      period: ['day', 'week', 'month', 'range'],
      // The components of server/stats/stats-scores.ts (safety index and scorecards).
      component: [
        'safety_rate',
        'alarm_rate',
        'on_time_closure',
        'repeat_share',
        'satisfaction',
        'accept_on_time',
        'dispatch_on_time',
        'arrive_on_time',
        'resolve_on_time',
        'closure_rate',
        'escalation_share',
        'summons_on_time',
      ],
    };
    for (const [family, members] of Object.entries(families)) for (const m of members) used.add(`screen.${family}.${m}`);
    expect(used.size).toBeGreaterThan(60);
    for (const key of used) expect(screenMessages['zh-CN'], key).toHaveProperty([key]);
  });
});
