/**
 * Who may do what on the embedded broker. Pure: the identity comes from device-credentials.ts, the sensors from
 * the directory.
 *
 * - sensor:  publishes only to gridops/sensors/<its code>/…, subscribes only under it (commands to the device);
 * - gateway: publishes for the sensors whose micro-grid lies under its scope; subscribes like a monitor;
 * - monitor: never publishes; subscribes to gridops/sensors/… and receives only the messages of sensors in its
 *   scope (authorizeForward filters each message);
 * - GridOps' own simulator connects as an in-memory gateway of the whole city.
 * Nothing else: no other topic tree, no $SYS.
 */
import { parseSensorTopic, SENSOR_TOPIC_ROOT } from './iot-topics.js';
import type { SensorDirectory } from './sensor-directory.js';

export type DeviceKind = 'sensor' | 'gateway' | 'monitor';

export interface DeviceIdentity {
  kind: DeviceKind;
  username: string;
  /** A sensor credential's own sensor. */
  sensorCode: string | null;
  /** A unit code or 'city'. */
  scopeCode: string;
  credentialId: number | null;
}

function inScope(identity: DeviceIdentity, microGridCode: string): boolean {
  return identity.scopeCode === 'city' || microGridCode.startsWith(identity.scopeCode);
}

export function mayPublish(identity: DeviceIdentity, topic: string, directory: SensorDirectory): boolean {
  const parsed = parseSensorTopic(topic);
  if (!parsed) return false;
  if (identity.kind === 'sensor') return parsed.sensorCode === identity.sensorCode;
  if (identity.kind === 'gateway') {
    const sensor = directory.get(parsed.sensorCode);
    return sensor !== undefined && inScope(identity, sensor.microGridCode);
  }
  return false;
}

export function maySubscribe(identity: DeviceIdentity, filter: string): boolean {
  if (identity.kind === 'sensor') {
    const own = `${SENSOR_TOPIC_ROOT}/${identity.sensorCode}/`;
    return filter.startsWith(own) && !filter.slice(0, own.length).includes('+');
  }
  // Gateways and monitors: the sensor tree only (wildcards allowed; delivery is filtered per message).
  return filter === `${SENSOR_TOPIC_ROOT}/#` || filter.startsWith(`${SENSOR_TOPIC_ROOT}/`);
}

/** Whether a message on `topic` may be delivered to a subscriber with this identity. */
export function mayReceive(identity: DeviceIdentity, topic: string, directory: SensorDirectory): boolean {
  const parsed = parseSensorTopic(topic);
  if (!parsed) return false;
  if (identity.kind === 'sensor') return parsed.sensorCode === identity.sensorCode;
  const sensor = directory.get(parsed.sensorCode);
  return sensor !== undefined && inScope(identity, sensor.microGridCode);
}
