/** Every interface string exists in both languages, and every key the console uses exists. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorMessages } from './error-messages.js';
import { messagesEn } from './messages-en.js';
import { messagesZhCn } from './messages-zh-cn.js';
import { mapMessages } from '../map/map-messages.js';
import { videoMessages } from '../video/video-messages.js';
import { cameraReviewMessages } from '../video/camera-review-messages.js';
import { SHORTCUT_HELP } from '../panels/help-overlay.js';

const clientDir = path.resolve(import.meta.dirname, '..');
const sources = ['app', 'panels', 'video']
  .flatMap((dir) => fs.readdirSync(path.join(clientDir, dir)).map((f) => path.join(clientDir, dir, f)))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
const all = { ...mapMessages['zh-CN'], ...videoMessages['zh-CN'], ...cameraReviewMessages['zh-CN'], ...errorMessages['zh-CN'], ...messagesZhCn };

describe('console messages', () => {
  it('has the same keys in zh-CN and English', () => {
    expect(Object.keys(messagesEn).sort()).toEqual(Object.keys(messagesZhCn).sort());
    expect(Object.keys(errorMessages.en).sort()).toEqual(Object.keys(errorMessages['zh-CN']).sort());
    expect(Object.keys(videoMessages.en).sort()).toEqual(Object.keys(videoMessages['zh-CN']).sort());
  });

  it('defines every literal key passed to t() and the shortcut labels', () => {
    const used = new Set<string>();
    for (const file of sources) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(/\bt\('([A-Za-z_.]+)'/g)) used.add(match[1]);
    }
    for (const [, key] of SHORTCUT_HELP) used.add(key);
    expect(used.size).toBeGreaterThan(60);
    expect([...used].filter((key) => !(key in all))).toEqual([]);
  });

  it('translates every state, grade, role and refusal reason the server can send', async () => {
    const { INCIDENT_STATES, GRADES, ROLES } = await import('../../server/contract/incident-vocabulary.js');
    const keys = [
      ...INCIDENT_STATES.map((s) => `state.${s}`),
      ...GRADES.map((g) => `grade.${g}`),
      ...ROLES.map((r) => `role.${r}`),
      ...['event_not_allowed_in_state', 'role_not_allowed', 'not_the_assigned_worker', 'verifier_is_the_handler', 'offer_not_acknowledged'].map(
        (r) => `disabled.${r}`,
      ),
    ];
    expect(keys.filter((key) => !(key in messagesEn) || !(key in messagesZhCn))).toEqual([]);
  });
});
