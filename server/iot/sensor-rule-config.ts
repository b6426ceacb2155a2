/**
 * The rule configuration of each sensor: its kind's defaults here, the threshold seeded on the sensor
 * (sensors.threshold, from server/seed/sensor-kinds.ts), then the per-sensor override
 * (sensor_rule_overrides.rules, migration 0019), key by key. Pure.
 */
import { z } from 'zod';
import type { RuleConfig } from './sensor-rules.js';

const MIN = 60_000;

type KindRules = Omit<RuleConfig, 'threshold' | 'offlineAfterMs'> & { offlineAfterMs?: number };

const COMMON = { minAlarmMs: 2 * MIN, flapWindowMs: 30 * MIN, maxRaisesInWindow: 3 };

/** Per kind: hysteresis in the kind's unit, readings in a row, rate per minute, identical readings for "stuck". */
export const KIND_RULES: Record<string, KindRules> = {
  // Smoke obscuration: two readings in a row; values sit at 0 normally, so no stuck rule.
  smoke: { ...COMMON, hysteresis: 1, consecutive: 2, clearConsecutive: 3, maxRatePerMinute: 2, stuckReadings: null },
  // Charging-point temperature: varies with load; a frozen value is a fault.
  ebike_charging: { ...COMMON, hysteresis: 5, consecutive: 2, clearConsecutive: 3, maxRatePerMinute: 15, stuckReadings: 30 },
  // Lift status (0 normal, ≥ 1 fault): one reading is enough.
  elevator: { ...COMMON, hysteresis: 0.5, consecutive: 1, clearConsecutive: 2, maxRatePerMinute: null, stuckReadings: null },
  gas: { ...COMMON, hysteresis: 5, consecutive: 2, clearConsecutive: 3, maxRatePerMinute: 10, stuckReadings: null },
  air: { ...COMMON, hysteresis: 10, consecutive: 3, clearConsecutive: 3, maxRatePerMinute: null, stuckReadings: 30 },
  manhole: { ...COMMON, hysteresis: 3, consecutive: 2, clearConsecutive: 2, maxRatePerMinute: null, stuckReadings: null },
  water_level: { ...COMMON, hysteresis: 3, consecutive: 3, clearConsecutive: 3, maxRatePerMinute: 5, stuckReadings: null },
  // Roadside noise: a busy road is loud for a while; five readings in a row.
  noise: { ...COMMON, hysteresis: 3, consecutive: 5, clearConsecutive: 3, maxRatePerMinute: null, stuckReadings: 30 },
};

const FALLBACK: KindRules = { ...COMMON, hysteresis: 0, consecutive: 3, clearConsecutive: 3, maxRatePerMinute: null, stuckReadings: null };

/** What an administrator may override per sensor (PUT /api/iot/sensors/:code/rules); every key optional. */
export const RuleOverrideSchema = z
  .object({
    threshold: z.number().finite().nullable(),
    hysteresis: z.number().finite().min(0),
    consecutive: z.number().int().min(1).max(100),
    clearConsecutive: z.number().int().min(1).max(100),
    maxRatePerMinute: z.number().finite().positive().nullable(),
    stuckReadings: z.number().int().min(2).max(10000).nullable(),
    offlineAfterMs: z
      .number()
      .int()
      .min(10_000)
      .max(7 * 86_400_000),
    minAlarmMs: z.number().int().min(0).max(86_400_000),
  })
  .partial()
  .strict();
export type RuleOverride = z.infer<typeof RuleOverrideSchema>;

export function ruleConfigFor(
  kind: string,
  seededThreshold: number | null,
  offlineAfterMs: number,
  override: RuleOverride | null = null,
): RuleConfig {
  const rules = KIND_RULES[kind] ?? FALLBACK;
  return { threshold: seededThreshold, offlineAfterMs: rules.offlineAfterMs ?? offlineAfterMs, ...rules, ...(override ?? {}) } as RuleConfig;
}
