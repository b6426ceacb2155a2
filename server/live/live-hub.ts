/**
 * The live hub: topics with sequence numbers, a ring buffer of recent deltas per topic for resuming, and the fan-out
 * of each delta to the clients allowed to see it (live-scope.ts) through their outboxes (live-outbox.ts).
 * No sockets and no database: the channel (live-channel.ts) reads snapshots and feeds events; tests drive it directly.
 *
 * Sequence numbers: one counter per topic, starting at 0 for each epoch (a random id per server start). A subscribe
 * with `since` of this epoch whose sequence number the ring still covers is answered by replaying the missed deltas
 * (filtered for the client); otherwise the caller reads a snapshot. While a snapshot is read the topic's deltas are
 * held back for that client; when it arrives it is sent with the sequence number of the moment it was requested,
 * followed by the deltas published meanwhile (replayed from the ring), so nothing falls between the two.
 *
 * Incidents go out one delta per change, never dropped. Worker positions are staged (newest per worker) and
 * published as one batch per flush (the channel calls flushWorkers every flush interval).
 */
import { randomBytes } from 'node:crypto';
import type { LiveOutbox } from './live-outbox.js';
import type { LiveBbox, LiveIncident, LiveSensor, LiveSince, LiveStatsChange, LiveTopic, LiveWorker } from './live-protocol.js';
import { isFinishedState } from '../contract/incident-vocabulary.js';
import { type HubWorker, incidentVisible, insideBbox, type LiveViewer, sensorVisible, statsChangeVisible, workerVisible } from './live-scope.js';

export interface LiveHubOptions {
  /** Defaults to a random id. */
  epoch?: string;
  /** Deltas kept per topic for resuming (a worker delta is one flushed batch). */
  bufferSize?: Partial<Record<LiveTopic, number>>;
  /** Where each topic's numbers start (the cluster's live event log position at start); 0 by default. */
  startSeq?: Partial<Record<LiveTopic, number>>;
  /**
   * Topics whose `since` is resumed from the ring (all by default). With the cluster's log only the logged topics are:
   * the others are numbered per process, so a `since` of the shared epoch is answered with a snapshot.
   */
  resumableTopics?: readonly LiveTopic[];
}

export const DEFAULT_BUFFER_SIZE: Record<LiveTopic, number> = { incidents: 2000, workers: 60, stats: 2000, sensors: 2000 };

type SubscriptionState = { phase: 'snapshot'; ticket: number } | { phase: 'live' };

export interface HubClient {
  readonly viewer: LiveViewer;
  readonly outbox: LiveOutbox;
  bbox: LiveBbox | null;
  readonly subscriptions: Map<LiveTopic, SubscriptionState>;
  /** Field workers: the open incidents they were sent, so that one leaving their view is announced as removed. */
  readonly knownIncidents: Set<number> | null;
  /** With a bbox: the workers sent, so that one moving out of the viewport gets its last position. */
  knownWorkers: Set<string> | null;
}

/** What the caller must do after a subscribe or a viewport change. */
export type SubscribeOutcome = { kind: 'resumed' } | { kind: 'snapshot'; seq: number; ticket: number } | { kind: 'none' };

interface RingEntry<T> {
  seq: number;
  items: T[];
}

/**
 * The recent deltas of one topic. Sequence numbers increase; they are consecutive in one process, and may have gaps
 * with the cluster's live event log (one sequence for every topic, server/live/live-log-reader.ts). `floor` is the
 * highest number the ring can no longer replay after (the newest dropped delta, or where the ring started).
 */
class DeltaRing<T> {
  private readonly entries: RingEntry<T>[] = [];
  private head = 0;
  floor: number;
  seq: number;
  constructor(
    readonly capacity: number,
    start = 0,
  ) {
    this.floor = start;
    this.seq = start;
  }
  push(items: T[], seq = this.seq + 1): number {
    if (seq <= this.seq) throw new Error(`delta ${seq} is not after ${this.seq}`);
    this.seq = seq;
    this.entries.push({ seq, items });
    if (this.entries.length - this.head > this.capacity) {
      this.floor = this.entries[this.head]!.seq;
      this.head += 1;
      // Compact now and then rather than shifting on every push.
      if (this.head >= this.capacity) {
        this.entries.splice(0, this.head);
        this.head = 0;
      }
    }
    return this.seq;
  }
  /** The deltas after `seq`, oldest first, or null when the ring no longer holds them all. */
  after(seq: number): RingEntry<T>[] | null {
    if (seq > this.seq || seq < this.floor) return null;
    const result: RingEntry<T>[] = [];
    for (let i = this.entries.length - 1; i >= this.head && this.entries[i]!.seq > seq; i -= 1) result.push(this.entries[i]!);
    return result.reverse();
  }
}

export interface LiveHub {
  readonly epoch: string;
  currentSeq(topic: LiveTopic): number;
  readonly clientCount: number;
  addClient(viewer: LiveViewer, outbox: LiveOutbox): HubClient;
  removeClient(client: HubClient): void;
  subscribe(client: HubClient, topic: LiveTopic, since: LiveSince | null, bbox?: LiveBbox | null): SubscribeOutcome;
  unsubscribe(client: HubClient, topic: LiveTopic): boolean;
  /** A new viewport: with a workers subscription, the caller reads a workers snapshot for it. */
  setViewport(client: HubClient, bbox: LiveBbox | null): SubscribeOutcome;
  /** Deliver a snapshot read for `ticket` at `seq`; asks for another when the ring no longer covers `seq`. */
  completeSnapshot(client: HubClient, topic: 'incidents', ticket: number, seq: number, items: LiveIncident[], truncated: boolean): SubscribeOutcome;
  completeSnapshot(client: HubClient, topic: 'workers', ticket: number, seq: number, items: HubWorker[], truncated: boolean): SubscribeOutcome;
  /** The stats topic has nothing to read: its snapshot is empty and carries the sequence number to resume from. */
  completeSnapshot(client: HubClient, topic: 'stats', ticket: number, seq: number, items: LiveStatsChange[], truncated: boolean): SubscribeOutcome;
  /** `seq`: the number of the change in the cluster's live event log; the next one of this hub when absent. */
  publishIncident(incident: LiveIncident, seq?: number): number;
  publishStatsChange(change: LiveStatsChange, seq?: number): number;
  completeSnapshot(client: HubClient, topic: 'sensors', ticket: number, seq: number, items: LiveSensor[], truncated: boolean): SubscribeOutcome;
  /** A sensor's state changed: one delta, like an incident. */
  publishSensor(sensor: LiveSensor): number;
  stageWorker(worker: HubWorker): void;
  /** Publish staged worker positions as one delta (null when none), then let every outbox write what it can. */
  flushWorkers(): number | null;
}

export function createLiveHub(options: LiveHubOptions = {}): LiveHub {
  const epoch = options.epoch ?? randomBytes(9).toString('base64url');
  const start = options.startSeq ?? {};
  const incidents = new DeltaRing<LiveIncident>(options.bufferSize?.incidents ?? DEFAULT_BUFFER_SIZE.incidents, start.incidents);
  const workers = new DeltaRing<HubWorker>(options.bufferSize?.workers ?? DEFAULT_BUFFER_SIZE.workers, start.workers);
  const stats = new DeltaRing<LiveStatsChange>(options.bufferSize?.stats ?? DEFAULT_BUFFER_SIZE.stats, start.stats);
  const sensors = new DeltaRing<LiveSensor>(options.bufferSize?.sensors ?? DEFAULT_BUFFER_SIZE.sensors, start.sensors);
  const resumable = new Set<LiveTopic>(options.resumableTopics ?? ['incidents', 'workers', 'stats', 'sensors']);
  const clients = new Set<HubClient>();
  const staged = new Map<string, HubWorker>();
  let nextTicket = 1;

  const ring = (topic: LiveTopic): DeltaRing<unknown> =>
    topic === 'incidents' ? incidents : topic === 'stats' ? stats : topic === 'sensors' ? sensors : workers;

  /** The item as this client may receive it, or null; keeps the client's known sets. */
  const projectIncident = (client: HubClient, incident: LiveIncident): LiveIncident | null => {
    const known = client.knownIncidents;
    if (incidentVisible(client.viewer, incident)) {
      if (known) {
        if (isFinishedState(incident.state)) known.delete(incident.id);
        else known.add(incident.id);
      }
      return incident;
    }
    if (known?.delete(incident.id)) return { ...incident, assignedWorkerCode: null, removed: true };
    return null;
  };

  const projectWorker = (client: HubClient, worker: HubWorker): LiveWorker | null =>
    workerVisible(client.viewer, worker) ? placeWorker(client, worker) : null;

  /** The viewport part of projectWorker, for a worker already known to be in the client's scope. */
  const placeWorker = (client: HubClient, worker: HubWorker): LiveWorker | null => {
    const known = client.knownWorkers;
    if (insideBbox(client.bbox, worker.item.lon, worker.item.lat)) {
      known?.add(worker.item.code);
      return worker.item;
    }
    // Moved out of the viewport: its last position once, so the client does not keep a marker where it was.
    if (known?.delete(worker.item.code)) return worker.item;
    return null;
  };

  const newest = <T>(entries: RingEntry<T>[], key: (item: T) => string | number): T[] => {
    const byKey = new Map<string | number, T>();
    for (const entry of entries)
      for (const item of entry.items) {
        const k = key(item);
        byKey.delete(k);
        byKey.set(k, item);
      }
    return [...byKey.values()];
  };

  const replay = (client: HubClient, topic: LiveTopic, entries: RingEntry<unknown>[], always: boolean) => {
    if (topic === 'stats') {
      const items = (entries as RingEntry<LiveStatsChange>[]).flatMap((e) => e.items).filter((c) => statsChangeVisible(client.viewer, c));
      if (items.length > 0 || always) client.outbox.enqueue({ type: 'delta', topic: 'stats', seq: stats.seq, items });
    } else if (topic === 'sensors') {
      const items = newest(entries as RingEntry<LiveSensor>[], (s) => s.code).filter((s) => sensorVisible(client.viewer, s));
      if (items.length > 0 || always) client.outbox.enqueue({ type: 'delta', topic: 'sensors', seq: sensors.seq, items });
    } else if (topic === 'incidents') {
      const items = newest(entries as RingEntry<LiveIncident>[], (i) => i.id)
        .map((i) => projectIncident(client, i))
        .filter((i): i is LiveIncident => i !== null);
      if (items.length > 0 || always) client.outbox.enqueue({ type: 'delta', topic: 'incidents', seq: incidents.seq, items });
    } else {
      const items = newest(entries as RingEntry<HubWorker>[], (w) => w.item.code)
        .map((w) => projectWorker(client, w))
        .filter((w): w is LiveWorker => w !== null);
      client.outbox.offerWorkers(workers.seq, items);
      client.outbox.flush();
    }
  };

  const askSnapshot = (client: HubClient, topic: LiveTopic): SubscribeOutcome => {
    const ticket = nextTicket++;
    client.subscriptions.set(topic, { phase: 'snapshot', ticket });
    return { kind: 'snapshot', seq: ring(topic).seq, ticket };
  };

  return {
    epoch,
    currentSeq: (topic) => ring(topic).seq,
    get clientCount() {
      return clients.size;
    },
    addClient(viewer, outbox) {
      const client: HubClient = {
        viewer,
        outbox,
        bbox: null,
        subscriptions: new Map(),
        knownIncidents: viewer.role === 'field_worker' ? new Set() : null,
        knownWorkers: null,
      };
      clients.add(client);
      return client;
    },
    removeClient(client) {
      clients.delete(client);
    },
    subscribe(client, topic, since, bbox) {
      if (topic === 'workers' && bbox !== undefined) {
        client.bbox = bbox;
        client.knownWorkers = bbox ? new Set() : null;
      }
      const entries = since && since.epoch === epoch && resumable.has(topic) ? ring(topic).after(since.seq) : null;
      if (!entries) return askSnapshot(client, topic);
      client.subscriptions.set(topic, { phase: 'live' });
      replay(client, topic, entries, true);
      return { kind: 'resumed' };
    },
    unsubscribe(client, topic) {
      if (topic === 'workers') client.outbox.dropWorkers();
      if (topic === 'incidents') client.knownIncidents?.clear();
      return client.subscriptions.delete(topic);
    },
    setViewport(client, bbox) {
      client.bbox = bbox;
      client.knownWorkers = bbox ? new Set() : null;
      if (!client.subscriptions.has('workers')) return { kind: 'none' };
      return askSnapshot(client, 'workers');
    },
    completeSnapshot(
      client: HubClient,
      topic: LiveTopic,
      ticket: number,
      seq: number,
      items: LiveIncident[] | HubWorker[] | LiveStatsChange[] | LiveSensor[],
      truncated: boolean,
    ): SubscribeOutcome {
      const state = client.subscriptions.get(topic);
      if (!clients.has(client) || state?.phase !== 'snapshot' || state.ticket !== ticket) return { kind: 'none' };
      const entries = ring(topic).after(seq);
      if (!entries) return askSnapshot(client, topic);
      if (topic === 'stats') {
        client.outbox.enqueue({ type: 'snapshot', topic: 'stats', epoch, seq, items: [], truncated: false });
      } else if (topic === 'sensors') {
        const visible = (items as LiveSensor[]).filter((s) => sensorVisible(client.viewer, s));
        client.outbox.enqueue({ type: 'snapshot', topic: 'sensors', epoch, seq, items: visible, truncated });
      } else if (topic === 'incidents') {
        client.knownIncidents?.clear();
        const visible = (items as LiveIncident[]).filter((i) => projectIncident(client, i) !== null && !isFinishedState(i.state));
        client.outbox.enqueue({ type: 'snapshot', topic: 'incidents', epoch, seq, items: visible, truncated });
      } else {
        if (client.bbox) client.knownWorkers = new Set();
        const visible = (items as HubWorker[]).filter((w) => workerVisible(client.viewer, w) && insideBbox(client.bbox, w.item.lon, w.item.lat));
        for (const w of visible) client.knownWorkers?.add(w.item.code);
        client.outbox.enqueue({ type: 'snapshot', topic: 'workers', epoch, seq, items: visible.map((w) => w.item), truncated });
      }
      client.subscriptions.set(topic, { phase: 'live' });
      replay(client, topic, entries, false);
      return { kind: 'resumed' };
    },
    publishIncident(incident, at) {
      const seq = incidents.push([incident], at);
      for (const client of clients) {
        if (client.subscriptions.get('incidents')?.phase !== 'live') continue;
        const item = projectIncident(client, incident);
        if (item) client.outbox.enqueue({ type: 'delta', topic: 'incidents', seq, items: [item] });
      }
      return seq;
    },
    publishStatsChange(change, at) {
      const seq = stats.push([change], at);
      for (const client of clients) {
        if (client.subscriptions.get('stats')?.phase !== 'live' || !statsChangeVisible(client.viewer, change)) continue;
        client.outbox.enqueue({ type: 'delta', topic: 'stats', seq, items: [change] });
      }
      return seq;
    },
    publishSensor(sensor) {
      const seq = sensors.push([sensor]);
      for (const client of clients) {
        if (client.subscriptions.get('sensors')?.phase !== 'live' || !sensorVisible(client.viewer, sensor)) continue;
        client.outbox.enqueue({ type: 'delta', topic: 'sensors', seq, items: [sensor] });
      }
      return seq;
    },
    stageWorker(worker) {
      staged.delete(worker.item.code);
      staged.set(worker.item.code, worker);
    },
    flushWorkers() {
      let seq: number | null = null;
      if (staged.size > 0) {
        const batch = [...staged.values()];
        staged.clear();
        seq = workers.push(batch);
        // The scope filter once per distinct scope (a handful of jurisdictions), the viewport per client.
        const inScope = new Map<string, { workers: HubWorker[]; items: LiveWorker[] }>();
        for (const client of clients) {
          if (client.subscriptions.get('workers')?.phase !== 'live') continue;
          const { viewer } = client;
          const key = viewer.role === 'field_worker' ? `worker:${viewer.workerCode}` : `unit:${viewer.jurisdiction}`;
          let visible = inScope.get(key);
          if (!visible) {
            const scoped = batch.filter((w) => workerVisible(viewer, w));
            visible = { workers: scoped, items: scoped.map((w) => w.item) };
            inScope.set(key, visible);
          }
          let items = visible.items;
          if (client.bbox) {
            items = [];
            for (const worker of visible.workers) {
              const item = placeWorker(client, worker);
              if (item) items.push(item);
            }
          }
          if (items.length > 0) client.outbox.offerWorkers(seq, items);
        }
      }
      for (const client of clients) client.outbox.flush();
      return seq;
    },
  };
}
