/**
 * The embedded broker's in-flight limit (IOT_MAX_PENDING): a bound on the messages taken from devices and not yet
 * stored, across every connection.
 *
 * What aedes gives by itself: a connection's next socket read waits until every packet of the previous read has
 * been handled, and the ingest calls back only after the commit (reading-ingest.ts) — so one read's packets per
 * connection are in flight, and the total grows with the number of connections (20,000 devices reconnecting with a
 * backlog each). This gate adds the global bound: when more than `limit` messages are pending, it
 *  - holds the acknowledgement of every message that completes meanwhile (the PUBACK waits: aedes does not read that
 *    connection's next packets until then), and
 *  - pauses every connection that has nothing in flight (aedes' Client.pause: its next socket read waits),
 * until the ingest has written its queue down to half the limit; then it acknowledges (limit / 1,000 held PUBACKs per
 * turn of the event loop, at least one) and resumes (one connection per turn) while the queue stays under the limit. Nothing taken is
 * dropped: a held message is already stored, only its PUBACK waits; TCP flow control pushes back on the devices.
 * Bound: limit + the packets of the socket reads already being parsed when it closed (one read per connection at
 * most: 64 KiB). Counted in the ingest stats (times closed, peak pending).
 */
import type { IngestStats } from './ingest-stats.js';
import type { ReadingIngest } from './reading-ingest.js';

/** What the gate needs of an aedes client. */
export interface PausableClient {
  pause(): void;
  resume(): void;
}

export interface IngestGate {
  /** A connection the broker accepted (its packets may now be paused), and one that went away. */
  add(client: PausableClient): void;
  remove(client: PausableClient): void;
  /** After a message was handed to the ingest: closes the gate when the limit is passed. */
  taken(): void;
  /** Runs `ack` now, or when the gate opens again. */
  acknowledge(ack: () => void): void;
  readonly closed: boolean;
}

/** aedes 1.x: a client reads its next packets when none of the previous read is left (`_parsingBatch` 0). */
const idle = (client: PausableClient) => (client as unknown as { _parsingBatch?: number })._parsingBatch === 0;

export function createIngestGate(ingest: Pick<ReadingIngest, 'pending' | 'whenPendingAtMost'>, limit: number, stats: IngestStats): IngestGate {
  const clients = new Set<PausableClient>();
  const paused = new Set<PausableClient>();
  const held: (() => void)[] = [];
  let closed = false;

  /**
   * Open again one connection at a time: a held acknowledgement, or a paused connection resumed, per turn of the
   * event loop, as long as the queue stays under the limit — each lets one connection read again, and all at once
   * would let every one of them read a socket's worth in the same turn.
   */
  let releasing = false;
  /**
   * Held acknowledgements released per turn: one for a small limit (the bound stays tight), more for a large one —
   * one per turn would take tens of thousands of turns to work off a city's queue and throttle the ingest far below
   * the database's pace. Each lets at most one more socket read in (the documented bound).
   */
  const releasePerTurn = Math.max(1, Math.floor(limit / 1000));
  const releaseNext = () => {
    releasing = false;
    if (closed) return;
    if (ingest.pending > limit) {
      close();
      return;
    }
    if (held.length > 0) {
      for (const ack of held.splice(0, releasePerTurn)) ack();
    } else {
      const client = paused.values().next().value;
      if (!client) return;
      paused.delete(client);
      client.resume();
    }
    if (held.length > 0 || paused.size > 0) {
      releasing = true;
      setImmediate(releaseNext);
    }
  };

  const open = () => {
    closed = false;
    if (!releasing) releaseNext();
  };

  function close() {
    closed = true;
    stats.countThrottle();
    for (const client of clients) {
      if (!idle(client)) continue;
      client.pause();
      paused.add(client);
    }
    ingest.whenPendingAtMost(Math.floor(limit / 2), open);
  }

  return {
    add: (client) => void clients.add(client),
    remove(client) {
      clients.delete(client);
      paused.delete(client);
    },
    taken() {
      const pending = ingest.pending;
      stats.notePending(pending);
      if (closed || pending <= limit) return;
      close();
    },
    acknowledge(ack) {
      // Behind the acknowledgements still held: PUBACKs in the order of the PUBLISHes.
      if (closed || held.length > 0) held.push(ack);
      else ack();
    },
    get closed() {
      return closed;
    },
  };
}
