/**
 * One client's outgoing queue with back-pressure. Two lanes:
 *
 * - messages (hello, snapshots, incident deltas, pong, errors) are queued in order and never dropped. While the
 *   socket's `bufferedAmount` is above the high-water mark they wait; when more than `maxQueuedMessages` wait, or the
 *   socket holds more than `maxBufferedBytes`, the client is too far behind and is closed with LIVE_CLOSE.resumeRequired
 *   so that it reconnects and resumes from its last sequence numbers (a replay or a fresh snapshot).
 * - worker positions are coalesced: the newest item per worker replaces an older queued one, and they go out as one
 *   delta (carrying the newest sequence number) when the message lane is empty and the socket is below the mark.
 *
 * Pure apart from the socket it is given, so it is unit-tested with a fake socket.
 */
import { LIVE_CLOSE, type LiveWorker, type ServerMessage } from './live-protocol.js';

export interface OutboxSocket {
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code: number, reason: string): void;
}

export interface OutboxLimits {
  /** Above this many buffered bytes nothing more is written to the socket for now. */
  highWaterBytes: number;
  /** More queued messages than this: the client is closed with resumeRequired. */
  maxQueuedMessages: number;
  /** More buffered bytes than this: the client is closed with resumeRequired. */
  maxBufferedBytes: number;
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { highWaterBytes: 256 * 1024, maxQueuedMessages: 500, maxBufferedBytes: 8 * 1024 * 1024 };

/**
 * Worker items are shared by every client that receives them (the hub passes the same object), so each is turned
 * into JSON once, not once per client.
 */
const workerJson = new WeakMap<LiveWorker, string>();
function serializeWorker(item: LiveWorker): string {
  let json = workerJson.get(item);
  if (json === undefined) {
    json = JSON.stringify(item);
    workerJson.set(item, json);
  }
  return json;
}

export class LiveOutbox {
  private readonly queue: string[] = [];
  private readonly workers = new Map<string, LiveWorker>();
  private workersSeq = 0;
  private ended = false;
  /** Worker items replaced by a newer one before being sent (a measure of back-pressure). */
  coalescedWorkers = 0;

  constructor(
    private readonly socket: OutboxSocket,
    private readonly limits: OutboxLimits = DEFAULT_OUTBOX_LIMITS,
  ) {}

  get closed(): boolean {
    return this.ended;
  }

  get queuedMessages(): number {
    return this.queue.length;
  }

  get pendingWorkers(): number {
    return this.workers.size;
  }

  /** Queue a message that must not be lost, and write what the socket accepts now. */
  enqueue(message: ServerMessage): void {
    if (this.ended) return;
    // A workers snapshot supersedes positions queued before it (the hub holds back deltas while a snapshot is read).
    if (message.type === 'snapshot' && message.topic === 'workers') this.workers.clear();
    this.queue.push(JSON.stringify(message));
    if (this.queue.length > this.limits.maxQueuedMessages || this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.end(LIVE_CLOSE.resumeRequired, 'resume_required');
      return;
    }
    this.flush();
  }

  /** Offer worker positions of delta `seq`; newest per worker wins until they are written. */
  offerWorkers(seq: number, items: readonly LiveWorker[]): void {
    if (this.ended) return;
    for (const item of items) {
      if (this.workers.has(item.code)) this.coalescedWorkers += 1;
      this.workers.set(item.code, item);
    }
    if (seq > this.workersSeq) this.workersSeq = seq;
  }

  /** Write queued messages, then coalesced worker positions, as long as the socket is below the high-water mark. */
  flush(): void {
    if (this.ended) return;
    while (this.queue.length > 0 && this.socket.bufferedAmount < this.limits.highWaterBytes) {
      this.socket.send(this.queue.shift()!);
    }
    if (this.queue.length === 0 && this.workers.size > 0 && this.socket.bufferedAmount < this.limits.highWaterBytes) {
      const items = [...this.workers.values()].map(serializeWorker).join(',');
      this.workers.clear();
      // The same text as JSON.stringify({ type: 'delta', topic: 'workers', seq, items }).
      this.socket.send(`{"type":"delta","topic":"workers","seq":${this.workersSeq},"items":[${items}]}`);
    }
  }

  /** Forget queued worker positions (the client unsubscribed from workers). */
  dropWorkers(): void {
    this.workers.clear();
  }

  end(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.length = 0;
    this.workers.clear();
    this.socket.close(code, reason);
  }
}
