import { describe, expect, it } from 'vitest';
import { QA_FLAGS } from '../../server/video/import/camera-qa-flags.js';
import { cameraReviewMessages } from './camera-review-messages.js';
import { describeReasons, formatRoadMetres } from './camera-review-reasons.js';

const translator =
  (language: 'zh-CN' | 'en') =>
  (key: string, values: Record<string, string | number> = {}) => {
    const text = cameraReviewMessages[language][key];
    if (text === undefined) throw new Error(`missing ${language} message ${key}`);
    return text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]));
  };

describe('camera review reasons', () => {
  it('has a title and an explanation for every reason code, in both languages, and the same keys in both', () => {
    expect(Object.keys(cameraReviewMessages.en).sort()).toEqual(Object.keys(cameraReviewMessages['zh-CN']).sort());
    for (const language of ['zh-CN', 'en'] as const) {
      const lines = describeReasons({ flags: [...QA_FLAGS], headingDeg: 412.5, roadMetres: { given: 7.26, gcj02: 1.04 } }, translator(language));
      expect(lines.map((l) => l.flag)).toEqual([...QA_FLAGS]);
      for (const line of lines) expect(line.why).not.toMatch(/\{|undefined/);
    }
  });

  it('puts the figures into the words', () => {
    const [gcj] = describeReasons({ flags: ['likely_gcj02'], headingDeg: 10, roadMetres: { given: 7.26, gcj02: 1.04 } }, translator('en'));
    expect(gcj?.why).toContain('7.3 m from a road as given, 1.0 m once converted');
    const [heading] = describeReasons(
      { flags: ['heading_impossible'], headingDeg: -12, roadMetres: { given: null, gcj02: null } },
      translator('zh-CN'),
    );
    expect(heading?.why).toContain('-12°');
    expect(formatRoadMetres(12, translator('en'))).toBe('≥12');
    expect(formatRoadMetres(null, translator('en'))).toBe('–');
  });
});
