/**
 * A flagged camera's reasons in words (zh-CN / English through the review's messages): one line per reason code,
 * with the figures behind it (the heading given, the distances to a road as given and read as GCJ-02).
 * Pure: the translate function is passed in (tests use the message tables directly).
 */
import type { FlaggedCamera } from './camera-review-api.js';

/** The QA measures road distances up to this many metres (migration 0038); a capped value reads "≥ 12". */
export const ROAD_METRES_CAP = 12;

export interface ReasonLine {
  flag: string;
  title: string;
  why: string;
}

type Translate = (key: string, values?: Record<string, string | number>) => string;

export function formatRoadMetres(metres: number | null, translate: Translate): string {
  if (metres === null) return '–';
  if (metres >= ROAD_METRES_CAP) return translate('review.metresOrMore', { metres: ROAD_METRES_CAP });
  return metres.toFixed(1);
}

export function describeReasons(camera: Pick<FlaggedCamera, 'flags' | 'headingDeg' | 'roadMetres'>, translate: Translate): ReasonLine[] {
  return camera.flags.map((flag) => ({
    flag,
    title: translate(`review.flag.${flag}`),
    why: translate(`review.why.${flag}`, {
      heading: camera.headingDeg === null ? '–' : camera.headingDeg,
      given: formatRoadMetres(camera.roadMetres.given, translate),
      gcj: formatRoadMetres(camera.roadMetres.gcj02, translate),
    }),
  }));
}
