/**
 * The sensor routes' contract (server/contract/api-route.ts): a sensor's detail as the console shows it, and its
 * rule override. sensors.route.ts validates with these schemas; the console's type is inferred from them
 * (client/api/api-types.ts). No Node-only imports.
 */
import { z } from 'zod';
import { apiRoute, timestampSchema } from '../contract/api-route.js';
import { RuleOverrideSchema } from './sensor-rule-config.js';

export const sensorCodeParamsSchema = z.strictObject({ code: z.string().regex(/^[A-Z]{2}\d{6,24}$/, 'a sensor code') });

/** The rule configuration in force (server/iot/sensor-rules.ts RuleConfig). */
export const ruleConfigSchema = z.strictObject({
  threshold: z.number().nullable(),
  hysteresis: z.number(),
  consecutive: z.number().int(),
  clearConsecutive: z.number().int(),
  maxRatePerMinute: z.number().nullable(),
  stuckReadings: z.number().int().nullable(),
  offlineAfterMs: z.number().int(),
  minAlarmMs: z.number().int(),
  flapWindowMs: z.number().int(),
  maxRaisesInWindow: z.number().int(),
});

const rulesAnswerSchema = z.strictObject({ rules: ruleConfigSchema, override: RuleOverrideSchema.nullable() });

export const sensorDetailRoute = apiRoute({
  method: 'get',
  path: '/api/iot/sensors/:code',
  summary: 'A sensor in the caller’s jurisdiction: its latest value and state, rules, last 24 h in 5-minute buckets, alarms',
  tag: 'iot',
  access: ['admin', 'dispatcher', 'supervisor', 'screen'],
  params: sensorCodeParamsSchema,
  answer: z.strictObject({
    sensor: z.strictObject({
      code: z.string(),
      kind: z.string(),
      measurementUnit: z.string(),
      threshold: z.number().nullable(),
      lon: z.number(),
      lat: z.number(),
      microGridCode: z.string().nullable(),
      microGridName: z.string().nullable(),
    }),
    /** Null until the sensor has reported. */
    latest: z
      .strictObject({
        observedAt: timestampSchema.nullable(),
        value: z.number().nullable(),
        battery: z.number().nullable(),
        signal: z.number().nullable(),
        lastSeenAt: timestampSchema.nullable(),
        state: z.enum(['normal', 'alarm', 'offline']).nullable(),
        stateSince: timestampSchema.nullable(),
        alarmRule: z.string().nullable(),
        incidentId: z.number().int().nullable(),
      })
      .nullable(),
    rules: ruleConfigSchema,
    override: RuleOverrideSchema.nullable(),
    series: z.array(z.strictObject({ at: timestampSchema, min: z.number(), mean: z.number(), max: z.number(), readings: z.number().int() })),
    alarms: z.array(
      z.strictObject({
        id: z.number().int(),
        number: z.string(),
        state: z.string(),
        grade: z.string(),
        category: z.string(),
        reportedAt: timestampSchema,
        reports: z.number().int(),
      }),
    ),
  }),
  errors: { 400: ['invalid_sensor_code'], 404: ['sensor_not_found'] },
});

export const overrideSensorRulesRoute = apiRoute({
  method: 'put',
  path: '/api/iot/sensors/:code/rules',
  summary: 'Override a sensor’s rules key by key (audited); the ingest re-reads them',
  tag: 'iot',
  access: ['admin'],
  params: sensorCodeParamsSchema,
  body: RuleOverrideSchema,
  answer: rulesAnswerSchema,
  errors: { 400: ['invalid_sensor_code', 'invalid_rules'], 404: ['sensor_not_found'] },
});

export const removeSensorRulesRoute = apiRoute({
  method: 'delete',
  path: '/api/iot/sensors/:code/rules',
  summary: 'Back to the kind’s rules and the seeded threshold (audited)',
  tag: 'iot',
  access: ['admin'],
  params: sensorCodeParamsSchema,
  answer: rulesAnswerSchema,
  errors: { 400: ['invalid_sensor_code'], 404: ['sensor_not_found'] },
});

export const SENSORS_ROUTES = [sensorDetailRoute, overrideSensorRulesRoute, removeSensorRulesRoute] as const;
