import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig, redactDatabaseUrl } from './load-config.js';

const ROOT = path.resolve('/srv/gridops');

function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, ROOT);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('takes a read replica only beside a primary', () => {
    expect(configErrorOf({ DATABASE_READ_URL: 'postgres://reader@replica/gridops' }).message).toMatch(/DATABASE_READ_URL: .*needs DATABASE_URL/);
    expect(configErrorOf({ DATABASE_URL: 'postgres://a@b/c', DATABASE_READ_URL: 'mysql://x' }).message).toMatch(
      /^configuration key DATABASE_READ_URL:/,
    );
    const config = loadConfig({ DATABASE_URL: 'postgres://a@primary/c', DATABASE_READ_URL: 'postgres://a@replica/c', PG_READ_POOL_SIZE: '4' }, ROOT);
    expect([config.databaseReadUrl, config.pgReadPoolSize]).toEqual(['postgres://a@replica/c', 4]);
  });

  it('gives every key its default from an empty environment', () => {
    expect(loadConfig({}, ROOT)).toEqual({
      databaseUrl: undefined,
      databaseReadUrl: undefined,
      pgReadPoolSize: 10,
      pgliteDataDir: path.join(ROOT, 'data', 'pglite'),
      port: 8080,
      host: '127.0.0.1',
      env: 'development',
      logLevel: 'info',
      seedArea: 'nanjing',
      seedOnStart: true,
      statementTimeoutMs: 15000,
      statsStatementTimeoutMs: 3000,
      pgPoolSize: 10,
      liveFanout: 'database',
      liveLogRetentionMinutes: 60,
      metricsToken: undefined,
      leaderRetryMs: 5000,
      shutdownDrainMs: 10000,
      adminPassword: undefined,
      sessionHours: 12,
      loginRateLimit: 20,
      publicIntakeRateLimit: 30,
      devAccounts: true,
      uploadDir: path.join(ROOT, 'data', 'uploads'),
      photoMaxBytes: 10 * 1024 * 1024,
      basemap: null,
      dispatchMode: 'simulate',
      simulator: { incidentsPerMinute: 12, movingWorkers: 3000, handledShare: 0.8, tickMs: 1000, flushEveryMs: 5000 },
      tileWarmup: true,
      planLimits: { microGridHouseholdsMin: 30, microGridHouseholdsMax: 300, minAreaM2: 2000, minWidthM: 20 },
      iot: {
        enabled: true,
        mqtt: { port: 1883, host: '127.0.0.1', url: null, username: null, password: null, clientId: 'gridops-ingest', shared: true },
        maxPayloadBytes: 2048,
        clockSkewMs: 120_000,
        maxReadingAgeMs: 24 * 3_600_000,
        batchMs: 50,
        batchMax: 5000,
        maxPending: 50000,
        rollupFlushMs: 5000,
        rawRetentionDays: 90,
        offlineAfterMs: 900_000,
        simulator: { sensors: 20000, readingSeconds: 60, faultsPerHour: 12, connections: 4 },
      },
      arriveRadiusMetres: 200,
      idempotencyKeepHours: 72,
      videoGatewayUrl: null,
      videoDemoDir: path.join(ROOT, 'data/video-demo'),
      videoAiPerHour: 30,
      rootDir: ROOT,
    });
  });

  it('treats an empty value as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '', LOG_LEVEL: '' }, ROOT);
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.logLevel).toBe('info');
  });

  it('reads and converts the values it is given', () => {
    const config = loadConfig(
      {
        DATABASE_URL: 'postgres://gridops:secret@127.0.0.1:5433/gridops',
        PGLITE_DATA_DIR: 'var/db',
        PORT: '9090',
        HOST: '0.0.0.0',
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        SEED_AREA: 'xianlin',
        SEED_ON_START: 'false',
        STATEMENT_TIMEOUT_MS: '2500',
        PG_POOL_SIZE: '3',
        ADMIN_PASSWORD: 'correct horse battery',
        SESSION_HOURS: '0.5',
        LOGIN_RATE_LIMIT: '5',
        OPEN311_RATE_LIMIT: '7',
        DEV_ACCOUNTS: 'false',
      },
      ROOT,
    );
    expect(config).toMatchObject({
      databaseUrl: 'postgres://gridops:secret@127.0.0.1:5433/gridops',
      pgliteDataDir: path.join(ROOT, 'var', 'db'),
      port: 9090,
      host: '0.0.0.0',
      env: 'test',
      logLevel: 'silent',
      seedArea: 'xianlin',
      seedOnStart: false,
      statementTimeoutMs: 2500,
      pgPoolSize: 3,
      adminPassword: 'correct horse battery',
      sessionHours: 0.5,
      loginRateLimit: 5,
      publicIntakeRateLimit: 7,
      devAccounts: false,
    });
  });

  it('simulates outside production, is live in production, and refuses simulate in production unless forced', () => {
    expect(loadConfig({ NODE_ENV: 'test' }, ROOT).dispatchMode).toBe('simulate');
    expect(loadConfig({ NODE_ENV: 'production' }, ROOT).dispatchMode).toBe('live');
    expect(loadConfig({ DISPATCH_MODE: 'live' }, ROOT).dispatchMode).toBe('live');
    expect(() => loadConfig({ NODE_ENV: 'production', DISPATCH_MODE: 'simulate' }, ROOT)).toThrow(/DISPATCH_MODE: simulate is refused in production/);
    expect(loadConfig({ NODE_ENV: 'production', DISPATCH_MODE: 'simulate', SIMULATOR_FORCE_IN_PRODUCTION: 'true' }, ROOT).dispatchMode).toBe(
      'simulate',
    );
    expect(() => loadConfig({ DISPATCH_MODE: 'replay' }, ROOT)).toThrow(/DISPATCH_MODE/);
    expect(() => loadConfig({ SIMULATOR_HANDLED_SHARE: '1.5' }, ROOT)).toThrow(/SIMULATOR_HANDLED_SHARE/);
  });

  it('takes an external XYZ basemap with its declared coordinate system, and refuses a bad template', () => {
    const url = 'https://tiles.example.gov.cn/vec/{z}/{x}/{y}.png';
    expect(loadConfig({ BASEMAP_URL: url }, ROOT).basemap).toEqual({ url, crs: 'wgs84', attribution: null });
    expect(loadConfig({ BASEMAP_URL: url, BASEMAP_CRS: 'gcj02', BASEMAP_ATTRIBUTION: '© 测绘局' }, ROOT).basemap).toEqual({
      url,
      crs: 'gcj02',
      attribution: '© 测绘局',
    });
    expect(configErrorOf({ BASEMAP_URL: 'https://tiles.example.gov.cn/{z}/{x}.png' }).message).toMatch(
      /BASEMAP_URL: must contain \{z\}, \{x\} and \{y\}/,
    );
    expect(configErrorOf({ BASEMAP_URL: 'ftp://tiles/{z}/{x}/{y}' }).message).toMatch(/BASEMAP_URL/);
    expect(configErrorOf({ BASEMAP_URL: url, BASEMAP_CRS: 'bd09' }).message).toMatch(/BASEMAP_CRS/);
  });

  it('takes a video gateway template with {code}, and refuses one without it or not over http(s)', () => {
    const url = 'https://gateway.example/live/{code}.m3u8';
    expect(loadConfig({ VIDEO_GATEWAY_URL: url }, ROOT).videoGatewayUrl).toBe(url);
    expect(configErrorOf({ VIDEO_GATEWAY_URL: 'https://gateway.example/live/index.m3u8' }).message).toMatch(
      /VIDEO_GATEWAY_URL: must contain \{code\}/,
    );
    expect(configErrorOf({ VIDEO_GATEWAY_URL: 'rtsp://gateway/{code}' }).message).toMatch(/VIDEO_GATEWAY_URL/);
    expect(configErrorOf({ SIMULATOR_VIDEO_AI_PER_HOUR: '-1' }).message).toMatch(/SIMULATOR_VIDEO_AI_PER_HOUR/);
  });

  it('warms the tile cache at start unless TILE_WARMUP=false', () => {
    expect(loadConfig({ TILE_WARMUP: 'false' }, ROOT).tileWarmup).toBe(false);
    expect(loadConfig({ TILE_WARMUP: 'true' }, ROOT).tileWarmup).toBe(true);
    expect(configErrorOf({ TILE_WARMUP: 'off' }).message).toMatch(/TILE_WARMUP/);
  });

  it('never has development accounts in production, even when asked for', () => {
    expect(loadConfig({ NODE_ENV: 'production' }, ROOT).devAccounts).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DEV_ACCOUNTS: 'true' }, ROOT).devAccounts).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', DEV_ACCOUNTS: 'true' }, ROOT).devAccounts).toBe(true);
  });

  it('keeps an absolute PGLITE_DATA_DIR as it is', () => {
    expect(loadConfig({ PGLITE_DATA_DIR: '/var/lib/gridops' }, ROOT).pgliteDataDir).toBe('/var/lib/gridops');
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'verbose'],
    ['SEED_AREA', 'shanghai'],
    ['SEED_ON_START', 'yes'],
    ['STATEMENT_TIMEOUT_MS', '10'],
    ['PG_POOL_SIZE', '0'],
    ['ADMIN_PASSWORD', 'short'],
    ['SESSION_HOURS', 'forever'],
    ['SESSION_HOURS', '1000'],
    ['LOGIN_RATE_LIMIT', '0'],
    ['DEV_ACCOUNTS', 'maybe'],
    ['DATABASE_URL', 'not a connection string'],
    ['DATABASE_URL', 'gridops:secret@db.internal/gridops'],
    ['DATABASE_URL', 'http://gridops@db.internal/gridops'],
  ])('rejects %s=%s with the key named', (key, value) => {
    const error = configErrorOf({ [key]: value });
    expect(error.message).toContain(key);
  });

  it('names the bad key, not a good one, when several are set', () => {
    const error = configErrorOf({ HOST: 'localhost', PORT: 'http', LOG_LEVEL: 'debug' });
    expect(error.message).toMatch(/\bPORT\b/);
    expect(error.message).not.toContain('HOST');
    expect(error.message).not.toContain('LOG_LEVEL');
  });

  it('does not repeat a rejected secret in its message', () => {
    expect(configErrorOf({ ADMIN_PASSWORD: 'tiny-pw' }).message).not.toContain('tiny-pw');
    expect(configErrorOf({ DATABASE_URL: 'postgres://u:s3cret-x9@db.internal:port/gridops' }).message).not.toContain('s3cret-x9');
  });

  it('warns about each unknown GRIDOPS_ key and ignores it', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const config = loadConfig({ GRIDOPS_PORTT: '1', GRIDOPS_COLOUR: 'red', PORT: '8081' }, ROOT);
    expect(config.port).toBe(8081);
    const messages = warn.mock.calls.map((call) => call.join(' '));
    expect(messages).toHaveLength(2);
    expect(messages.some((m) => m.includes('GRIDOPS_PORTT'))).toBe(true);
    expect(messages.some((m) => m.includes('GRIDOPS_COLOUR'))).toBe(true);
  });

  it('does not warn about the rest of the environment', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    loadConfig({ PATH: '/usr/bin', HOME: '/root', CI: 'true', PORT: '8080' }, ROOT);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('redactDatabaseUrl', () => {
  it('shows user, database, host and port', () => {
    expect(redactDatabaseUrl('postgres://gridops:s3cr3t-pass@db.internal:5433/gridops_prod')).toBe('gridops@gridops_prod@db.internal:5433');
  });

  it('fills in the default port and says when user or database are defaults', () => {
    expect(redactDatabaseUrl('postgresql://db.internal')).toBe('(default user)@(default db)@db.internal:5432');
  });

  it.each([
    ['a plain password', 'postgres://gridops:s3cr3t-pass@db.internal/gridops', 's3cr3t-pass'],
    ['a percent-encoded password', 'postgres://gridops:p%40ss%3Aw0rd-xyz@db.internal/gridops', 'w0rd-xyz'],
    ['a password in the query string', 'postgres://gridops@db.internal/gridops?password=q-s3cr3t&sslmode=require', 'q-s3cr3t'],
    ['a password with an @ in it', 'postgres://gridops:pa@ss-h1dden@db.internal/gridops', 'ss-h1dden'],
    ['an unparseable string', 'pl41n-s3cr3t@ not a url', 'pl41n-s3cr3t'],
    ['a URL that forgot its postgres:// scheme', 'gridops:f0rg0t-scheme@db.internal/gridops', 'f0rg0t-scheme'],
  ])('never contains the password: %s', (_label, url, password) => {
    const redacted = redactDatabaseUrl(url);
    expect(redacted).not.toContain(password);
    expect(redacted.length).toBeGreaterThan(0);
  });
});

describe('IoT and MQTT configuration', () => {
  it('defaults to the embedded broker on 127.0.0.1:1883 with a 50 ms batch and 90 days of raw readings', () => {
    const { iot } = loadConfig({});
    expect(iot).toMatchObject({
      enabled: true,
      mqtt: { port: 1883, host: '127.0.0.1', url: null, clientId: 'gridops-ingest', shared: true },
      batchMs: 50,
      batchMax: 5000,
      maxPending: 50000,
      rawRetentionDays: 90,
      offlineAfterMs: 900_000,
      clockSkewMs: 120_000,
      simulator: { sensors: 20000, readingSeconds: 60, faultsPerHour: 12, connections: 4 },
    });
  });

  it('takes an external broker and refuses a bad URL or port with the key named', () => {
    expect(loadConfig({ MQTT_URL: 'mqtt://broker:1883', MQTT_SHARED_SUBSCRIPTION: 'false' }).iot.mqtt).toMatchObject({
      url: 'mqtt://broker:1883',
      shared: false,
    });
    expect(configErrorOf({ MQTT_URL: 'http://broker' }).message).toMatch(/^configuration key MQTT_URL:/);
    expect(configErrorOf({ MQTT_PORT: '70000' }).message).toMatch(/^configuration key MQTT_PORT:/);
    expect(configErrorOf({ IOT_BATCH_MS: '0' }).message).toMatch(/^configuration key IOT_BATCH_MS:/);
  });
});
