import { describe, expect, it } from 'vitest';
import { PULSE_FRAME_MS, PULSE_SLOWEST_MS, pulseDelayAfterFrame } from './pulse-pacing.js';

describe('pulse pacing', () => {
  it('runs at its own pace when frames are cheap (a GPU)', () => {
    expect(pulseDelayAfterFrame(5)).toBe(PULSE_FRAME_MS);
    expect(pulseDelayAfterFrame(20)).toBe(PULSE_FRAME_MS);
  });

  it('keeps drawing to a fifth of the time when frames are expensive (software WebGL)', () => {
    expect(pulseDelayAfterFrame(200)).toBe(800);
    const frame = 150;
    const share = frame / (frame + pulseDelayAfterFrame(frame));
    expect(share).toBeCloseTo(0.2, 5);
  });

  it('still moves when a frame is very slow, and ignores nonsense timings', () => {
    expect(pulseDelayAfterFrame(5_000)).toBe(PULSE_SLOWEST_MS);
    expect(pulseDelayAfterFrame(Number.NaN)).toBe(PULSE_FRAME_MS);
    expect(pulseDelayAfterFrame(-3)).toBe(PULSE_FRAME_MS);
  });
});
