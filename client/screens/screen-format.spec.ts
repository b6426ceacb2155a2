import { describe, expect, it } from 'vitest';
import {
  daysBefore,
  formatChange,
  formatCount,
  formatDateTime,
  formatMinutes,
  formatRate,
  MISSING,
  previousMonth,
  shanghaiDay,
} from './screen-format.js';

describe('screen formats', () => {
  it('numbers and rates in the locale, a dash for the unknown', () => {
    expect(formatCount('zh-CN', 12480)).toBe('12,480');
    expect(formatCount('en', 1284)).toBe('1,284');
    expect(formatCount('en', null)).toBe(MISSING);
    expect(formatRate('zh-CN', 0.9312)).toBe('93.1%');
    expect(formatRate('en', null)).toBe(MISSING);
  });

  it('changes against a comparison with an arrow', () => {
    expect(formatChange('zh-CN', 106, 100)).toBe('▲6%');
    expect(formatChange('en', 88, 100)).toBe('▼12%');
    expect(formatChange('en', 100, 100)).toBe('±0%');
    expect(formatChange('en', 5, 0)).toBeNull();
  });

  it('durations and Shanghai dates', () => {
    expect(formatMinutes('zh-CN', 4.2)).toBe('4.2 分钟');
    expect(formatMinutes('en', 95)).toBe('1 h 35 min');
    const utcEvening = new Date('2026-12-07T17:30:00Z');
    expect(shanghaiDay(utcEvening)).toBe('2026-12-08');
    expect(formatDateTime('zh-CN', utcEvening)).toContain('01:30:00');
    expect(daysBefore('2026-03-01', 1)).toBe('2026-02-28');
    expect(previousMonth('2026-01')).toBe('2025-12');
    expect(previousMonth('2026-11')).toBe('2026-10');
  });
});
