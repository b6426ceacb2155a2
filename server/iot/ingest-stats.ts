/**
 * Counters of the ingest: messages received, stored, refused per reason, alarms raised, and rates over the last
 * minute (a ring of one-second buckets). In memory, per server process; GET /api/iot/ingest-stats shows them.
 */
import { REJECT_REASONS, type RejectReason } from './iot-payload.js';

const WINDOW_SECONDS = 60;

export interface IngestStatsSnapshot {
  since: string;
  received: number;
  stored: number;
  duplicates: number;
  /** Readings older than their sensor's newest (stored, left out of the rules: sensor-rules.ts). */
  late: number;
  /** Batches of the priority lane: readings that change a sensor's rule state, written ahead of the bulk queue. */
  priorityBatches: number;
  heartbeats: number;
  statuses: number;
  rejected: Record<RejectReason, number>;
  alarmsRaised: number;
  recoveries: number;
  batches: number;
  /** The embedded broker's in-flight limit (ingest-backpressure.ts): times it closed, and the most messages pending. */
  backpressure: { throttled: number; peakPending: number };
  /** Per second, averaged over the last minute (or since start when shorter). */
  ratePerSecond: { received: number; stored: number; rejected: number };
  lastBatch: { rows: number; milliseconds: number } | null;
}

export interface IngestStats {
  countReceived(n?: number): void;
  countStored(n: number, duplicates: number): void;
  countHeartbeat(): void;
  countStatus(): void;
  countRejected(reason: RejectReason): void;
  countAlarm(): void;
  countLate(): void;
  countPriorityBatch(): void;
  countRecovery(): void;
  countBatch(rows: number, milliseconds: number): void;
  countThrottle(): void;
  notePending(pending: number): void;
  snapshot(): IngestStatsSnapshot;
}

export function createIngestStats(now: () => number = Date.now): IngestStats {
  const started = now();
  const totals = {
    received: 0,
    stored: 0,
    duplicates: 0,
    late: 0,
    priorityBatches: 0,
    heartbeats: 0,
    statuses: 0,
    alarmsRaised: 0,
    recoveries: 0,
    batches: 0,
  };
  const rejected = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  // buckets[i] = [second, received, stored, rejected]
  const buckets: [number, number, number, number][] = Array.from({ length: WINDOW_SECONDS }, () => [-1, 0, 0, 0]);
  let lastBatch: IngestStatsSnapshot['lastBatch'] = null;
  const backpressure = { throttled: 0, peakPending: 0 };
  const bucket = () => {
    const second = Math.floor(now() / 1000);
    const b = buckets[second % WINDOW_SECONDS];
    if (b[0] !== second) b.splice(0, 4, second, 0, 0, 0);
    return b;
  };
  return {
    countReceived(n = 1) {
      totals.received += n;
      bucket()[1] += n;
    },
    countStored(n, duplicates) {
      totals.stored += n;
      totals.duplicates += duplicates;
      bucket()[2] += n;
    },
    countHeartbeat: () => void (totals.heartbeats += 1),
    countStatus: () => void (totals.statuses += 1),
    countRejected(reason) {
      rejected[reason] += 1;
      bucket()[3] += 1;
    },
    countAlarm: () => void (totals.alarmsRaised += 1),
    countLate: () => void (totals.late += 1),
    countPriorityBatch: () => void (totals.priorityBatches += 1),
    countRecovery: () => void (totals.recoveries += 1),
    countBatch(rows, milliseconds) {
      totals.batches += 1;
      lastBatch = { rows, milliseconds: Math.round(milliseconds * 10) / 10 };
    },
    countThrottle: () => void (backpressure.throttled += 1),
    notePending(pending) {
      if (pending > backpressure.peakPending) backpressure.peakPending = pending;
    },
    snapshot() {
      const second = Math.floor(now() / 1000);
      const span = Math.max(1, Math.min(WINDOW_SECONDS, second - Math.floor(started / 1000)));
      const sum = [0, 0, 0];
      for (const b of buckets) if (b[0] > second - span && b[0] <= second) for (let i = 0; i < 3; i += 1) sum[i] += b[i + 1];
      const rate = (n: number) => Math.round((n / span) * 10) / 10;
      return {
        since: new Date(started).toISOString(),
        ...totals,
        rejected: { ...rejected },
        ratePerSecond: { received: rate(sum[0]), stored: rate(sum[1]), rejected: rate(sum[2]) },
        lastBatch,
        backpressure: { ...backpressure },
      };
    },
  };
}
