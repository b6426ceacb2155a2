/**
 * How often an attention animation (the pulse of new red and orange incidents) may draw a frame: at most
 * every PULSE_FRAME_MS (≈ 12 frames a second), and never more than a fifth of the page's time. A frame
 * costs ~5 ms on a GPU but 100–200 ms in software WebGL (a command-centre PC without a GPU driver, a
 * remote desktop, headless Chromium): there the pulse slows to a step or two a second instead of taking
 * the whole main thread from the dispatcher's clicks, the live channel and the video players.
 */
export const PULSE_FRAME_MS = 80;
/** The share of the page's time the pulse may spend drawing. */
export const PULSE_TIME_SHARE = 0.2;
/** The pulse still moves at least this often, however slow the frames. */
export const PULSE_SLOWEST_MS = 2_000;

/** The pause before the next pulse frame, given how long the last one took from request to drawn. */
export function pulseDelayAfterFrame(frameMs: number): number {
  if (!Number.isFinite(frameMs) || frameMs < 0) return PULSE_FRAME_MS;
  const pause = (frameMs * (1 - PULSE_TIME_SHARE)) / PULSE_TIME_SHARE;
  return Math.round(Math.min(PULSE_SLOWEST_MS, Math.max(PULSE_FRAME_MS, pause)));
}
