/**
 * The live channel: one WebSocket endpoint at /live on the application's HTTP server (npm `ws`, noServer mode).
 *
 *   const live = attachLiveChannel(httpServer, { db, events, logger, clock });
 *   …
 *   await live.close();
 *
 * Upgrade: authenticated like a request (live-auth.ts: screen token, or session cookie with its Origin checked);
 * 401/403 with a JSON body on the upgrade otherwise. Open connections are re-checked every `recheckMs` (15 s by
 * default): a session that ended, an account deactivated or a screen token revoked is closed with 4401, a changed
 * role or jurisdiction with 4403. Frames are at most 4 KiB (larger: closed by ws with 1009); each client may send
 * `rate.burst` frames at once and `rate.perSecond` after that, more get `rate_limited` errors and, persisting, a
 * close with 1008. Malformed frames get `{"type":"error","code":…}` and change nothing.
 * Every `flushMs` (250 ms) staged worker positions are published as one delta and every outbox writes what its
 * socket accepts; every `heartbeatMs` (30 s) a protocol ping finds dead connections.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { nowMs, systemClock, type Clock } from '../clock/clock.js';
import { fullBucket, takeToken, type TokenBucket, type TokenBucketRate } from './token-bucket.js';
import { identifyCredentials } from '../auth/authenticate.js';
import { type AuthContext, createScopedDb } from '../auth/request-context.js';
import type { Database } from '../db/database.js';
import type { DomainEvents } from '../events/domain-events.js';
import { authenticateUpgrade, sameScope, type UpgradeCredentials } from './live-auth.js';
import { createLiveHub, DEFAULT_BUFFER_SIZE, type HubClient, type LiveHub, type SubscribeOutcome } from './live-hub.js';
import { DEFAULT_OUTBOX_LIMITS, LiveOutbox, type OutboxLimits } from './live-outbox.js';
import {
  ClientMessageSchema,
  LIVE_CLOSE,
  LIVE_MAX_FRAME_BYTES,
  LIVE_PATH,
  LIVE_SUBPROTOCOL,
  type LiveErrorCode,
  type LiveTopic,
} from './live-protocol.js';
import { DEFAULT_SNAPSHOT_LIMITS, readIncidentSnapshot, readSensorSnapshot, readWorkerSnapshot, type SnapshotLimits } from './live-snapshots.js';
import { connectLiveSource, type LiveSource } from './live-source.js';
import { type LiveLogReader, type LiveLogStart, startLiveLogReader } from './live-log-reader.js';
import { startTelemetryRelay, type TelemetryRelay } from './live-telemetry-relay.js';

export interface LiveChannelOptions {
  flushMs: number;
  recheckMs: number;
  heartbeatMs: number;
  maxFrameBytes: number;
  maxClients: number;
  bufferSize: Partial<Record<LiveTopic, number>>;
  snapshotLimits: SnapshotLimits;
  outbox: OutboxLimits;
  rate: TokenBucketRate;
  /** Fixed epoch (tests); random per start otherwise. */
  epoch?: string;
}

export const DEFAULT_LIVE_OPTIONS: LiveChannelOptions = {
  flushMs: 250,
  recheckMs: 15_000,
  heartbeatMs: 30_000,
  maxFrameBytes: LIVE_MAX_FRAME_BYTES,
  maxClients: 5000,
  bufferSize: DEFAULT_BUFFER_SIZE,
  snapshotLimits: DEFAULT_SNAPSHOT_LIMITS,
  outbox: DEFAULT_OUTBOX_LIMITS,
  rate: { burst: 30, perSecond: 5 },
};

export interface LiveChannelDependencies {
  db: Database;
  events: DomainEvents;
  logger: Logger;
  clock?: Clock;
  live?: Partial<LiveChannelOptions>;
  /**
   * Several instances on one PostgreSQL (issue 24): incidents and stats come from the live event log
   * (live-log-reader.ts) under its numbers and epoch, so clients resume on any instance. Absent: one process.
   */
  log?: LiveLogStart;
}

export interface LiveChannel {
  readonly epoch: string;
  readonly hub: LiveHub;
  readonly source: LiveSource;
  /** The cluster's log reader, null in one-process mode. */
  readonly log: LiveLogReader | null;
  /** The cluster's telemetry relay (worker positions, sensor states), null in one-process mode. */
  readonly relay: TelemetryRelay | null;
  readonly options: LiveChannelOptions;
  clientCount(): number;
  /** Clients, outbox queue depths and the live log position (GET /metrics). */
  metricsSnapshot(): { clients: number; queuedMessages: number; pendingWorkers: number; logPosition: number | null; logListening: boolean | null };
  /** Re-check every open connection's credentials now (the timer does it every recheckMs). */
  recheckNow(): Promise<void>;
  /** Close every connection (1001), stop the timers and the event subscription, detach from the server. */
  close(): Promise<void>;
}

interface Connection {
  ws: WebSocket;
  client: HubClient;
  auth: AuthContext;
  credentials: UpgradeCredentials;
  alive: boolean;
  bucket: TokenBucket;
  violations: number;
}

/** Write an HTTP error on a socket that asked to upgrade, then close it. */
function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ code, message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function attachLiveChannel(httpServer: HttpServer, deps: LiveChannelDependencies): LiveChannel {
  const options: LiveChannelOptions = { ...DEFAULT_LIVE_OPTIONS, ...deps.live };
  const { db, logger } = deps;
  const clock: Clock = deps.clock ?? systemClock;
  const start = deps.log;
  const hub = createLiveHub(
    start
      ? {
          epoch: start.epoch,
          bufferSize: options.bufferSize,
          startSeq: { incidents: start.position, stats: start.position },
          resumableTopics: ['incidents', 'stats'],
        }
      : { epoch: options.epoch, bufferSize: options.bufferSize },
  );
  const source = connectLiveSource({ db, events: deps.events, hub, clock, logger, incidentsFromLog: !!start });
  const log = start ? startLiveLogReader({ db, hub, logger, start }) : null;
  // Worker positions and sensor states of the other instances (best effort, live-telemetry-relay.ts).
  const relay: TelemetryRelay | null = start ? startTelemetryRelay({ db, events: deps.events, logger }) : null;
  const connections = new Set<Connection>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxFrameBytes,
    clientTracking: false,
    handleProtocols: (protocols) => (protocols.has(LIVE_SUBPROTOCOL) ? LIVE_SUBPROTOCOL : false),
  });
  let closing = false;

  const sendError = (conn: Connection, code: LiveErrorCode, message: string) => conn.client.outbox.enqueue({ type: 'error', code, message });

  const runSnapshot = async (conn: Connection, topic: LiveTopic, outcome: SubscribeOutcome): Promise<void> => {
    const scoped = createScopedDb(db, conn.auth);
    // The ring may overflow while a snapshot is read (a burst of changes): read again, a few times at most.
    for (let attempt = 0; outcome.kind === 'snapshot' && attempt < 3; attempt += 1) {
      const { seq, ticket } = outcome;
      try {
        if (topic === 'stats') {
          outcome = hub.completeSnapshot(conn.client, 'stats', ticket, seq, [], false);
        } else if (topic === 'sensors') {
          const snap = await readSensorSnapshot(scoped, conn.auth, options.snapshotLimits.sensors ?? 5000);
          outcome = hub.completeSnapshot(conn.client, 'sensors', ticket, seq, snap.items, snap.truncated);
        } else if (topic === 'incidents') {
          const snap = await readIncidentSnapshot(scoped, conn.auth, options.snapshotLimits.incidents);
          outcome = hub.completeSnapshot(conn.client, 'incidents', ticket, seq, snap.items, snap.truncated);
        } else {
          const snap = await readWorkerSnapshot(scoped, conn.auth, conn.client.bbox, options.snapshotLimits.workers, clock.now(), source);
          outcome = hub.completeSnapshot(conn.client, 'workers', ticket, seq, snap.items, snap.truncated);
        }
      } catch (error) {
        logger.warn({ topic, error: (error as Error)?.name }, 'live: snapshot failed');
        if (closing) return;
        hub.unsubscribe(conn.client, topic);
        sendError(conn, 'snapshot_failed', `The ${topic} snapshot could not be read; subscribe again`);
        return;
      }
    }
    if (outcome.kind === 'snapshot') {
      hub.unsubscribe(conn.client, topic);
      sendError(conn, 'snapshot_failed', `The ${topic} topic changes too fast to snapshot; subscribe again`);
    }
  };

  const onMessage = (conn: Connection, data: RawData, isBinary: boolean) => {
    const { bucket, taken } = takeToken(conn.bucket, options.rate, nowMs(clock));
    conn.bucket = bucket;
    if (!taken) {
      conn.violations += 1;
      if (conn.violations > options.rate.burst) conn.client.outbox.end(LIVE_CLOSE.policyViolation, 'rate_limited');
      else sendError(conn, 'rate_limited', 'Too many messages; slow down');
      return;
    }
    if (isBinary) return sendError(conn, 'binary_not_supported', 'Send JSON text frames');
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString());
    } catch {
      return sendError(conn, 'invalid_json', 'The frame is not JSON');
    }
    const result = ClientMessageSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      return sendError(conn, 'invalid_message', `${where}${issue?.message ?? 'invalid message'}`.slice(0, 200));
    }
    const message = result.data;
    switch (message.op) {
      case 'ping':
        conn.client.outbox.enqueue({ type: 'pong' });
        return;
      case 'subscribe': {
        const bbox = message.bbox === undefined ? undefined : (message.bbox as [number, number, number, number]);
        const outcome = hub.subscribe(conn.client, message.topic, message.since ?? null, bbox);
        void runSnapshot(conn, message.topic, outcome);
        return;
      }
      case 'unsubscribe':
        if (!hub.unsubscribe(conn.client, message.topic)) sendError(conn, 'not_subscribed', `Not subscribed to ${message.topic}`);
        return;
      case 'viewport': {
        const outcome = hub.setViewport(conn.client, message.bbox as [number, number, number, number]);
        void runSnapshot(conn, 'workers', outcome);
        return;
      }
    }
  };

  const onConnection = (ws: WebSocket, auth: AuthContext, credentials: UpgradeCredentials) => {
    const outbox = new LiveOutbox(ws, options.outbox);
    const client = hub.addClient({ role: auth.role, jurisdiction: auth.jurisdiction, workerCode: auth.workerCode }, outbox);
    const conn: Connection = { ws, client, auth, credentials, alive: true, bucket: fullBucket(options.rate, nowMs(clock)), violations: 0 };
    connections.add(conn);
    ws.on('message', (data, isBinary) => onMessage(conn, data, isBinary));
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('error', (error) => logger.debug({ error: error.name }, 'live: socket error'));
    ws.on('close', () => {
      connections.delete(conn);
      hub.removeClient(client);
    });
    logger.debug({ role: auth.role, jurisdiction: auth.jurisdiction, clients: connections.size }, 'live: connected');
    outbox.enqueue({ type: 'hello', epoch: hub.epoch, account: { role: auth.role, jurisdiction: auth.jurisdiction } });
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname !== LIVE_PATH) {
      // Another upgrade handler may own this path; when there is none, answer instead of leaving the socket open.
      if (httpServer.listenerCount('upgrade') === 1) refuseUpgrade(socket, 404, 'not_found', 'No WebSocket endpoint here');
      return;
    }
    socket.on('error', () => socket.destroy());
    if (closing) return refuseUpgrade(socket, 503, 'shutting_down', 'The server is shutting down');
    if (connections.size >= options.maxClients) return refuseUpgrade(socket, 503, 'too_many_clients', 'Too many live connections; try again later');
    authenticateUpgrade(db, req).then(
      (decision) => {
        if (socket.destroyed || closing) return;
        if (!decision.ok) return refuseUpgrade(socket, decision.status, decision.code, decision.message);
        wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, decision.auth, decision.credentials));
      },
      (error) => {
        logger.error({ error: (error as Error)?.name }, 'live: upgrade authentication failed');
        refuseUpgrade(socket, 500, 'internal_error', 'Something went wrong on the server');
      },
    );
  };
  httpServer.on('upgrade', onUpgrade);

  let rechecking: Promise<void> | null = null;
  const recheck = async () => {
    const byCredential = new Map<string, Promise<AuthContext | null>>();
    for (const conn of [...connections]) {
      const { cookie, authorization } = conn.credentials;
      const key = `${authorization ?? ''}\n${cookie ?? ''}`;
      let lookup = byCredential.get(key);
      if (!lookup) {
        lookup = identifyCredentials(db, cookie, authorization);
        byCredential.set(key, lookup);
      }
      try {
        const now = await lookup;
        if (!now) conn.client.outbox.end(LIVE_CLOSE.sessionEnded, 'session_ended');
        else if (!sameScope(now, conn.auth)) conn.client.outbox.end(LIVE_CLOSE.scopeChanged, 'scope_changed');
      } catch (error) {
        // The database is unavailable: keep the connection; the next sweep decides.
        logger.warn({ error: (error as Error)?.name }, 'live: credential re-check failed');
      }
    }
  };
  const recheckNow = () => {
    rechecking ??= recheck().finally(() => {
      rechecking = null;
    });
    return rechecking;
  };

  const timers = [
    setInterval(() => hub.flushWorkers(), options.flushMs),
    setInterval(() => void recheckNow(), options.recheckMs),
    setInterval(() => {
      for (const conn of connections) {
        if (!conn.alive) {
          conn.ws.terminate();
          continue;
        }
        conn.alive = false;
        conn.ws.ping();
      }
    }, options.heartbeatMs),
  ];
  for (const timer of timers) timer.unref();

  return {
    epoch: hub.epoch,
    hub,
    source,
    log,
    relay,
    options,
    clientCount: () => connections.size,
    metricsSnapshot() {
      let queuedMessages = 0;
      let pendingWorkers = 0;
      for (const conn of connections) {
        queuedMessages += conn.client.outbox.queuedMessages;
        pendingWorkers += conn.client.outbox.pendingWorkers;
      }
      return {
        clients: connections.size,
        queuedMessages,
        pendingWorkers,
        logPosition: log?.position ?? null,
        logListening: log ? log.listening : null,
      };
    },
    recheckNow,
    async close() {
      if (closing) return;
      closing = true;
      for (const timer of timers) clearInterval(timer);
      source.stop();
      await log?.stop();
      await relay?.stop();
      httpServer.off('upgrade', onUpgrade);
      const closed = [...connections].map(
        (conn) =>
          new Promise<void>((resolve) => {
            if (conn.ws.readyState === conn.ws.CLOSED) return resolve();
            conn.ws.once('close', () => resolve());
            conn.client.outbox.end(LIVE_CLOSE.goingAway, 'server_shutdown');
            setTimeout(() => conn.ws.terminate(), 1000).unref();
          }),
      );
      await Promise.all(closed);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
