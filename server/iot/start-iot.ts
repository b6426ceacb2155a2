/**
 * The IoT service: sensor directory → ingest (reading-ingest.ts) → rules (sensor-rule-engine.ts) → broker (the embedded aedes broker, or a
 * subscription to MQTT_URL) → partition maintenance (hourly). main.ts starts it after the database is ready;
 * `close()` stops taking messages, writes what is pending and closes the broker.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { SchedulerLeadership } from '../cluster/scheduler-leadership.js';
import type { IotConfig } from '../config/load-config.js';
import type { Database } from '../db/database.js';
import type { DomainEvents } from '../events/domain-events.js';
import { createInternalCredentials, type InternalCredentials } from './device-credentials.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.js';
import { connectExternalBroker, type ExternalBrokerSubscriber } from './external-broker.js';
import { createIngestStats, type IngestStats } from './ingest-stats.js';
import type { IotControl } from './iot.route.js';
import { createReadingIngest, type ReadingIngest } from './reading-ingest.js';
import { maintainReadingPartitions, startPartitionMaintenance } from './reading-partitions.js';
import { advanceRollupWatermark, rebuildRollups } from './rollup-recovery.js';
import { loadSensorDirectory, type SensorEntry } from './sensor-directory.js';
import { createSensorRuleEngine, type SensorRuleEngine } from './sensor-rule-engine.js';

export interface IotDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  events: DomainEvents;
  config: IotConfig;
  /**
   * The deployment's scheduler leadership (main.ts): the hourly partition maintenance runs only while this instance
   * leads. Absent (tests, benches): this process maintains them itself.
   */
  leadership?: Pick<SchedulerLeadership, 'whileLeader'>;
  /** Shared with the routes (GET /api/iot/ingest-stats); created when absent. */
  stats?: IngestStats;
}

export interface IotService extends IotControl {
  readonly directory: ReadonlyMap<string, SensorEntry>;
  readonly ingest: ReadingIngest;
  readonly rules: SensorRuleEngine;
  /** The embedded broker, or null with MQTT_URL. */
  readonly broker: EmbeddedBroker | null;
  readonly subscriber: (ExternalBrokerSubscriber & { ready: Promise<void> }) | null;
  /** Where devices (and the simulator) connect: the embedded broker's address or MQTT_URL. */
  readonly brokerUrl: string;
  /** Credentials that live only in this process (the simulator's gateway). */
  readonly internal: InternalCredentials;
  close(): Promise<void>;
}

export async function startIot(deps: IotDeps): Promise<IotService> {
  const { db, clock, logger, config } = deps;
  const stats = deps.stats ?? createIngestStats();
  const policy = { maxAgeMs: config.maxReadingAgeMs, retentionDays: config.rawRetentionDays, daysAhead: 2 };
  // The daily partitions: created ahead and dropped after the retention, hourly — by the deployment's scheduler
  // leader when a leadership is given (reading-partitions.ts), else by this process, a first pass before the first
  // batch. (A batch dated on a day nobody created yet creates that day itself: reading-ingest.ts.)
  let stopMaintenance: (() => void) | null = null;
  if (deps.leadership) {
    deps.leadership.whileLeader('iot-partitions', () => startPartitionMaintenance({ db, clock, logger, policy }));
  } else {
    await maintainReadingPartitions(db, clock.now(), policy).catch((error: unknown) =>
      logger.error({ error: (error as Error)?.name }, 'iot: partition maintenance failed'),
    );
    stopMaintenance = startPartitionMaintenance({ db, clock, logger, policy, firstPassNow: false });
  }

  // What the last run's rollup buffer may have lost (kill -9), rebuilt from the raw readings before the rules read
  // each sensor's newest reading from sensor_latest.
  const rebuilt = await rebuildRollups(db, clock.now(), config.maxReadingAgeMs);
  if (rebuilt.hours || rebuilt.sensors) logger.info(rebuilt, 'iot: rollups and latest values rebuilt from the raw readings');
  const directory = await loadSensorDirectory(db);
  const ingest = createReadingIngest({
    db,
    directory,
    stats,
    now: () => clock.now(),
    limits: { maxBytes: config.maxPayloadBytes, maxFutureMs: config.clockSkewMs, maxAgeMs: config.maxReadingAgeMs },
    batchWindowMs: config.batchMs,
    batchMaxRows: config.batchMax,
    rollupFlushMs: config.rollupFlushMs,
    logger,
    onRollupsWritten: (through) => advanceRollupWatermark(db, through),
  });
  const rules = await createSensorRuleEngine({ db, clock, logger, events: deps.events, stats, directory, offlineAfterMs: config.offlineAfterMs });
  ingest.setListener(rules);
  const internal = createInternalCredentials();
  let broker: EmbeddedBroker | null = null;
  let subscriber: IotService['subscriber'] = null;
  let brokerUrl: string;
  if (config.mqtt.url) {
    subscriber = connectExternalBroker({
      url: config.mqtt.url,
      username: config.mqtt.username ?? undefined,
      password: config.mqtt.password ?? undefined,
      clientId: config.mqtt.clientId,
      shared: config.mqtt.shared,
      ingest,
      logger,
    });
    brokerUrl = config.mqtt.url;
  } else {
    broker = await startEmbeddedBroker({
      host: config.mqtt.host,
      port: config.mqtt.port,
      db,
      directory,
      internal,
      ingest,
      stats,
      logger,
      maxPending: config.maxPending,
    });
    brokerUrl = `mqtt://${config.mqtt.host.includes(':') ? `[${config.mqtt.host}]` : config.mqtt.host}:${broker.port}`;
  }
  logger.info({ sensors: directory.size, broker: broker ? 'embedded' : 'external' }, 'iot: ingest ready');
  return {
    stats,
    directory,
    ingest,
    rules,
    broker,
    subscriber,
    brokerUrl,
    internal,
    credentialRevoked(username) {
      broker?.disconnect(username);
    },
    rulesChanged: () => rules.reloadOverrides(),
    async close() {
      stopMaintenance?.();
      await subscriber?.close();
      await broker?.close();
      await ingest.flush();
      rules.stop();
      await rules.idle();
    },
  };
}
