/**
 * Numbers, rates, durations and dates of the screens in the locale's format (Intl: 1,284 / 93.1% / 2026/12/07),
 * pure functions of (language, value) so they are tested without a browser. "—" for a figure that is not known.
 */
export type ScreenLanguage = 'zh-CN' | 'en';
export const MISSING = '—';

const integerFormats = new Map<string, Intl.NumberFormat>();
function integerFormat(language: ScreenLanguage, digits: number): Intl.NumberFormat {
  const key = `${language}/${digits}`;
  let format = integerFormats.get(key);
  if (!format) integerFormats.set(key, (format = new Intl.NumberFormat(language, { maximumFractionDigits: digits, minimumFractionDigits: digits })));
  return format;
}

export function formatCount(language: ScreenLanguage, value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? MISSING : integerFormat(language, 0).format(value);
}

export function formatDecimal(language: ScreenLanguage, value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? MISSING : integerFormat(language, digits).format(value);
}

/** A share 0..1 as a percentage with one decimal ("93.1%"). */
export function formatRate(language: ScreenLanguage, share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return MISSING;
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(share);
}

/** A change against a comparison as "▲6%" / "▼12%" / "±0%"; null when the comparison is zero or missing. */
export function formatChange(language: ScreenLanguage, now: number, before: number | null | undefined): string | null {
  if (before === null || before === undefined || before <= 0) return null;
  const change = (now - before) / before;
  const percent = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 }).format(Math.abs(change));
  if (Math.round(change * 100) === 0) return `±${percent}`;
  return `${change > 0 ? '▲' : '▼'}${percent}`;
}

/** Minutes as "4 分 12 秒"-style text: under an hour in minutes (one decimal under 10), else hours and minutes. */
export function formatMinutes(language: ScreenLanguage, minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return MISSING;
  if (minutes < 60)
    return language === 'en'
      ? `${formatDecimal(language, minutes, minutes < 10 ? 1 : 0)} min`
      : `${formatDecimal(language, minutes, minutes < 10 ? 1 : 0)} 分钟`;
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes % 60);
  return language === 'en' ? `${hours} h ${rest} min` : `${hours} 小时 ${rest} 分`;
}

/** Date and time of day in Asia/Shanghai (the city's clock, whatever the wall's machine is set to). */
export function formatDateTime(language: ScreenLanguage, date: Date): string {
  return new Intl.DateTimeFormat(language, {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(date);
}

export function formatTimeOfDay(language: ScreenLanguage, date: Date): string {
  return new Intl.DateTimeFormat(language, { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false }).format(date);
}

export function formatShortDate(language: ScreenLanguage, date: Date): string {
  return new Intl.DateTimeFormat(language, {
    timeZone: 'Asia/Shanghai',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(date);
}

/** The calendar day YYYY-MM-DD in Asia/Shanghai. */
export function shanghaiDay(date: Date): string {
  const shifted = new Date(date.getTime() + 8 * 3_600_000);
  return shifted.toISOString().slice(0, 10);
}

/** `days` days before a YYYY-MM-DD day. */
export function daysBefore(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

/** The month YYYY-MM before a YYYY-MM month. */
export function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}
