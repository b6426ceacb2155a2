/**
 * Prometheus metrics of one server instance (issue 24), in a registry of its own (several apps in one test process
 * do not collide): requests per route (count and latency; the route's pattern, never its parameters), the database
 * pool, live clients and queue depths, the live log position, scheduler leadership, IoT ingest. Values owned by
 * other modules are read when scraped, through `sources` that main.ts sets once those modules exist.
 *
 *   const metrics = createServerMetrics({ defaultMetrics: true });
 *   app.use(metrics.middleware);                 // createApp does this
 *   metrics.setSources({ live: () => …, leadership: () => … });
 */
import type { NextFunction, Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IngestStatsSnapshot } from '../iot/ingest-stats.js';

export interface LiveMetricsSnapshot {
  clients: number;
  /** Messages queued in every client's outbox (not yet written to its socket). */
  queuedMessages: number;
  /** Coalesced worker positions waiting in outboxes. */
  pendingWorkers: number;
  /** The cluster's live log position read by this instance (null in one-process mode). */
  logPosition: number | null;
  logListening: boolean | null;
}

export interface MetricsSources {
  pool?: () => { total: number; idle: number; waiting: number } | null;
  live?: () => LiveMetricsSnapshot | null;
  leadership?: () => boolean | null;
  ingest?: () => IngestStatsSnapshot | null;
}

export interface ServerMetrics {
  readonly registry: Registry;
  middleware(req: Request, res: Response, next: NextFunction): void;
  setSources(sources: MetricsSources): void;
}

/** The route pattern a request matched ('/api/incidents/:id'), or a fixed label: never the raw path (cardinality). */
function routeLabel(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  return req.path.startsWith('/api/') ? 'unmatched_api' : 'static';
}

export function createServerMetrics(options: { defaultMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'gridops_' });
  const sources: MetricsSources = {};
  const requests = new Counter({
    name: 'gridops_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status class',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'gridops_http_request_duration_seconds',
    help: 'HTTP request latency by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'gridops_db_pool_connections',
    help: 'Request pool connections of the real PostgreSQL by state (total, idle, waiting clients)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = sources.pool?.();
      if (!stats) return;
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  const liveGauge = (name: string, help: string, pick: (s: LiveMetricsSnapshot) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const snapshot = sources.live?.();
        const value = snapshot ? pick(snapshot) : null;
        if (value !== null) this.set(value);
      },
    });
  liveGauge('gridops_live_clients', 'Open live-channel WebSocket connections on this instance', (s) => s.clients);
  liveGauge('gridops_live_queued_messages', 'Messages waiting in the live clients\u2019 outboxes', (s) => s.queuedMessages);
  liveGauge('gridops_live_pending_worker_positions', 'Coalesced worker positions waiting in outboxes', (s) => s.pendingWorkers);
  liveGauge('gridops_live_log_position', 'Last live event log number published by this instance', (s) => s.logPosition);
  liveGauge('gridops_live_log_listening', '1 while the LISTEN connection of the live log is up', (s) =>
    s.logListening === null ? null : Number(s.logListening),
  );
  new Gauge({
    name: 'gridops_scheduler_leader',
    help: '1 while this instance holds the scheduler leadership',
    registers: [registry],
    collect() {
      const leader = sources.leadership?.();
      if (leader !== null && leader !== undefined) this.set(Number(leader));
    },
  });
  new Gauge({
    name: 'gridops_iot_ingest_per_second',
    help: 'IoT readings per second over the last minute, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      const stats = sources.ingest?.();
      if (!stats) return;
      for (const [outcome, value] of Object.entries(stats.ratePerSecond)) this.set({ outcome }, value);
    },
  });
  new Gauge({
    name: 'gridops_iot_readings_stored',
    help: 'IoT readings stored since this instance started',
    registers: [registry],
    collect() {
      const stats = sources.ingest?.();
      if (stats) this.set(stats.stored);
    },
  });

  return {
    registry,
    middleware(req, res, next) {
      const started = performance.now();
      res.once('finish', () => {
        const route = routeLabel(req);
        requests.inc({ method: req.method, route, status: `${Math.floor(res.statusCode / 100)}xx` });
        latency.observe({ method: req.method, route }, (performance.now() - started) / 1000);
      });
      next();
    },
    setSources(next) {
      Object.assign(sources, next);
    },
  };
}
