import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { monthPeriod, monthsUpTo, resolvePeriod, shanghaiDate, shiftPeriod } from './stats-period.js';

const now = new Date('2026-12-06T17:30:00Z'); // 2026-12-07 01:30 in Asia/Shanghai

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as AppError).code;
  }
  return null;
};

describe('stats periods', () => {
  it('counts days in Asia/Shanghai', () => {
    expect(shanghaiDate(now)).toBe('2026-12-07');
    expect(resolvePeriod({ period: 'day' }, now)).toEqual({ kind: 'day', from: '2026-12-07', to: '2026-12-07', days: 1 });
  });

  it('gives Monday-to-Sunday weeks and calendar months', () => {
    expect(resolvePeriod({ period: 'week', date: '2026-12-07' }, now)).toMatchObject({ from: '2026-12-07', to: '2026-12-13', days: 7 });
    expect(resolvePeriod({ period: 'week', date: '2026-12-06' }, now)).toMatchObject({ from: '2026-11-30', to: '2026-12-06' });
    expect(resolvePeriod({ period: 'month', date: '2028-02-15' }, now)).toMatchObject({ from: '2028-02-01', to: '2028-02-29', days: 29 });
    expect(resolvePeriod({ period: 'month', date: '2026-12-31' }, now)).toMatchObject({ from: '2026-12-01', to: '2026-12-31', days: 31 });
  });

  it('takes ranges up to 400 days and refuses longer ones, impossible dates and reversed ranges', () => {
    expect(resolvePeriod({ period: 'range', from: '2025-11-03', to: '2026-12-07' }, now).days).toBe(400);
    expect(codeOf(() => resolvePeriod({ period: 'range', from: '2025-11-02', to: '2026-12-07' }, now))).toBe('period_too_long');
    expect(codeOf(() => resolvePeriod({ period: 'day', date: '2026-02-29' }, now))).toBe('invalid_period');
    expect(codeOf(() => resolvePeriod({ period: 'range', from: '2026-03-02', to: '2026-03-01' }, now))).toBe('invalid_period');
    expect(codeOf(() => resolvePeriod({ period: 'range', from: '2026-03-02' }, now))).toBe('invalid_period');
  });

  it('shifts for comparisons and lists the months of a trend', () => {
    const day = resolvePeriod({ period: 'day', date: '2026-12-07' }, now);
    expect(shiftPeriod(day, 7)).toMatchObject({ from: '2026-11-30', to: '2026-11-30' });
    expect(shiftPeriod(day, 364)).toMatchObject({ from: '2025-12-08' });
    expect(monthPeriod(undefined, now)).toMatchObject({ from: '2026-11-01', to: '2026-11-30' });
    expect(monthsUpTo('2026-02', 3)).toEqual(['2025-12', '2026-01', '2026-02']);
    expect(codeOf(() => monthPeriod('2026-13', now))).toBe('invalid_period');
  });
});
