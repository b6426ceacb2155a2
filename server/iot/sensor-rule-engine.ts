/**
 * The rule engine: the rule state of every sensor in memory (sensor-rules.ts, pure), evaluated by the ingest as
 * each message arrives (reading-ingest.ts), and a silence check every few seconds. Evaluating on arrival is what
 * lets the ingest send a reading that changes a sensor's state through its priority lane, ahead of the queued bulk
 * batches; the actions it decides wait for that reading's commit (the ingest calls them then), and are run one
 * step at a time, in order:
 * - raise → `intakeAlarm` (server/alarms/intake-alarm.ts: one open incident per sensor and category, a repeat
 *   within 30 minutes attaches to it), the incident remembered on the sensor;
 * - recover → an `alarm_recovered` entry on that incident's timeline (audited), the incident stays for people to
 *   close;
 * - every change of the shown state (normal / alarm / offline) → sensor_latest, and a `sensor.changed` domain event
 *   that the live channel sends to the consoles (topic `sensors`).
 * A re-delivered message cannot raise twice: its observed time is not newer than the sensor's newest evaluated
 * reading, so the rules leave it out (sensor-rules.ts, late readings); across a restart the newest stored reading of
 * each sensor (sensor_latest, rebuilt from the raw readings at start: rollup-recovery.ts) seeds that time.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { intakeAlarm } from '../alarms/intake-alarm.js';
import { appendAudit } from '../audit/record-audit.js';
import { withScope, type Database, DatabaseError } from '../db/database.js';
import type { DomainEvents } from '../events/domain-events.js';
import { incidentChanged, publishAll } from '../incidents/incident-publishing.js';
import { insertTimelineEntry } from '../incidents/incidents.sql.js';
import type { LiveSensor } from '../live/live-protocol.js';
import type { IngestStats } from './ingest-stats.js';
import { readIncidentStateForRecovery, readRuleOverrides, writeSensorState } from './iot.sql.js';
import type { IngestListener, RuleActions } from './reading-ingest.js';
import { ruleConfigFor, RuleOverrideSchema, type RuleOverride } from './sensor-rule-config.js';
import {
  checkSilence,
  displayState,
  evaluateReading,
  initialRuleState,
  seen,
  wentOffline,
  type RuleConfig,
  type RuleEvent,
  type RuleName,
  type RuleOutcome,
  type RuleState,
} from './sensor-rules.js';
import type { SensorDirectory, SensorEntry } from './sensor-directory.js';

export interface RuleEngineDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  events: DomainEvents;
  stats: IngestStats;
  directory: SensorDirectory;
  offlineAfterMs: number;
  /** How often the silence check runs. */
  silenceCheckMs?: number;
}

export interface SensorRuleEngine extends IngestListener {
  /** The rule configuration in force for a sensor (kind defaults, seeded threshold, override). */
  configOf(sensor: SensorEntry): RuleConfig;
  stateOf(code: string): RuleState | undefined;
  liveSensor(sensor: SensorEntry): LiveSensor;
  /** Re-read the per-sensor overrides (after PUT /api/iot/sensors/:code/rules). */
  reloadOverrides(): Promise<void>;
  /** Resolves when every action decided so far is done (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

const RULE_TEXT: Record<string, string> = {
  threshold: '超过阈值',
  rate_of_change: '变化过快',
  stuck_value: '读数停滞（疑似故障）',
  missing_heartbeat: '设备离线（心跳超时）',
};

export async function createSensorRuleEngine(deps: RuleEngineDeps): Promise<SensorRuleEngine> {
  const { db, clock, logger, events, stats, directory } = deps;
  const states = new Map<string, RuleState>();
  const incidents = new Map<string, number | null>();
  let overrides = new Map<string, RuleOverride>();
  /** Each sensor's configuration, built once (not per reading); cleared when the overrides change. */
  const configs = new Map<string, RuleConfig>();
  const watchingSince = clock.now().getTime();
  let chain: Promise<void> = Promise.resolve();

  for (const sensor of directory.values()) {
    const state = initialRuleState(sensor.lastSeenAt?.getTime() ?? null);
    if (sensor.state === 'offline') state.online = false;
    if (sensor.state === 'alarm' && sensor.alarmRule)
      state.alarm = { rule: sensor.alarmRule as RuleName, since: sensor.stateSince?.getTime() ?? watchingSince };
    if (sensor.state === 'offline' && !state.alarm) state.alarm = { rule: 'missing_heartbeat', since: sensor.stateSince?.getTime() ?? watchingSince };
    // The newest stored reading: a re-delivery of it (or of anything older) is late for the rules.
    if (sensor.latestObservedAt) {
      state.lastAt = sensor.latestObservedAt.getTime();
      state.lastValue = sensor.latestValue;
    }
    states.set(sensor.code, state);
    incidents.set(sensor.code, sensor.incidentId);
  }

  const reloadOverrides = async () => {
    const rows = await db.query<{ sensor_code: string; rules: unknown }>(readRuleOverrides);
    const next = new Map<string, RuleOverride>();
    for (const row of rows) {
      const parsed = RuleOverrideSchema.safeParse(typeof row.rules === 'string' ? JSON.parse(row.rules) : row.rules);
      if (parsed.success) next.set(row.sensor_code, parsed.data);
    }
    overrides = next;
    configs.clear();
  };
  await reloadOverrides();

  const configOf = (sensor: SensorEntry): RuleConfig => {
    let config = configs.get(sensor.code);
    if (!config) {
      config = ruleConfigFor(sensor.kind, sensor.threshold, deps.offlineAfterMs, overrides.get(sensor.code) ?? null);
      configs.set(sensor.code, config);
    }
    return config;
  };

  const liveSensor = (sensor: SensorEntry): LiveSensor => {
    const state = states.get(sensor.code) ?? initialRuleState();
    const since = state.alarm?.since ?? state.lastSeen ?? watchingSince;
    return {
      code: sensor.code,
      kind: sensor.kind,
      state: displayState(state),
      since: new Date(since).toISOString(),
      lon: sensor.lon,
      lat: sensor.lat,
      microGridCode: sensor.microGridCode,
      alarmRule: state.alarm?.rule ?? null,
      value: state.lastValue,
      incidentId: incidents.get(sensor.code) ?? null,
    };
  };

  const logFailure = (what: string, error: unknown) => {
    const detail =
      error instanceof DatabaseError
        ? { statement: error.statementName, sqlState: error.sqlState }
        : { error: String((error as Error)?.name ?? error) };
    logger.error(detail, `iot: ${what} failed`);
  };

  const raiseAlarm = async (sensor: SensorEntry, event: Extract<RuleEvent, { type: 'raise' }>) => {
    const config = configOf(sensor);
    const reading = event.value === null ? null : { value: event.value, unit: sensor.measurementUnit };
    const limit = event.rule === 'threshold' && config.threshold !== null ? `（阈值 ${config.threshold} ${sensor.measurementUnit}）` : '';
    const value = event.value === null ? '' : `：${event.value} ${sensor.measurementUnit}`;
    const result = await intakeAlarm(
      { db, clock, events },
      {
        source: 'iot',
        deviceCode: sensor.code,
        description: `物联网告警 ${sensor.code} ${RULE_TEXT[event.rule]}${value}${limit}`,
        observedAt: new Date(event.at),
        reading,
      },
    );
    incidents.set(sensor.code, Number(result.incident.id));
    stats.countAlarm();
  };

  const recordRecovery = async (sensor: SensorEntry, event: Extract<RuleEvent, { type: 'recover' }>) => {
    const incidentId = incidents.get(sensor.code);
    stats.countRecovery();
    if (!incidentId) return;
    const now = clock.now();
    const changed = await withScope(db, { jurisdiction: 'city', accountId: null, role: 'system' }, async (tx) => {
      const [incident] = await tx.query<{ state: string; micro_grid_code: string }>(readIncidentStateForRecovery, [incidentId]);
      if (!incident) return null;
      const detail = { deviceCode: sensor.code, rule: event.rule, value: event.value, observedAt: new Date(event.at).toISOString() };
      await tx.query(insertTimelineEntry, [
        incidentId,
        now,
        'alarm_recovered',
        incident.state,
        incident.state,
        null,
        'system',
        null,
        JSON.stringify(detail),
      ]);
      await appendAudit(tx, {
        actorAccountId: null,
        actorUsername: 'iot',
        actorRole: 'system',
        action: 'incident.alarm_recovered',
        entityType: 'incident',
        entityId: String(incidentId),
        jurisdictionCode: incident.micro_grid_code,
        after: detail,
        clientAddress: null,
        success: true,
      });
      return incident.micro_grid_code;
    });
    if (changed) publishAll(events, [incidentChanged(incidentId, changed, 'alarm_recovered')]);
  };

  const act = (sensor: SensorEntry, outcome: RuleOutcome, before: 'normal' | 'alarm' | 'offline') => {
    const after = displayState(outcome.state);
    chain = chain.then(async () => {
      for (const event of outcome.events) {
        try {
          if (event.type === 'raise') await raiseAlarm(sensor, event);
          else if (event.type === 'recover') await recordRecovery(sensor, event);
        } catch (error) {
          logFailure(`${event.type} of ${sensor.kind}`, error);
        }
      }
      if (after === before && !outcome.events.some((e) => e.type === 'raise')) return;
      try {
        const live = liveSensor(sensor);
        await db.query(writeSensorState, [
          sensor.code,
          live.state,
          new Date(live.since),
          live.alarmRule,
          live.incidentId,
          new Date(outcome.state.lastSeen ?? Date.now()),
        ]);
        events.emit({ type: 'sensor.changed', sensor: live });
      } catch (error) {
        logFailure('sensor state write', error);
      }
    });
  };

  /** The next state now; the actions (if any) for the caller to run once the message is stored. */
  const decide = (sensor: SensorEntry, step: (state: RuleState) => RuleOutcome): RuleActions | null => {
    const state = states.get(sensor.code) ?? initialRuleState();
    const before = displayState(state);
    const outcome = step(state);
    if (outcome.late) stats.countLate();
    states.set(sensor.code, outcome.state);
    if (outcome.events.length === 0) return null;
    return () => act(sensor, outcome, before);
  };

  const apply = (sensor: SensorEntry, step: (state: RuleState) => RuleOutcome) => decide(sensor, step)?.();

  const timer = setInterval(() => {
    const now = clock.now().getTime();
    for (const sensor of directory.values()) {
      const state = states.get(sensor.code);
      if (!state || state.lastSeen === null || !state.online) continue;
      const config = configOf(sensor);
      if (now - Math.max(state.lastSeen, watchingSince) < config.offlineAfterMs) continue;
      apply(sensor, (s) => checkSilence(s, config, now, watchingSince));
    }
  }, deps.silenceCheckMs ?? 5_000);
  timer.unref();

  return {
    onReading(sensor, value, observedAt) {
      return decide(sensor, (s) => evaluateReading(s, configOf(sensor), value, observedAt.getTime()));
    },
    onSeen(sensor, at) {
      return decide(sensor, (s) => seen(s, at.getTime()));
    },
    onStatus(sensor, status, at) {
      apply(sensor, (s) => (status === 'offline' ? wentOffline(s, at.getTime()) : seen(s, at.getTime())));
    },
    configOf,
    stateOf: (code) => states.get(code),
    liveSensor,
    reloadOverrides,
    async idle() {
      let current: Promise<void>;
      do {
        current = chain;
        await current;
      } while (current !== chain);
    },
    stop() {
      clearInterval(timer);
    },
  };
}
