/** Start GridOps: open the database, migrate, seed when empty, serve. */
import { createApp } from './app.js';
import { systemClock } from './clock/clock.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { detectCapabilities } from './db/capabilities.js';
import { migrate } from './db/migrate.js';
import { openDatabase, openReadDatabase } from './db/open-database.js';
import { createLogger } from './logging/logger.js';
import { ensureAdministrator } from './auth/bootstrap-accounts.js';
import { startEscalationScheduler } from './incidents/escalation-scheduler.js';
import { startPlanPublicationScheduler } from './plans/plan-publication-scheduler.js';
import { createDomainEvents } from './events/domain-events.js';
import { createCitySimulator } from './simulator/city-simulator.js';
import { seededRandom } from './simulator/simulator-random.js';
import { createVideoAiSimulation } from './simulator/video-ai-simulation.js';
import { readDemoCatalogue } from './video/demo-clips.js';
import { attachLiveChannel } from './live/live-channel.js';
import { createRoadGraphStore } from './routing/road-graph-store.js';
import { isSeeded, seedDatabase } from './seed/seed-database.js';
import { warmTileCache } from './tiles/tile-warmup.js';
import { createIngestStats } from './iot/ingest-stats.js';
import { startIot, type IotService } from './iot/start-iot.js';
import { startSensorSimulator, type SensorSimulator } from './iot/sensor-simulator.js';
import { startSchedulerLeadership } from './cluster/scheduler-leadership.js';
import { startLiveLogRetention } from './cluster/live-log-retention.js';
import { readLiveLogStart } from './live/live-log-reader.js';
import { createServerMetrics } from './metrics/server-metrics.js';
import { createServerLifecycle } from './health/server-lifecycle.js';

async function main(): Promise<void> {
  const started = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config);
  logger.info({ mode: db.mode, database: db.description }, 'database opened');
  // Statistics, tiles and OGC reads on the read replica when DATABASE_READ_URL is set (else readDb is db).
  const readDb = await openReadDatabase(config, db);
  if (readDb !== db) logger.info({ database: readDb.description }, 'read replica opened (statistics, tiles, OGC reads)');
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const capabilities = await detectCapabilities(db);
  logger.info(
    {
      postgres: capabilities.postgresVersion,
      postgis: capabilities.postgisVersion,
      geos: capabilities.geosVersion,
      asMvt: capabilities.asMvt,
      coverageFunctions: capabilities.coverageFunctions,
      pgRouting: capabilities.pgRouting,
      spatialIndexesUnderRls: capabilities.spatialIndexesUnderRls,
    },
    'PostGIS capabilities',
  );
  if (!capabilities.spatialIndexesUnderRls) {
    logger.warn(
      'spatial predicates are not LEAKPROOF: queries under row-level security scan instead of using GiST indexes; run migration 0006 as a superuser',
    );
  }
  for (const column of capabilities.missingSpatialIndexes) logger.warn({ column }, 'geometry column without a spatial index');
  if (!(await isSeeded(db))) {
    if (!config.seedOnStart) {
      logger.warn('database is empty and SEED_ON_START=false: run npm run seed');
    } else {
      logger.info({ area: config.seedArea }, 'empty database: seeding (first start only)');
      await seedDatabase(db, {
        area: config.seedArea,
        rootDir: config.rootDir,
        devAccounts: config.devAccounts,
        onProgress: (step, detail) => logger.info(detail ?? {}, `seed: ${step}`),
      });
    }
  }
  const admin = await ensureAdministrator(db, config.adminPassword);
  if (admin.generatedPassword) {
    // Printed once to the terminal, never to the structured log.
    process.stdout.write(
      `\n  First start: administrator "admin" created with password ${admin.generatedPassword}\n  Store it now; it is not shown again.\n\n`,
    );
  } else if (admin.created) logger.info('administrator "admin" created with ADMIN_PASSWORD');
  const roads = createRoadGraphStore(db);
  // One set of domain events for the app, the schedulers and the live channel, so every change reaches the screens.
  const events = createDomainEvents((error, event) =>
    logger.error({ event: event.type, error: (error as Error)?.name }, 'domain event listener failed'),
  );
  // The IoT service starts after the app exists; the routes see its counters and revocations through this.
  const iotStats = createIngestStats();
  let iot: IotService | null = null;
  const iotControl = {
    stats: iotStats,
    credentialRevoked: (username: string) => iot?.credentialRevoked(username),
    rulesChanged: async () => iot?.rulesChanged(),
  };
  // Several instances on one real PostgreSQL (issue 24, server/cluster/): live updates through the live event log.
  const cluster = db.mode === 'postgres' && config.liveFanout === 'database';
  const metrics = createServerMetrics({ defaultMetrics: true });
  const lifecycle = createServerLifecycle();
  const app = createApp({ config, db, readDb, capabilities, logger, clock: systemClock, roads, events, iot: iotControl, metrics, lifecycle });
  // The schedulers run on one instance of the deployment: the holder of the advisory-lock leadership (always this
  // one on the embedded database). Each starts when leadership is gained and stops when it is lost.
  const leadership = startSchedulerLeadership({ db, logger, retryMs: config.leaderRetryMs });
  leadership.whileLeader('escalation', () => startEscalationScheduler(db, roads, systemClock, logger, { events }));
  // Boundary plans approved for a later time are published when it comes (server/plans/).
  leadership.whileLeader('plan-publication', () => startPlanPublicationScheduler({ db, clock: systemClock, logger, events }));
  // DISPATCH_MODE=simulate (never the production default): the living city on generated rows only.
  if (config.dispatchMode === 'simulate') {
    leadership.whileLeader('simulator', () =>
      createCitySimulator({
        db,
        roads,
        events,
        logger,
        clock: systemClock,
        options: { ...config.simulator },
        videoAi: createVideoAiSimulation({
          db,
          events,
          clock: systemClock,
          uploadDir: config.uploadDir,
          perHour: config.videoAiPerHour,
          random: seededRandom(Date.now() & 0x7fffffff),
          demo: config.videoGatewayUrl ? null : readDemoCatalogue(config.videoDemoDir),
        }),
      }).start(config.simulator.tickMs),
    );
  }
  if (cluster) {
    leadership.whileLeader('live-log-retention', () =>
      startLiveLogRetention({ db, clock: systemClock, logger, retentionMinutes: config.liveLogRetentionMinutes }),
    );
  }
  const liveLog = cluster ? await readLiveLogStart(db) : undefined;
  logger.info({ dispatchMode: config.dispatchMode, ...(config.dispatchMode === 'simulate' ? config.simulator : {}) }, 'dispatch mode');
  // Tile seeding: once listening, render the first views of the city and its districts into the tile cache,
  // one tile at a time between requests (server/tiles/tile-warmup.ts); never fails, stops at shutdown.
  const warmup = new AbortController();
  let warming: Promise<unknown> = Promise.resolve();
  const server = app.listen(config.port, config.host, () => {
    logger.info({ url: `http://${config.host}:${config.port}/`, readyMs: Math.round(performance.now() - started) }, 'GridOps ready');
    // The console draws a configured WGS84 basemap and refuses a GCJ-02 one (client/map/map-config.ts chooseBasemap).
    const drawsExternalBasemap = config.basemap?.crs === 'wgs84';
    if (config.tileWarmup) warming = warmTileCache({ db, capabilities, logger, signal: warmup.signal, drawsExternalBasemap });
  });
  const live = attachLiveChannel(server, { db, events, logger, clock: systemClock, log: liveLog });
  metrics.setSources({
    pool: () => db.poolStats?.() ?? null,
    live: () => live.metricsSnapshot(),
    leadership: () => leadership.isLeader,
    ingest: () => (config.iot.enabled ? iotStats.snapshot() : null),
  });
  // IoT (server/iot/): the embedded MQTT broker on MQTT_HOST:MQTT_PORT, or a subscription to MQTT_URL.
  let sensorSimulator: SensorSimulator | null = null;
  if (config.iot.enabled) {
    iot = await startIot({ db, clock: systemClock, logger, events, config: config.iot, stats: iotStats, leadership });
    // Simulate mode: the generated sensors publish over MQTT (server/iot/sensor-simulator.ts) to the configured broker.
    if (config.dispatchMode === 'simulate' && config.iot.simulator.sensors > 0) {
      const sensors = [...iot.directory.values()].slice(0, config.iot.simulator.sensors);
      const login = config.iot.mqtt.url
        ? { username: config.iot.mqtt.username, password: config.iot.mqtt.password }
        : (({ username, secret }) => ({ username, password: secret }))(
            iot.internal.add({ kind: 'gateway', username: 'gridops-simulator', sensorCode: null, scopeCode: 'city', credentialId: null }),
          );
      const { readingSeconds, faultsPerHour, connections } = config.iot.simulator;
      sensorSimulator = startSensorSimulator({
        brokerUrl: iot.brokerUrl,
        ...login,
        sensors,
        readingSeconds,
        faultsPerHour,
        connections,
        clock: systemClock,
        logger,
      });
    }
  }
  // Graceful shutdown: readiness fails at once (the balancer stops sending), no new connections, requests in flight
  // finish (at most SHUTDOWN_DRAIN_MS), live clients are closed with 1001 (they reconnect to another instance and
  // resume), the schedulers stop and the leadership is released (another instance takes over at its next attempt).
  let shuttingDown = false;
  const shutdown = () => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info('shutting down');
    lifecycle.draining = true;
    warmup.abort();
    server.close();
    server.closeIdleConnections();
    void (async () => {
      const [left] = await Promise.all([lifecycle.drained(config.shutdownDrainMs), live.close(), leadership.stop()]);
      if (left > 0) logger.warn({ requests: left }, 'shutdown: requests still running after the drain time');
      server.closeAllConnections();
      // The warm-up finishes the tile it is rendering before the database closes.
      // The simulated sensors disconnect before the broker and its ingest close.
      await Promise.all([warming, (sensorSimulator?.stop() ?? Promise.resolve()).then(() => iot?.close())]);
      if (readDb !== db) await readDb.close();
      await db.close();
    })()
      .catch((error: unknown) => logger.error({ error: (error as Error)?.name }, 'shutdown failed'))
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error('GridOps failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
