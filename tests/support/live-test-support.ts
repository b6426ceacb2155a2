/**
 * Test helpers for the live channel: open a raw WebSocket to a test server's /live with chosen credentials and
 * Origin, collect what it receives, and wait for a message.
 *
 *   const sock = await openLive(server.baseUrl, { cookie: headers.cookie, origin: server.baseUrl });
 *   sock.send({ op: 'subscribe', topic: 'incidents', since: null });
 *   const snapshot = await sock.waitFor((m) => m.type === 'snapshot');
 */
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../server/live/live-protocol.js';

export interface LiveTestSocket {
  ws: WebSocket;
  messages: ServerMessage[];
  /** The first message received so far or later that matches. */
  waitFor(match: (message: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  send(message: object | string): void;
  /**
   * A ping answered by its pong: everything the server sent this socket before it has arrived. After the live
   * source is idle (`server.live.source.idle()`), a deterministic "nothing more is coming" instead of a sleep.
   */
  roundTrip(timeoutMs?: number): Promise<void>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export interface LiveTestCredentials {
  cookie?: string;
  authorization?: string;
  origin?: string;
  protocols?: string[];
}

const liveUrl = (baseUrl: string, path = '/live') => `${baseUrl.replace(/^http/, 'ws')}${path}`;

function createSocket(baseUrl: string, credentials: LiveTestCredentials, path?: string): WebSocket {
  const headers: Record<string, string> = {};
  if (credentials.cookie) headers.cookie = credentials.cookie;
  if (credentials.authorization) headers.authorization = credentials.authorization;
  return new WebSocket(liveUrl(baseUrl, path), credentials.protocols ?? ['gridops.live'], { headers, origin: credentials.origin });
}

/** The HTTP status an upgrade gets: 101 when it opens, else the refusal's status (the socket is closed). */
export function upgradeStatus(baseUrl: string, credentials: LiveTestCredentials, path?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = createSocket(baseUrl, credentials, path);
    ws.on('open', () => {
      ws.terminate();
      resolve({ status: 101, body: '' });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

export function openLive(baseUrl: string, credentials: LiveTestCredentials): Promise<LiveTestSocket> {
  return new Promise((resolve, reject) => {
    const ws = createSocket(baseUrl, credentials);
    const messages: ServerMessage[] = [];
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      ws.on('close', (code, reason) => done({ code, reason: reason.toString() })),
    );
    ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as ServerMessage));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
    ws.on('error', () => {});
    const waitFor = async (match: (message: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> => {
      const started = Date.now();
      for (;;) {
        const found = messages.find(match);
        if (found) return found;
        if (Date.now() - started > timeoutMs)
          throw new Error(`no matching live message within ${timeoutMs} ms; got ${JSON.stringify(messages).slice(0, 500)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    ws.on('open', () =>
      resolve({
        ws,
        messages,
        closed,
        send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
        close: () => ws.terminate(),
        waitFor,
        async roundTrip(timeoutMs = 10_000) {
          const from = messages.length;
          ws.send(JSON.stringify({ op: 'ping' }));
          await waitFor((m) => m.type === 'pong' && messages.indexOf(m, from) >= from, timeoutMs);
        },
      }),
    );
  });
}
