/** createApp({ config, db, capabilities, logger, clock }): the Express application, no globals. */
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { RoadGraphStore } from './routing/road-graph-store.js';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { AppConfig } from './config/load-config.js';
import type { Capabilities, Database } from './db/database.js';
import { accountsRouter } from './auth/accounts.route.js';
import { authRouter } from './auth/auth.route.js';
import { authenticate, createAuthCache } from './auth/authenticate.js';
import { auditRouter } from './audit/audit.route.js';
import { errorMiddleware, notFoundHandler } from './errors/error-middleware.js';
import { createDomainEvents, type DomainEvents } from './events/domain-events.js';
import { healthRouter } from './health/health.route.js';
import { incidentsRouter } from './incidents/incidents.route.js';
import { summonsesRouter } from './incidents/summonses.route.js';
import { alarmsRouter } from './alarms/alarms.route.js';
import { patrolRouter } from './patrol/patrol.route.js';
import { requestLogger } from './logging/logger.js';
import { ogcRouter } from './ogc/ogc.route.js';
import { open311Router } from './open311/open311.route.js';
import { spatialRouter } from './spatial/spatial.route.js';
import { tilesRouter } from './tiles/tiles.route.js';
import { unitsRouter } from './units/units.route.js';
import { camerasRouter } from './video/cameras.route.js';
import { streamsRouter } from './video/streams.route.js';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export interface AppDependencies {
  config: AppConfig;
  db: Database;
  capabilities: Capabilities;
  logger: Logger;
  clock: Clock;
  /** The road graph shared with the schedulers; the incidents module makes its own when absent. */
  roads?: RoadGraphStore;
  /** Changes announced to the live channel; createApp makes a private one when absent (tests). */
  events?: DomainEvents;
}

export function createApp(input: AppDependencies): express.Express {
  const deps: AppDependencies & { events: DomainEvents } = { ...input, events: input.events ?? createDomainEvents() };
  const app = express();
  app.locals.events = deps.events;
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
          connectSrc: ["'self'", 'ws:', 'wss:', ...basemapOrigin],
          mediaSrc: ["'self'", 'blob:'],
        },
      },
      // The console runs on intranets over plain HTTP too.
      strictTransportSecurity: deps.config.env === 'production',
    }),
  );
  app.use(requestLogger(deps.logger));
  app.use(express.json({ limit: '256kb', strict: true }));
  app.locals.authCache = createAuthCache();
  app.use(authenticate(deps.db, app.locals.authCache));
  const routers = [
    healthRouter,
    authRouter,
    accountsRouter,
    auditRouter,
    unitsRouter,
    spatialRouter,
    incidentsRouter,
    summonsesRouter,
    patrolRouter,
    alarmsRouter,
    open311Router,
    ogcRouter,
    tilesRouter,
    camerasRouter,
    streamsRouter,
  ];
  for (const router of routers) {
    app.use(router(deps));
  }
  const clientDir = path.join(deps.config.rootDir, 'dist');
  if (fs.existsSync(path.join(clientDir, 'index.html'))) {
    app.use(express.static(clientDir, { index: 'index.html', maxAge: '1h' }));
  }
  app.use(notFoundHandler());
  app.use(errorMiddleware(deps.logger));
  return app;
}
