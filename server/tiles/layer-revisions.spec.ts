import { describe, expect, it } from 'vitest';
import { MovableClock } from '../../tests/support/movable-clock.js';
import { LayerRevisions } from './layer-revisions.js';

describe('LayerRevisions', () => {
  const rows = (cameras: string) => [
    { layer: 'cameras', revision: cameras },
    { layer: 'sensors', revision: '7' },
  ];

  it('reads once per max age, and concurrent callers share the reading', async () => {
    const clock = new MovableClock(1_000);
    let reads = 0;
    let cameras = '1';
    const revisions = new LayerRevisions(1_000, clock);
    const read = async () => {
      reads += 1;
      return rows(cameras);
    };
    const [a, b] = await Promise.all([revisions.current(read), revisions.current(read)]);
    expect(reads).toBe(1);
    expect(a).toBe(b);
    expect(a.get('cameras')).toBe('1');
    expect(a.get('sensors')).toBe('7');

    cameras = '2';
    clock.advanceMs(999);
    expect((await revisions.current(read)).get('cameras')).toBe('1');
    clock.advanceMs(1);
    expect((await revisions.current(read)).get('cameras')).toBe('2');
    expect(reads).toBe(2);
  });

  it('counts the max age from the start of a reading, and keeps nothing of a failed one', async () => {
    const clock = new MovableClock(0);
    const revisions = new LayerRevisions(1_000, clock);
    await expect(revisions.current(() => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    const slow = revisions.current(async () => {
      clock.advanceMs(800); // the query takes 800 ms
      return rows('3');
    });
    expect((await slow).get('cameras')).toBe('3');
    clock.advanceMs(200);
    // 1 000 ms after the reading started, though only 200 ms after it ended: read again.
    expect((await revisions.current(async () => rows('4'))).get('cameras')).toBe('4');
  });
});
