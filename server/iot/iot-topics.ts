/**
 * The MQTT topics of the sensor network: `gridops/sensors/{code}/reading|heartbeat|status`. A sensor code is two
 * capital letters and digits (server/seed/sensor-kinds.ts prefixes). Pure.
 */
export const SENSOR_TOPIC_ROOT = 'gridops/sensors';
export const SENSOR_MESSAGE_KINDS = ['reading', 'heartbeat', 'status'] as const;
export type SensorMessageKind = (typeof SENSOR_MESSAGE_KINDS)[number];

/** The filter GridOps subscribes with (or, on a shared-subscription broker, `$share/gridops/` + this). */
export const SENSOR_TOPIC_FILTER = `${SENSOR_TOPIC_ROOT}/+/+`;
export const SHARED_SUBSCRIPTION_GROUP = 'gridops';

const SENSOR_CODE = /^[A-Z]{2}\d{6,24}$/;

export function isSensorCode(code: string): boolean {
  return SENSOR_CODE.test(code);
}

export interface SensorTopic {
  sensorCode: string;
  kind: SensorMessageKind;
}

/** The sensor and message kind of a topic, or null when the topic is not a sensor topic. */
export function parseSensorTopic(topic: string): SensorTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 4 || parts[0] !== 'gridops' || parts[1] !== 'sensors') return null;
  const [, , sensorCode, kind] = parts;
  if (!isSensorCode(sensorCode) || !(SENSOR_MESSAGE_KINDS as readonly string[]).includes(kind)) return null;
  return { sensorCode, kind: kind as SensorMessageKind };
}

export function sensorTopic(sensorCode: string, kind: SensorMessageKind): string {
  return `${SENSOR_TOPIC_ROOT}/${sensorCode}/${kind}`;
}

/** The shared-subscription form of a filter (MQTT 5, and Mosquitto ≥ 2 / EMQX on 3.1.1). */
export function sharedFilter(filter: string, group = SHARED_SUBSCRIPTION_GROUP): string {
  return `$share/${group}/${filter}`;
}
