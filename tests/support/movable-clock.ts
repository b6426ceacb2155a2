/** A Clock that tests move by hand: time limits, caches and rate limits are tested without waiting. */
import type { Clock } from '../../server/clock/clock.js';

export class MovableClock implements Clock {
  private at: number;

  constructor(start: Date | number | string) {
    this.at = typeof start === 'number' ? start : new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  advanceMs(ms: number): void {
    this.at += ms;
  }

  advanceMinutes(minutes: number): void {
    this.advanceMs(minutes * 60_000);
  }

  advanceDays(days: number): void {
    this.advanceMs(days * 86_400_000);
  }
}
