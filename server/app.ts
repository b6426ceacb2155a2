/** createApp({ config, db, capabilities, logger, clock }): the Express application, no globals. */
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { RoadGraphStore } from './routing/road-graph-store.js';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { AppConfig } from './config/load-config.js';
import type { Capabilities, Database } from './db/database.js';
import type { Clock } from './clock/clock.js';
import { accountsRouter } from './auth/accounts.route.js';
import { authRouter } from './auth/auth.route.js';
import { screenSessionRouter } from './auth/screen-session.route.js';
import { authenticate, createAuthCache } from './auth/authenticate.js';
import { auditRouter } from './audit/audit.route.js';
import { createRefusalAuditor } from './audit/refusal-audit.js';
import { errorMiddleware, notFoundHandler } from './errors/error-middleware.js';
import { createDomainEvents, type DomainEvents } from './events/domain-events.js';
import { textSanitation } from './http/text-sanitation.js';
import { healthRouter } from './health/health.route.js';
import { readinessRouter } from './health/readiness.route.js';
import { createServerLifecycle, type ServerLifecycle } from './health/server-lifecycle.js';
import { metricsRouter } from './metrics/metrics.route.js';
import { createServerMetrics, type ServerMetrics } from './metrics/server-metrics.js';
import { incidentsRouter } from './incidents/incidents.route.js';
import { iotRouter, type IotControl } from './iot/iot.route.js';
import { sensorsRouter } from './iot/sensors.route.js';
import { summonsesRouter } from './incidents/summonses.route.js';
import { alarmsRouter } from './alarms/alarms.route.js';
import { patrolRouter } from './patrol/patrol.route.js';
import { plansRouter } from './plans/plans.route.js';
import { fieldRouter } from './field/field.route.js';
import { idempotentRequests } from './http/idempotency.js';
import { createRoadGraphStore } from './routing/road-graph-store.js';
import { requestLogger } from './logging/logger.js';
import { ogcRouter } from './ogc/ogc.route.js';
import { open311Router } from './open311/open311.route.js';
import { spatialRouter } from './spatial/spatial.route.js';
import { statsRouter } from './stats/stats.route.js';
import { tilesRouter } from './tiles/tiles.route.js';
import { publicTilesRouter } from './tiles/public-tiles.route.js';
import { unitsRouter } from './units/units.route.js';
import { openApiRouter } from './contract/openapi.route.js';
import { camerasRouter } from './video/cameras.route.js';
import { cameraImportsRouter } from './video/import/camera-imports.route.js';
import { cameraReviewRouter } from './video/import/camera-review.route.js';
import { streamsRouter } from './video/streams.route.js';

export interface AppDependencies {
  config: AppConfig;
  db: Database;
  /** The read replica (DATABASE_READ_URL) for statistics, tiles and OGC reads; `db` when absent. */
  readDb?: Database;
  capabilities: Capabilities;
  logger: Logger;
  clock: Clock;
  /** The road graph shared with the schedulers; the incidents module makes its own when absent. */
  roads?: RoadGraphStore;
  /** Changes announced to the live channel; createApp makes a private one when absent (tests). */
  events?: DomainEvents;
  /** The running IoT service's counters and credential hook (main.ts); absent in tests that do not start it. */
  iot?: IotControl;
  /** Prometheus metrics of this instance (GET /metrics); createApp makes one when absent. */
  metrics?: ServerMetrics;
  /** Draining flag and requests in flight, for readiness and graceful shutdown; createApp makes one when absent. */
  lifecycle?: ServerLifecycle;
}

export function createApp(input: AppDependencies): express.Express {
  const deps: AppDependencies & { events: DomainEvents; roads: RoadGraphStore; metrics: ServerMetrics; lifecycle: ServerLifecycle } = {
    ...input,
    events: input.events ?? createDomainEvents(),
    roads: input.roads ?? createRoadGraphStore(input.db),
    metrics: input.metrics ?? createServerMetrics(),
    lifecycle: input.lifecycle ?? createServerLifecycle(),
  };
  const app = express();
  app.locals.events = deps.events;
  app.locals.metrics = deps.metrics;
  app.locals.lifecycle = deps.lifecycle;
  // First: every request is counted for the drain at shutdown and measured per route (server/metrics/).
  app.use(deps.lifecycle.track);
  app.use(deps.metrics.middleware);
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', 'loopback');
  // An external basemap (BASEMAP_URL) is the one other origin the console may load images and tiles from.
  const basemapOrigin = deps.config.basemap ? [new URL(deps.config.basemap.url.replace(/\{[a-z]\}/g, '0')).origin] : [];
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:', ...basemapOrigin],
          workerSrc: ["'self'", 'blob:'],
          // 'self' covers the same-origin live channel (ws:// and wss:// of this host) in CSP Level 3 browsers.
          connectSrc: ["'self'", ...basemapOrigin],
          mediaSrc: ["'self'", 'blob:'],
          // The intranet setup is plain HTTP: upgrading would break it. HTTPS deployments get HSTS below.
          upgradeInsecureRequests: null,
        },
      },
      // The console runs on intranets over plain HTTP too.
      strictTransportSecurity: deps.config.env === 'production',
    }),
  );
  app.use(requestLogger(deps.logger));
  app.use(express.json({ limit: '256kb', strict: true }));
  app.locals.authCache = createAuthCache();
  app.use(authenticate(deps.db, app.locals.authCache, deps.readDb));
  // After authentication (a refusal is audited with who sent it), before every router.
  app.use(textSanitation());
  app.use(idempotentRequests({ db: deps.db, clock: deps.clock, logger: deps.logger, keepHours: deps.config.idempotencyKeepHours }));
  const routers = [
    healthRouter,
    readinessRouter,
    metricsRouter,
    authRouter,
    screenSessionRouter,
    accountsRouter,
    auditRouter,
    openApiRouter,
    unitsRouter,
    spatialRouter,
    incidentsRouter,
    summonsesRouter,
    patrolRouter,
    fieldRouter,
    alarmsRouter,
    iotRouter,
    sensorsRouter,
    open311Router,
    ogcRouter,
    tilesRouter,
    publicTilesRouter,
    statsRouter,
    plansRouter,
    camerasRouter,
    cameraImportsRouter,
    cameraReviewRouter,
    streamsRouter,
  ];
  for (const router of routers) {
    app.use(router(deps));
  }
  const clientDir = path.join(deps.config.rootDir, 'dist');
  if (fs.existsSync(path.join(clientDir, 'index.html'))) {
    app.use(express.static(clientDir, { index: 'index.html', maxAge: '1h' }));
    // The field app (/m; its service worker /m/sw.js is served above) and the citizens' page (/report/{id}): single
    // pages whose deep paths are the page itself. Static files like the console's, not API routes.
    const pages: Array<[RegExp, string]> = [
      [/^\/m(\/.*)?$/, path.join(clientDir, 'mobile', 'index.html')],
      [/^\/report(\/.*)?$/, path.join(clientDir, 'report', 'index.html')],
    ];
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      const page = pages.find(([pattern]) => pattern.test(req.path))?.[1];
      if (!page || !fs.existsSync(page)) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(page);
    });
  }
  app.use(notFoundHandler());
  // Every refused attempt (400/401/403/413/415/429) is audited, rate-guarded (server/audit/refusal-audit.ts).
  const refusals = createRefusalAuditor({ db: deps.db, logger: deps.logger });
  app.locals.refusalAudit = refusals;
  app.use(errorMiddleware(deps.logger, { onAnswer: refusals.record }));
  return app;
}
