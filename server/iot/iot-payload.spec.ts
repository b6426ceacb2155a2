/** Sensor topics and payloads: what is accepted, and the reason for each refusal. */
import { describe, expect, it } from 'vitest';
import { parseSensorMessage, type PayloadLimits } from './iot-payload.js';
import { parseSensorTopic, sensorTopic, sharedFilter, SENSOR_TOPIC_FILTER } from './iot-topics.js';

const now = new Date('2026-12-07T10:00:00Z');
const limits: PayloadLimits = { maxBytes: 256, maxFutureMs: 120_000, maxAgeMs: 86_400_000 };
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const reading = (payload: unknown) => parseSensorMessage('reading', bytes(payload), now, limits);

describe('sensor topics', () => {
  it('parses the three message kinds of a sensor and nothing else', () => {
    expect(parseSensorTopic('gridops/sensors/SM0000123/reading')).toEqual({ sensorCode: 'SM0000123', kind: 'reading' });
    expect(parseSensorTopic(sensorTopic('GS0000001', 'status'))).toEqual({ sensorCode: 'GS0000001', kind: 'status' });
    for (const bad of [
      'gridops/sensors/SM0000123',
      'gridops/sensors/SM0000123/reading/x',
      'gridops/sensors/sm0000123/reading',
      'gridops/sensors/SM0000123/command',
      'other/sensors/SM0000123/reading',
      'gridops/sensors/+/reading',
    ]) {
      expect(parseSensorTopic(bad), bad).toBeNull();
    }
    expect(sharedFilter(SENSOR_TOPIC_FILTER)).toBe('$share/gridops/gridops/sensors/+/+');
  });
});

describe('sensor payloads', () => {
  it('accepts a reading with ISO or epoch time and optional battery and signal', () => {
    expect(reading({ value: 3.5, unit: '%LEL', observedAt: '2026-12-07T09:59:00Z', battery: 80, signal: -70 })).toEqual({
      ok: true,
      message: { kind: 'reading', value: 3.5, unit: '%LEL', observedAt: new Date('2026-12-07T09:59:00Z'), battery: 80, signal: -70 },
    });
    const epoch = reading({ value: 0, observedAt: now.getTime() - 1000 });
    expect(epoch.ok && epoch.message.kind === 'reading' && epoch.message.observedAt.getTime()).toBe(now.getTime() - 1000);
  });

  it('refuses each kind of bad payload with its reason', () => {
    expect(reading('{"value": 1,')).toEqual({ ok: false, reason: 'malformed_json' });
    expect(reading('{"value": NaN, "observedAt": 1}')).toEqual({ ok: false, reason: 'malformed_json' });
    expect(reading('{"value": 1e400, "observedAt": "2026-12-07T10:00:00Z"}')).toEqual({ ok: false, reason: 'not_finite' });
    expect(reading({ value: '3', observedAt: now.toISOString() })).toEqual({ ok: false, reason: 'invalid_payload' });
    expect(reading({ value: 3 })).toEqual({ ok: false, reason: 'invalid_payload' });
    expect(reading({ value: 3, observedAt: now.toISOString(), extra: 1 })).toEqual({ ok: false, reason: 'invalid_payload' });
    expect(reading({ value: 3, observedAt: now.toISOString(), battery: 120 })).toEqual({ ok: false, reason: 'invalid_payload' });
    expect(reading({ value: 3, observedAt: '2026-12-07T10:02:01Z' })).toEqual({ ok: false, reason: 'future_time' });
    expect(reading({ value: 3, observedAt: '2026-12-07T10:01:59Z' }).ok).toBe(true);
    expect(reading({ value: 3, observedAt: '2026-12-06T09:59:59Z' })).toEqual({ ok: false, reason: 'too_old' });
    expect(reading({ value: 3, observedAt: now.toISOString(), unit: 'x'.repeat(300) })).toEqual({ ok: false, reason: 'oversized' });
    expect(reading('[1,2]')).toEqual({ ok: false, reason: 'invalid_payload' });
  });

  it('parses heartbeats and status messages (a last will carries no time: now)', () => {
    expect(parseSensorMessage('heartbeat', bytes({ observedAt: now.toISOString(), battery: 50 }), now, limits)).toEqual({
      ok: true,
      message: { kind: 'heartbeat', observedAt: now, battery: 50, signal: null },
    });
    expect(parseSensorMessage('status', bytes({ status: 'offline' }), now, limits)).toEqual({
      ok: true,
      message: { kind: 'status', status: 'offline', observedAt: now },
    });
    expect(parseSensorMessage('status', bytes({ status: 'asleep' }), now, limits)).toEqual({ ok: false, reason: 'invalid_payload' });
  });
});
