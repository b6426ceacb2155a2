/** Device authorisation on the embedded broker: own topics only, gateways and monitors by scope. */
import { describe, expect, it } from 'vitest';
import { mayPublish, mayReceive, maySubscribe, type DeviceIdentity } from './device-authorization.js';
import type { SensorEntry } from './sensor-directory.js';

const sensor = (code: string, microGridCode: string): SensorEntry => ({
  code,
  kind: 'smoke',
  measurementUnit: 'obscuration %/m',
  threshold: 3,
  microGridCode,
  lon: 118.9,
  lat: 32.1,
  state: 'normal',
  stateSince: null,
  alarmRule: null,
  incidentId: null,
  lastSeenAt: null,
  latestObservedAt: null,
  latestValue: null,
});
const directory = new Map([
  ['SM0000001', sensor('SM0000001', '320113007001001001')],
  ['SM0000002', sensor('SM0000002', '320113007002001001')],
  ['SM0000003', sensor('SM0000003', '320102001001001001')],
]);
const device = (kind: DeviceIdentity['kind'], extra: Partial<DeviceIdentity> = {}): DeviceIdentity => ({
  kind,
  username: 'x',
  sensorCode: null,
  scopeCode: 'city',
  credentialId: 1,
  ...extra,
});

describe('device authorisation', () => {
  const own = device('sensor', { sensorCode: 'SM0000001', username: 'SM0000001', scopeCode: '320113007001001001' });

  it('lets a sensor publish only to its own topics', () => {
    expect(mayPublish(own, 'gridops/sensors/SM0000001/reading', directory)).toBe(true);
    expect(mayPublish(own, 'gridops/sensors/SM0000001/status', directory)).toBe(true);
    expect(mayPublish(own, 'gridops/sensors/SM0000002/reading', directory)).toBe(false);
    expect(mayPublish(own, 'gridops/other', directory)).toBe(false);
    expect(mayPublish(own, '$SYS/x', directory)).toBe(false);
  });

  it('lets a sensor subscribe only under its own code', () => {
    expect(maySubscribe(own, 'gridops/sensors/SM0000001/command')).toBe(true);
    expect(maySubscribe(own, 'gridops/sensors/SM0000001/#')).toBe(true);
    expect(maySubscribe(own, 'gridops/sensors/+/reading')).toBe(false);
    expect(maySubscribe(own, 'gridops/sensors/#')).toBe(false);
    expect(maySubscribe(own, 'gridops/sensors/SM0000002/reading')).toBe(false);
  });

  it('lets a gateway publish for the sensors of its scope, a monitor nowhere', () => {
    const gateway = device('gateway', { scopeCode: '320113007' });
    expect(mayPublish(gateway, 'gridops/sensors/SM0000002/reading', directory)).toBe(true);
    expect(mayPublish(gateway, 'gridops/sensors/SM0000003/reading', directory)).toBe(false);
    expect(mayPublish(gateway, 'gridops/sensors/SM9999999/reading', directory)).toBe(false);
    expect(mayPublish(device('monitor'), 'gridops/sensors/SM0000001/reading', directory)).toBe(false);
  });

  it('delivers to a monitor only the messages of sensors in its scope', () => {
    const monitor = device('monitor', { scopeCode: '320113007' });
    expect(maySubscribe(monitor, 'gridops/sensors/#')).toBe(true);
    expect(maySubscribe(monitor, '#')).toBe(false);
    expect(mayReceive(monitor, 'gridops/sensors/SM0000001/reading', directory)).toBe(true);
    expect(mayReceive(monitor, 'gridops/sensors/SM0000003/reading', directory)).toBe(false);
    expect(mayReceive(device('monitor'), 'gridops/sensors/SM0000003/reading', directory)).toBe(true);
  });
});
