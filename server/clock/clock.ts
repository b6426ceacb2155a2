/**
 * The one shape of "what time is it" that every module takes from its caller, so that a test can move time
 * (time limits, caches, rate limits) instead of waiting for it. No imports: the client bundles it too.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The clock's time in milliseconds since the epoch, for arithmetic on durations. */
export function nowMs(clock: Clock): number {
  return clock.now().getTime();
}
