/**
 * A sensor as the console shows it, and its rules:
 *
 *   GET /api/iot/sensors/:code  → {sensor, latest, rules, override, series (last 24 h in 5-minute buckets), alarms}
 *   PUT /api/iot/sensors/:code/rules {threshold?, hysteresis?, consecutive?, …} (admin, audited) → {rules, override}
 *   DELETE /api/iot/sensors/:code/rules (admin, audited) → back to the kind's defaults and the seeded threshold
 *
 * Read through the caller's scope: a sensor outside the jurisdiction is 404 `sensor_not_found`. Contract:
 * sensors-contract.ts.
 */
import { Router } from 'express';
import type { Clock } from '../clock/clock.js';
import { auditedChange } from '../audit/record-audit.js';
import { authOf, scopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import type { Queryable } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import type { IotControl } from './iot.route.js';
import { deleteRuleOverride, readSensorAlarms, readSensorDetail, readSensorSeries, upsertRuleOverride } from './sensor-detail.sql.js';
import { ruleConfigFor, RuleOverrideSchema, type RuleOverride } from './sensor-rule-config.js';
import { overrideSensorRulesRoute, removeSensorRulesRoute, sensorDetailRoute } from './sensors-contract.js';

export interface SensorsRouteDeps {
  clock: Clock;
  config: { iot: { offlineAfterMs: number } };
  iot?: IotControl;
}

const DAY_MS = 86_400_000;

interface DetailRow {
  code: string;
  kind: string;
  measurement_unit: string;
  threshold: number | null;
  online: boolean;
  micro_grid_code: string | null;
  micro_grid_name: string | null;
  lon: number;
  lat: number;
  observed_at: Date | null;
  value: number | null;
  battery: number | null;
  signal: number | null;
  last_seen_at: Date | null;
  state: string | null;
  state_since: Date | null;
  alarm_rule: string | null;
  incident_id: number | string | null;
  override: unknown;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const parseOverride = (v: unknown): RuleOverride | null => {
  if (v === null || v === undefined) return null;
  const parsed = RuleOverrideSchema.safeParse(typeof v === 'string' ? JSON.parse(v) : v);
  return parsed.success ? parsed.data : null;
};

async function readDetail(q: Queryable, code: string): Promise<DetailRow> {
  const [row] = await q.query<DetailRow>(readSensorDetail, [code]);
  if (!row) throw new AppError(404, 'sensor_not_found', `No sensor ${code} in your jurisdiction`);
  return row;
}

export function sensorsRouter({ clock, config, iot }: SensorsRouteDeps): Router {
  const router = Router();
  const offlineAfterMs = config.iot.offlineAfterMs;

  router.get(sensorDetailRoute.path, contractAccess(sensorDetailRoute), async (req, res) => {
    const { code } = validateRequestPart(sensorDetailRoute.params, req.params, 'invalid_sensor_code');
    const db = scopedDb(req);
    const row = await readDetail(db, code);
    const now = clock.now();
    const [series, alarms] = await Promise.all([
      db.query<{ at: Date; min: number; mean: number; max: number; readings: number }>(readSensorSeries, [
        code,
        new Date(now.getTime() - DAY_MS),
        new Date(now.getTime() + 60_000),
      ]),
      db.query<{ id: number; number: string; state: string; grade: string; category: string; reported_at: Date; reports: number }>(readSensorAlarms, [
        code,
        20,
      ]),
    ]);
    const override = parseOverride(row.override);
    res.json({
      sensor: {
        code: row.code,
        kind: row.kind,
        measurementUnit: row.measurement_unit,
        threshold: row.threshold === null ? null : Number(row.threshold),
        lon: Number(row.lon),
        lat: Number(row.lat),
        microGridCode: row.micro_grid_code,
        microGridName: row.micro_grid_name,
      },
      latest:
        row.last_seen_at === null
          ? null
          : {
              observedAt: iso(row.observed_at),
              value: row.value === null ? null : Number(row.value),
              battery: row.battery,
              signal: row.signal,
              lastSeenAt: iso(row.last_seen_at),
              state: row.state,
              stateSince: iso(row.state_since),
              alarmRule: row.alarm_rule,
              incidentId: row.incident_id === null ? null : Number(row.incident_id),
            },
      rules: ruleConfigFor(row.kind, row.threshold === null ? null : Number(row.threshold), offlineAfterMs, override),
      override,
      series: series.map((s) => ({
        at: iso(s.at),
        min: Number(s.min),
        mean: Math.round(Number(s.mean) * 100) / 100,
        max: Number(s.max),
        readings: s.readings,
      })),
      alarms: alarms.map((a) => ({
        id: Number(a.id),
        number: a.number,
        state: a.state,
        grade: a.grade,
        category: a.category,
        reportedAt: iso(a.reported_at),
        reports: a.reports,
      })),
    });
  });

  router.put(overrideSensorRulesRoute.path, contractAccess(overrideSensorRulesRoute), async (req, res) => {
    const { code } = validateRequestPart(overrideSensorRulesRoute.params, req.params, 'invalid_sensor_code');
    const body = validateRequestPart(overrideSensorRulesRoute.body, req.body, 'invalid_rules');
    const auth = authOf(req);
    const result = await auditedChange(req, { action: 'iot.rules_override', entityType: 'sensor', entityId: code }, async (tx) => {
      const row = await readDetail(tx, code);
      const [previous] = await tx.query<{ previous: unknown }>(upsertRuleOverride, [code, JSON.stringify(body), clock.now(), auth.accountId]);
      return {
        entityId: code,
        jurisdictionCode: row.micro_grid_code,
        before: parseOverride(previous?.previous),
        after: body,
        result: { rules: ruleConfigFor(row.kind, row.threshold === null ? null : Number(row.threshold), offlineAfterMs, body), override: body },
      };
    });
    await iot?.rulesChanged();
    res.json(result);
  });

  router.delete(removeSensorRulesRoute.path, contractAccess(removeSensorRulesRoute), async (req, res) => {
    const { code } = validateRequestPart(removeSensorRulesRoute.params, req.params, 'invalid_sensor_code');
    const result = await auditedChange(req, { action: 'iot.rules_override_remove', entityType: 'sensor', entityId: code }, async (tx) => {
      const row = await readDetail(tx, code);
      const [removed] = await tx.query<{ previous: unknown }>(deleteRuleOverride, [code]);
      return {
        entityId: code,
        jurisdictionCode: row.micro_grid_code,
        before: parseOverride(removed?.previous),
        result: { rules: ruleConfigFor(row.kind, row.threshold === null ? null : Number(row.threshold), offlineAfterMs, null), override: null },
      };
    });
    await iot?.rulesChanged();
    res.json(result);
  });

  return router;
}
