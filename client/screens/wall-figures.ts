/**
 * The wall counts a newly reported case the moment its live delta arrives, without waiting for the summary's round
 * trip (pure; the summary read that follows every delta replaces these figures with the API's).
 */
import type { LiveIncident } from '../live/live-client.js';
import { isRemovedFromOpenView } from '../../server/live/live-protocol.js';
import { shanghaiDay } from './screen-format.js';
import type { StatsSummary } from './stats-client.js';

/** The summary with the arrived cases reported today inside the focus counted in: incidents, open now, grade, source. */
export function countArrivals(summary: StatsSummary, arrived: readonly LiveIncident[], focusCode: string, today: string): StatsSummary {
  const inFocus = arrived.filter(
    (i) =>
      (focusCode === 'city' || i.microGridCode.startsWith(focusCode)) && shanghaiDay(new Date(i.reportedAt)) === today && !isRemovedFromOpenView(i),
  );
  if (inFocus.length === 0) return summary;
  const byGrade = { ...summary.byGrade };
  const bySource: Record<string, number> = { ...summary.bySource };
  for (const i of inFocus) {
    byGrade[i.grade] = (byGrade[i.grade] ?? 0) + 1;
    bySource[i.source] = (bySource[i.source] ?? 0) + 1;
  }
  return {
    ...summary,
    totals: { ...summary.totals, incidents: summary.totals.incidents + inFocus.length, openNow: summary.totals.openNow + inFocus.length },
    byGrade,
    bySource: bySource as StatsSummary['bySource'],
  };
}
