/**
 * Periods of the statistics as calendar days in Asia/Shanghai (UTC+8 all year: no daylight saving), pure.
 * A malformed or impossible date → 400 `invalid_period`; more than MAX_PERIOD_DAYS → 400 `period_too_long`.
 */
import { AppError } from '../errors/app-error.js';
import { MAX_PERIOD_DAYS, type ResolvedPeriod } from './stats-contract.js';

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** 'YYYY-MM-DD' → days since 1970-01-01, or null when the date does not exist (2026-02-30). */
export function dayNumber(date: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d || y < 2000 || y > 2100) return null;
  return ms / DAY_MS;
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Today's date in Asia/Shanghai. */
export function shanghaiDate(now: Date): string {
  return new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

function invalid(message: string): AppError {
  return new AppError(400, 'invalid_period', message);
}

function dayOf(value: string | undefined, name: string, fallback: string): number {
  const day = dayNumber(value ?? fallback);
  if (day === null) throw invalid(`${name} is not a date that exists (YYYY-MM-DD)`);
  return day;
}

export function resolvePeriod(
  query: { period: 'day' | 'week' | 'month' | 'range'; date?: string; from?: string; to?: string },
  now: Date,
): ResolvedPeriod {
  const today = shanghaiDate(now);
  let first: number;
  let last: number;
  if (query.period === 'range') {
    if (!query.from || !query.to) throw invalid('a range needs from and to (YYYY-MM-DD)');
    first = dayOf(query.from, 'from', today);
    last = dayOf(query.to, 'to', today);
    if (first > last) throw invalid('from is after to');
  } else {
    const day = dayOf(query.date, 'date', today);
    if (query.period === 'day') {
      first = last = day;
    } else if (query.period === 'week') {
      // 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7.
      first = day - ((day + 3) % 7);
      last = first + 6;
    } else {
      const date = dateOfDay(day);
      first = dayNumber(`${date.slice(0, 7)}-01`)!;
      const next = new Date(first * DAY_MS);
      next.setUTCMonth(next.getUTCMonth() + 1);
      last = next.getTime() / DAY_MS - 1;
    }
  }
  const days = last - first + 1;
  if (days > MAX_PERIOD_DAYS) {
    throw new AppError(400, 'period_too_long', `A period may span at most ${MAX_PERIOD_DAYS} days (asked: ${days})`, { days, max: MAX_PERIOD_DAYS });
  }
  return { kind: query.period, from: dateOfDay(first), to: dateOfDay(last), days };
}

/** The same period shifted back by whole days (a week: 7; a year: 364, the same weekday). */
export function shiftPeriod(period: ResolvedPeriod, days: number): ResolvedPeriod {
  const from = dayNumber(period.from)! - days;
  const to = dayNumber(period.to)! - days;
  return { ...period, from: dateOfDay(from), to: dateOfDay(to) };
}

/** 'YYYY-MM' → the month as a period; default: the last complete month before now. */
export function monthPeriod(month: string | undefined, now: Date): ResolvedPeriod {
  let value = month;
  if (!value) {
    const today = shanghaiDate(now);
    const first = dayNumber(`${today.slice(0, 7)}-01`)!;
    value = dateOfDay(first - 1).slice(0, 7);
  }
  if (dayNumber(`${value}-01`) === null) throw invalid('month is not a month that exists (YYYY-MM)');
  return resolvePeriod({ period: 'month', date: `${value}-01` }, now);
}

/** The n months before a 'YYYY-MM' month, oldest first, ending with the month itself. */
export function monthsUpTo(month: string, n: number): string[] {
  const [y, m] = month.split('-').map(Number);
  const out: string[] = [];
  for (let k = n - 1; k >= 0; k--) {
    const index = y * 12 + (m - 1) - k;
    out.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return out;
}
