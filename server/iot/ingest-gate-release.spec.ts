/**
 * The in-flight gate's release pace (ingest-backpressure.ts), without a broker or a database: once the queue is
 * down to half the limit, a small limit releases one held PUBACK per turn of the event loop (the bound stays tight),
 * a city-sized one limit / 1,000 per turn — one per turn took tens of seconds to work off 50,000 held PUBACKs.
 */
import { describe, expect, it } from 'vitest';
import { createIngestGate } from './ingest-backpressure.js';
import { createIngestStats } from './ingest-stats.js';

/** A queue whose length the test sets; `drain` runs the gate's "down to half" callback. */
function fakeIngest() {
  let waiting: { level: number; fn: () => void } | null = null;
  return {
    pending: 0,
    whenPendingAtMost(level: number, fn: () => void) {
      waiting = { level, fn };
    },
    drain(to: number) {
      this.pending = to;
      const w = waiting;
      if (w && to <= w.level) {
        waiting = null;
        w.fn();
      }
    },
  };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function releasedInFirstTurns(limit: number, heldCount: number, turns: number): Promise<number> {
  const ingest = fakeIngest();
  const gate = createIngestGate(ingest, limit, createIngestStats());
  ingest.pending = limit + 1;
  gate.taken();
  expect(gate.closed).toBe(true);
  let released = 0;
  for (let i = 0; i < heldCount; i += 1) gate.acknowledge(() => (released += 1));
  expect(released).toBe(0);
  ingest.drain(Math.floor(limit / 2));
  for (let t = 0; t < turns; t += 1) await nextTurn();
  return released;
}

describe('the in-flight gate’s release of held acknowledgements', () => {
  it('releases one per turn under a small limit', async () => {
    const released = await releasedInFirstTurns(100, 50, 3);
    expect(released).toBeGreaterThanOrEqual(3);
    expect(released).toBeLessThanOrEqual(4);
  });

  it('releases limit / 1,000 per turn under a city-sized limit, all of them in order', async () => {
    const order: number[] = [];
    const ingest = fakeIngest();
    const gate = createIngestGate(ingest, 50_000, createIngestStats());
    ingest.pending = 50_001;
    gate.taken();
    for (let i = 0; i < 5_000; i += 1) gate.acknowledge(() => order.push(i));
    ingest.drain(25_000);
    for (let t = 0; t < 101 && order.length < 5_000; t += 1) await nextTurn();
    expect(order).toHaveLength(5_000);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(gate.closed).toBe(false);
  });
});
