/**
 * DISPATCH_MODE=simulate: the city's sensors publish over real MQTT — the `mqtt` client package, to whichever broker
 * is configured (the embedded one with an in-memory gateway credential of the whole city, or MQTT_URL with
 * MQTT_USERNAME / MQTT_PASSWORD) — through IOT_SIMULATOR_CONNECTIONS connections, as gateways do.
 *
 * Each sensor reads every IOT_SIMULATOR_READING_SECONDS (spread evenly over the period) with its kind's daily pattern
 * (sensor-patterns.ts); faults start at IOT_SIMULATOR_FAULTS_PER_HOUR city-wide: a breach over the threshold (5
 * minutes), a stuck value (for kinds with a stuck rule, 40 readings) or a silence (20 minutes: the missing-heartbeat
 * rule sends it offline). Only generated sensors; nothing outside this process is contacted but the broker.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { sensorTopic } from './iot-topics.js';
import { KIND_RULES } from './sensor-rule-config.js';
import { breachValue, normalValue, unitHash, type SensorFault } from './sensor-patterns.js';
import type { SensorEntry } from './sensor-directory.js';

export interface SensorSimulatorOptions {
  brokerUrl: string;
  username: string | null;
  password: string | null;
  sensors: readonly SensorEntry[];
  readingSeconds: number;
  faultsPerHour: number;
  connections: number;
  clock: Clock;
  logger: Logger;
  /** Random numbers (tests pass a seeded one). */
  random?: () => number;
}

interface ActiveFault {
  kind: SensorFault;
  until: number;
  value: number;
}

const FAULT_MS: Record<SensorFault, number> = { breach: 5 * 60_000, stuck: 45 * 60_000, silent: 20 * 60_000 };
const TICK_MS = 250;

export interface SensorSimulator {
  readonly published: number;
  readonly faultsStarted: number;
  stop(): Promise<void>;
}

export function startSensorSimulator(options: SensorSimulatorOptions): SensorSimulator {
  const { sensors, clock, logger } = options;
  const random = options.random ?? Math.random;
  const clients: MqttClient[] = [];
  // Connected in the background, never awaited: a slow or absent broker must not stop the server's start-up;
  // a connection publishes once it is up (and again after a reconnect).
  for (let i = 0; i < Math.max(1, options.connections); i += 1) {
    const client = mqtt.connect(options.brokerUrl, {
      clientId: `gridops-simulator-${i}-${process.pid}`,
      username: options.username ?? undefined,
      password: options.password ?? undefined,
      reconnectPeriod: 2000,
      connectTimeout: 60_000,
    });
    client.on('error', (error) => logger.warn({ error: error.message }, 'iot: simulator connection error'));
    clients.push(client);
  }
  const faults = new Map<string, ActiveFault>();
  const periodMs = options.readingSeconds * 1000;
  let published = 0;
  let faultsStarted = 0;
  let last = clock.now().getTime();
  let stopped = false;

  const startFault = (now: number) => {
    const sensor = sensors[Math.floor(random() * sensors.length)];
    if (!sensor || faults.has(sensor.code)) return;
    const r = random();
    let kind: SensorFault = r < 0.6 ? 'breach' : r < 0.8 ? 'stuck' : 'silent';
    if (kind === 'stuck' && !KIND_RULES[sensor.kind]?.stuckReadings) kind = 'breach';
    faults.set(sensor.code, { kind, until: now + FAULT_MS[kind], value: normalValue(sensor.kind, sensor.code, now) });
    faultsStarted += 1;
  };

  const valueOf = (sensor: SensorEntry, now: number): number | null => {
    const fault = faults.get(sensor.code);
    if (fault && fault.until < now) faults.delete(sensor.code);
    else if (fault?.kind === 'silent') return null;
    else if (fault?.kind === 'stuck') return fault.value;
    else if (fault?.kind === 'breach') return breachValue(sensor.kind, sensor.threshold, sensor.code, now);
    return normalValue(sensor.kind, sensor.code, now);
  };

  const tick = () => {
    if (stopped) return;
    const now = clock.now().getTime();
    // Sensor i reads when its phase (a fixed share of the period) falls in (last, now].
    const from = last;
    last = now;
    if (now <= from) return;
    const expected = ((now - from) / 3_600_000) * options.faultsPerHour;
    for (let k = Math.floor(expected) + (random() < expected % 1 ? 1 : 0); k > 0; k -= 1) startFault(now);
    const span = Math.min(now - from, periodMs);
    for (let i = 0; i < sensors.length; i += 1) {
      const sensor = sensors[i];
      const phase = unitHash(sensor.code, 0) * periodMs;
      const due = Math.floor((now - phase) / periodMs) * periodMs + phase;
      if (due <= now - span || due > now) continue;
      const value = valueOf(sensor, due);
      if (value === null) continue;
      const client = clients[i % clients.length];
      if (!client.connected) continue;
      const payload = JSON.stringify({
        value,
        unit: sensor.measurementUnit,
        observedAt: new Date(due).toISOString(),
        battery: Math.round(60 + 40 * unitHash(sensor.code, 1)),
      });
      client.publish(sensorTopic(sensor.code, 'reading'), payload, { qos: 1 }, (error) => {
        if (!error) published += 1;
      });
    }
  };
  const timer = setInterval(tick, TICK_MS);
  logger.info(
    { sensors: sensors.length, readingSeconds: options.readingSeconds, faultsPerHour: options.faultsPerHour, connections: clients.length },
    'iot: sensor simulator publishing',
  );
  return {
    get published() {
      return published;
    },
    get faultsStarted() {
      return faultsStarted;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(clients.map((c) => c.endAsync(true)));
    },
  };
}
