/** The sensor rules on hand-made series: hysteresis and N in a row, rate of change, stuck value, heartbeat, flapping. */
import { describe, expect, it } from 'vitest';
import {
  checkSilence,
  displayState,
  evaluateReading,
  initialRuleState,
  seen,
  wentOffline,
  type RuleConfig,
  type RuleEvent,
  type RuleState,
} from './sensor-rules.js';

const MIN = 60_000;
const base: RuleConfig = {
  threshold: 20,
  hysteresis: 5,
  consecutive: 3,
  clearConsecutive: 2,
  maxRatePerMinute: null,
  stuckReadings: null,
  offlineAfterMs: 15 * MIN,
  minAlarmMs: 0,
  flapWindowMs: 30 * MIN,
  maxRaisesInWindow: 100,
};

/** Feeds values one minute apart; returns the events with the index of the reading that caused them. */
function feed(values: number[], config: RuleConfig = base, start: RuleState = initialRuleState()) {
  let state = start;
  const events: (RuleEvent & { i: number })[] = [];
  values.forEach((value, i) => {
    const out = evaluateReading(state, config, value, i * MIN);
    state = out.state;
    events.push(...out.events.map((e) => ({ ...e, i })));
  });
  return { state, events: events.map(({ type, i, ...rest }) => ({ type, i, rule: 'rule' in rest ? rest.rule : undefined })) };
}

describe('threshold with hysteresis and N consecutive readings', () => {
  it('raises only after three readings in a row at or over the threshold', () => {
    expect(feed([10, 25, 30, 12, 21, 22]).events).toEqual([]);
    expect(feed([10, 25, 30, 20]).events).toEqual([{ type: 'raise', i: 3, rule: 'threshold' }]);
  });

  it('recovers only after two readings in a row under threshold − hysteresis', () => {
    const { events, state } = feed([21, 21, 21, 17, 14, 16, 14, 13]);
    // 17 is under the threshold but inside the hysteresis band; 16 breaks the run of clear readings.
    expect(events).toEqual([
      { type: 'raise', i: 2, rule: 'threshold' },
      { type: 'recover', i: 7, rule: 'threshold' },
    ]);
    expect(displayState(state)).toBe('normal');
  });

  it('damps flapping: an alarm stays its minimum time, and a sensor that keeps flapping stays in alarm', () => {
    const hold = { ...base, consecutive: 1, clearConsecutive: 1, minAlarmMs: 5 * MIN };
    expect(feed([25, 10, 10, 10, 10, 10, 10], hold).events).toEqual([
      { type: 'raise', i: 0, rule: 'threshold' },
      { type: 'recover', i: 5, rule: 'threshold' },
    ]);
    const flappy = { ...base, consecutive: 1, clearConsecutive: 1, maxRaisesInWindow: 2, flapWindowMs: 10 * MIN };
    // Raise, recover, raise again: the third would-be recovery waits until the window is quiet.
    const { events } = feed([25, 10, 25, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10], flappy);
    expect(events).toEqual([
      { type: 'raise', i: 0, rule: 'threshold' },
      { type: 'recover', i: 1, rule: 'threshold' },
      { type: 'raise', i: 2, rule: 'threshold' },
      { type: 'recover', i: 10, rule: 'threshold' },
    ]);
  });
});

describe('rate of change', () => {
  it('raises on a jump faster than the limit per minute, not on a slow climb', () => {
    const rate = { ...base, threshold: 100, maxRatePerMinute: 5 };
    expect(feed([0, 4, 8, 12, 16], rate).events).toEqual([]);
    expect(feed([0, 2, 9], rate).events).toEqual([{ type: 'raise', i: 2, rule: 'rate_of_change' }]);
  });

  it('ignores the step across a long gap (the sensor was silent)', () => {
    const rate = { ...base, threshold: 100, maxRatePerMinute: 5 };
    let state = evaluateReading(initialRuleState(), rate, 0, 0).state;
    const out = evaluateReading(state, rate, 50, 20 * MIN);
    expect(out.events).toEqual([]);
    state = out.state;
    expect(state.lastValue).toBe(50);
  });
});

describe('stuck value', () => {
  it('raises after N identical readings and recovers on the first different one', () => {
    const stuck = { ...base, threshold: null, stuckReadings: 4 };
    expect(feed([55.1, 55.1, 55.1, 55.2, 55.2, 55.2], stuck).events).toEqual([]);
    expect(feed([55.1, 55.1, 55.1, 55.1, 55.1, 56], stuck).events).toEqual([
      { type: 'raise', i: 3, rule: 'stuck_value' },
      { type: 'recover', i: 5, rule: 'stuck_value' },
    ]);
  });
});

describe('missing heartbeat', () => {
  it('goes offline (an alarm) after the configured silence and back online at the next message', () => {
    let state = seen(initialRuleState(), 0).state;
    expect(checkSilence(state, base, 14 * MIN, 0).events).toEqual([]);
    const silent = checkSilence(state, base, 15 * MIN, 0);
    expect(silent.events).toEqual([
      { type: 'offline', at: 15 * MIN },
      { type: 'raise', rule: 'missing_heartbeat', value: null, at: 15 * MIN },
    ]);
    state = silent.state;
    expect(displayState(state)).toBe('offline');
    expect(checkSilence(state, base, 30 * MIN, 0).events).toEqual([]);
    const back = seen(state, 31 * MIN);
    expect(back.events).toEqual([
      { type: 'online', at: 31 * MIN },
      { type: 'recover', rule: 'missing_heartbeat', value: null, at: 31 * MIN },
    ]);
    expect(displayState(back.state)).toBe('normal');
  });

  it('counts the silence from when GridOps started watching, and never for a sensor never heard', () => {
    expect(checkSilence(initialRuleState(), base, 100 * MIN, 0).events).toEqual([]);
    const longAgo = seen(initialRuleState(), 0).state;
    expect(checkSilence(longAgo, base, 100 * MIN, 90 * MIN).events).toEqual([]);
  });

  it('keeps a threshold alarm when a sensor in alarm goes silent (last will)', () => {
    const inAlarm = feed([25, 25, 25]).state;
    const out = wentOffline(inAlarm, 5 * MIN);
    expect(out.events).toEqual([{ type: 'offline', at: 5 * MIN }]);
    expect(out.state.alarm?.rule).toBe('threshold');
    expect(seen(out.state, 6 * MIN).events).toEqual([{ type: 'online', at: 6 * MIN }]);
  });
});

describe('out-of-order readings', () => {
  /** Feeds (value, minute) pairs in the order given (not sorted). */
  function feedAt(series: [number, number][], config: RuleConfig = base, start: RuleState = initialRuleState()) {
    let state = start;
    const out: { type: string; i: number }[] = [];
    const late: number[] = [];
    series.forEach(([value, minute], i) => {
      const step = evaluateReading(state, config, value, minute * MIN);
      if (step.late) late.push(i);
      state = step.state;
      out.push(...step.events.map((e) => ({ type: e.type, i })));
    });
    return { state, events: out, late };
  }

  it('leaves a late reading out of the rules: it neither completes a run over the threshold nor resets it', () => {
    // Two over at minutes 5 and 6, then a late reading (minute 2) over the threshold: not a third in a row.
    const late = feedAt([
      [25, 5],
      [26, 6],
      [27, 2],
    ]);
    expect(late.events).toEqual([]);
    expect(late.late).toEqual([2]);
    expect(late.state).toMatchObject({ over: 2, lastValue: 26, lastAt: 6 * MIN });
    // A late reading under the threshold does not break the run: the next newer one raises.
    const run = feedAt([
      [25, 5],
      [26, 6],
      [3, 1],
      [27, 7],
    ]);
    expect(run.events).toEqual([{ type: 'raise', i: 3 }]);
    expect(run.late).toEqual([2]);
  });

  it('does not recover an alarm, nor move the last value back, on a late reading', () => {
    const raised = feedAt([
      [25, 1],
      [26, 2],
      [27, 3],
    ]);
    expect(raised.events).toEqual([{ type: 'raise', i: 2 }]);
    const after = feedAt(
      [
        [1, 0],
        [2, 0.5],
        [3, 2.5],
      ],
      base,
      raised.state,
    );
    expect(after.events).toEqual([]);
    expect(after.late).toEqual([0, 1, 2]);
    expect(displayState(after.state)).toBe('alarm');
    expect(after.state).toBe(raised.state);
  });

  it('treats a re-delivered reading (same observed time) as late: the same breach never raises twice', () => {
    const config = { ...base, consecutive: 1 };
    const first = feedAt([[25, 1]], config);
    expect(first.events).toEqual([{ type: 'raise', i: 0 }]);
    // Recovered, then the first breach re-delivered: nothing.
    const recovered = feedAt(
      [
        [5, 2],
        [4, 3],
      ],
      config,
      first.state,
    );
    expect(recovered.events).toEqual([{ type: 'recover', i: 1 }]);
    const again = feedAt(
      [
        [25, 1],
        [25, 3],
      ],
      config,
      recovered.state,
    );
    expect(again.events).toEqual([]);
    expect(again.late).toEqual([0, 1]);
  });

  it('does not bring an offline sensor online on a late reading (a heartbeat or a newer reading does)', () => {
    const config = { ...base, offlineAfterMs: 5 * MIN };
    const before = feedAt(
      [
        [10, 1],
        [11, 2],
      ],
      config,
    ).state;
    const offline = wentOffline(before, 10 * MIN).state;
    const late = evaluateReading(offline, config, 12, 2 * MIN);
    expect(late.late).toBe(true);
    expect(displayState(late.state)).toBe('offline');
    const newer = evaluateReading(offline, config, 12, 11 * MIN);
    expect(displayState(newer.state)).toBe('normal');
    expect(newer.events.map((e) => e.type)).toEqual(['online', 'recover']);
  });
});
