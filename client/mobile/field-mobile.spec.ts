/** The field app's pure parts: the countdown by the server's clock, the position filter, the outbox's order and states. */
import { describe, expect, it } from 'vitest';
import { clockOffset, countdownUrgency, formatCountdown, remainingMs } from './offer-countdown.js';
import { DEFAULT_POSITION_FILTER, metresBetween, shouldSendFix } from './position-filter.js';
import { nextToSend, outcomeOfAnswer, pendingCount, type OutboxItem } from './outbox-rules.js';

describe('offer countdown', () => {
  it('counts by the server clock when the phone is an hour off', () => {
    const phoneNow = Date.parse('2026-12-07T09:00:00Z');
    const offset = clockOffset('2026-12-07T10:00:00Z', phoneNow);
    expect(offset.offsetMs).toBe(3_600_000);
    expect(remainingMs('2026-12-07T10:01:00Z', phoneNow, offset)).toBe(60_000);
    expect(remainingMs('2026-12-07T10:01:00Z', phoneNow + 75_000, offset)).toBe(0);
    expect(remainingMs('not a date', phoneNow, offset)).toBe(0);
  });
  it('formats and grades the time left', () => {
    expect(formatCountdown(59_001)).toBe('1:00');
    expect(formatCountdown(59_000)).toBe('0:59');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
    expect(countdownUrgency(40_000)).toBe('normal');
    expect(countdownUrgency(30_000)).toBe('warning');
    expect(countdownUrgency(15_000)).toBe('critical');
  });
});

describe('position filter', () => {
  const at = (lon: number, lat: number, t: number, accuracy = 10) => ({ lon, lat, at: t, accuracy });
  it('sends the first fix, then one per interval when still, early on a move, never a poor fix', () => {
    const first = at(118.9, 32.1, 0);
    expect(shouldSendFix(first, null)).toBe(true);
    expect(shouldSendFix(at(118.9, 32.1, 10_000), first)).toBe(false);
    expect(shouldSendFix(at(118.9, 32.1, 30_000), first)).toBe(true);
    // 0.001° of longitude at 32.1° N is about 94 m.
    expect(metresBetween(first, at(118.901, 32.1, 0))).toBeCloseTo(94.3, 0);
    expect(shouldSendFix(at(118.901, 32.1, 6_000), first)).toBe(true);
    expect(shouldSendFix(at(118.901, 32.1, 3_000), first)).toBe(false);
    expect(shouldSendFix(at(118.9, 32.1, 60_000, 500), first)).toBe(false);
    expect(DEFAULT_POSITION_FILTER.intervalMs).toBe(30_000);
  });
});

describe('outbox rules', () => {
  const item = (seq: number, state: OutboxItem['state']): OutboxItem => ({
    seq,
    key: `k${seq}`,
    kind: 'patrol',
    label: '',
    method: 'POST',
    url: '/x',
    state,
    createdAt: seq,
    attempts: 0,
  });
  it('sends the oldest unsent item first, a half-sent one again, and counts what waits', () => {
    const items = [item(3, 'queued'), item(1, 'sent'), item(2, 'sending'), item(4, 'failed')];
    expect(nextToSend(items)?.seq).toBe(2);
    expect(nextToSend([item(1, 'sent'), item(4, 'failed')])).toBeNull();
    expect(pendingCount(items)).toBe(2);
  });
  it('keeps an item on network loss, 5xx and an ended session; fails it with its reason on 4xx', () => {
    expect(outcomeOfAnswer(0, null)).toEqual({ state: 'queued', stop: 'offline' });
    expect(outcomeOfAnswer(503, { code: 'database_timeout' })).toEqual({ state: 'queued', stop: 'server_error' });
    expect(outcomeOfAnswer(401, { code: 'authentication_required' })).toEqual({ state: 'queued', stop: 'sign_in' });
    expect(
      outcomeOfAnswer(409, { code: 'transition_refused', message: 'Cannot acknowledge', details: { reason: 'event_not_allowed_in_state' } }),
    ).toEqual({
      state: 'failed',
      error: { status: 409, code: 'transition_refused', reason: 'event_not_allowed_in_state', message: 'Cannot acknowledge' },
    });
    expect(outcomeOfAnswer(201, {})).toEqual({ state: 'sent' });
    expect(outcomeOfAnswer(409, { code: 'idempotency_in_progress' })).toEqual({ state: 'queued', stop: 'server_error' });
  });
});

describe('grid tiles for offline use', () => {
  it('covers a box with the tiles of each zoom, and builds the style URLs for both sources', async () => {
    const { tilesCoveringBbox, gridTileUrls } = await import('./grid-tiles.js');
    // Xianlin at z14: x 13604, y 6648 around 118.93 E, 32.10 N.
    expect(tilesCoveringBbox([118.93, 32.1, 118.93, 32.1], 14, 14)).toEqual([[14, 13604, 6648]]);
    const tiles = tilesCoveringBbox([118.92, 32.09, 118.94, 32.11], 12, 14);
    expect(tiles.filter(([z]) => z === 12).length).toBeGreaterThanOrEqual(1);
    expect(tiles.every(([z, x, y]) => x >= 0 && y >= 0 && x < 2 ** z && y < 2 ** z)).toBe(true);
    const urls = gridTileUrls('http://h', [118.92, 32.09, 118.94, 32.11]);
    expect(urls.length).toBeLessThan(400);
    expect(urls[0]).toMatch(/^http:\/\/h\/tiles\/water,landuse,roads,unit_boundaries,micro_grids,unit_labels\/11\/\d+\/\d+$/);
    expect(urls[1]).toMatch(/^http:\/\/h\/tiles\/cameras,sensors\/11\//);
  });
});
