/**
 * The offer's countdown by the server's clock: the phone's own clock may be far off, so the offset between the
 * server's time (the `serverTime` of /api/field/me, taken when its answer arrived) and the phone's is applied to
 * every reading. Pure.
 */
export interface ClockOffset {
  /** serverTime − phone time when the answer arrived, in ms. */
  offsetMs: number;
}

export function clockOffset(serverTimeIso: string, phoneNowMs: number): ClockOffset {
  const server = Date.parse(serverTimeIso);
  return { offsetMs: Number.isFinite(server) ? server - phoneNowMs : 0 };
}

/** Milliseconds left until the deadline by the server's clock; never below 0. */
export function remainingMs(deadlineIso: string, phoneNowMs: number, offset: ClockOffset): number {
  const deadline = Date.parse(deadlineIso);
  if (!Number.isFinite(deadline)) return 0;
  return Math.max(0, deadline - (phoneNowMs + offset.offsetMs));
}

/** "0:59", "12:05", "1:02:03": whole seconds rounded up, so 0:00 means it has run out. */
export function formatCountdown(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** Urgency of the countdown's colour: under 15 s critical, under 30 s warning. */
export function countdownUrgency(ms: number): 'normal' | 'warning' | 'critical' {
  return ms <= 15_000 ? 'critical' : ms <= 30_000 ? 'warning' : 'normal';
}
