/**
 * The embedded MQTT broker (aedes 1.x) on MQTT_HOST:MQTT_PORT, with device identity:
 * - authenticate: username + secret (device-credentials.ts; the simulator's in-memory credential first);
 *   anonymous connections are refused, and so is a last will on a topic the device may not publish to;
 * - authorizePublish: a device publishes only to its own topics (device-authorization.ts); a forbidden publish is
 *   counted (`topic_forbidden`) and the connection closed (MQTT 3.1.1 has no negative PUBACK). An allowed sensor
 *   message goes through the ingest here, before aedes sends the PUBACK — aedes 1.x acknowledges QoS 1 right after
 *   authorizePublish — so the PUBACK follows the durable write (reading-ingest.ts);
 * - authorizeSubscribe / authorizeForward: only the sensor tree, and each message only to subscribers whose scope
 *   covers the sensor.
 * A device's last will (`…/status` {"status":"offline"}) passes authorizePublish too, so it reaches the rules.
 * In-flight limit: above IOT_MAX_PENDING messages taken and not yet stored, PUBACKs are held and idle connections
 * paused until the ingest catches up (ingest-backpressure.ts).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes, type Client } from 'aedes';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { mayPublish, mayReceive, maySubscribe, type DeviceIdentity } from './device-authorization.js';
import { verifyDeviceCredential, type InternalCredentials } from './device-credentials.js';
import { createIngestGate, type PausableClient } from './ingest-backpressure.js';
import type { IngestStats } from './ingest-stats.js';
import type { ReadingIngest } from './reading-ingest.js';
import type { SensorDirectory } from './sensor-directory.js';

export interface EmbeddedBroker {
  readonly port: number;
  readonly host: string;
  /** Connected clients. */
  readonly connections: number;
  /** Close every connection authenticated as `username` (its credential was revoked). */
  disconnect(username: string): number;
  close(): Promise<void>;
}

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  db: Database;
  directory: SensorDirectory;
  internal: InternalCredentials;
  ingest: ReadingIngest;
  stats: IngestStats;
  logger: Logger;
  /** Messages taken and not yet stored above which the broker stops taking more (IOT_MAX_PENDING). */
  maxPending: number;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { db, directory, internal, ingest, stats, logger } = options;
  const identities = new WeakMap<Client, DeviceIdentity>();
  const byUsername = new Map<string, Set<Client>>();
  const gate = createIngestGate(ingest, options.maxPending, stats);
  const broker = await Aedes.createBroker({
    // MQTT 3.1.1 return code 4: bad user name or password; 5: not authorized.
    authenticate: (client, username, password, done) => {
      const secret = password ? password.toString('utf8') : '';
      const refuse = (code: 4 | 5) => done(Object.assign(new Error('not authorized'), { returnCode: code }), false);
      if (!username || !secret) return refuse(4);
      const found = internal.verify(username, secret);
      const lookup = found ? Promise.resolve(found) : verifyDeviceCredential(db, username, secret);
      lookup.then(
        (identity) => {
          if (!identity) return refuse(4);
          const will = (client as unknown as { _will?: { topic: string } | null })._will;
          if (will && !mayPublish(identity, will.topic, directory)) {
            stats.countRejected('topic_forbidden');
            return refuse(5);
          }
          identities.set(client, identity);
          let clients = byUsername.get(identity.username);
          if (!clients) byUsername.set(identity.username, (clients = new Set()));
          clients.add(client);
          done(null, true);
        },
        () => refuse(4),
      );
    },
    authorizePublish: (client, packet, done) => {
      const identity = client ? identities.get(client) : undefined;
      // The broker's own publishes (none today) have no client.
      if (!client) return done(null);
      if (!identity || !mayPublish(identity, packet.topic, directory)) {
        stats.countRejected('topic_forbidden');
        return done(new Error('publish not authorized'));
      }
      const stored = ingest.handleMessage(packet.topic, packet.payload as Buffer);
      gate.taken();
      stored.then(
        () => gate.acknowledge(() => done(null)),
        (error: Error) => done(error),
      );
    },
    authorizeSubscribe: (client, subscription, done) => {
      const identity = client ? identities.get(client) : undefined;
      if (!identity || !maySubscribe(identity, subscription.topic)) return done(new Error('subscription not authorized'), null);
      done(null, subscription);
    },
    authorizeForward: (client, packet) => {
      const identity = identities.get(client);
      if (!identity || !mayReceive(identity, packet.topic, directory)) return null;
      return packet;
    },
  });
  // aedes 1.x clients have pause() and resume(), not in its type declarations.
  broker.on('client', (client) => gate.add(client as unknown as PausableClient));
  broker.on('clientDisconnect', (client) => {
    gate.remove(client as unknown as PausableClient);
    const identity = identities.get(client);
    const clients = identity ? byUsername.get(identity.username) : undefined;
    clients?.delete(client);
    if (clients?.size === 0) byUsername.delete(identity!.username);
  });
  broker.on('clientError', (_client, error) => logger.debug({ error: error.message }, 'mqtt: client error'));
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  logger.info({ mqtt: `mqtt://${options.host}:${address.port}` }, 'embedded MQTT broker listening');
  return {
    port: address.port,
    host: options.host,
    get connections() {
      return broker.connectedClients;
    },
    disconnect(username) {
      const clients = [...(byUsername.get(username) ?? [])];
      for (const client of clients) client.close();
      return clients.length;
    },
    async close() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await stopped;
    },
  };
}
