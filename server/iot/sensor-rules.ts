/**
 * The rules that turn readings into alarms, per sensor kind and overridable per sensor. Pure: a sensor's rule
 * state and its configuration in, the next state and what happened out; the engine (sensor-rule-engine.ts) keeps
 * the states and acts on the events. Unit-tested on hand-made series (sensor-rules.spec.ts).
 *
 * - threshold with hysteresis and N consecutive readings: raised after `consecutive` readings ≥ threshold in a
 *   row; recovered after `clearConsecutive` readings < threshold − hysteresis in a row;
 * - rate of change: |Δvalue| / Δt above `maxRatePerMinute` between two consecutive readings (ΔT ≤ 10 min);
 * - stuck value: `stuckReadings` identical readings in a row (a frozen sensor), for kinds whose values vary;
 *   recovered by the first different value;
 * - missing heartbeat: silent (no reading, heartbeat or status) for `offlineAfterMs`, or its last will → offline
 *   and, unless already in alarm, an alarm; the next message brings it back online and recovers that alarm.
 * Out-of-order readings: the rules see each sensor's readings in observed-time order or not at all. A reading
 * observed at or before the newest one already evaluated (`lastAt`: a late delivery, a device's backlog, a QoS 1
 * re-delivery) is a *late* reading: it is stored and counted in the rollups, but takes no part in the rules — no
 * counter, no raise, no recovery, no online transition, and the last value stays the newest one (a sensor's state
 * is about now; re-evaluating history could only raise alarms about a past that later readings have overtaken).
 * One alarm at a time per sensor: while it stands, further breaches only keep it. Flapping is damped: an alarm
 * stays at least `minAlarmMs`, and after `maxRaisesInWindow` raises within `flapWindowMs` it recovers only once
 * the window has been quiet (the engine also attaches a raise soon after a recovery to the open incident:
 * intakeAlarm's 30-minute repeat rule).
 */

export type RuleName = 'threshold' | 'rate_of_change' | 'stuck_value' | 'missing_heartbeat';

export interface RuleConfig {
  /** Alarm at value ≥ threshold; null: no threshold rule. */
  threshold: number | null;
  hysteresis: number;
  consecutive: number;
  clearConsecutive: number;
  /** Units per minute; null: no rate rule. */
  maxRatePerMinute: number | null;
  /** Identical readings in a row that mean stuck; null: no stuck rule. */
  stuckReadings: number | null;
  offlineAfterMs: number;
  minAlarmMs: number;
  flapWindowMs: number;
  maxRaisesInWindow: number;
}

export interface RuleState {
  online: boolean;
  alarm: { rule: RuleName; since: number } | null;
  over: number;
  under: number;
  lastValue: number | null;
  lastAt: number | null;
  same: number;
  /** Last time anything was heard from the sensor (ms), null: never. */
  lastSeen: number | null;
  /** Times of recent raises, for the flapping damper. */
  raises: number[];
}

export type RuleEvent =
  | { type: 'raise'; rule: RuleName; value: number | null; at: number }
  | { type: 'recover'; rule: RuleName; value: number | null; at: number }
  | { type: 'offline'; at: number }
  | { type: 'online'; at: number };

export interface RuleOutcome {
  state: RuleState;
  events: RuleEvent[];
  /** The reading was late (not newer than the newest evaluated): excluded from the rules. */
  late?: boolean;
}

export function initialRuleState(lastSeen: number | null = null): RuleState {
  return { online: true, alarm: null, over: 0, under: 0, lastValue: null, lastAt: null, same: 0, lastSeen, raises: [] };
}

/** normal | alarm | offline, as the map shows it. */
export function displayState(state: RuleState): 'normal' | 'alarm' | 'offline' {
  if (!state.online) return 'offline';
  return state.alarm ? 'alarm' : 'normal';
}

const RATE_MAX_GAP_MS = 10 * 60_000;

function raise(state: RuleState, config: RuleConfig, rule: RuleName, value: number | null, at: number, events: RuleEvent[]): void {
  state.alarm = { rule, since: at };
  state.under = 0;
  state.raises = [...state.raises.filter((t) => t > at - config.flapWindowMs), at];
  events.push({ type: 'raise', rule, value, at });
}

function mayRecover(state: RuleState, config: RuleConfig, at: number): boolean {
  if (!state.alarm || at - state.alarm.since < config.minAlarmMs) return false;
  const recent = state.raises.filter((t) => t > at - config.flapWindowMs);
  return recent.length < config.maxRaisesInWindow;
}

/** Something was heard (heartbeat, status online, or a reading): back online when offline. */
export function seen(previous: RuleState, at: number): RuleOutcome {
  const state: RuleState = { ...previous, lastSeen: Math.max(previous.lastSeen ?? at, at) };
  const events: RuleEvent[] = [];
  if (!state.online) {
    state.online = true;
    events.push({ type: 'online', at });
    if (state.alarm?.rule === 'missing_heartbeat') {
      state.alarm = null;
      events.push({ type: 'recover', rule: 'missing_heartbeat', value: null, at });
    }
  }
  return { state, events };
}

/** A reading; a late one (observed at or before the newest evaluated) changes nothing (see the header). */
export function evaluateReading(previous: RuleState, config: RuleConfig, value: number, at: number): RuleOutcome {
  if (previous.lastAt !== null && at <= previous.lastAt) return { state: previous, events: [], late: true };
  const { state, events } = seen(previous, at);
  state.raises = [...state.raises];
  const overThreshold = config.threshold !== null && value >= config.threshold;
  const clear = config.threshold === null || value < config.threshold - config.hysteresis;
  state.over = overThreshold ? state.over + 1 : 0;
  state.same = state.lastValue !== null && value === state.lastValue ? state.same + 1 : 1;
  const rate =
    state.lastValue !== null && state.lastAt !== null && at > state.lastAt && at - state.lastAt <= RATE_MAX_GAP_MS
      ? (Math.abs(value - state.lastValue) / (at - state.lastAt)) * 60_000
      : 0;
  state.lastValue = value;
  state.lastAt = at;

  if (state.alarm) {
    // Recovery, by the rule that raised the alarm.
    const rule = state.alarm.rule;
    let cleared: boolean;
    if (rule === 'stuck_value') cleared = state.same === 1;
    else {
      state.under = clear && (config.maxRatePerMinute === null || rate <= config.maxRatePerMinute) ? state.under + 1 : 0;
      cleared = state.under >= config.clearConsecutive;
    }
    if (cleared && mayRecover(state, config, at)) {
      state.alarm = null;
      state.under = 0;
      events.push({ type: 'recover', rule, value, at });
    }
    return { state, events };
  }
  if (config.threshold !== null && state.over >= config.consecutive) raise(state, config, 'threshold', value, at, events);
  else if (config.maxRatePerMinute !== null && rate > config.maxRatePerMinute) raise(state, config, 'rate_of_change', value, at, events);
  else if (config.stuckReadings !== null && state.same >= config.stuckReadings) raise(state, config, 'stuck_value', value, at, events);
  return { state, events };
}

/** The sensor said it is going offline (its last will), or the silence check found it silent. */
export function wentOffline(previous: RuleState, at: number): RuleOutcome {
  if (!previous.online) return { state: previous, events: [] };
  const state: RuleState = { ...previous, online: false, over: 0, under: 0 };
  const events: RuleEvent[] = [{ type: 'offline', at }];
  // A sensor already in alarm keeps that alarm (and its incident); otherwise the silence is the alarm.
  if (!state.alarm) {
    state.alarm = { rule: 'missing_heartbeat', since: at };
    events.push({ type: 'raise', rule: 'missing_heartbeat', value: null, at });
  }
  return { state, events };
}

/** Missing heartbeat: offline once silent for offlineAfterMs since max(last seen, watching since). */
export function checkSilence(previous: RuleState, config: RuleConfig, now: number, watchingSince: number): RuleOutcome {
  if (!previous.online || previous.lastSeen === null) return { state: previous, events: [] };
  if (now - Math.max(previous.lastSeen, watchingSince) < config.offlineAfterMs) return { state: previous, events: [] };
  return wentOffline(previous, now);
}
