/**
 * When and what incidents arrive: the rhythm and the mixes shared by the seeded history
 * (server/seed/seed-history.ts) and the live simulator (incident-arrivals.ts). Pure data and functions.
 *
 * The shapes follow what 12345 hotlines and grid platforms publish for Chinese cities: a low night
 * (03:00–05:00 about a tenth of the morning peak), a morning peak 09:00–11:00 and an afternoon peak
 * 14:00–16:00; weekdays above weekends; summer (rain, heat, noise, ponding) above winter; a deep dip
 * over the Spring Festival and a smaller one in the National Day week. The figures are generated
 * assumptions, not official statistics.
 */
import type { IncidentSource } from '../contract/incident-vocabulary.js';

/** Relative arrivals per local hour (Asia/Shanghai), 0–23. */
export const HOUR_WEIGHTS: readonly number[] = [
  0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.3, 0.6, 1.2, 1.6, 1.7, 1.5, 1.0, 1.1, 1.5, 1.6, 1.5, 1.3, 1.0, 0.9, 0.8, 0.7, 0.5, 0.35,
];

/** Relative arrivals per local weekday, Sunday = 0 (as JavaScript's getUTCDay and SQL's extract(dow)). */
export const WEEKDAY_WEIGHTS: readonly number[] = [0.82, 1.08, 1.05, 1.03, 1.02, 1.0, 0.86];

/** Relative arrivals per month, January = index 0. */
export const MONTH_WEIGHTS: readonly number[] = [0.85, 0.8, 0.95, 1.0, 1.05, 1.12, 1.2, 1.18, 1.05, 0.95, 0.95, 0.88];

/** Holiday weeks (local dates, inclusive) and their factor. */
export const HOLIDAYS: ReadonlyArray<{ from: string; to: string; factor: number; name: string }> = [
  { from: '2025-01-28', to: '2025-02-04', factor: 0.55, name: 'Spring Festival 2025' },
  { from: '2025-10-01', to: '2025-10-08', factor: 0.8, name: 'National Day 2025' },
  { from: '2026-02-15', to: '2026-02-23', factor: 0.55, name: 'Spring Festival 2026' },
  { from: '2026-10-01', to: '2026-10-07', factor: 0.8, name: 'National Day 2026' },
];

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** The local (UTC+8, no daylight saving) calendar fields of an instant. */
export function shanghaiFields(at: Date): { hour: number; weekday: number; month: number; date: string } {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return { hour: local.getUTCHours(), weekday: local.getUTCDay(), month: local.getUTCMonth(), date: local.toISOString().slice(0, 10) };
}

/** The relative arrival rate at an instant (1 ≈ an ordinary weekday hour). */
export function arrivalWeight(at: Date): number {
  const { hour, weekday, month, date } = shanghaiFields(at);
  const holiday = HOLIDAYS.find((h) => date >= h.from && date <= h.to);
  return HOUR_WEIGHTS[hour] * WEEKDAY_WEIGHTS[weekday] * MONTH_WEIGHTS[month] * (holiday?.factor ?? 1);
}

/** Mean of HOUR_WEIGHTS: a rate given "per average minute" is scaled by arrivalWeight / this. */
export const MEAN_HOUR_WEIGHT = HOUR_WEIGHTS.reduce((s, w) => s + w, 0) / HOUR_WEIGHTS.length;

/** Where reports come from: the 12345 hotline is the largest channel, then patrol findings. */
export const SOURCE_WEIGHTS: ReadonlyArray<readonly [IncidentSource, number]> = [
  ['hotline_12345', 44],
  ['patrol', 22],
  ['citizen_app', 12],
  ['video_ai', 9],
  ['open311', 5],
  ['iot', 5],
  ['transfer_110', 3],
];

/** Patrol findings happen while patrols are out (local 08:00–19:59); otherwise the report is a hotline call. */
export function sourceAtHour(source: IncidentSource, hour: number): IncidentSource {
  return source === 'patrol' && (hour < 8 || hour >= 20) ? 'hotline_12345' : source;
}

type CategoryMix = ReadonlyArray<readonly [string, number]>;

/** The category mix of each source (category codes of the incident_categories table, migration 0005). */
export const CATEGORY_WEIGHTS_BY_SOURCE: Record<IncidentSource, CategoryMix> = {
  hotline_12345: [
    ['city_management', 36],
    ['dispute', 20],
    ['environment', 15],
    ['safety_hazard', 14],
    ['public_order', 9],
    ['fire_safety', 6],
  ],
  citizen_app: [
    ['city_management', 45],
    ['environment', 20],
    ['safety_hazard', 20],
    ['public_order', 8],
    ['fire_safety', 4],
    ['dispute', 3],
  ],
  open311: [
    ['city_management', 45],
    ['environment', 20],
    ['safety_hazard', 20],
    ['public_order', 8],
    ['fire_safety', 4],
    ['dispute', 3],
  ],
  patrol: [
    ['city_management', 40],
    ['safety_hazard', 25],
    ['fire_safety', 12],
    ['environment', 12],
    ['dispute', 7],
    ['public_order', 4],
  ],
  video_ai: [
    ['city_management', 50],
    ['public_order', 20],
    ['safety_hazard', 15],
    ['fire_safety', 10],
    ['environment', 5],
  ],
  iot: [
    ['fire_safety', 45],
    ['safety_hazard', 35],
    ['environment', 20],
  ],
  transfer_110: [
    ['public_order', 50],
    ['dispute', 45],
    ['safety_hazard', 5],
  ],
};

/** A weighted choice by a number u in [0, 1). */
export function chooseWeighted<T>(u: number, options: ReadonlyArray<readonly [T, number]>): T {
  const total = options.reduce((s, [, w]) => s + w, 0);
  let x = u * total;
  for (const [value, weight] of options) {
    if (x < weight) return value;
    x -= weight;
  }
  return options[options.length - 1][0];
}

/** Short generated descriptions per category (zh-CN, the language of the reports). */
export const DESCRIPTIONS: Record<string, readonly string[]> = {
  city_management: ['占道经营', '垃圾堆放未清运', '共享单车乱停放', '路灯不亮', '井盖松动', '违规张贴小广告', '道路破损'],
  environment: ['夜间施工噪音扰民', '餐饮油烟扰民', '河道漂浮物', '露天焚烧', '污水外溢'],
  safety_hazard: ['楼道堆放杂物', '广告牌松动', '树木倾斜存在隐患', '围墙开裂', '积水路段'],
  fire_safety: ['电动车楼道充电', '消防通道被占用', '飞线充电', '烟感报警', '灭火器过期'],
  public_order: ['深夜聚集喧哗', '可疑人员徘徊', '车辆乱停堵塞通道', '醉酒滋事'],
  dispute: ['邻里漏水纠纷', '物业费纠纷', '停车位纠纷', '装修噪音纠纷', '宠物扰民纠纷'],
};
