/** The simulated sensors' daily patterns stay quiet under the rules; an injected breach trips them. */
import { describe, expect, it } from 'vitest';
import { SENSOR_KINDS } from '../seed/sensor-kinds.js';
import { breachValue, normalValue } from './sensor-patterns.js';
import { ruleConfigFor } from './sensor-rule-config.js';
import { evaluateReading, initialRuleState, type RuleEvent } from './sensor-rules.js';

const DAY = Date.parse('2026-12-07T00:00:00+08:00');

describe('simulated sensor patterns', () => {
  it.each(SENSOR_KINDS.map((k) => [k.kind, k.threshold] as const))(
    '%s: a whole day of normal readings every minute raises nothing',
    (kind, threshold) => {
      const config = ruleConfigFor(kind, threshold, 15 * 60_000);
      let state = initialRuleState();
      const events: RuleEvent[] = [];
      for (let minute = 0; minute < 24 * 60; minute += 1) {
        const at = DAY + minute * 60_000;
        const value = normalValue(kind, `${kind}-0001`, at);
        expect(value).toBeLessThan(threshold);
        const out = evaluateReading(state, { ...config, stuckReadings: null }, value, at);
        state = out.state;
        events.push(...out.events);
      }
      expect(events).toEqual([]);
    },
  );

  it.each(SENSOR_KINDS.map((k) => [k.kind, k.threshold] as const))('%s: a breach is over the threshold', (kind, threshold) => {
    expect(breachValue(kind, threshold, `${kind}-0001`, DAY)).toBeGreaterThanOrEqual(threshold);
  });

  it('follows the day: roads are louder at the evening rush than at 3 a.m.', () => {
    expect(normalValue('noise', 'NS0001', DAY + 18 * 3_600_000)).toBeGreaterThan(normalValue('noise', 'NS0001', DAY + 3 * 3_600_000) + 5);
  });
});
