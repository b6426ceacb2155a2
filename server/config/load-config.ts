/**
 * The one place that reads the environment. Every key has a default here; unknown GRIDOPS_* keys are
 * warned about; a bad value stops start-up with the key named.
 */
import path from 'node:path';
import { z } from 'zod';

const ConfigSchema = z.object({
  /** Real PostgreSQL/PostGIS connection string; unset → embedded PGlite. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .refine((value) => URL.canParse(value), 'is not a valid URL (check the host and port)')
    .optional(),
  /**
   * Optional read replica (issue 24): statistics (/api/stats/* reads), tiles and OGC API reads go through a pool on
   * this URL (a hot standby of DATABASE_URL, read-only); everything else, and every write, through DATABASE_URL.
   * Unset → those reads use DATABASE_URL too. Needs DATABASE_URL.
   */
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .refine((value) => URL.canParse(value), 'is not a valid URL (check the host and port)')
    .optional(),
  /** Connections of the read-replica pool (DATABASE_READ_URL). */
  PG_READ_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Directory of the embedded database (git-ignored). */
  PGLITE_DATA_DIR: z.string().default('data/pglite'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Seed scope used when the database is empty at start-up. */
  SEED_AREA: z.enum(['nanjing', 'xianlin']).default('nanjing'),
  /** Seed the database at start-up when it is empty. */
  SEED_ON_START: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Requests' deadline in milliseconds: the real PostgreSQL pool's statement timeout; the embedded driver's wait + statement. */
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
  PG_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Statement timeout of the statistics API's queries, in milliseconds (real PostgreSQL; /api/stats/*). */
  STATS_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(3000),
  /** Password of the administrator created on first start; unset → a random one printed once. */
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  /** Lifetime of a login session, in hours. */
  SESSION_HOURS: z.coerce.number().min(0.1).max(168).default(12),
  /** Login attempts allowed per client address per 15 minutes. */
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(10000).default(20),
  /** Open311 service requests accepted per client address per 10 minutes. */
  OPEN311_RATE_LIMIT: z.coerce.number().int().min(1).max(100000).default(30),
  /** Create the documented development accounts when seeding (never in production). */
  DEV_ACCOUNTS: z.enum(['true', 'false']).optional(),
  /** Directory of uploaded photos (patrol reports, attachments); files named by the server, git-ignored. */
  UPLOAD_DIR: z.string().default('data/uploads'),
  /** Largest photo accepted, in bytes (JPEG, PNG or WebP). */
  PHOTO_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /**
   * An external XYZ raster basemap (an intranet tile server, Tianditu with a key) instead of the offline one:
   * an http(s) URL template with {z}, {x} and {y}. Unset → the offline basemap from the project's own tiles.
   */
  BASEMAP_URL: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL template')
    .refine((v) => ['{z}', '{x}', '{y}'].every((p) => v.includes(p)), 'must contain {z}, {x} and {y}')
    .refine((v) => URL.canParse(v.replace(/\{[a-z]\}/g, '0')), 'is not a valid URL')
    .optional(),
  /** The coordinate system of BASEMAP_URL's tiles: wgs84, or gcj02 (refused by the map, never mixed with WGS84 data). */
  BASEMAP_CRS: z.enum(['wgs84', 'gcj02']).default('wgs84'),
  /** Attribution text the basemap's licence requires (shown as text on the map). */
  BASEMAP_ATTRIBUTION: z.string().max(300).optional(),
  /**
   * simulate: the living city (server/simulator) moves generated workers and creates and handles generated
   * incidents; live: only real reports and people. Default simulate outside production, live in production.
   */
  DISPATCH_MODE: z.enum(['simulate', 'live']).optional(),
  /** In production DISPATCH_MODE=simulate is refused unless this is true (a demonstration installation). */
  SIMULATOR_FORCE_IN_PRODUCTION: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Mean new generated incidents per minute city-wide (the daily rhythm scales it by hour, weekday, season). */
  SIMULATOR_INCIDENTS_PER_MINUTE: z.coerce.number().min(0).max(600).default(12),
  /** Generated on-duty workers kept moving along the roads. */
  SIMULATOR_MOVING_WORKERS: z.coerce.number().int().min(0).max(50000).default(3000),
  /** Share of generated cases the simulator handles end to end; the rest waits for people. */
  SIMULATOR_HANDLED_SHARE: z.coerce.number().min(0).max(1).default(0.8),
  /** Simulator tick, and how often moved positions are written to the database, in milliseconds. */
  SIMULATOR_TICK_MS: z.coerce.number().int().min(100).max(60000).default(1000),
  SIMULATOR_FLUSH_MS: z.coerce.number().int().min(1000).max(600000).default(5000),
  /** Render the tiles of the city's and each district's first map view into the tile cache after start-up (server/tiles/tile-warmup.ts). */
  TILE_WARMUP: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Boundary plans (server/plans/): households per micro-grid outside this range is a warning. */
  PLAN_MICRO_GRID_HOUSEHOLDS_MIN: z.coerce.number().int().min(0).default(30),
  PLAN_MICRO_GRID_HOUSEHOLDS_MAX: z.coerce.number().int().min(1).default(300),
  /** Boundary plans: a changed unit smaller than this (m²) or narrower than this (m) is an error. */
  PLAN_MIN_AREA_M2: z.coerce.number().min(0).default(2000),
  PLAN_MIN_WIDTH_M: z.coerce.number().min(0).default(20),
  /** The IoT ingest (server/iot/): the MQTT broker or subscriber, the rules and, in simulate mode, the sensor simulator. */
  IOT_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** The embedded MQTT broker (aedes): port (0 = any free port) and address, when MQTT_URL is unset. */
  MQTT_PORT: z.coerce.number().int().min(0).max(65535).default(1883),
  MQTT_HOST: z.string().default('127.0.0.1'),
  /** An external broker (Mosquitto, EMQX) instead of the embedded one: GridOps subscribes to it as a client. */
  MQTT_URL: z
    .string()
    .regex(/^(mqtt|mqtts|ws|wss):\/\//, 'must be an mqtt://, mqtts://, ws:// or wss:// URL')
    .refine((value) => URL.canParse(value), 'is not a valid URL')
    .optional(),
  MQTT_USERNAME: z.string().max(200).optional(),
  MQTT_PASSWORD: z.string().max(500).optional(),
  /** The client id GridOps subscribes with (a persistent session on the external broker). */
  MQTT_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)')
    .default('gridops-ingest'),
  /** Subscribe as the shared subscription $share/gridops/… (several servers share the load); false for a broker without it. */
  MQTT_SHARED_SUBSCRIPTION: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Largest sensor message accepted, in bytes. */
  IOT_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(64).max(65536).default(2048),
  /** How far in the future a reading's observed time may lie (device clock skew), in seconds. */
  IOT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(86400).default(120),
  /** How old a reading may be when it arrives (a device that buffered while offline), in hours. */
  IOT_MAX_READING_AGE_HOURS: z.coerce.number().min(0.01).max(720).default(24),
  /** Batch window of the reading writes, in milliseconds, and the most rows per batch. */
  IOT_BATCH_MS: z.coerce.number().int().min(1).max(5000).default(50),
  IOT_BATCH_MAX: z.coerce.number().int().min(1).max(50000).default(5000),
  /** The embedded broker stops taking messages (holds PUBACKs, pauses reading) while more than this many are taken and not yet stored (server/iot/ingest-backpressure.ts). */
  IOT_MAX_PENDING: z.coerce.number().int().min(10).max(1_000_000).default(50000),
  /** How long hourly rollups and latest values are merged in memory before they are written (0: after each batch; server/iot/rollup-buffer.ts). */
  IOT_ROLLUP_FLUSH_MS: z.coerce.number().int().min(0).max(60000).default(5000),
  /** Days of raw readings kept (daily partitions dropped after); hourly rollups are kept. */
  IOT_RAW_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** A sensor silent this long (no reading, heartbeat or status) is offline, unless its kind or itself says otherwise. */
  IOT_OFFLINE_AFTER_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .max(86400 * 7)
    .default(900),
  /** Simulate mode: sensors that publish (the city's 20,000 by default), seconds between a sensor's readings, faults per hour city-wide, MQTT connections. */
  IOT_SIMULATOR_SENSORS: z.coerce.number().int().min(0).max(100000).default(20000),
  IOT_SIMULATOR_READING_SECONDS: z.coerce.number().min(0.01).max(86400).default(60),
  IOT_SIMULATOR_FAULTS_PER_HOUR: z.coerce.number().min(0).max(100000).default(12),
  IOT_SIMULATOR_CONNECTIONS: z.coerce.number().int().min(1).max(64).default(4),
  /** The field app: how near (metres, on the ground) a worker must be to a case to report "on scene". */
  ARRIVE_RADIUS_M: z.coerce.number().min(10).max(5000).default(200),
  /** How long the first answer to a request with an Idempotency-Key is kept for replays, in hours. */
  IDEMPOTENCY_KEEP_HOURS: z.coerce
    .number()
    .min(1)
    .max(24 * 30)
    .default(72),
  /**
   * The production video gateway's HLS address template (a GB/T 28181 gateway: ZLMediaKit, WVP), with {code}
   * for the camera code, e.g. https://gateway/live/{code}.m3u8. Streams are proxied through the server under
   * the caller's access check; addresses outside it are refused. Unset → the generated demo streams.
   */
  VIDEO_GATEWAY_URL: z
    .string()
    .regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL template')
    .refine((v) => v.includes('{code}'), 'must contain {code}')
    .refine((v) => URL.canParse(v.replaceAll('{code}', 'C1')), 'is not a valid URL')
    .optional(),
  /** Simulated video-AI detections per hour city-wide (DISPATCH_MODE=simulate; server/simulator/video-ai-simulation.ts). */
  SIMULATOR_VIDEO_AI_PER_HOUR: z.coerce.number().min(0).max(3600).default(30),
  /** Directory of the generated demo streams (scripts/make-demo-streams.sh), looped as live without a gateway. */
  VIDEO_DEMO_DIR: z.string().default('data/video-demo'),
  /**
   * Several instances on one real PostgreSQL (issue 24, server/cluster/): `database` (default) fans live updates out
   * through the live event log (migration 0021) and LISTEN/NOTIFY, so every instance's screens see every instance's
   * changes; `process` keeps them inside one process (one instance only). The embedded database is always `process`.
   */
  LIVE_FANOUT: z.enum(['database', 'process']).default('database'),
  /** Minutes the live event log keeps rows (clients resume within it); pruned by the scheduler leader. */
  LIVE_LOG_RETENTION_MINUTES: z.coerce.number().int().min(1).max(10080).default(60),
  /**
   * GET /metrics (Prometheus text): with a token, only `Authorization: Bearer <token>` gets it (from anywhere);
   * without one, only loopback clients (127.0.0.1, ::1) do — a scraper on the same host or through the proxy's
   * internal location. Never public.
   */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Milliseconds between a follower's attempts to take the scheduler leadership (takeover within 30 s). */
  LEADER_RETRY_MS: z.coerce.number().int().min(100).max(30000).default(5000),
  /** Milliseconds a graceful shutdown waits for requests in flight before closing the database. */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(120000).default(10000),
});

export type AppConfig = {
  databaseUrl?: string;
  /** The read replica for statistics, tiles and OGC reads; absent → the primary (databaseUrl). */
  databaseReadUrl?: string;
  pgReadPoolSize: number;
  pgliteDataDir: string;
  port: number;
  host: string;
  env: 'development' | 'production' | 'test';
  logLevel: string;
  seedArea: 'nanjing' | 'xianlin';
  seedOnStart: boolean;
  statementTimeoutMs: number;
  statsStatementTimeoutMs: number;
  pgPoolSize: number;
  /** Several instances: live fan-out through the database (issue 24). */
  liveFanout: 'database' | 'process';
  liveLogRetentionMinutes: number;
  metricsToken?: string;
  leaderRetryMs: number;
  shutdownDrainMs: number;
  adminPassword?: string;
  sessionHours: number;
  loginRateLimit: number;
  publicIntakeRateLimit: number;
  /** Development accounts exist only outside production. */
  devAccounts: boolean;
  /** Absolute directory of uploaded photos. */
  uploadDir: string;
  photoMaxBytes: number;
  /** The configured external basemap, or null for the offline one. */
  basemap: { url: string; crs: 'wgs84' | 'gcj02'; attribution: string | null } | null;
  dispatchMode: 'simulate' | 'live';
  simulator: { incidentsPerMinute: number; movingWorkers: number; handledShare: number; tickMs: number; flushEveryMs: number };
  /** Warm the tile cache with the first views of the city and its districts after start-up. */
  tileWarmup: boolean;
  /** Limits of the boundary plans' validation (server/plans/plan-validation.ts). */
  planLimits: { microGridHouseholdsMin: number; microGridHouseholdsMax: number; minAreaM2: number; minWidthM: number };
  iot: IotConfig;
  /** The field app's "on scene" radius in metres (server/field). */
  arriveRadiusMetres: number;
  /** Hours an idempotency key's first answer is kept (server/http/idempotency.ts). */
  idempotencyKeepHours: number;
  /** VIDEO_GATEWAY_URL, or null: the demo streams from videoDemoDir. */
  videoGatewayUrl: string | null;
  videoDemoDir: string;
  /** Simulated video-AI detections per hour (simulate mode). */
  videoAiPerHour: number;
  rootDir: string;
};

export interface IotConfig {
  enabled: boolean;
  mqtt: { port: number; host: string; url: string | null; username: string | null; password: string | null; clientId: string; shared: boolean };
  maxPayloadBytes: number;
  clockSkewMs: number;
  maxReadingAgeMs: number;
  batchMs: number;
  batchMax: number;
  maxPending: number;
  rollupFlushMs: number;
  rawRetentionDays: number;
  offlineAfterMs: number;
  simulator: { sensors: number; readingSeconds: number; faultsPerHour: number; connections: number };
}

const KNOWN = new Set(Object.keys(ConfigSchema.shape));

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env, rootDir = process.cwd()): AppConfig {
  const picked: Record<string, string> = {};
  for (const key of KNOWN) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = ConfigSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`configuration key ${String(issue.path[0])}: ${issue.message}`);
  }
  const unknown = Object.keys(env).filter((k) => k.startsWith('GRIDOPS_') && !KNOWN.has(k));
  for (const key of unknown) console.warn(`[config] unknown configuration key ${key} ignored`);
  const c = parsed.data;
  const dispatchMode = c.DISPATCH_MODE ?? (c.NODE_ENV === 'production' ? 'live' : 'simulate');
  if (dispatchMode === 'simulate' && c.NODE_ENV === 'production' && !c.SIMULATOR_FORCE_IN_PRODUCTION) {
    throw new ConfigError(
      'configuration key DISPATCH_MODE: simulate is refused in production (it creates generated incidents and moves generated workers); set SIMULATOR_FORCE_IN_PRODUCTION=true for a demonstration installation',
    );
  }
  if (c.DATABASE_READ_URL && !c.DATABASE_URL) {
    throw new ConfigError('configuration key DATABASE_READ_URL: a read replica needs DATABASE_URL (the primary); the embedded database has none');
  }
  return {
    databaseUrl: c.DATABASE_URL,
    databaseReadUrl: c.DATABASE_READ_URL,
    pgReadPoolSize: c.PG_READ_POOL_SIZE,
    pgliteDataDir: path.resolve(rootDir, c.PGLITE_DATA_DIR),
    port: c.PORT,
    host: c.HOST,
    env: c.NODE_ENV,
    logLevel: c.LOG_LEVEL,
    seedArea: c.SEED_AREA,
    seedOnStart: c.SEED_ON_START,
    statementTimeoutMs: c.STATEMENT_TIMEOUT_MS,
    statsStatementTimeoutMs: c.STATS_STATEMENT_TIMEOUT_MS,
    pgPoolSize: c.PG_POOL_SIZE,
    liveFanout: c.LIVE_FANOUT,
    liveLogRetentionMinutes: c.LIVE_LOG_RETENTION_MINUTES,
    metricsToken: c.METRICS_TOKEN,
    leaderRetryMs: c.LEADER_RETRY_MS,
    shutdownDrainMs: c.SHUTDOWN_DRAIN_MS,
    adminPassword: c.ADMIN_PASSWORD,
    sessionHours: c.SESSION_HOURS,
    loginRateLimit: c.LOGIN_RATE_LIMIT,
    publicIntakeRateLimit: c.OPEN311_RATE_LIMIT,
    devAccounts: c.NODE_ENV !== 'production' && (c.DEV_ACCOUNTS ?? 'true') === 'true',
    uploadDir: path.resolve(rootDir, c.UPLOAD_DIR),
    photoMaxBytes: c.PHOTO_MAX_BYTES,
    basemap: c.BASEMAP_URL ? { url: c.BASEMAP_URL, crs: c.BASEMAP_CRS, attribution: c.BASEMAP_ATTRIBUTION ?? null } : null,
    dispatchMode,
    simulator: {
      incidentsPerMinute: c.SIMULATOR_INCIDENTS_PER_MINUTE,
      movingWorkers: c.SIMULATOR_MOVING_WORKERS,
      handledShare: c.SIMULATOR_HANDLED_SHARE,
      tickMs: c.SIMULATOR_TICK_MS,
      flushEveryMs: c.SIMULATOR_FLUSH_MS,
    },
    tileWarmup: c.TILE_WARMUP,
    planLimits: {
      microGridHouseholdsMin: c.PLAN_MICRO_GRID_HOUSEHOLDS_MIN,
      microGridHouseholdsMax: c.PLAN_MICRO_GRID_HOUSEHOLDS_MAX,
      minAreaM2: c.PLAN_MIN_AREA_M2,
      minWidthM: c.PLAN_MIN_WIDTH_M,
    },
    iot: {
      enabled: c.IOT_ENABLED,
      mqtt: {
        port: c.MQTT_PORT,
        host: c.MQTT_HOST,
        url: c.MQTT_URL ?? null,
        username: c.MQTT_USERNAME ?? null,
        password: c.MQTT_PASSWORD ?? null,
        clientId: c.MQTT_CLIENT_ID,
        shared: c.MQTT_SHARED_SUBSCRIPTION,
      },
      maxPayloadBytes: c.IOT_MAX_PAYLOAD_BYTES,
      clockSkewMs: c.IOT_CLOCK_SKEW_SECONDS * 1000,
      maxReadingAgeMs: c.IOT_MAX_READING_AGE_HOURS * 3_600_000,
      batchMs: c.IOT_BATCH_MS,
      batchMax: c.IOT_BATCH_MAX,
      maxPending: c.IOT_MAX_PENDING,
      rollupFlushMs: c.IOT_ROLLUP_FLUSH_MS,
      rawRetentionDays: c.IOT_RAW_RETENTION_DAYS,
      offlineAfterMs: c.IOT_OFFLINE_AFTER_SECONDS * 1000,
      simulator: {
        sensors: c.IOT_SIMULATOR_SENSORS,
        readingSeconds: c.IOT_SIMULATOR_READING_SECONDS,
        faultsPerHour: c.IOT_SIMULATOR_FAULTS_PER_HOUR,
        connections: c.IOT_SIMULATOR_CONNECTIONS,
      },
    },
    arriveRadiusMetres: c.ARRIVE_RADIUS_M,
    idempotencyKeepHours: c.IDEMPOTENCY_KEEP_HOURS,
    videoGatewayUrl: c.VIDEO_GATEWAY_URL ?? null,
    videoDemoDir: path.resolve(rootDir, c.VIDEO_DEMO_DIR),
    videoAiPerHour: c.SIMULATOR_VIDEO_AI_PER_HOUR,
    rootDir,
  };
}

/** A connection string with its password removed, for logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    // Without a postgres scheme "user:password@host" parses as a scheme and a path: say nothing of it.
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return '(unparseable DATABASE_URL)';
    return `${u.username || '(default user)'}@${u.pathname.replace(/^\//, '') || '(default db)'}@${u.hostname}:${u.port || 5432}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
