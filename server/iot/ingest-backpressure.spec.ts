/**
 * The embedded broker's in-flight limit under a flood, on every database mode: sixty devices each send a burst of
 * large QoS 1 readings at once into an ingest whose database is slower than the flood (each batch statement held
 * 20 ms). Without the limit every connection has a socket read's worth of messages in flight at once; with
 * IOT_MAX_PENDING = 100 the broker holds PUBACKs and pauses idle connections, so the messages pending stay within
 * the limit plus one socket read — and every acknowledged reading is stored, none lost, none twice.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql, type Database, type SqlStatement } from '../db/database.js';
import { createLogger } from '../logging/logger.js';
import { openSeededTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { createInternalCredentials } from './device-credentials.js';
import { startEmbeddedBroker } from './embedded-broker.js';
import { createIngestStats } from './ingest-stats.js';
import { createReadingIngest } from './reading-ingest.js';
import { maintainReadingPartitions } from './reading-partitions.js';
import { loadSensorDirectory } from './sensor-directory.js';

const HOUR = 3_600_000;
const CONNECTIONS = 60;
const PER_CONNECTION = 40;
/** A reading padded to about 2 KB (JSON allows the spaces): a 64 KiB socket read holds about 32. */
const PADDING = ' '.repeat(1900);
const storedSince = defineSql('test.backpressure_stored', `SELECT count(*)::int AS n FROM sensor_readings WHERE received_at >= $1`);
const xianlinSensors = defineSql(
  'test.backpressure_sensors',
  `SELECT code FROM sensors WHERE micro_grid_code LIKE '320113%' ORDER BY code LIMIT 200`,
);

describe.each(testDatabaseModes())('the embedded broker’s in-flight limit on %s', (mode) => {
  let db: Database;
  let codes: string[];

  beforeAll(async () => {
    db = await openSeededTestDatabase(mode);
    await maintainReadingPartitions(db, new Date(), { maxAgeMs: 24 * HOUR, retentionDays: 90, daysAhead: 1 });
    codes = (await db.query<{ code: string }>(xianlinSensors)).map((r) => r.code);
  });
  afterAll(async () => {
    await db?.close();
  });

  /** One flood through a broker with the given limit: the peak of pending messages, times closed, stored vs. acknowledged. */
  async function flood(maxPending: number, base: number) {
    const slow = {
      query: async (statement: SqlStatement, params?: unknown[]) => {
        if (statement.name === 'iot.insert_reading_batch') await new Promise((r) => setTimeout(r, 20));
        return db.query(statement, params);
      },
    } as unknown as Database;
    const stats = createIngestStats();
    const directory = await loadSensorDirectory(db);
    const logger = createLogger('silent');
    const ingest = createReadingIngest({
      db: slow,
      directory,
      stats,
      now: () => new Date(),
      logger,
      limits: { maxBytes: 4096, maxFutureMs: 120_000, maxAgeMs: 24 * HOUR },
      batchWindowMs: 10,
      batchMaxRows: 100,
      rollupFlushMs: 60_000,
    });
    const internal = createInternalCredentials();
    const login = internal.add({ kind: 'gateway', username: `flood-${maxPending}`, sensorCode: null, scopeCode: 'city', credentialId: null });
    const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, db, directory, internal, ingest, stats, logger, maxPending });
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const clients = await Promise.all(
      Array.from({ length: CONNECTIONS }, () =>
        mqtt.connectAsync(url, { username: login.username, password: login.secret, reconnectPeriod: 0, protocolVersion: 4 }),
      ),
    );
    const started = new Date();
    let acked = 0;
    await Promise.all(
      clients.flatMap((client, c) =>
        Array.from({ length: PER_CONNECTION }, (_, k) => {
          const n = c * PER_CONNECTION + k;
          const payload = `{"value": ${n % 50}, "observedAt": "${new Date(base + n * 1000).toISOString()}"${PADDING}}`;
          return client.publishAsync(`gridops/sensors/${codes[n % codes.length]}/reading`, payload, { qos: 1 }).then(() => void (acked += 1));
        }),
      ),
    );
    await Promise.all(clients.map((c) => c.endAsync()));
    await broker.close();
    await ingest.flush();
    const [{ n: stored }] = await db.query<{ n: number }>(storedSince, [started]);
    return {
      acked,
      stored,
      peak: stats.snapshot().backpressure.peakPending,
      throttled: stats.snapshot().backpressure.throttled,
      pending: ingest.pending,
    };
  }

  it('keeps the messages pending within the limit plus one socket read under a flood, and stores every acknowledged one', async () => {
    const unlimited = await flood(1_000_000, Date.now() - 20 * HOUR);
    const limited = await flood(100, Date.now() - 16 * HOUR);
    for (const run of [unlimited, limited]) {
      expect(run.acked).toBe(CONNECTIONS * PER_CONNECTION);
      expect(run.stored).toBe(run.acked);
      expect(run.pending).toBe(0);
    }
    expect(unlimited.throttled).toBe(0);
    expect(limited.throttled).toBeGreaterThan(0);
    // One socket read (64 KiB) holds about 32 of these 2 KB readings.
    expect(limited.peak).toBeLessThanOrEqual(100 + 40);
    // Without the limit, far more at once (every connection's first read).
    expect(unlimited.peak).toBeGreaterThan(2 * limited.peak);
  });
});
