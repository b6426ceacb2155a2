/**
 * An external broker (MQTT_URL: Mosquitto, EMQX): GridOps subscribes as a client with the `mqtt` package, to the
 * sensor tree with QoS 1 — as a shared subscription (`$share/gridops/gridops/sensors/+/+`) unless
 * MQTT_SHARED_SUBSCRIPTION=false, so that several GridOps servers share the load — and hands every message to the
 * same ingest as the embedded broker (reading-ingest.ts).
 *
 * Acknowledgement after the durable write, without serialising the stream: mqtt.js handles incoming packets one
 * at a time and sends the PUBACK when `handleMessage` calls back, which would allow one message per batch. So
 * `handleMessage` calls back at once with a marker error (mqtt.js then skips its own PUBACK and goes on to the
 * next packet) and the PUBACK is sent here when the message's batch has committed. A message whose batch failed
 * is never acknowledged: the broker sends it again (DUP) after the reconnect, and the database skips what it
 * already holds. Throughput on this path is bounded by the broker's in-flight window per subscriber
 * (Mosquitto `max_inflight_messages`, EMQX `max_inflight`) divided by the batch latency: raise the window.
 *
 * The client reconnects by itself (mqtt.js `reconnectPeriod`) and subscribes again on every connect.
 * Authorisation of devices on an external broker is that broker's configuration (Mosquitto ACL `pattern write
 * gridops/sensors/%u/#`): GridOps checks only that the sensor exists.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { ReadingIngest } from './reading-ingest.js';
import { SENSOR_TOPIC_FILTER, sharedFilter } from './iot-topics.js';

export interface ExternalBrokerOptions {
  url: string;
  username?: string;
  password?: string;
  clientId: string;
  shared: boolean;
  ingest: ReadingIngest;
  logger: Logger;
  /** Milliseconds between reconnect attempts. */
  reconnectMs?: number;
}

export interface ExternalBrokerSubscriber {
  readonly connected: boolean;
  /** Resolves on the next (re)subscription: tests wait for it after a broker restart. */
  subscribed(): Promise<void>;
  close(): Promise<void>;
}

const ACK_LATER = Object.freeze(new Error('gridops: acknowledged after the durable write'));

/** Redacts the password of a broker URL for logs. */
export function redactBrokerUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}`;
  } catch {
    return '(unparseable MQTT_URL)';
  }
}

/** Connects in the background (start-up does not wait for the broker); `ready` resolves on the first subscription. */
export function connectExternalBroker(options: ExternalBrokerOptions): ExternalBrokerSubscriber & { ready: Promise<void> } {
  const { ingest, logger } = options;
  const filter = options.shared ? sharedFilter(SENSOR_TOPIC_FILTER) : SENSOR_TOPIC_FILTER;
  const client: MqttClient = mqtt.connect(options.url, {
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    protocolVersion: 4,
    // A persistent session: the broker keeps our subscription and queues QoS 1 messages while we reconnect.
    clean: false,
    reconnectPeriod: options.reconnectMs ?? 1000,
    connectTimeout: 10_000,
    resubscribe: false,
  });
  const sendPuback = (messageId: number) =>
    (client as unknown as { _sendPacket(packet: { cmd: 'puback'; messageId: number }, cb: () => void): void })._sendPacket(
      { cmd: 'puback', messageId },
      () => undefined,
    );

  client.handleMessage = (packet, callback) => {
    if (packet.cmd !== 'publish') return callback();
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const handled = ingest.handleMessage(packet.topic, payload);
    if (packet.qos !== 1 || packet.messageId === undefined) {
      handled.catch(() => undefined);
      return callback();
    }
    const messageId = packet.messageId;
    handled.then(
      () => {
        if (client.connected) sendPuback(messageId);
      },
      () => undefined,
    );
    callback(ACK_LATER);
  };

  let waiters: (() => void)[] = [];
  client.on('connect', () => {
    client.subscribe(filter, { qos: 1 }, (error) => {
      if (error) {
        logger.error({ error: error.message }, 'mqtt: subscribe to the external broker failed');
        return;
      }
      logger.info({ broker: redactBrokerUrl(options.url), filter }, 'mqtt: subscribed to the external broker');
      const ready = waiters;
      waiters = [];
      for (const w of ready) w();
    });
  });
  client.on('reconnect', () => logger.warn({ broker: redactBrokerUrl(options.url) }, 'mqtt: reconnecting to the external broker'));
  client.on('error', (error) => logger.warn({ error: error.message }, 'mqtt: external broker error'));

  const subscriber: ExternalBrokerSubscriber = {
    get connected() {
      return client.connected;
    },
    subscribed: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: () => client.endAsync().then(() => undefined),
  };
  return Object.assign(subscriber, { ready: subscriber.subscribed() });
}
