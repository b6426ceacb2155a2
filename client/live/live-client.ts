/**
 * The browser side of the live channel (server/live, protocol in server/live/live-protocol.ts), framework-free:
 *
 *   const live = connectLive({
 *     topics: ['incidents', 'workers'],
 *     bbox: map.bounds(),
 *     onSnapshot: (topic, items) => (topic === 'incidents' ? store.setIncidents(items) : store.setWorkers(items)),
 *     onDelta: (topic, items) => …,          // incidents: isRemovedFromOpenView(item) → drop it
 *     onStatus: (status) => banner.toggle(status === 'reconnecting'),
 *   });
 *   map.on('moveend', () => live.setViewport(map.bounds()));
 *
 * Reconnects after a lost connection with capped exponential back-off and jitter (0.5 s doubling to 30 s, each delay
 * drawn between half and all of it) and resumes every topic from its last {epoch, seq}: the server replays what was
 * missed or sends a fresh snapshot. A ping every 25 s keeps the connection alive through proxies; no message for
 * 60 s counts as a lost connection. A session that ended (close code 4401) is final: status 'closed', detail
 * 'session_ended'. Node has no global WebSocket: pass `WebSocket` (e.g. npm `ws`).
 */
import type {
  LiveBbox,
  LiveIncident,
  LiveSensor,
  LiveSince,
  LiveStatsChange,
  LiveTopic,
  LiveWorker,
  ServerMessage,
} from '../../server/live/live-protocol.js';

export type { LiveBbox, LiveIncident, LiveSensor, LiveSince, LiveTopic, LiveWorker } from '../../server/live/live-protocol.js';

export type LiveStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The part of the WHATWG WebSocket this client uses (the browser's, or npm `ws`). */
export interface LiveSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type LiveSocketConstructor = new (url: string, protocols?: string | string[]) => LiveSocket;

type TopicItems = ['incidents', LiveIncident[]] | ['workers', LiveWorker[]] | ['sensors', LiveSensor[]];

export interface LiveOptions {
  /** Default: ws(s)://<this page's host>/live. */
  url?: string;
  topics: LiveTopic[];
  /** The viewport for worker positions [west, south, east, north]; none = the whole jurisdiction. */
  bbox?: LiveBbox | null;
  /** A screen token (gst_…) for a video wall without a session; sent as the subprotocol `bearer.<token>`. */
  token?: string;
  onSnapshot(...args: TopicItems): void;
  onDelta(...args: TopicItems): void;
  /** Topic `stats` (subscribe with topics: [..., 'stats']): incidents whose figures changed; refetch /api/stats (coalesced). */
  onStatsChange?(items: LiveStatsChange[]): void;
  onStatus?(status: LiveStatus, detail?: string): void;
  onHello?(account: { role: string; jurisdiction: string }, epoch: string): void;
  /** An `error` message from the server (stable code). */
  onError?(code: string, message: string): void;
  /** Default globalThis.WebSocket. */
  WebSocket?: LiveSocketConstructor;
  backoff?: { initialMs?: number; maxMs?: number };
  pingMs?: number;
  viewportDebounceMs?: number;
  /** Default Math.random (tests inject one). */
  random?: () => number;
}

export interface LiveConnection {
  /** Follow another viewport (debounced); the server answers with a workers snapshot for it. */
  setViewport(bbox: LiveBbox | null): void;
  /** The last {epoch, seq} received for a topic (what a reconnect resumes from). */
  position(topic: LiveTopic): LiveSince | null;
  status(): LiveStatus;
  close(): void;
}

const OPEN = 1;
const SESSION_ENDED = 4401;
const RESUME_REQUIRED = 4409;

function defaultUrl(): string {
  const location = (globalThis as { location?: { protocol: string; host: string } }).location;
  if (!location) throw new Error('connectLive: url is required outside a browser');
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/live`;
}

/** The delay before reconnect attempt `attempt` (0-based): exponential, capped, between half and all of it. */
export function reconnectDelay(attempt: number, random: () => number, initialMs = 500, maxMs = 30_000): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + random() * (ceiling / 2);
}

export function connectLive(options: LiveOptions): LiveConnection {
  const found = options.WebSocket ?? (globalThis as { WebSocket?: LiveSocketConstructor }).WebSocket;
  if (!found) throw new Error('connectLive: no WebSocket implementation (pass options.WebSocket)');
  const Socket: LiveSocketConstructor = found;
  const url = options.url ?? defaultUrl();
  const random = options.random ?? Math.random;
  const pingMs = options.pingMs ?? 25_000;
  // No message (not even a pong) for this long: the connection is lost (60 s with the default ping).
  const silenceMs = pingMs * 2.4;
  const debounceMs = options.viewportDebounceMs ?? 300;
  const protocols = ['gridops.live', ...(options.token ? [`bearer.${options.token}`] : [])];
  const positions = new Map<LiveTopic, LiveSince>();
  let bbox: LiveBbox | null = options.bbox ?? null;
  let socket: LiveSocket | null = null;
  let epoch: string | null = null;
  let attempt = 0;
  let current: LiveStatus = 'connecting';
  let stopped = false;
  let lastMessageAt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let viewportTimer: ReturnType<typeof setTimeout> | undefined;

  const setStatus = (status: LiveStatus, detail?: string) => {
    if (status === current && status !== 'reconnecting') return;
    current = status;
    options.onStatus?.(status, detail);
  };
  const send = (message: object) => {
    if (socket && socket.readyState === OPEN) socket.send(JSON.stringify(message));
  };

  const handle = (message: ServerMessage) => {
    switch (message.type) {
      case 'hello':
        epoch = message.epoch;
        attempt = 0;
        setStatus('open');
        options.onHello?.(message.account, message.epoch);
        return;
      case 'snapshot':
        positions.set(message.topic, { epoch: message.epoch, seq: message.seq });
        if (message.topic === 'incidents') options.onSnapshot('incidents', message.items);
        else if (message.topic === 'workers') options.onSnapshot('workers', message.items);
        else if (message.topic === 'sensors') options.onSnapshot('sensors', message.items);
        return;
      case 'delta': {
        const known = positions.get(message.topic);
        if (epoch && (!known || known.epoch !== epoch || message.seq > known.seq)) positions.set(message.topic, { epoch, seq: message.seq });
        if (message.topic === 'incidents') options.onDelta('incidents', message.items);
        else if (message.topic === 'workers') options.onDelta('workers', message.items);
        else if (message.topic === 'sensors') options.onDelta('sensors', message.items);
        else options.onStatsChange?.(message.items);
        return;
      }
      case 'error':
        options.onError?.(message.code, message.message);
        return;
      case 'pong':
        return;
    }
  };

  /** Stop listening to a socket being dropped (an error handler stays: npm `ws` throws on an unhandled error). */
  const detach = (ws: LiveSocket) => {
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.onerror = () => {};
  };
  const stopTimers = () => {
    clearInterval(pingTimer);
    clearTimeout(reconnectTimer);
  };

  /** Forget the current socket and plan the next attempt. */
  const lost = (code: number, reason: string) => {
    stopTimers();
    if (socket) {
      detach(socket);
      if (socket.readyState <= OPEN) socket.close();
      socket = null;
    }
    if (stopped) return setStatus('closed');
    if (code === SESSION_ENDED) {
      stopped = true;
      return setStatus('closed', 'session_ended');
    }
    const delay = code === RESUME_REQUIRED ? random() * 200 : reconnectDelay(attempt, random, options.backoff?.initialMs, options.backoff?.maxMs);
    attempt += 1;
    setStatus('reconnecting', reason || `closed (${code})`);
    reconnectTimer = setTimeout(open, delay);
  };

  function open() {
    if (stopped) return;
    const ws = new Socket(url, protocols);
    socket = ws;
    ws.onopen = () => {
      lastMessageAt = Date.now();
      for (const topic of options.topics) {
        send({ op: 'subscribe', topic, since: positions.get(topic) ?? null, ...(topic === 'workers' && bbox ? { bbox } : {}) });
      }
      pingTimer = setInterval(() => {
        if (Date.now() - lastMessageAt > silenceMs) return lost(4000, 'no_answer');
        send({ op: 'ping' });
      }, pingMs);
    };
    ws.onmessage = (event) => {
      lastMessageAt = Date.now();
      if (typeof event.data !== 'string') return;
      let message: ServerMessage;
      try {
        message = JSON.parse(event.data) as ServerMessage;
      } catch {
        return;
      }
      handle(message);
    };
    ws.onclose = (event) => lost(event.code, event.reason);
    ws.onerror = () => {
      // A close event follows; nothing to do here.
    };
  }

  options.onStatus?.('connecting');
  open();

  return {
    setViewport(next) {
      bbox = next;
      clearTimeout(viewportTimer);
      // No viewport = the whole jurisdiction: the widest box.
      viewportTimer = setTimeout(() => send({ op: 'viewport', bbox: next ?? [-180, -90, 180, 90] }), debounceMs);
    },
    position: (topic) => positions.get(topic) ?? null,
    status: () => current,
    close() {
      stopped = true;
      clearTimeout(viewportTimer);
      stopTimers();
      if (socket) {
        detach(socket);
        socket.close(1000, 'closed by client');
        socket = null;
      }
      setStatus('closed');
    },
  };
}
