/**
 * Telemetry between instances (issue 24, cluster mode): worker positions and duty (`worker.moved`, `worker.status`)
 * and sensor states (`sensor.changed`) happen on the instance that received them (the simulator on the leader, a
 * field app's or device's instance). They are not changes of the case record and not worth a commit-ordered log:
 * each instance relays its own as a NOTIFY on `gridops_telemetry` (batched every `flushMs`, payloads under 7.5 kB),
 * and re-emits the other instances' on its own domain events, where the live source stages them as it does local
 * ones (newest position per worker wins; an older fix is ignored). Best effort like the positions themselves: a
 * notification lost while a LISTEN connection reconnects is made good by the next fix, and a client that resumes on
 * another instance gets a snapshot of workers and sensors (read from the database) anyway.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { type Database, type DatabaseListener, defineSql } from '../db/database.js';
import type { DomainEvent, DomainEvents } from '../events/domain-events.js';

export const TELEMETRY_CHANNEL = 'gridops_telemetry';
const MAX_PAYLOAD = 7500;

/** $1 channel, $2 payload (JSON). Result: nothing useful. */
const notifyTelemetry = defineSql('live.notify_telemetry', `SELECT pg_notify($1, $2)`);

type Telemetry = Extract<DomainEvent, { type: 'worker.moved' | 'worker.status' | 'sensor.changed' }>;
const isTelemetry = (event: DomainEvent): event is Telemetry =>
  event.type === 'worker.moved' || event.type === 'worker.status' || event.type === 'sensor.changed';

/** A relayed event as it must look before it is emitted here (the payload comes from the database, checked anyway). */
function wellFormed(value: unknown): value is Telemetry {
  const e = value as Record<string, unknown> | null;
  if (!e || typeof e !== 'object') return false;
  if (e.type === 'worker.moved')
    return (
      typeof e.workerCode === 'string' &&
      typeof e.microGridCode === 'string' &&
      typeof e.lon === 'number' &&
      typeof e.lat === 'number' &&
      typeof e.at === 'string'
    );
  if (e.type === 'worker.status')
    return typeof e.workerCode === 'string' && typeof e.microGridCode === 'string' && typeof e.dutyStatus === 'string' && typeof e.busy === 'boolean';
  if (e.type === 'sensor.changed') {
    const s = e.sensor as Record<string, unknown> | null;
    return !!s && typeof s.code === 'string' && typeof s.microGridCode === 'string' && typeof s.state === 'string';
  }
  return false;
}

export interface TelemetryRelay {
  /** Send what is pending now (tests). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export function startTelemetryRelay(deps: { db: Database; events: DomainEvents; logger: Logger; flushMs?: number }): TelemetryRelay {
  const { db, events, logger } = deps;
  const self = randomBytes(6).toString('base64url');
  const relayed = new WeakSet<object>();
  let pending: Telemetry[] = [];
  let listener: DatabaseListener | null = null;
  let stopped = false;

  const unsubscribe = events.subscribe((event) => {
    if (!stopped && isTelemetry(event) && !relayed.has(event)) pending.push(event);
  });

  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const payloads: string[] = [];
    let current: string[] = [];
    let size = 0;
    for (const event of batch) {
      const json = JSON.stringify(event);
      if (json.length > MAX_PAYLOAD - 40) continue;
      if (size + json.length + 1 > MAX_PAYLOAD - 40 && current.length) {
        payloads.push(`{"from":"${self}","events":[${current.join(',')}]}`);
        current = [];
        size = 0;
      }
      current.push(json);
      size += json.length + 1;
    }
    if (current.length) payloads.push(`{"from":"${self}","events":[${current.join(',')}]}`);
    for (const payload of payloads) {
      await db
        .query(notifyTelemetry, [TELEMETRY_CHANNEL, payload])
        .catch((error: unknown) => logger.debug({ error: (error as Error)?.name }, 'telemetry relay: notify failed'));
    }
  };

  const onNotify = (payload: string) => {
    if (stopped) return;
    let message: { from?: unknown; events?: unknown };
    try {
      message = JSON.parse(payload) as typeof message;
    } catch {
      return;
    }
    if (message.from === self || !Array.isArray(message.events)) return;
    for (const event of message.events) {
      if (!wellFormed(event)) continue;
      relayed.add(event);
      events.emit(event);
    }
  };

  const listening = db.listen
    ? db.listen(TELEMETRY_CHANNEL, { onNotify }).then(
        (l) => {
          if (stopped) void l.close();
          else listener = l;
        },
        (error: unknown) => logger.warn({ error: (error as Error)?.name }, 'telemetry relay: LISTEN failed'),
      )
    : Promise.resolve();
  let flushing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    flushing = flushing.then(flush);
  }, deps.flushMs ?? 250);
  timer.unref();

  return {
    async flush() {
      await listening;
      flushing = flushing.then(flush);
      await flushing;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await listening;
      await flushing;
      await listener?.close();
    },
  };
}
