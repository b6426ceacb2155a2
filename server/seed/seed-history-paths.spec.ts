/** The courses of generated historical cases, checked against the real lifecycle. */
import { describe, expect, it } from 'vitest';
import { historyPathSteps, PATH_VARIANTS, pathNumber, VARIANT_SHARES } from './seed-history-paths.js';
import { historyShiftDays, HISTORY_REFERENCE_END } from './seed-history.js';

describe('history paths', () => {
  const steps = historyPathSteps();
  const byPath = (variant: (typeof PATH_VARIANTS)[number], evaluated: boolean) => steps.filter((s) => s.path === pathNumber(variant, evaluated));

  it('runs every path through transition() from reported to closed or rejected', () => {
    for (const variant of PATH_VARIANTS) {
      for (const evaluated of [false, true]) {
        const path = byPath(variant, evaluated);
        expect(path[0]).toMatchObject({ step: 0, event: 'reported', toState: 'reported' });
        for (let i = 1; i < path.length; i += 1) expect(path[i].fromState).toBe(path[i - 1].toState);
        expect(path.at(-1)!.toState).toBe(variant === 'rejected' ? 'rejected' : 'closed');
        expect(path.filter((s) => s.event === 'evaluate').length).toBe(variant === 'rejected' || !evaluated ? 0 : 1);
        expect(path.length).toBeLessThanOrEqual(16);
      }
    }
  });

  it('passes a declined or unanswered offer to a second worker and keeps the handler for verification', () => {
    const declined = byPath('declined', true);
    expect(declined.map((s) => s.event)).toEqual([
      'reported',
      'accept',
      'dispatch',
      'decline',
      'dispatch',
      'acknowledge',
      'arrive',
      'resolve',
      'verify',
      'evaluate',
      'close',
    ]);
    expect(declined.find((s) => s.event === 'resolve')).toMatchObject({ resolvedBy: 2, assignedWorker: 2 });
    const timedOut = byPath('offer_timeout', false);
    expect(timedOut.find((s) => s.event === 'offer_timeout')).toMatchObject({ toState: 'accepted', assignedWorker: 0, actorRole: 'system' });
    expect(byPath('verify_failed', false).find((s) => s.event === 'verify_fail')).toMatchObject({
      toState: 'dispatched',
      offerAcknowledged: true,
      deadlineStage: 'arrive',
    });
    expect(byPath('reopened', false).filter((s) => s.event === 'close')).toHaveLength(2);
  });

  it('has shares that add up to all cases', () => {
    expect(VARIANT_SHARES.reduce((s, [, w]) => s + w, 0)).toBe(100);
  });

  it('moves the calendar by whole weeks so that it ends within the week before the seed time', () => {
    expect(historyShiftDays(HISTORY_REFERENCE_END)).toBe(0);
    expect(historyShiftDays(new Date(HISTORY_REFERENCE_END.getTime() + 6.9 * 86_400_000))).toBe(0);
    expect(historyShiftDays(new Date(HISTORY_REFERENCE_END.getTime() + 7 * 86_400_000))).toBe(7);
    expect(historyShiftDays(new Date(HISTORY_REFERENCE_END.getTime() - 1))).toBe(-7);
    expect(historyShiftDays(new Date('2027-03-01T09:00:00+08:00')) % 7).toBe(0);
  });
});
