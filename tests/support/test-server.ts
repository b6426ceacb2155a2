/**
 * The real application on a seeded test database, listening on 127.0.0.1 on a free port:
 *
 *   let server: TestServer;
 *   beforeAll(async () => { server = await startTestServer(mode); });
 *   afterAll(() => server.close());
 *   const res = await fetch(`${server.baseUrl}/api/health`);
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app.js';
import { systemClock, type Clock } from '../../server/clock/clock.js';
import { loadConfig } from '../../server/config/load-config.js';
import { detectCapabilities } from '../../server/db/capabilities.js';
import type { Database } from '../../server/db/database.js';
import { createDomainEvents, type DomainEvents } from '../../server/events/domain-events.js';
import { attachLiveChannel, type LiveChannel, type LiveChannelOptions } from '../../server/live/live-channel.js';
import { createLogger } from '../../server/logging/logger.js';
import { readLiveLogStart } from '../../server/live/live-log-reader.js';
import { openSeededTestDatabase, type TestDatabaseMode } from './test-database.js';

export interface TestServer {
  /** http://127.0.0.1:PORT, no trailing slash. */
  baseUrl: string;
  db: Database;
  /** The domain events the app and the live channel share: a test may emit to drive the live channel. */
  events: DomainEvents;
  /** The live channel at ws://127.0.0.1:PORT/live. */
  live: LiveChannel;
  close(): Promise<void>;
}

export async function startTestServer(
  mode: TestDatabaseMode,
  options: {
    /** A database to serve instead of a fresh seeded copy; the caller keeps it (close() leaves it open). */
    db?: Database;
    clock?: Clock;
    /** Extra configuration keys (as environment values), e.g. a higher rate limit for a fuzz test. */
    env?: Record<string, string>;
    /** Domain events to give the app (a test subscribes to see what was announced); a private one when absent. */
    events?: DomainEvents;
    /** Live-channel settings, e.g. a short credential re-check interval. */
    live?: Partial<LiveChannelOptions>;
    /** One of several instances on one real PostgreSQL: live updates through the live event log (issue 24). */
    cluster?: boolean;
    /** A read replica's database (DATABASE_READ_URL) for statistics, tiles and OGC reads; the caller keeps it. */
    readDb?: Database;
  } = {},
): Promise<TestServer> {
  const db = options.db ?? (await openSeededTestDatabase(mode));
  const ownsDb = !options.db;
  const events = options.events ?? createDomainEvents();
  try {
    const logger = createLogger('silent');
    const app = createApp({
      config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...options.env }),
      db,
      readDb: options.readDb,
      capabilities: await detectCapabilities(db),
      logger,
      clock: options.clock ?? systemClock,
      events,
    });
    const server = http.createServer(app);
    const log = options.cluster ? await readLiveLogStart(db) : undefined;
    const live = attachLiveChannel(server, { db, events, logger, clock: options.clock ?? systemClock, live: options.live, log });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      db,
      events,
      live,
      async close() {
        await live.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (ownsDb) await db.close();
      },
    };
  } catch (error) {
    if (ownsDb) await db.close();
    throw error;
  }
}
