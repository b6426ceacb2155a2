/** Formatting of durations, distances and times in the current language. */
import { currentLanguage, t } from '../i18n.js';

export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(Math.abs(ms) / 60_000));
  if (minutes < 1) return t('justNow');
  if (minutes < 60) return t('minutesShort', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('hoursShort', { h: hours, m: minutes % 60 });
  return t('daysShort', { d: Math.floor(hours / 24), h: hours % 24 });
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return currentLanguage() === 'en' ? `${Math.round(seconds)} s` : `${Math.round(seconds)} 秒`;
  return formatDuration(seconds * 1000);
}

export function formatDistance(metres: number): string {
  return metres < 1000 ? t('metres', { value: Math.round(metres) }) : t('kilometres', { value: (metres / 1000).toFixed(1) });
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(currentLanguage(), { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
}

export function formatClock(date: Date): string {
  return date.toLocaleString(currentLanguage(), {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
}

/** The deadline as "due in …" / "overdue by …". */
export function formatDeadline(deadlineAt: string | null, now: number): string {
  if (!deadlineAt) return t('noDeadline');
  const left = Date.parse(deadlineAt) - now;
  return left >= 0 ? t('dueIn', { time: formatDuration(left) }) : t('overdueBy', { time: formatDuration(-left) });
}

/** A category's name in the current language, from the categories the server lists. */
export function categoryName(categories: Map<string, { name_zh: string; name_en: string }>, code: string): string {
  const category = categories.get(code);
  if (!category) return code;
  return currentLanguage() === 'en' ? category.name_en : category.name_zh;
}
