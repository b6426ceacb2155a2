import { describe, expect, it } from 'vitest';
import type { LiveIncident } from '../api/api-types.js';
import { isOverdue, orderQueue } from './incident-queue-order.js';

const item = (id: number, grade: LiveIncident['grade'], deadlineAt: string | null, state = 'reported'): LiveIncident =>
  ({ id, grade, deadlineAt, state, overdue: false, reportedAt: '2026-11-23T08:00:00Z' }) as LiveIncident;

describe('queue order', () => {
  it('puts higher grades first, then the nearest deadline, cases without one last; drops finished ones', () => {
    const ordered = orderQueue([
      item(1, 'blue', '2026-11-23T08:05:00Z'),
      item(2, 'red', null),
      item(3, 'red', '2026-11-23T09:00:00Z'),
      item(4, 'orange', '2026-11-23T08:10:00Z'),
      item(5, 'red', '2026-11-23T08:30:00Z'),
      item(6, 'red', '2026-11-23T08:00:00Z', 'closed'),
    ]);
    expect(ordered.map((i) => i.id)).toEqual([5, 3, 2, 4, 1]);
  });

  it('marks a case overdue when the server says so or its deadline has passed', () => {
    const now = Date.parse('2026-11-23T08:06:00Z');
    expect(isOverdue(item(1, 'blue', '2026-11-23T08:05:00Z'), now)).toBe(true);
    expect(isOverdue(item(1, 'blue', '2026-11-23T08:07:00Z'), now)).toBe(false);
    expect(isOverdue({ overdue: true, deadlineAt: null }, now)).toBe(true);
  });
});
